#!/usr/bin/env bash
# Cross-validated event-clustering quality on ECB+ train+dev, folds split by
# topic, so no fold is scored with a threshold chosen on its own topics.
#
# For each fold and each threshold of a small grid the fold is clustered on
# its own (its topics plus the five seed articles, which must stay one
# cluster with no intruder) and BCubed F1 is measured. Then:
# - "default": the binary's defaults, scored fold by fold;
# - "cv": for each fold, the grid threshold with the best mean F1 on the
#   *other* folds, scored on this fold (how well tuning the threshold
#   generalises to unseen topics).
# Both are reported as mean ± standard deviation over folds, with min and max.
#
# usage: scripts/eval-events-cv.sh [CORPUS.jsonl] [FOLDS] [DEDUP FLAGS...]
#   CORPUS.jsonl  rows {id, text, cluster, topic}; default
#                 ../shared/data/ecbplus-dev/articles.jsonl
#   FOLDS         number of folds (default 5); topics go to folds round-robin
#                 in numeric order
# Honours CARGO_TARGET_DIR. Extra flags go to every `dedup eval` run.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${1:-../shared/data/ecbplus-dev/articles.jsonl}
folds=${2:-5}
shift $(($# > 2 ? 2 : $#)) || true
# (extra flags must not set --event-threshold: the grid sets it)
[ -f "$corpus" ] || { echo "eval-events-cv: no corpus at $corpus" >&2; exit 2; }
cargo build --quiet --release
dedup=${CARGO_TARGET_DIR:-target}/release/dedup
[ -x "$dedup" ] || { echo "eval-events-cv: no binary at $dedup" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
grid=${GRID:-"0.06 0.07 0.08 0.09 0.10 0.11 0.12 0.13"}

python3 - "$corpus" "$tmp" "$folds" "$dedup" "$grid" "$@" <<'PY'
import json, statistics, subprocess, sys, pathlib
corpus, tmp, folds, dedup, grid = sys.argv[1], pathlib.Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
extra = sys.argv[6:]
grid = [float(t) for t in grid.split()]
rows = [json.loads(l) for l in open(corpus, encoding="utf-8") if l.strip()]
topics = sorted({str(r["topic"]) for r in rows}, key=lambda t: (len(t), t))
fold_of = {t: i % folds for i, t in enumerate(topics)}
seeds = ["moscowtimes-putin-effective-dialogue", "moscowtimes-afp-biden-putin-call",
         "brasovnews-putin-effective-dialogue", "wire-putin-biden-discuss-tensions",
         "nos-biden-putin-charged-call"]
seed_rows = [{"id": "seed/" + s, "text": open(f"fixtures/{s}.txt", encoding="utf-8").read(),
              "cluster": "seeds"} for s in seeds]
for k in range(folds):
    chosen = [r for r in rows if fold_of[str(r["topic"])] == k] + seed_rows
    with open(tmp / f"{k}.jsonl", "w") as f, open(tmp / f"{k}.gold.jsonl", "w") as g:
        for r in chosen:
            f.write(json.dumps({"id": r["id"], "text": r["text"]}) + "\n")
            g.write(json.dumps({"id": r["id"], "cluster": r["cluster"]}) + "\n")

def run(k, flags):
    out = subprocess.run([dedup, "eval", "--format", "json", "--gold", str(tmp / f"{k}.gold.jsonl"),
                          str(tmp / f"{k}.jsonl"), *flags, *extra], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)["events"]["bcubed"]

def seeds_ok(k, flags):
    out = subprocess.run([dedup, "--quiet", "--format", "jsonl", str(tmp / f"{k}.jsonl"), *flags, *extra],
                         capture_output=True, text=True)
    lines = [json.loads(l) for l in out.stdout.splitlines()]
    clusters = {l["cluster"] for l in lines if l["id"].startswith("seed/")}
    intruders = [l["id"] for l in lines if l["cluster"] in clusters and not l["id"].startswith("seed/")]
    return len(clusters) == 1 and not intruders

def summary(name, values):
    sd = statistics.pstdev(values) if len(values) > 1 else 0.0
    print("%-8s mean %.4f  sd %.4f  min %.4f  max %.4f  folds %s" % (
        name, statistics.mean(values), sd, min(values), max(values),
        " ".join("%.3f" % v for v in values)))

default = [run(k, []) for k in range(folds)]
table = {t: [run(k, ["--event-threshold", str(t)])["f1"] for k in range(folds)] for t in grid}
print("fold topics: " + "; ".join(
    "%d: %s" % (k, ",".join(t for t in topics if fold_of[t] == k)) for k in range(folds)))
print("threshold grid (BCubed F1 per fold):")
for t in grid:
    print("  %.3f  %s  mean %.4f" % (t, " ".join("%.3f" % v for v in table[t]), statistics.mean(table[t])))
summary("default", [d["f1"] for d in default])
print("         P %.4f  R %.4f (means)" % (statistics.mean(d["precision"] for d in default),
                                         statistics.mean(d["recall"] for d in default)))
cv, picked = [], []
for k in range(folds):
    best = max(grid, key=lambda t: (statistics.mean(table[t][j] for j in range(folds) if j != k), -t))
    picked.append(best)
    cv.append(table[best][k])
summary("cv", cv)
print("         thresholds picked: " + " ".join("%.3f" % t for t in picked))
bad = [k for k in range(folds) if not seeds_ok(k, [])]
print("seeds one cluster, no intruder (defaults): " + ("ok in every fold" if not bad else
      "FAIL in fold(s) " + ",".join(map(str, bad))))
sys.exit(1 if bad else 0)
PY
