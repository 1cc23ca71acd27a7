#!/usr/bin/env python3
"""Event clustering on a dated stand-in for ECB+ (ECB+ has no dates): how
much the time factor cuts long stories apart, and whether it keeps two
same-kind events of one topic apart when they are weeks or months apart.

Each gold event's articles get publication dates spread like a story's
coverage: 60% within its first 3 days, 25% on days 3-14, 15% on days 15-60
(follow-ups). The two events of a topic (ECB and ECB+) start APART days
from each other, drawn from the list given. The folds are those of
scripts/eval-events-cv.sh (topics round-robin); each fold is clustered on
its own with the binary's defaults and scored with BCubed.

This is a stand-in, not data: the spread is an assumption, stated here so
that a figure measured with it can be weighed.

usage: python3 scripts/eval-events-dated.py [CORPUS.jsonl] [--seed 7]
                                            [--apart 20,45,90,200] [--folds 5]
Honours CARGO_TARGET_DIR (builds the release binary first).
"""
import argparse
import collections
import datetime
import json
import os
import random
import statistics
import subprocess
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def bcubed(gold, pred):
    gc, pc = collections.defaultdict(set), collections.defaultdict(set)
    for i in gold:
        gc[gold[i]].add(i)
        pc[pred[i]].add(i)
    p = sum(len(gc[gold[i]] & pc[pred[i]]) / len(pc[pred[i]]) for i in gold) / len(gold)
    r = sum(len(gc[gold[i]] & pc[pred[i]]) / len(gc[gold[i]]) for i in gold) / len(gold)
    return p, r, 2 * p * r / (p + r)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus", nargs="?",
                    default=os.path.join(ROOT, "..", "shared", "data", "ecbplus-dev",
                                         "articles.jsonl"))
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--apart", default="20,45,90,200")
    ap.add_argument("--folds", type=int, default=5)
    a = ap.parse_args()
    subprocess.run(["cargo", "build", "--quiet", "--release", "--bin", "dedup"], cwd=ROOT,
                   check=True)
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    dedup = os.path.join(target, "release", "dedup")
    apart = [int(x) for x in a.apart.split(",")]
    rows = [json.loads(l) for l in open(a.corpus, encoding="utf-8") if l.strip()]
    rng = random.Random(a.seed)
    topics = sorted({str(r["topic"]) for r in rows}, key=lambda t: (len(t), t))
    start = {}
    for t in topics:
        s = rng.randrange(0, 3000)
        start[(t, "ecb")], start[(t, "ecbplus")] = s, s + rng.choice(apart)

    def offset():
        u = rng.random()
        if u < 0.6:
            return rng.randint(0, 2)
        return rng.randint(3, 14) if u < 0.85 else rng.randint(15, 60)

    base = datetime.date(2015, 1, 1)
    for r in rows:
        sub = "ecbplus" if r["cluster"].endswith("ecbplus") else "ecb"
        day = start[(str(r["topic"]), sub)] + offset()
        r["date"] = (base + datetime.timedelta(days=day)).isoformat()
    fold_of = {t: i % a.folds for i, t in enumerate(topics)}
    scores = []
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(a.folds):
            chosen = [r for r in rows if fold_of[str(r["topic"])] == k]
            path = os.path.join(tmp, f"{k}.jsonl")
            with open(path, "w", encoding="utf-8") as f:
                for r in chosen:
                    f.write(json.dumps({"id": r["id"], "text": r["text"], "date": r["date"]}) + "\n")
            out = subprocess.run([dedup, "-q", "--format", "jsonl", path], check=True,
                                 capture_output=True, text=True).stdout
            pred = {d["id"]: d["cluster"] for d in map(json.loads, out.splitlines())}
            scores.append(bcubed({r["id"]: r["cluster"] for r in chosen}, pred))
    p, r, f = (statistics.mean(s[i] for s in scores) for i in range(3))
    print("BCubed F1 %.4f  (P %.4f, R %.4f)  folds %s" % (
        f, p, r, " ".join("%.3f" % s[2] for s in scores)))


if __name__ == "__main__":
    main()
