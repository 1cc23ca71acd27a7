#!/usr/bin/env python3
"""Builds the many-pages-per-site dev set for near-duplicates and cleaning.

usage: scripts/build-devset.py DATA_DIR OUT_DIR [DEDUP] [--seed N] [--sites N] [--articles N]

--seed and --sites (defaults 11 and 8) draw other site templates and other
placements: the same recipe on sites the default set never saw, to check
that a rule tuned on the default set carries over (README, "Quality").
--articles N wraps only N of the articles (a random draw; the planted
copies scaled down with them): with many sites, one or two pages a site,
where no site's template is seen often enough to be corpus evidence.

DATA_DIR is ../shared/data (AEB, readability, ECB+ dev). OUT_DIR receives
  pages.jsonl  {"id", "url"?, "text", "clean"}  one scraped page a line
  gold.jsonl   {"id", "group"}                   gold near-duplicate groups
The set is generated at run time and never committed (the data is not ours).

How it is made (README, "Quality"):
- Site templates are the page furniture of real AEB pages: the lines above
  the article body (masthead, menus) and below it (sidebars, tag lists,
  comment forms, footers), found by matching the page's `raw` against its
  hand-cleaned `clean`. Each template page also gets a per-page "related"
  block (titles of other articles of the site) and a dated byline.
- Every ECB+ dev article, every readability and AEB hand-cleaned body is
  wrapped in one site's template: about a hundred pages per site.
- Some AEB bodies are cut to their first sentence or two: short posts inside
  a big template, the case that fools a template-blind comparison.
- Some articles are carried by a second site too (a wire copy under another
  site's furniture): those pairs are the planted copies.
- Gold groups: the planted copies, joined with the near-duplicates already in
  the data, judged on the clean bodies with dedup's own rule: the DEDUP
  binary run on the bodies without cleaning (default), or, without DEDUP, a
  Python approximation of it (word 5-shingles, Jaccard >= 0.5, or
  containment >= 0.8 of at least 20 shingles sharing min(50, all) of them;
  its tokens differ a little from dedup's).
Half the sites give a `url` field, the others only a URL as the id; no page
has a `source` field. The build is deterministic (seeded).
"""
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import urllib.parse

SITES = 8
COPIES = 60
SHORT = 30
SEED = 11


