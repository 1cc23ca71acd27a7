#!/usr/bin/env python3
"""The persistent index (#13) on a kit corpus: batch equality, query speed,
add throughput, size; datasketch's MinHashLSH as the peer for query speed.

usage: python3 scripts/bench-index.py CORPUS.jsonl [--runs 3] [--work DIR]
                                      [--no-peer] [--stored N] [--queries N]

The corpus is cut into three parts of 30% (A, B, C) and the last 10% (Q),
for 100k articles 30k/30k/30k/10k. On the near-duplicate path (--no-clean
--no-events):
- add: A added to an empty index, --runs times: articles/s (median);
- the index: add A, add B, add C; the add of C is killed (SIGKILL) once
  half of C is committed, `index stats` reads the index meanwhile, and
  the add is run again to complete it;
- batch equality: `query Q` against A∪B∪C, its pairs compared with those
  the batch stage verifies over A∪B∪C∪Q (examples/verified_pairs.rs);
- query speed: `query Q` in one process, ms per article (median), and one
  article in a fresh process, opening included (median);
- size: bytes per stored article, by part (`index stats`).
With --stored N and --queries N the split is N stored (three adds of N/3)
and the next N queried, for the 1M figure (e.g. --stored 990000 --queries
10000 on the 1M corpus). Medians of --runs; quote ratios from one session.
"""
import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "dedup")
PAIRS = os.path.join(ROOT, "target", "release", "examples", "verified_pairs")
PATH_FLAGS = ["--no-clean", "--no-events"]


def timed(cmd, stdout=subprocess.DEVNULL):
    start = time.perf_counter()
    proc = subprocess.run(cmd, stdout=stdout, stderr=subprocess.PIPE)
    seconds = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        sys.exit(f"bench-index: {' '.join(cmd)} failed:\n{proc.stderr.decode()}")
    return seconds, proc


def split(corpus, work, stored, queries):
    names = ["a", "b", "c", "q"]
    paths = {n: os.path.join(work, f"{n}.jsonl") for n in names}
    third = stored // 3
    bounds = {"a": (0, third), "b": (third, 2 * third), "c": (2 * third, stored),
              "q": (stored, stored + queries)}
    files = {n: open(paths[n], "w") for n in names}
    with open(corpus, encoding="utf-8") as f:
        for i, line in enumerate(f):
            if i >= stored + queries:
                break
            for n, (lo, hi) in bounds.items():
                if lo <= i < hi:
                    files[n].write(line)
    for f in files.values():
        f.close()
    return paths


def stats(index):
    _, proc = timed([BIN, "index", "stats", "--index", index, "--format", "json"],
                    stdout=subprocess.PIPE)
    return json.loads(proc.stdout)


def add(index, path, extra=()):
    return timed([BIN, "index", "add", "--index", index, "-q", *PATH_FLAGS, *extra, path])


