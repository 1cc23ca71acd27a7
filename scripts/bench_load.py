#!/usr/bin/env python3
"""Under load: dedup on many small files and on one huge article.

usage: python3 scripts/bench_load.py [--runs 3] [--work /tmp/dedup-bench-load]
       (or python3 scripts/bench.py --load, which runs this)

Two runs of the release binary, each --runs times, printing the median wall
time and the median peak resident memory:
- 50,000 small files (about 600 bytes each, one in ten a copy of another)
  in one directory tree, the whole pipeline;
- one 200 MB article (lines of random words, none repeated) beside a small one, read
  with --max-bytes 300M, the whole pipeline.
The inputs are generated once, seeded, under --work.
"""
import argparse
import os
import random
import statistics
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "dedup")

WORDS = ("the city council said on tuesday that officials expected more "
         "rain storm flood river bridge road police minister report vote "
         "school hospital workers union strike market prices energy").split()


def words(rng, n):
    return " ".join(rng.choice(WORDS) + str(rng.randrange(50)) for _ in range(n))


def small_files(work, count=50_000):
    root = os.path.join(work, f"files-{count}")
    if os.path.isdir(root):
        return root
    rng = random.Random(14)
    texts = []
    for i in range(count):
        d = os.path.join(root, f"d{i // 1000:03d}")
        os.makedirs(d, exist_ok=True)
        if texts and i % 10 == 9:
            text = rng.choice(texts)  # a copy of an earlier article
        else:
            text = f"Story {i}\n\n" + "\n".join(words(rng, 12) for _ in range(8)) + "\n"
            texts.append(text)
        with open(os.path.join(d, f"a{i:06d}.txt"), "w") as f:
            f.write(text)
    return root


def huge_article(work, megabytes=200):
    path = os.path.join(work, f"huge-{megabytes}M-v2.txt")
    if not os.path.exists(path):
        # Every line new: repeated lines would be cleaned away as furniture
        # and leave little for the later stages.
        rng = random.Random(14)
        vocabulary = [w + str(n) for w in WORDS for n in range(500)]
        with open(path + ".part", "w") as f:
            written = 0
            while written < megabytes << 20:
                chunk = rng.choices(vocabulary, k=12 * 4096)
                text = "".join(" ".join(chunk[i:i + 12]) + ".\n" for i in range(0, len(chunk), 12))
                f.write(text)
                written += len(text)
        os.rename(path + ".part", path)
    small = os.path.join(work, "small.txt")
    with open(small, "w") as f:
        f.write("A small article\n\n" + words(random.Random(1), 80) + "\n")
    return [path, small]


def run_all(work, runs, run):
    os.makedirs(work, exist_ok=True)
    cases = [
        ("50,000 small files, whole pipeline", ["-q", small_files(work)]),
        ("one 200 MB article, --max-bytes 300M, whole pipeline",
         ["-q", "--max-bytes", "300M", *huge_article(work)]),
    ]
    print("| load | median | peak memory |")
    print("|---|---|---|")
    for name, args in cases:
        times, peaks = [], []
        for _ in range(runs):
            seconds, peak, _ = run([BIN, "--timings", "--format", "jsonl", *args])
            times.append(seconds)
            peaks.append(peak)
        print(f"| {name} | {statistics.median(times):.2f} s | "
              f"{statistics.median(peaks):,.0f} MiB |", flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--work", default="/tmp/dedup-bench-load")
    args, _ = ap.parse_known_args()  # bench.py --load passes its own flags too
    subprocess.run(["cargo", "build", "--release", "-q", "--bin", "dedup"], cwd=ROOT, check=True)
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from bench import run
    run_all(args.work, args.runs, run)


if __name__ == "__main__":
    main()
