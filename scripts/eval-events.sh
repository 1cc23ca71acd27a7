#!/usr/bin/env bash
# Event-clustering quality on a labelled JSONL corpus (ECB+ by default):
# BCubed / pairwise / ARI per split, then the same corpus with the five seed
# articles added as rows, checking that they form one cluster with no
# intruder. Extra arguments go to `dedup eval` (e.g. --event-threshold 0.14).
#
# usage: scripts/eval-events.sh [CORPUS.jsonl] [DEDUP FLAGS...]
#   CORPUS.jsonl  rows {id, text, cluster, split}; default
#                 ../shared/data/ecbplus-dev/articles.jsonl
# Tune on `train`; `dev` is held out for reporting.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
corpus=${1:-$root/../shared/data/ecbplus-dev/articles.jsonl}
shift || true
[ -f "$corpus" ] || { echo "eval-events: no corpus at $corpus" >&2; exit 2; }
# Named from where the script was run, before moving to the checkout.
corpus=$(cd "$(dirname "$corpus")" && pwd)/$(basename "$corpus")
cd "$root"
cargo build --quiet --release
# Wherever cargo puts it: CARGO_TARGET_DIR and .cargo/config are honoured.
dedup=$(cargo metadata --format-version 1 --no-deps |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')/release/dedup
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

python3 - "$corpus" "$tmp" <<'PY'
import json, sys, pathlib
corpus, out = sys.argv[1], pathlib.Path(sys.argv[2])
rows = [json.loads(l) for l in open(corpus, encoding="utf-8") if l.strip()]
seeds = ["moscowtimes-putin-effective-dialogue", "moscowtimes-afp-biden-putin-call",
         "brasovnews-putin-effective-dialogue", "wire-putin-biden-discuss-tensions",
         "nos-biden-putin-charged-call"]
seed_rows = [{"id": "seed/" + s, "text": open(f"fixtures/{s}.txt", encoding="utf-8").read(),
              "cluster": "seeds", "split": "seeds"} for s in seeds]
sets = {name: [r for r in rows if r.get("split") == name] for name in ("train", "dev")}
sets["all"] = rows
sets["dev+seeds"] = sets["dev"] + seed_rows
sets["all+seeds"] = rows + seed_rows
for name, chosen in sets.items():
    with open(out / f"{name}.jsonl", "w") as f, open(out / f"{name}.gold.jsonl", "w") as g:
        for r in chosen:
            f.write(json.dumps({"id": r["id"], "text": r["text"]}) + "\n")
            g.write(json.dumps({"id": r["id"], "cluster": r["cluster"]}) + "\n")
PY

printf '%-10s %8s %8s %8s %8s %8s %8s\n' split articles clusters "B3 P" "B3 R" "B3 F1" "pair F1"
for name in train dev all dev+seeds all+seeds; do
  [ -s "$tmp/$name.jsonl" ] || continue
  "$dedup" eval --format json --gold "$tmp/$name.gold.jsonl" "$tmp/$name.jsonl" "$@" |
    python3 -c '
import json, sys
s = json.load(sys.stdin); e = s["events"]
print("%-10s %8d %8s %8.4f %8.4f %8.4f %8.4f" % (sys.argv[1], s["articles"],
      "%d/%d" % (e["predicted_clusters"], e["gold_clusters"]),
      e["bcubed"]["precision"], e["bcubed"]["recall"], e["bcubed"]["f1"], e["pairwise"]["f1"]))' "$name"
done

# The seeds must be one cluster, alone.
for name in dev+seeds all+seeds; do
  "$dedup" --quiet --format jsonl "$tmp/$name.jsonl" "$@" | python3 -c '
import json, sys
lines = [json.loads(l) for l in sys.stdin]
seed_clusters = {l["cluster"] for l in lines if l["id"].startswith("seed/")}
members = [l["id"] for l in lines if l["cluster"] in seed_clusters]
intruders = [m for m in members if not m.startswith("seed/")]
ok = len(seed_clusters) == 1 and not intruders
print("%s: seeds in %d cluster(s), intruders: %s -> %s" % (sys.argv[1], len(seed_clusters),
      ", ".join(intruders) or "none", "ok" if ok else "FAIL"))
sys.exit(0 if ok else 1)' "$name"
done