def build_with_a_kill(index, parts, commit_every):
    if os.path.exists(index):
        os.remove(index)
    add(index, parts["a"], ["--commit-every", str(commit_every)])
    add(index, parts["b"], ["--commit-every", str(commit_every)])
    before = stats(index)["articles"]
    c_count = sum(1 for _ in open(parts["c"]))
    proc = subprocess.Popen([BIN, "index", "add", "--index", index, "-q", *PATH_FLAGS,
                             "--commit-every", str(commit_every), parts["c"]],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seen, reads = before, 0
    while proc.poll() is None and seen < before + c_count // 2:
        time.sleep(0.05)
        # A reader while the writer adds: stats opens the index read-only.
        seen = stats(index)["articles"]
        reads += 1
    killed = proc.poll() is None
    if killed:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    after_kill = stats(index)["articles"]
    _, rerun = add(index, parts["c"], ["--commit-every", str(commit_every)])
    final = stats(index)["articles"]
    return {"killed": killed, "reads_during_add": reads,
            "stored_after_kill": after_kill, "stored_before_c": before,
            "rerun": rerun.stderr.decode().strip(), "stored_final": final}


def query_pairs(index, path):
    _, proc = timed([BIN, "query", "--index", index, "-q", "--format", "jsonl", path],
                    stdout=subprocess.PIPE)
    pairs = set()
    for line in proc.stdout.decode().splitlines():
        a = json.loads(line)
        for x in a["near_duplicates"]:
            pairs.add((str(a["id"]), str(x["id"])))
    return pairs


def batch_pairs(parts, work):
    union = os.path.join(work, "union.jsonl")
    with open(union, "w") as out:
        for n in ["a", "b", "c", "q"]:
            with open(parts[n]) as f:
                out.write(f.read())
    queried = {str(json.loads(l)["id"]) for l in open(parts["q"])}
    _, proc = timed([PAIRS, union], stdout=subprocess.PIPE)
    pairs = set()
    for line in proc.stdout.decode().splitlines():
        a, b, _, _ = line.split("\t")
        if (a in queried) != (b in queried):
            q, x = (a, b) if a in queried else (b, a)
            pairs.add((q, x))
    return pairs


def peer(parts, runs):
    """datasketch MinHashLSH (threshold 0.5, 128 perms) in memory: ms per query."""
    sys.path.insert(0, os.path.join(ROOT, "..", "shared", "bench", "peers"))
    try:
        from datasketch import MinHash, MinHashLSH
        from common import shingles
    except ImportError as e:
        return f"not run ({e})"
    lsh = MinHashLSH(threshold=0.5, num_perm=128)

    def sig(text):
        m = MinHash(num_perm=128, seed=1)
        m.update_batch([s.encode("utf-8") for s in shingles(text)])
        return m

    for n in ["a", "b", "c"]:
        for line in open(parts[n]):
            d = json.loads(line)
            lsh.insert(str(d["id"]), sig(d["text"]), check_duplication=False)
    texts = [json.loads(l)["text"] for l in open(parts["q"])]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        for t in texts:
            lsh.query(sig(t))
        times.append((time.perf_counter() - start) / len(texts) * 1000)
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--work", default="/tmp/dedup-bench-index")
    ap.add_argument("--no-peer", action="store_true")
    ap.add_argument("--stored", type=int, default=90_000)
    ap.add_argument("--queries", type=int, default=10_000)
    ap.add_argument("--commit-every", type=int, default=10_000)
    a = ap.parse_args()
    os.makedirs(a.work, exist_ok=True)
    subprocess.run(["cargo", "build", "--quiet", "--release", "--bin", "dedup",
                    "--example", "verified_pairs"], cwd=ROOT, check=True)
    parts = split(a.corpus, a.work, a.stored, a.queries)
    n_a = sum(1 for _ in open(parts["a"]))
    n_q = sum(1 for _ in open(parts["q"]))

    scratch = os.path.join(a.work, "add.idx")
    rates = []
    for _ in range(a.runs):
        if os.path.exists(scratch):
            os.remove(scratch)
        seconds, _ = add(scratch, parts["a"], ["--commit-every", str(a.commit_every)])
        rates.append(n_a / seconds)
    print(f"add: {statistics.median(rates):,.0f} articles/s (median of {a.runs}, "
          f"{n_a} articles into an empty index, {' '.join(PATH_FLAGS)})")

    index = os.path.join(a.work, "stored.idx")
    crash = build_with_a_kill(index, parts, a.commit_every)
    print(f"kill -9 during add C: {json.dumps(crash)}")

    found = query_pairs(index, parts["q"])
    batch = batch_pairs(parts, a.work)
    print(f"batch equality: query {len(found)} pairs, batch {len(batch)} pairs, "
          f"{len(found & batch)} in common, {len(batch - found)} only in batch, "
          f"{len(found - batch)} only in query")
    for p in sorted(found - batch)[:10]:
        print(f"  only in query: {p[0]} ~ {p[1]}")
    for p in sorted(batch - found)[:10]:
        print(f"  only in batch: {p[0]} ~ {p[1]}")

    per = []
    for _ in range(a.runs):
        seconds, _ = timed([BIN, "query", "--index", index, "-q", parts["q"]])
        per.append(seconds / n_q * 1000)
    query_ms = statistics.median(per)
    print(f"query: {query_ms:.3f} ms per article ({n_q} against {crash['stored_final']}, "
          f"one process, median of {a.runs})")
    one = os.path.join(a.work, "one.jsonl")
    with open(parts["q"]) as f, open(one, "w") as out:
        out.write(f.readline())
    fresh = statistics.median(timed([BIN, "query", "--index", index, "-q", one])[0]
                              for _ in range(a.runs))
    print(f"one article, fresh process: {fresh:.3f} s (median of {a.runs})")

    s = stats(index)
    n = s["articles"]
    split_text = ", ".join(f"{name} {b / n:.0f}" for name, b in s["parts"].items())
    print(f"size: {s['file_bytes'] / n:.0f} bytes per stored article on disk "
          f"({s['file_bytes']} bytes, {n} articles, {s['segments']} segments); "
          f"by part: {split_text}")
    if not a.no_peer:
        ms = peer(parts, a.runs)
        if isinstance(ms, float):
            print(f"peer datasketch MinHashLSH (in memory, one thread): {ms:.3f} ms per query; "
                  f"dedup/peer ratio {query_ms / ms:.2f}")
        else:
            print(f"peer: {ms}")


if __name__ == "__main__":
    main()
