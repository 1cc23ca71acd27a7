#!/usr/bin/env python3
"""Fit the event channel weights and threshold by nested cross-validation by
topic on ECB+ train+dev (or any {id, text, cluster, topic} JSONL).

Topics go to FOLDS folds round-robin in numeric order, as in
scripts/eval-events-cv.sh; each fold is clustered on its own (its topics
plus the five seed articles of fixtures/). For every setting of a small grid
(--event-weights T,N,A x --event-threshold) each fold's BCubed F1 is
measured once. Then, for each fold, the setting with the best mean F1 on
the *other* folds is scored on it: the mean and spread of those held-out
figures say how well fitting the weights generalises to unseen topics. The
setting best over all folds is printed last, as a candidate default.

With --sweep NAME=FROM:TO:STEP (repeatable; any name `dedup eval --sweep`
takes) the grid is every combination of the sweeps instead, at the
defaults for everything else, and a setting counts only if the fixtures,
read both as text and as HTML pages, still score BCubed 1.0 (the seeds one
event with no same-day intruder).

usage: python3 scripts/fit-events-cv.py [CORPUS.jsonl] [--folds 5] [--jobs 2]
                                        [--sweep NAME=FROM:TO:STEP ...]
Honours CARGO_TARGET_DIR (builds the release binary first).
"""
import argparse
import itertools
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEEDS = ["moscowtimes-putin-effective-dialogue", "moscowtimes-afp-biden-putin-call",
         "brasovnews-putin-effective-dialogue", "wire-putin-biden-discuss-tensions",
         "nos-biden-putin-charged-call"]
# Relative weights, tenths: terms, names, anchors (the defaults are 5:3:3).
WEIGHTS = [(t, n, a) for t in (4, 5, 6) for n in (2, 3, 4) for a in (2, 3, 4)]
THRESHOLDS = [0.06, 0.10]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus", nargs="?",
                    default=os.path.join(ROOT, "..", "shared", "data", "ecbplus-dev",
                                         "articles.jsonl"))
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--sweep", action="append", default=[])
    a = ap.parse_args()
    if not os.path.exists(a.corpus):
        sys.exit(f"fit-events-cv: no corpus at {a.corpus}")
    subprocess.run(["cargo", "build", "--quiet", "--release", "--bin", "dedup"], cwd=ROOT,
                   check=True)
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    dedup = os.path.join(target, "release", "dedup")
    rows = [json.loads(l) for l in open(a.corpus, encoding="utf-8") if l.strip()]
    topics = sorted({str(r["topic"]) for r in rows}, key=lambda t: (len(t), t))
    fold_of = {t: i % a.folds for i, t in enumerate(topics)}
    seeds = [{"id": "seed/" + s, "cluster": "seeds",
              "text": open(os.path.join(ROOT, "fixtures", s + ".txt"), encoding="utf-8").read()}
             for s in SEEDS]
    tmp = tempfile.mkdtemp(prefix="fit-events-cv.")
    for k in range(a.folds):
        chosen = [r for r in rows if fold_of[str(r["topic"])] == k] + seeds
        with open(f"{tmp}/{k}.jsonl", "w") as f, open(f"{tmp}/{k}.gold.jsonl", "w") as g:
            for r in chosen:
                f.write(json.dumps({"id": r["id"], "text": r["text"]}) + "\n")
                g.write(json.dumps({"id": r["id"], "cluster": r["cluster"]}) + "\n")

    if a.sweep:
        try:
            return fit_sweep(a, dedup, tmp)
        finally:
            shutil.rmtree(tmp)

    def f1(job):
        k, (w, t) = job
        out = subprocess.run([dedup, "eval", "--format", "json", "--gold", f"{tmp}/{k}.gold.jsonl",
                              f"{tmp}/{k}.jsonl", "--event-weights", ",".join(str(x / 10) for x in w),
                              "--event-threshold", str(t)],
                             check=True, capture_output=True, text=True)
        return json.loads(out.stdout)["events"]["bcubed"]["f1"]

    settings = list(itertools.product(WEIGHTS, THRESHOLDS))
    jobs = [(k, s) for s in settings for k in range(a.folds)]
    try:
        with ThreadPoolExecutor(a.jobs) as pool:
            scores = list(pool.map(f1, jobs))
    finally:
        shutil.rmtree(tmp)
    table = {s: [0.0] * a.folds for s in settings}
    for (k, s), v in zip(jobs, scores):
        table[s][k] = v

    def name(s):
        return "weights %d:%d:%d threshold %.2f" % (*s[0], s[1])

    held_out = []
    print("fold  picked on the other folds               held-out F1")
    for k in range(a.folds):
        best = max(settings, key=lambda s: (statistics.mean(
            table[s][j] for j in range(a.folds) if j != k), s == ((5, 3, 3), 0.06)))
        held_out.append(table[best][k])
        print("%4d  %-40s %.4f" % (k, name(best), table[best][k]))
    print("nested CV: mean %.4f  sd %.4f  min %.4f  max %.4f" % (
        statistics.mean(held_out), statistics.pstdev(held_out), min(held_out), max(held_out)))
    default = table[((5, 3, 3), 0.06)]
    print("defaults (5:3:3, 0.06): mean %.4f  sd %.4f  folds %s" % (
        statistics.mean(default), statistics.pstdev(default),
        " ".join("%.3f" % v for v in default)))
    best = max(settings, key=lambda s: statistics.mean(table[s]))
    print("best over all folds: %s: mean %.4f  folds %s" % (
        name(best), statistics.mean(table[best]), " ".join("%.3f" % v for v in table[best])))