def load(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def norm(line):
    return re.sub(r"\s+", " ", line).strip()


def furniture(page):
    """Lines of the page above and below its article body."""
    lines = [norm(l) for l in page["raw"].splitlines()]
    body = {norm(l) for l in page["clean"].splitlines() if len(norm(l)) > 40}
    hits = [i for i, l in enumerate(lines) if l in body]
    if len(hits) < 3:
        return None
    head = [l for l in lines[: hits[0]] if l]
    tail = [l for l in lines[hits[-1] + 1 :] if l]
    return head, tail


WORD = re.compile(r"\w+", re.U)


def shingles(text, n=5):
    words = WORD.findall(text.lower())
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def is_copy(a, b):
    shared = len(a & b)
    if not a or not b:
        return False
    if shared / len(a | b) >= 0.5:
        return True
    small = min(len(a), len(b))
    return small >= 20 and shared >= max(0.8 * small, min(50, small))


def natural_pairs(articles, dedup):
    """Pairs of articles whose clean bodies are near-duplicates."""
    if dedup:
        with tempfile.TemporaryDirectory() as tmp:
            bodies = os.path.join(tmp, "bodies.jsonl")
            with open(bodies, "w", encoding="utf-8") as f:
                for key, body, _ in articles:
                    f.write(json.dumps({"id": key, "text": body}) + "\n")
            run = [dedup, "--quiet", "--no-clean", "--no-events", "--format", "json", bodies]
            report = json.loads(subprocess.run(run, check=True, capture_output=True).stdout)
        return [
            (p["a"], p["b"])
            for c in report["clusters"]
            for g in c["near_duplicate_groups"]
            for p in g["pairs"]
        ]
    sets = {k: shingles(body) for (k, body, _) in articles}
    keys = sorted(sets)
    index = {}
    for k in keys:
        for s in sets[k]:
            index.setdefault(s, set()).add(k)
    pairs = []
    for k in keys:
        near = set()
        for s in sets[k]:
            near |= index[s]
        pairs += [(k, o) for o in sorted(near) if o > k and is_copy(sets[k], sets[o])]
    return pairs


def headline(text):
    for line in text.splitlines():
        line = line.strip()
        if 3 <= len(line.split()) <= 20 and not line.endswith("."):
            return line
    words = text.split()
    return " ".join(words[:8])


def slug(text):
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "page"


def options(argv):
    """The positional arguments, and --seed, --sites and --articles."""
    positional, seed, sites, count = [], SEED, SITES, None
    args = iter(argv)
    for arg in args:
        if arg == "--seed":
            seed = int(next(args))
        elif arg == "--sites":
            sites = int(next(args))
        elif arg == "--articles":
            count = int(next(args))
        else:
            positional.append(arg)
    return positional, seed, sites, count


def main():
    (data, out, *dedup), seed, sites, count = options(sys.argv[1:])
    rng = random.Random(seed)
    aeb = load(os.path.join(data, "aeb", "pages.jsonl"))
    readability = load(os.path.join(data, "readability", "pages.jsonl"))
    ecb = load(os.path.join(data, "ecbplus-dev", "articles.jsonl"))

    # Templates: AEB pages with plenty of furniture on both sides, one per host.
    donors, hosts = [], set()
    for page in sorted(aeb, key=lambda p: p["id"]):
        host = urllib.parse.urlparse(page["url"]).netloc
        parts = furniture(page)
        if host in hosts or not parts:
            continue
        head, tail = parts
        if len(head) >= 15 and len(tail) >= 15:
            donors.append((host, head, tail, page["id"]))
            hosts.add(host)
    rng.shuffle(donors)
    donors = donors[:sites]
    donor_ids = {d[3] for d in donors}

    articles = []  # (key, body, kind)
    for r in ecb:
        articles.append(("ecb-" + r["id"], r["text"], "full"))
    for r in readability:
        articles.append(("rdb-" + r["id"], r["clean"], "full"))
    rest = [r for r in aeb if r["id"] not in donor_ids and len(r["clean"].split()) > 80]
    rng.shuffle(rest)
    for i, r in enumerate(rest):
        body = r["clean"]
        kind = "full"
        if i < SHORT:
            sentences = re.split(r"(?<=[.!?])\s+", " ".join(body.split()))
            body = " ".join(sentences[: rng.choice([1, 2])])
            kind = "short"
        articles.append(("aeb-" + r["id"][:12], body, kind))
    rng.shuffle(articles)
    copies = COPIES
    if count is not None:
        copies = max(1, COPIES * count // len(articles))
        articles = articles[:count]

    # Each article on one site; some carried by a second site too.
    placements = [(a, i % len(donors)) for i, a in enumerate(articles)]
    full = [i for i, a in enumerate(articles) if a[2] == "full"]
    for i in rng.sample(full, copies):
        first = i % len(donors)
        second = (first + 1 + rng.randrange(len(donors) - 1)) % len(donors)
        placements.append((articles[i], second))
    rng.shuffle(placements)

    titles = {}
    for (key, body, _), _site in placements:
        titles[key] = headline(body)
    by_site = {}
    for (key, _, _), site in placements:
        by_site.setdefault(site, []).append(key)

    pages, seen = [], set()
    for n, ((key, body, _), site) in enumerate(placements):
        host, head, tail, _ = donors[site]
        related = [titles[k] for k in rng.sample(by_site[site], min(5, len(by_site[site]))) if k != key][:4]
        day = f"{rng.randrange(1, 29)} March 2024, {rng.randrange(0, 24):02d}:{rng.randrange(0, 60):02d}"
        text = "\n".join(
            head
            + ["", f"Published {day}", ""]
            + body.splitlines()
            + ["", "Related"]
            + ["* " + t for t in related]
            + [""]
            + tail
        )
        url = f"https://{host}/2024/{slug(titles[key])}-{n}"
        page_id = url
        assert page_id not in seen
        seen.add(page_id)
        row = {"id": page_id, "text": text, "clean": body, "article": key}
        if site % 2 == 0:
            row = {"id": f"{host}-{n}", "url": url, "text": text, "clean": body, "article": key}
        pages.append(row)

    # Gold: pages that carry the same article, or articles whose clean
    # bodies are near-duplicates by dedup's rule.
    parent = list(range(len(pages)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i, j):
        parent[find(i)] = find(j)

    first = {}
    for i, p in enumerate(pages):
        if p["article"] in first:
            union(i, first[p["article"]])
        else:
            first[p["article"]] = i
    natural = 0
    for k, other in natural_pairs(articles, dedup[0] if dedup else None):
        union(first[k], first[other])
        natural += 1

    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "pages.jsonl"), "w", encoding="utf-8") as f:
        for p in pages:
            row = {k: v for k, v in p.items() if k != "article"}
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    with open(os.path.join(out, "gold.jsonl"), "w", encoding="utf-8") as f:
        for i, p in enumerate(pages):
            f.write(json.dumps({"id": p["id"], "group": find(i)}) + "\n")
    print(
        f"{len(pages)} pages on {len(donors)} sites ({', '.join(d[0] for d in donors)}); "
        f"{copies} planted copies, {natural} near-duplicate pairs among the clean bodies",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
