#!/usr/bin/env python3
"""Fits the cleaner's line model (src/clean/classify.rs, LINE_WEIGHTS) and
reports its figures cross-validated by site.

usage: scripts/fit-line-model.py [--folds K] [--l2 L] [--ecb-weight W]
                                 [--margin M] [--remove-only | --anywhere]
                                 [--no-build]

Every AEB and Readability page is cleaned as a site of its own (no corpus
evidence), as scripts/eval-cleaner.sh does; `examples/line_features.rs`
gives the features of every line the block classifier judged. A line is
body when its words (\\w+ runs, as the scorer counts them) are a run of the
page's hand-extracted body; it weighs its share of the page's words, so
that each page counts about the same, as in the scorer. A logistic
regression (L2, Newton's method, numpy) is fitted on the lines of K folds
of sites less one and scored on the pages of the fold left out (a site is
a host for AEB, a Readability page's name without its number: nytimes-1
and nytimes-2 are one site), so that no page is scored by weights fitted
on its own site; the figure reported is the held-out one, pooled over the
folds, with the scorer of ../shared/data/tools/score_boilerplate.py, beside
the blocks' verdict alone (what the cleaner gives without the model).
ECB+'s articles, already clean, are in the fit too (every line body,
weighing --ecb-weight of a page each, in folds by topic), so that the
model learns that clean prose stays; the share of their words kept held
out is reported. Last, the weights fitted on every page: the ones to paste
into classify.rs.

The model is applied as classify.rs applies it: the kept lines above the
article's first paragraph stay, and a line the blocks removed before or
after the article stays removed (--anywhere lifts that); --remove-only lets
the model only remove lines, --margin M only overrule the blocks by a score
beyond M.

Needs numpy (pip install numpy).
"""
import hashlib
import importlib.util
import json
import os
import re
import subprocess
import sys
import tempfile
from urllib.parse import urlparse

import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)
data = os.path.join(root, "..", "shared", "data")
argv = sys.argv[1:]


def option(name, default):
    if name in argv:
        at = argv.index(name)
        value = argv[at + 1]
        del argv[at:at + 2]
        return type(default)(value)
    return default


FOLDS = option("--folds", 5)
L2 = option("--l2", 0.1)
MARGIN = option("--margin", 0.25)
REMOVE_ONLY = "--remove-only" in argv
INSIDE_ONLY = "--anywhere" not in argv
LONG = np.log(70.5) / 7  # 70 characters or more, as Line::is_long
build = "--no-build" not in argv

spec = importlib.util.spec_from_file_location("scorer", os.path.join(data, "tools", "score_boilerplate.py"))
scorer = importlib.util.module_from_spec(spec)
spec.loader.exec_module(scorer)
TOK = re.compile(r"\w+", re.U)

if build:
    subprocess.run(["cargo", "build", "--release", "--quiet", "--example", "line_features",
                    "--manifest-path", os.path.join(root, "Cargo.toml")], check=True)
target = json.loads(subprocess.run(
    ["cargo", "metadata", "--format-version", "1", "--no-deps", "--manifest-path",
     os.path.join(root, "Cargo.toml")], check=True, capture_output=True, text=True).stdout)["target_directory"]
example = os.path.join(target, "release", "examples", "line_features")


def site(name, page):
    if name == "aeb":
        return "aeb:" + urlparse(page["url"]).netloc.removeprefix("www.")
    return "readability:" + re.sub(r"-\d+$", "", page["id"])


pages = []  # (set name, page, site, features {line: [f]})
names = None
for name, path in [("aeb", "aeb/pages.jsonl"), ("readability", "readability/pages.jsonl")]:
    rows = [json.loads(line) for line in open(os.path.join(data, path), encoding="utf-8")]
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as f:
        for p in rows:
            f.write(json.dumps({"id": p["id"], "source": "page " + p["id"], "text": p["raw"]}) + "\n")
        corpus = f.name
    try:
        out = subprocess.run([example, corpus], check=True, capture_output=True, text=True).stdout
    finally:
        os.unlink(corpus)
    features = {}
    for line in out.splitlines():
        d = json.loads(line)
        names = d["names"]
        features[d["id"]] = {n: f for n, f in d["lines"]}
    for p in rows:
        pages.append((name, p, site(name, p), features[p["id"]]))