def sweep_scores(dedup, gold, inputs, sweeps):
    """{setting: BCubed F1} of one `dedup eval` over every combination."""
    flags = [f for s in sweeps for f in ("--sweep", s)]
    out = subprocess.run([dedup, "eval", "--format", "json", "--gold", gold, *inputs, *flags],
                         check=True, capture_output=True, text=True, cwd=ROOT)
    scores = {}
    for line in out.stdout.splitlines():
        d = json.loads(line)
        scores[tuple(sorted(d["sweep"].items()))] = d["events"]["bcubed"]["f1"]
    return scores


def fixture_pages(tmp):
    """The fixtures as publisher pages (as tests/formats.rs writes them) and
    their gold file."""
    os.makedirs(f"{tmp}/pages")
    gold = [json.loads(l) for l in open(os.path.join(ROOT, "fixtures", "gold.jsonl"))]
    with open(f"{tmp}/pages.gold.jsonl", "w") as g:
        for r in gold:
            name = os.path.basename(r["id"]).replace(".txt", ".html")
            lines = [l.strip() for l in open(os.path.join(ROOT, r["id"]), encoding="utf-8")
                     if l.strip()]
            title, body = lines[0], "".join(f"<p>{l}</p>\n" for l in lines[1:])
            with open(f"{tmp}/pages/{name}", "w", encoding="utf-8") as f:
                f.write(f"<!doctype html><html><head><title>{title} | The Paper</title>"
                        f"<meta property=\"og:title\" content=\"{title}\"></head><body>"
                        f"<nav><a href=\"/\">Home</a> <a href=\"/news\">News</a></nav>"
                        f"<article><h1>{title}</h1>\n{body}</article></body></html>")
            g.write(json.dumps({"id": f"{tmp}/pages/{name}", "cluster": r["cluster"]}) + "\n")


def fit_sweep(a, dedup, tmp):
    fixtures = sorted(os.path.join("fixtures", f) for f in os.listdir(os.path.join(ROOT, "fixtures"))
                      if f.endswith(".txt"))
    fixture_pages(tmp)
    ok = sweep_scores(dedup, "fixtures/gold.jsonl", fixtures, a.sweep)
    pages = sweep_scores(dedup, f"{tmp}/pages.gold.jsonl", ["--glob", "*.html", f"{tmp}/pages"], a.sweep)
    with ThreadPoolExecutor(a.jobs) as pool:
        folds = list(pool.map(lambda k: sweep_scores(
            dedup, f"{tmp}/{k}.gold.jsonl", [f"{tmp}/{k}.jsonl"], a.sweep), range(a.folds)))
    settings = [s for s in folds[0] if ok[s] == 1.0 and pages[s] == 1.0]
    name = lambda s: " ".join(f"{k} {v}" for k, v in s)
    for s in folds[0]:
        print("%-60s %s  mean %.4f%s" % (name(s), " ".join("%.3f" % f[s] for f in folds),
                                         statistics.mean(f[s] for f in folds),
                                         "" if s in settings else "  (fixtures fail)"))
    if not settings:
        sys.exit("fit-events-cv: no setting keeps the fixtures whole")
    held_out = []
    for k in range(a.folds):
        best = max(settings, key=lambda s: statistics.mean(
            folds[j][s] for j in range(a.folds) if j != k))
        held_out.append(folds[k][best])
        print("fold %d picks %s: %.4f" % (k, name(best), folds[k][best]))
    print("nested CV: mean %.4f  sd %.4f  min %.4f  max %.4f" % (
        statistics.mean(held_out), statistics.pstdev(held_out), min(held_out), max(held_out)))


if __name__ == "__main__":
    main()
