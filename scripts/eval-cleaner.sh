#!/bin/sh
# Measures the boilerplate cleaner on the shared evaluation data:
#   1. AEB (181 scraped pages with hand-extracted bodies): word 4-shingle
#      precision, recall and F1 of `dedup clean` on the raw scrape;
#   2. Readability's test pages (96, one per site, in many languages): the
#      same score, each page its own site, so no corpus evidence can help;
#   3. ECB+ (already clean articles): the share of words the cleaner keeps,
#      which should stay close to 1, since there is nothing to remove.
#
# usage: scripts/eval-cleaner.sh [AEB_PAGES.jsonl] [ECB_ARTICLES.jsonl] [SCORER.py] [READABILITY_PAGES.jsonl]
# Defaults point at ../shared/data, beside the project checkout; run from
# anywhere, paths relative to where you are.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
data="$root/../shared/data"
aeb=${1:-$data/aeb/pages.jsonl}
ecb=${2:-$data/ecbplus-dev/articles.jsonl}
scorer=${3:-$data/tools/score_boilerplate.py}
readability=${4:-$data/readability/pages.jsonl}

cargo build --release --quiet --manifest-path "$root/Cargo.toml"
# Wherever cargo puts it: CARGO_TARGET_DIR and .cargo/config are honoured.
target=$(cargo metadata --format-version 1 --no-deps --manifest-path "$root/Cargo.toml" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
dedup="$target/release/dedup"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

"$dedup" clean --text-field raw --format jsonl "$aeb" >"$out/aeb.jsonl"
printf 'AEB  %s: ' "$aeb"
python3 "$scorer" "$aeb" "$out/aeb.jsonl"

# Each page named its own source: nothing recurs across pages of one site.
python3 - "$readability" >"$out/readability-pages.jsonl" <<'PY'
import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    page = json.loads(line)
    print(json.dumps({"id": page["id"], "source": "page " + page["id"], "raw": page["raw"],
                      "clean": page["clean"]}))
PY
"$dedup" clean --text-field raw --format jsonl "$out/readability-pages.jsonl" >"$out/readability.jsonl"
printf 'Readability %s: ' "$readability"
python3 "$scorer" "$out/readability-pages.jsonl" "$out/readability.jsonl"

"$dedup" clean --format jsonl "$ecb" >"$out/ecb.jsonl"
printf 'ECB+ %s: ' "$ecb"
python3 - "$ecb" "$out/ecb.jsonl" <<'PY'
import json, sys
words = lambda text: len(text.split())
given = {d["id"]: words(d["text"]) for d in map(json.loads, open(sys.argv[1], encoding="utf-8"))}
kept = {d["id"]: words(d["text"]) for d in map(json.loads, open(sys.argv[2], encoding="utf-8"))}
total, left = sum(given.values()), sum(kept.get(i, 0) for i in given)
print(json.dumps({"articles": len(given), "words_in": total, "words_kept": left,
                  "kept": round(left / total, 4)}))
PY
