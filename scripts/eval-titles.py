#!/usr/bin/env python3
"""Headline quality on Readability's pages: the title dedup picks from the
raw page text, against the page's `title`.

usage: scripts/eval-titles.py [--misses] [--half 0|1] [PAGES.jsonl] [DEDUP]

PAGES.jsonl defaults to ../shared/data/readability/pages.jsonl ({id, title,
raw}); DEDUP to target/release/dedup (CARGO_TARGET_DIR honoured). Only the
raw text is given to dedup, never the title. A pick counts as right when,
case and whitespace folded, it equals the title or one of the title's parts
split at a site separator (" | ", " - ", " — ", " – ", " : ", " :: ", " » ").
Prints the share right, the ceiling (titles that are a line of the page,
whole or as a part), and with --misses each wrong pick beside its title.
--half 0 (or 1) scores only the pages at even (odd) places in the file
(dedup still reads them all): a rule fitted to one half should help the
other.
"""
import json, os, re, subprocess, sys, tempfile

here = os.path.dirname(os.path.abspath(__file__))
argv = sys.argv[1:]
half = None
if "--half" in argv:
    at = argv.index("--half")
    half = int(argv[at + 1])
    del argv[at:at + 2]
args = [a for a in argv if a != "--misses"]
misses = "--misses" in argv
pages_path = args[0] if args else os.path.join(here, "..", "..", "shared", "data", "readability", "pages.jsonl")
target = os.environ.get("CARGO_TARGET_DIR", os.path.join(here, "..", "target"))
dedup = args[1] if len(args) > 1 else os.path.join(target, "release", "dedup")

SEPARATORS = re.compile(r"\s+(?:\||-|—|–|:|::|»)\s+")


def fold(text):
    return " ".join(text.split()).casefold()


def accepted(title):
    return {fold(title)} | {fold(p) for p in SEPARATORS.split(title) if p.strip()}


pages = [json.loads(l) for l in open(pages_path, encoding="utf-8") if l.strip()]
with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as f:
    for p in pages:
        f.write(json.dumps({"id": p["id"], "text": p["raw"]}) + "\n")
    corpus = f.name
try:
    out = subprocess.run([dedup, "--quiet", "--no-events", "--format", "json", corpus],
                         check=False, capture_output=True, text=True).stdout
finally:
    os.unlink(corpus)
picked = {m["id"]: m["title"] for c in json.loads(out)["clusters"] for m in c["members"]}
if half is not None:
    pages = pages[half::2]
right = ceiling = 0
for p in pages:
    ok = accepted(p["title"])
    lines = {fold(l) for l in p["raw"].splitlines() if l.strip()}
    ceiling += bool(ok & lines)
    got = picked.get(p["id"])
    if got is not None and fold(got) in ok:
        right += 1
    elif misses:
        print(f"{p['id']}: picked {got!r}\n      title  {p['title']!r}")
n = len(pages)
print(json.dumps({"pages": n, "right": right, "share": round(right / n, 3),
                  "ceiling": round(ceiling / n, 3)}))
