#!/usr/bin/env python3
"""Speed and memory of dedup on generated corpora, with a datasketch baseline.

usage: python3 scripts/bench.py [--sizes 10000,100000,1000000] [--runs 3]
                                [--work /tmp/dedup-bench] [--no-datasketch]

Builds the release binary and the corpus generator, writes each corpus once
(seeded, so every machine benchmarks the same bytes), then runs each mode
--runs times and prints the median wall time, articles/s, MB/s of input and
the median peak resident memory. Modes: the near-duplicate path
(--no-events --no-clean), the whole pipeline, the near-duplicate path on one
thread (for the parallel speed-up) and datasketch's MinHash + MinHashLSH
loop on the smallest corpus (pip install datasketch). Per-stage times come
from `dedup --timings`. Run it on an otherwise idle machine; quote medians
and ratios from one session.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "dedup")


def run(cmd, env=None):
    """Runs cmd with stdout discarded: (seconds, peak RSS in MiB, stderr)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env={**os.environ, **(env or {})})
    stderr = proc.stderr.read().decode()
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        sys.exit(f"bench: {' '.join(cmd)} failed:\n{stderr}")
    return seconds, usage.ru_maxrss / 1024, stderr


def stage_times(stderr):
    for line in stderr.splitlines():
        if line.startswith("dedup: timings: "):
            return line[len("dedup: timings: "):]
    return ""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--work", default="/tmp/dedup-bench")
    ap.add_argument("--no-datasketch", action="store_true")
    ap.add_argument("--load", action="store_true",
                    help="only the under-load runs: scripts/bench_load.py")
    args = ap.parse_args()
    if args.load:
        import bench_load
        return bench_load.main()
    sizes = [int(s) for s in args.sizes.split(",")]

    subprocess.run(["cargo", "build", "--release", "-q", "--bin", "dedup", "--example", "gencorpus"],
                   cwd=ROOT, check=True)
    gen = os.path.join(ROOT, "target", "release", "examples", "gencorpus")
    corpora = {}
    for n in sizes:
        out = os.path.join(args.work, f"{n}")
        path = os.path.join(out, "corpus.jsonl")
        # A corpus from an older generator would measure other bytes.
        if not os.path.exists(path) or os.path.getmtime(path) < os.path.getmtime(gen):
            subprocess.run([gen, "--articles", str(n), "--out", out], check=True)
        corpora[n] = path

    modes = [
        ("near-dup", ["--no-events", "--no-clean"], {}),
        ("near-dup 1 thread", ["--no-events", "--no-clean"], {"RAYON_NUM_THREADS": "1"}),
        ("whole pipeline", [], {}),
    ]
    print(f"{'corpus':>9} {'mode':<18} {'median s':>9} {'articles/s':>11} {'MB/s':>7} {'peak MiB':>9}  stages")
    results = {}
    for n, path in corpora.items():
        mb = os.path.getsize(path) / 1e6
        for name, flags, env in modes:
            if "1 thread" in name and n > 100_000:
                continue
            runs = [run([BIN, "--format", "jsonl", "--quiet", "--timings", *flags, path], env)
                    for _ in range(args.runs)]
            wall = statistics.median(r[0] for r in runs)
            rss = statistics.median(r[1] for r in runs)
            results[(n, name)] = wall
            print(f"{n:>9} {name:<18} {wall:>9.2f} {n / wall:>11,.0f} {mb / wall:>7.1f} {rss:>9.0f}  "
                  f"{stage_times(runs[-1][2])}", flush=True)
        if (n, "near-dup 1 thread") in results:
            print(f"{'':>9} 2 threads vs 1: {results[(n, 'near-dup 1 thread')] / results[(n, 'near-dup')]:.2f}x")

    if len(sizes) > 1:
        small, large = sizes[0], sizes[-1]
        for name in ("near-dup", "whole pipeline"):
            ratio = results[(large, name)] / results[(small, name)]
            print(f"{name}: {large} articles took {ratio:.1f}x the time of {small} ({large // small}x the articles)")

    if not args.no_datasketch:
        n = sizes[0]
        script = os.path.join(ROOT, "scripts", "datasketch_baseline.py")
        walls = []
        for _ in range(args.runs):
            out = subprocess.run([sys.executable, script, corpora[n]], capture_output=True, text=True)
            if out.returncode != 0:
                print(f"datasketch baseline skipped: {out.stderr.strip().splitlines()[-1]}")
                break
            walls.append(json.loads(out.stdout)["seconds"])
        if walls:
            wall = statistics.median(walls)
            print(f"datasketch on {n}: median {wall:.2f} s, {n / wall:,.0f} articles/s; "
                  f"dedup near-dup path is {wall / results[(n, 'near-dup')]:.1f}x faster")


if __name__ == "__main__":
    main()
