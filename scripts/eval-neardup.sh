#!/bin/sh
# Near-duplicates on raw scrapes of whole sites: builds the dev set of many
# pages per site (scripts/build-devset.py: ECB+ dev, readability and AEB
# bodies wrapped in real AEB page furniture, some carried by two sites),
# runs dedup on it and prints
#   1. near-duplicate pair precision, recall and F1 against the gold groups
#      (every pair inside a group counts);
#   2. what --write-unique keeps: unique articles dropped (must be 0) and
#      gold groups left with no member;
#   3. cleaning F1 of `dedup clean` on the pages (the AEB metric).
#
# usage: scripts/eval-neardup.sh [DATA_DIR] [dedup options...]
# DEVSET_ARGS="--seed 3 --sites 30" builds the set on other sites (see
# scripts/build-devset.py): a rule tuned on the default set should hold there.
# DATA_DIR defaults to ../shared/data beside the checkout. Honours
# CARGO_TARGET_DIR.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
data=${1:-$root/../shared/data}
[ $# -gt 0 ] && shift
cargo build --release --quiet --manifest-path "$root/Cargo.toml"
dedup="${CARGO_TARGET_DIR:-$root/target}/release/dedup"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# shellcheck disable=SC2086 # DEVSET_ARGS is a list of options
python3 "$root/scripts/build-devset.py" "$data" "$out/dev" "$dedup" ${DEVSET_ARGS:-}
"$dedup" --quiet --format json --write-unique "$out/unique.jsonl" "$@" "$out/dev/pages.jsonl" >"$out/report.json"
"$dedup" clean --format jsonl "$out/dev/pages.jsonl" >"$out/clean.jsonl"
python3 - "$out/dev/gold.jsonl" "$out/report.json" "$out/unique.jsonl" <<'PY'
import itertools, json, sys
gold = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
report = json.load(open(sys.argv[2], encoding="utf-8"))
kept = {json.loads(l)["id"] for l in open(sys.argv[3], encoding="utf-8")}

def pairs(groups):
    return {tuple(sorted(p)) for g in groups for p in itertools.combinations(g, 2)}

by_group = {}
for row in gold:
    by_group.setdefault(row["group"], []).append(row["id"])
gold_pairs = pairs(by_group.values())
found = [g["members"] for c in report["clusters"] for g in c["near_duplicate_groups"]]
found_pairs = pairs(found)
tp = len(gold_pairs & found_pairs)
p = tp / len(found_pairs) if found_pairs else 1.0
r = tp / len(gold_pairs) if gold_pairs else 1.0
f = 2 * p * r / (p + r) if p + r else 0.0
unique_dropped = sum(1 for g in by_group.values() if len(g) == 1 and g[0] not in kept)
groups_lost = sum(1 for g in by_group.values() if not kept & set(g))
print(json.dumps({"pages": len(gold), "gold_pairs": len(gold_pairs), "found_pairs": len(found_pairs),
                  "precision": round(p, 3), "recall": round(r, 3), "f1": round(f, 3),
                  "unique_dropped": unique_dropped, "groups_lost": groups_lost}))
PY
printf 'cleaning: '
python3 "$data/tools/score_boilerplate.py" "$out/dev/pages.jsonl" "$out/clean.jsonl"
