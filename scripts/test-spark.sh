#!/usr/bin/env bash
# The Spark join (contrib/spark/dedup_join.py) checked against one machine:
# a generated corpus of 2,000 articles in 4 shards, joined by Spark on
# local[2], must give `dedup join`'s candidate pairs, and `dedup merge` over
# them must print what one `dedup` run prints (with events and without).
# Needs python3 (3.8-3.11) and Java 17; installs pyspark into $SPARK_VENV
# (default target/spark-venv) when it is missing, and Java only when `java`
# is. The Rust suite never needs any of it.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=$(realpath -m "${SPARK_VENV:-target/spark-venv}")
if ! "$venv/bin/python" -c 'import pyspark' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet 'pyspark==3.5.*'
fi
if ! command -v java >/dev/null; then
  sudo=$([ "$(id -u)" = 0 ] || echo sudo)
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq openjdk-17-jre-headless
fi
# spark-submit finds pyspark with the `python3` first on the PATH.
export PATH=$venv/bin:$PATH
cargo build --locked --quiet --bin dedup --example gencorpus
built=${CARGO_TARGET_DIR:-target}/debug
dedup=$built/dedup
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$built/examples/gencorpus" --articles 2000 --out "$work/corpus"
corpus=$work/corpus/corpus.jsonl
for i in 0 1 2 3; do
  "$dedup" sketch --quiet --shard "$i/4" --out "$work/sketches" "$corpus"
done
if ! spark-submit --master 'local[2]' --conf spark.ui.enabled=false \
  contrib/spark/dedup_join.py "$work/sketches" "$work/pairs" 2>"$work/spark.log"; then
  cat "$work/spark.log" >&2
  exit 1
fi
"$dedup" join --sketches "$work/sketches" --out "$work/join.txt"
export LC_ALL=C
diff <(sort -u "$work/join.txt") <(cat "$work"/pairs/part-* | tr , ' ' | sort -u)
for flags in --no-events ""; do
  # shellcheck disable=SC2086 # "" is no flag: the run with events
  "$dedup" --quiet --format json $flags "$corpus" >"$work/one.json"
  # shellcheck disable=SC2086
  "$dedup" merge --quiet --format json $flags --sketches "$work/sketches" \
    --candidates "$work/pairs" >"$work/merged.json"
  cmp "$work/one.json" "$work/merged.json"
done
echo "test-spark: $(wc -l <"$work/join.txt") candidate pairs, Spark's equal dedup join's; merged reports equal one run's"
