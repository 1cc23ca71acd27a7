#!/usr/bin/env python3
"""Speed and memory of dedup on the benchmark kit's corpora, against gaoya in the same run.

usage: python3 scripts/bench.py --corpora DIR [--sizes 10000,100000,1000000] [--runs 3]
                                [--shared ../shared] [--gaoya-bin PATH] [--gaoya-sizes 100000]
                                [--modes near-dup,no-clean,whole]

DIR holds the kit's corpora as `nN/docs.jsonl` (`python3 SHARED/bench/gen_corpus.py --n N`
writes them). The script builds the release binary (honouring CARGO_TARGET_DIR) and, unless
--gaoya-bin names one, the gaoya peer driver from SHARED/bench/peers. Each round runs every
mode once, and gaoya (2 threads) right after dedup on the same corpus, so that both see the
same load; it prints medians over --runs rounds: whole-process wall time, MB/s of input and
peak resident memory (the kernel's maximum RSS of the process). Modes:
  near-dup   --no-events (cleaning on): the near-duplicate path as users run it
  no-clean   --no-events --no-clean: the near-duplicate path alone
  whole      the whole pipeline (cleaning, near-duplicates, events)
Then the acceptance figures of issue #20: MB/s at 100k and the ratio to gaoya, peak memory
at 1M, the time for ten times the articles, and memory per article as the corpus grows.
Run it when the machine is as quiet as it gets; quote ratios from one session.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

MODES = {
    "near-dup": ["--no-events"],
    "no-clean": ["--no-events", "--no-clean"],
    "whole": [],
}


def target_dir():
    """Where cargo puts build output: CARGO_TARGET_DIR, a config, or target/."""
    out = subprocess.run(["cargo", "metadata", "--format-version", "1", "--no-deps"],
                         cwd=ROOT, check=True, capture_output=True, text=True).stdout
    return json.loads(out)["target_directory"]


def run(cmd):
    """Runs cmd with stdout discarded: (seconds, peak RSS in MiB, stderr)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
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
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpora", help="directory of nN/docs.jsonl corpora")
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--shared", default=os.path.join(ROOT, "..", "shared"),
                    help="the shared kit (bench/peers/gaoya-driver)")
    ap.add_argument("--gaoya-bin", help="a built gaoya-driver (default: build it)")
    ap.add_argument("--gaoya-sizes", default="100000", help="sizes gaoya also runs on ('' for none)")
    ap.add_argument("--modes", default="near-dup,no-clean,whole")
    ap.add_argument("--load", action="store_true",
                    help="only the under-load runs: scripts/bench_load.py")
    args = ap.parse_args()
    if args.load:
        import bench_load
        return bench_load.main()
    if not args.corpora:
        ap.error("--corpora is required")
    sizes = [int(s) for s in args.sizes.split(",")]
    gaoya_sizes = {int(s) for s in args.gaoya_sizes.split(",") if s}
    modes = args.modes.split(",")
    corpora = {n: os.path.join(args.corpora, f"n{n}", "docs.jsonl") for n in sizes}
    for n, path in corpora.items():
        if not os.path.exists(path):
            sys.exit(f"bench: no corpus {path} (python3 {args.shared}/bench/gen_corpus.py --n {n})")

    subprocess.run(["cargo", "build", "--release", "-q", "--bin", "dedup"], cwd=ROOT, check=True)
    dedup = os.path.join(target_dir(), "release", "dedup")
    gaoya = args.gaoya_bin
    if gaoya_sizes and not gaoya:
        manifest = os.path.join(args.shared, "bench", "peers", "gaoya-driver", "Cargo.toml")
        gaoya_target = os.path.join(target_dir(), "gaoya")
        subprocess.run(["cargo", "build", "--release", "-q", "--manifest-path", manifest,
                        "--target-dir", gaoya_target], check=True)
        gaoya = os.path.join(gaoya_target, "release", "gaoya-driver")
    pred = os.path.join(target_dir(), "bench-gaoya-pred.tsv")

    print(f"{'corpus':>9} {'mode':<9} {'median s':>9} {'MB/s':>7} {'peak MiB':>9} "
          f"{'KiB/article':>11}  stages (last run)")
    results = {}  # (n, mode) -> (wall, rss)
    for n, path in corpora.items():
        mb = os.path.getsize(path) / 1e6
        names = modes + (["gaoya"] if n in gaoya_sizes else [])
        runs = {name: [] for name in names}
        for _ in range(args.runs):
            for name in names:
                if name == "gaoya":
                    cmd = [gaoya, path, pred, "--threads", "2"]
                else:
                    cmd = [dedup, "--format", "jsonl", "--quiet", "--timings", *MODES[name], path]
                runs[name].append(run(cmd))
        for name in names:
            wall = statistics.median(r[0] for r in runs[name])
            rss = statistics.median(r[1] for r in runs[name])
            results[(n, name)] = (wall, rss)
            stages = stage_times(runs[name][-1][2])
            print(f"{n:>9} {name:<9} {wall:>9.2f} {mb / wall:>7.1f} {rss:>9.0f} "
                  f"{rss * 1024 / n:>11.2f}  {stages}", flush=True)

    print("\nacceptance (issue #20; floors):")
    mb_of = {n: os.path.getsize(p) / 1e6 for n, p in corpora.items()}

    def check(label, ok, figure):
        print(f"  [{'met' if ok else 'NOT met'}] {label}: {figure}")

    if (100_000, "near-dup") in results:
        wall, _ = results[(100_000, "near-dup")]
        speed = mb_of[100_000] / wall
        check("near-dup with cleaning at 100k >= 80 MB/s", speed >= 80, f"{speed:.1f} MB/s")
        if (100_000, "gaoya") in results:
            ratio = results[(100_000, "gaoya")][0] / wall
            check("... and >= 1.5x gaoya's MB/s in the same run", ratio >= 1.5, f"{ratio:.2f}x")
    if (1_000_000, "near-dup") in results:
        rss = results[(1_000_000, "near-dup")][1]
        check("near-dup with cleaning at 1M: peak RSS <= 1 GiB", rss <= 1024, f"{rss:.0f} MiB")
    if (1_000_000, "whole") in results:
        wall, rss = results[(1_000_000, "whole")]
        speed = mb_of[1_000_000] / wall
        check("whole pipeline at 1M: peak RSS <= 4 GiB", rss <= 4096, f"{rss:.0f} MiB")
        check("whole pipeline at 1M: >= 25 MB/s", speed >= 25, f"{speed:.1f} MB/s")
    for small, large in zip(sizes, sizes[1:]):
        if large != 10 * small:
            continue
        for name in modes:
            (t_small, m_small), (t_large, m_large) = results[(small, name)], results[(large, name)]
            ratio = t_large / t_small
            check(f"{name}: {large} articles take <= 11x the time of {small}", ratio <= 11,
                  f"{ratio:.1f}x")
            print(f"  [info] {name}: memory per article {m_small * 1024 / small:.1f} KiB at "
                  f"{small}, {m_large * 1024 / large:.1f} KiB at {large} (flat means the "
                  f"per-article record only)")


if __name__ == "__main__":
    main()
