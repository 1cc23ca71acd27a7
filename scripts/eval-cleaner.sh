#!/bin/sh
# Measures the boilerplate cleaner on the shared evaluation data:
#   1. AEB (181 scraped pages with hand-extracted bodies): word 4-shingle
#      precision, recall and F1 of `dedup clean` on the raw scrape, with the
#      pages' sites as corpus evidence, then each page its own site;
#   2. Readability's test pages (96, one per site, in many languages): the
#      same score, each page its own site, so no corpus evidence can help;
#   3. ECB+ (already clean articles): the share of words the cleaner keeps,
#      which should stay close to 1, since there is nothing to remove.
# Each score is followed by the same on the pages at even and at odd places
# in the file: a change fitted to one half should help the other too.
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

# The scorer's figures for GOLD and PRED, then for the even and odd halves.
score() {
  python3 "$scorer" "$1" "$2"
  python3 - "$scorer" "$1" "$2" <<'PY'
import importlib.util, json, sys
spec = importlib.util.spec_from_file_location("scorer", sys.argv[1])
scorer = importlib.util.module_from_spec(spec)
spec.loader.exec_module(scorer)
gold = [json.loads(line) for line in open(sys.argv[2], encoding="utf-8")]
pred = {d["id"]: d["text"] for d in map(json.loads, open(sys.argv[3], encoding="utf-8"))}
print("  even pages:", json.dumps(scorer.score(gold[0::2], pred)))
print("  odd pages: ", json.dumps(scorer.score(gold[1::2], pred)))
PY
}

# Each page named its own source: nothing recurs across pages of one site.
own_source() {
  python3 - "$1" <<'PY'
import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    page = json.loads(line)
    print(json.dumps({"id": page["id"], "source": "page " + page["id"], "raw": page["raw"],
                      "clean": page["clean"]}))
PY
}

"$dedup" clean --text-field raw --format jsonl "$aeb" >"$out/aeb.jsonl"
printf 'AEB  %s: ' "$aeb"
score "$aeb" "$out/aeb.jsonl"

own_source "$aeb" >"$out/aeb-pages.jsonl"
"$dedup" clean --text-field raw --format jsonl "$out/aeb-pages.jsonl" >"$out/aeb-own.jsonl"
printf 'AEB, each page its own site: '
score "$out/aeb-pages.jsonl" "$out/aeb-own.jsonl"

own_source "$readability" >"$out/readability-pages.jsonl"
"$dedup" clean --text-field raw --format jsonl "$out/readability-pages.jsonl" >"$out/readability.jsonl"
printf 'Readability %s: ' "$readability"
score "$out/readability-pages.jsonl" "$out/readability.jsonl"

"$dedup" clean --format jsonl "$ecb" >"$out/ecb.jsonl"
printf 'ECB+ %s: ' "$ecb"
python3 - "$ecb" "$out/ecb.jsonl" <<'PY'
import json, sys
words = lambda text: len(text.split())
given = [(d["id"], words(d["text"])) for d in map(json.loads, open(sys.argv[1], encoding="utf-8"))]
kept = {d["id"]: words(d["text"]) for d in map(json.loads, open(sys.argv[2], encoding="utf-8"))}
def share(articles):
    total, left = sum(n for _, n in articles), sum(kept.get(i, 0) for i, _ in articles)
    return {"articles": len(articles), "words_in": total, "words_kept": left,
            "kept": round(left / total, 4)}
print(json.dumps(share(given)))
print("  even articles:", json.dumps(share(given[0::2])))
print("  odd articles: ", json.dumps(share(given[1::2])))
PY
