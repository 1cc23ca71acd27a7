#!/usr/bin/env python3
"""Incremental events (the persistent index, #13) against the batch run, on
a labelled corpus (ECB+ dev by default): BCubed precision, recall and F1 of
both.

usage: python3 scripts/eval-index-events.py [CORPUS.jsonl] [--batches 10]
                                            [--work DIR] [DEDUP FLAGS...]

CORPUS rows are {id, text, cluster}. The articles are fed to `dedup index
add` in date order, in --batches equal batches; an article's date is its
"date" field when it has one. ECB+ has none: its articles are ordered by
sub-corpus (the ECB articles, then the later ECB+ ones, which report a
second event of each topic) and then by id, so later batches bring new
stories of old topics. The batch figure is `dedup --format jsonl` over the
whole corpus with the same flags. Two incremental figures: each article's
event as its add reported it, and the event it is in after the last add
(a `dedup query` of the stored articles: merges of stored events move their
articles). Cleaning and events on, defaults otherwise.
"""
import argparse
import json
import os
import re
import subprocess
import sys
from collections import defaultdict

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "dedup")


def bcubed(pred, gold):
    """BCubed precision, recall, F1 of clustering `pred` (id -> label) against `gold`."""
    by_pred, by_gold = defaultdict(set), defaultdict(set)
    for i, c in pred.items():
        by_pred[c].add(i)
    for i, c in gold.items():
        by_gold[c].add(i)
    p = r = 0.0
    for i in gold:
        mine, truth = by_pred[pred[i]], by_gold[gold[i]]
        shared = len(mine & truth)
        p += shared / len(mine)
        r += shared / len(truth)
    p, r = p / len(gold), r / len(gold)
    return p, r, 2 * p * r / (p + r)


def order_key(row):
    sub = 1 if re.search(r"ecbplus$", row["id"]) else 0
    nums = [int(x) for x in re.findall(r"\d+", row["id"])]
    return (row.get("date") or "", sub, nums, row["id"])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus", nargs="?",
                    default=os.path.join(ROOT, "..", "shared", "data", "ecbplus-dev",
                                         "articles.jsonl"))
    ap.add_argument("--batches", type=int, default=10)
    ap.add_argument("--work", default="/tmp/dedup-eval-index-events")
    a, flags = ap.parse_known_args()
    if not os.path.exists(a.corpus):
        sys.exit(f"eval-index-events: no corpus at {a.corpus}")
    subprocess.run(["cargo", "build", "--quiet", "--release", "--bin", "dedup"], cwd=ROOT,
                   check=True)
    os.makedirs(a.work, exist_ok=True)
    rows = [json.loads(l) for l in open(a.corpus, encoding="utf-8") if l.strip()]
    gold = {r["id"]: r["cluster"] for r in rows}
    rows.sort(key=order_key)
    index = os.path.join(a.work, "events.idx")
    if os.path.exists(index):
        os.remove(index)
    incremental = {}
    size = -(-len(rows) // a.batches)
    for b in range(a.batches):
        part = rows[b * size:(b + 1) * size]
        path = os.path.join(a.work, f"batch{b}.jsonl")
        with open(path, "w") as f:
            for r in part:
                f.write(json.dumps({k: r[k] for k in ("id", "text", "date") if k in r}) + "\n")
        out = subprocess.run([BIN, "index", "add", "--index", index, "-q", "--format", "jsonl",
                              *flags, path], capture_output=True, check=True)
        for line in out.stdout.decode().splitlines():
            answer = json.loads(line)
            incremental[answer["id"]] = answer["event"]
    whole = os.path.join(a.work, "all.jsonl")
    with open(whole, "w") as f:
        for r in rows:
            f.write(json.dumps({k: r[k] for k in ("id", "text", "date") if k in r}) + "\n")
    # Where each article is after the last add (merges move stored ones):
    # a query of a stored article answers with its stored event.
    out = subprocess.run([BIN, "query", "--index", index, "-q", "--format", "jsonl", *flags,
                          whole], capture_output=True, check=True)
    final = {}
    for line in out.stdout.decode().splitlines():
        answer = json.loads(line)
        final[answer["id"]] = answer["event"]
    out = subprocess.run([BIN, "-q", "--format", "jsonl", *flags, whole], capture_output=True,
                         check=True)
    batch = {}
    for line in out.stdout.decode().splitlines():
        answer = json.loads(line)
        batch[answer["id"]] = answer["cluster"]
    for name, pred in [("batch", batch), (f"incremental ({a.batches} adds), as added",
                                         incremental),
                       (f"incremental ({a.batches} adds), final", final)]:
        p, r, f1 = bcubed(pred, gold)
        clusters = len(set(pred.values()))
        print(f"{name}: BCubed precision {p:.3f} recall {r:.3f} F1 {f1:.3f} "
              f"({clusters} clusters, {len(set(gold.values()))} gold)")


if __name__ == "__main__":
    main()