def lines_of(page, feats):
    """(line number, features, body?, weight) of each line the classifier judged."""
    gold = " " + " ".join(TOK.findall(page["clean"])) + " "
    raw = page["raw"].split("\n")
    total = sum(len(TOK.findall(line)) for line in raw) or 1
    out = []
    for n, f in sorted(feats.items()):
        words = TOK.findall(raw[n])
        body = bool(words) and (" " + " ".join(words) + " ") in gold
        out.append((n, f, body, max(len(words), 1) / total))
    return out


# ECB+'s articles are already clean: every line of them is body. They
# teach the model that clean prose stays, weighing ECB_WEIGHT of a page each,
# in folds by topic like the sites.
ECB_WEIGHT = option("--ecb-weight", 0.1)
ecb_rows = [json.loads(line) for line in open(os.path.join(data, "ecbplus-dev", "articles.jsonl"), encoding="utf-8")]
out = subprocess.run([example, os.path.join(data, "ecbplus-dev", "articles.jsonl")],
                     check=True, capture_output=True, text=True).stdout
ecb_features = {d["id"]: {n: f for n, f in d["lines"]} for d in map(json.loads, out.splitlines())}
for p in ecb_rows:
    pages.append(("ecb", {"id": p["id"], "raw": p["text"], "clean": p["text"]}, "ecb:%s" % p["topic"],
                  ecb_features[p["id"]]))

table = [lines_of(p, f) for _, p, _, f in pages]
table = [[(n, f, b, w * (ECB_WEIGHT if pages[i][0] == "ecb" else 1.0)) for n, f, b, w in page]
         for i, page in enumerate(table)]
KEPT = names.index("kept")
BEFORE, AFTER = names.index("before_article"), names.index("after_article")
# What a line's neighbour logit is taken to be beyond the page's edges.
EDGE = -3.0


def fit(rows):
    """Weighted L2 logistic regression, (features, body?, weight) rows."""
    X = np.array([f for page in rows for _, f, _, _ in page], dtype=float)
    y = np.array([b for page in rows for _, _, b, _ in page], dtype=float)
    w = np.array([v for page in rows for _, _, _, v in page], dtype=float)
    beta = np.zeros(X.shape[1])
    ridge = L2 * np.eye(X.shape[1])
    ridge[0, 0] = 0.0  # the bias is not shrunk
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-X @ beta))
        grad = X.T @ (w * (p - y)) + ridge @ beta
        hess = (X * (w * p * (1 - p))[:, None]).T @ X + ridge
        step = np.linalg.solve(hess, grad)
        beta -= step
        if np.abs(step).max() < 1e-8:
            break
    return beta


def stacked(page, first):
    """Stage 2's rows of a page: each line's features, then its stage-1
    logit and the mean logits of the (up to) two judged lines before it and
    after it, all divided by 5 (as classify.rs computes them)."""
    z = [float(np.dot(first, f)) for _, f, _, _ in page]
    rows = []
    for k, (n, f, b, w) in enumerate(page):
        before, after = z[max(0, k - 2):k], z[k + 1:k + 3]
        mean = lambda zs: sum(zs) / len(zs) if zs else EDGE
        rows.append((n, list(f) + [z[k] / 5, mean(before) / 5, mean(after) / 5], b, w))
    return rows


