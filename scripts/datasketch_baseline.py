#!/usr/bin/env python3
"""The usual datasketch near-duplicate loop, as a baseline for dedup's speed.

usage: python3 scripts/datasketch_baseline.py CORPUS.jsonl [--threshold 0.5] [--num-perm 128] [--ngram 5]

Same settings as dedup's defaults: word 5-shingles of lowercased \\w+ tokens,
MinHash with 128 permutations, MinHashLSH at Jaccard 0.5, query then insert
every document. Prints one JSON line: articles, seconds, articles/s, pairs.
"""
import argparse
import json
import re
import sys
import time

from datasketch import MinHash, MinHashLSH

WORD = re.compile(r"\w+", re.U)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("--threshold", type=float, default=0.5)
    ap.add_argument("--num-perm", type=int, default=128)
    ap.add_argument("--ngram", type=int, default=5)
    args = ap.parse_args()

    start = time.perf_counter()
    lsh = MinHashLSH(threshold=args.threshold, num_perm=args.num_perm)
    articles = pairs = 0
    with open(args.corpus, encoding="utf-8") as f:
        for line in f:
            doc = json.loads(line)
            words = WORD.findall(doc["text"].lower())
            n = args.ngram
            shingles = {" ".join(words[i:i + n]) for i in range(max(1, len(words) - n + 1))}
            m = MinHash(num_perm=args.num_perm, seed=42)
            m.update_batch(s.encode("utf-8") for s in shingles)
            pairs += len(lsh.query(m))
            lsh.insert(doc["id"], m)
            articles += 1
    seconds = time.perf_counter() - start
    print(json.dumps({"articles": articles, "seconds": round(seconds, 3),
                      "articles_per_s": round(articles / seconds, 1), "candidate_pairs": pairs}))


if __name__ == "__main__":
    sys.exit(main())