def fit_both(indices, salt):
    """Stage 1 on the pages, and stage 2 on stage-1 logits cross-fitted
    within them (each page's logits from weights fitted without its site)."""
    first = fit([table[i] for i in indices])
    inner = {}
    for j in range(4):
        train = [i for i in indices if fold_of(pages[i][2] + salt, 4) != j]
        beta = fit([table[i] for i in train])
        for i in indices:
            if fold_of(pages[i][2] + salt, 4) == j:
                inner[i] = beta
    second = fit([stacked(table[i], inner[i]) for i in indices])
    return first, second


def keeps(first, second, page):
    """The lines kept: the model's verdict (the blocks', unless the model's
    score disagrees with it by more than MARGIN), but a headline, dateline
    or standfirst the blocks kept above the article stays, and a line they
    removed before or after the article stays removed (unless --anywhere),
    as classify.rs applies it."""
    rows = stacked(page, first)
    # The kept lines above the first kept paragraph stay, as in classify.rs.
    head = set()
    for n, g, _, _ in rows:
        if g[KEPT] > 0.5:
            if g[names.index("ends_sentence")] > 0.5 or g[names.index("log_chars")] >= LONG:
                break
            head.add(n)
    return [n for n, g, _, _ in rows
            if n in head or (float(np.dot(second, g)) > (-MARGIN if g[KEPT] > 0.5 else MARGIN)
                             and (g[KEPT] > 0.5 or not (REMOVE_ONLY or (INSIDE_ONLY and (g[BEFORE] > 0.5 or g[AFTER] > 0.5)))))]


def score(indices, kept_lines):
    gold = [pages[i][1] for i in indices]
    pred = {pages[i][1]["id"]: "\n".join(pages[i][1]["raw"].split("\n")[n] for n in kept_lines[i])
            for i in indices}
    return scorer.score(gold, pred)["f1"]


def report(label, kept_lines):
    figures = []
    for name in ("aeb", "readability"):
        idx = [i for i, p in enumerate(pages) if p[0] == name]
        figures.append("%s %.3f (even %.3f, odd %.3f)" % (
            name, score(idx, kept_lines), score(idx[0::2], kept_lines), score(idx[1::2], kept_lines)))
    print(label + ": " + "; ".join(figures))


def fold_of(s, folds):
    return int(hashlib.sha1(s.encode()).hexdigest(), 16) % folds


everything = range(len(pages))
report("blocks alone", {i: [n for n, f, _, _ in table[i] if f[KEPT] > 0.5] for i in everything})
held_out = {}
for k in range(FOLDS):
    test = [i for i in everything if fold_of(pages[i][2], FOLDS) == k]
    first, second = fit_both([i for i in everything if fold_of(pages[i][2], FOLDS) != k], "inner")
    for i in test:
        held_out[i] = keeps(first, second, table[i])
report("line model, held out by site (%d folds)" % FOLDS, held_out)
first, second = fit_both(list(everything), "inner")
report("line model, fitted on all (training figure)",
       {i: keeps(first, second, table[i]) for i in everything})

def words_kept(kept_lines):
    idx = [i for i, p in enumerate(pages) if p[0] == "ecb"]
    given = kept = 0
    for i in idx:
        raw = pages[i][1]["raw"].split("\n")
        given += sum(len(line.split()) for line in raw)
        kept += sum(len(raw[n].split()) for n in kept_lines[i])
    return kept / given


print("ECB+ words kept (in the fit, held out by topic): blocks alone %.4f, line model %.4f" % (
    words_kept({i: [n for n, f, _, _ in table[i] if f[KEPT] > 0.5] for i in everything}),
    words_kept(held_out)))

print("weights fitted on every page (classify.rs):")
print("const LINE_WEIGHTS: [f32; FEATURES] = [")
for n, b in zip(names, first):
    print("    %.4f, // %s" % (b, n))
print("];")
print("const STACKED_WEIGHTS: [f32; FEATURES + 3] = [")
for n, b in zip(names + ["logit", "logit_before", "logit_after"], second):
    print("    %.4f, // %s" % (b, n))
print("];")
