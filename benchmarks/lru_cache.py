"""The bounded caches on the search path (``index.lru.LRUCache``), timed on the way search uses them.

``index.postings.TERM_CACHE`` holds scored postings per (index state, field, term), bounded by
bytes; ``index.search._CACHE`` holds match sets per query, bounded by count. This replays both
access patterns: terms drawn from a Zipf-like distribution (a few common words, a long tail), a
get for each, a put after each miss, from one thread and from four at once (kb serve's waitress
threads share the caches).

    python benchmarks/lru_cache.py                         # the current index.lru
    git show OLD:index/lru.py > /tmp/old_lru.py
    python benchmarks/lru_cache.py --also /tmp/old_lru.py  # and an older one, interleaved

Prints CPU nanoseconds per access (this process's CPU time, so a machine busy with other work
changes the figures less than wall time would; median and minimum of ``--rounds`` rounds) and
the hit ratio, which must be the same for implementations with the same eviction rule.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import threading
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ENTRY_COST = 200


def load(path: str | None):
    if path is None:
        from index.lru import LRUCache

        return "index.lru", LRUCache
    spec = importlib.util.spec_from_file_location(f"lru_{abs(hash(path))}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return path, module.LRUCache


def workload(n: int, vocabulary: int, seed: int):
    """Term keys as TERM_CACHE sees them, and postings of a size that falls with the rank."""
    rng = np.random.default_rng(seed)
    ranks = np.minimum(rng.zipf(1.2, size=n), vocabulary) - 1
    state = ("toc", 7, 123456789)
    keys = [(state, "body", f"ord{r}".encode()) for r in ranks.tolist()]
    sizes = {r: max(1, 20_000 // (r + 1)) for r in set(ranks.tolist())}
    values = {r: (np.arange(sizes[r], dtype=np.int32), np.ones(sizes[r], dtype=np.float32))
              for r in sizes}
    return keys, [values[r] for r in ranks.tolist()]


def cost(value) -> int:
    return sum(a.nbytes for a in value) + ENTRY_COST


def replay(cache, keys, values) -> int:
    hits = 0
    for key, value in zip(keys, values, strict=True):
        if cache.get(key) is not None:
            hits += 1
        else:
            cache.put(key, value)
    return hits


def one_round(cls, keys, values, capacity: int, threads: int) -> tuple[float, float]:
    cache = cls(capacity, cost=cost)
    hits = [0] * threads
    chunks = [(keys[i::threads], values[i::threads]) for i in range(threads)]

    def run(i):
        hits[i] = replay(cache, *chunks[i])

    workers = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    start = time.process_time()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    elapsed = time.process_time() - start
    return elapsed / len(keys) * 1e9, sum(hits) / len(keys)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--also", action="append", default=[], help="another lru.py to time alongside")
    parser.add_argument("--accesses", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--capacity-mb", type=float, default=2.0, help="bytes bound (TERM_CACHE: 96 MB)")
    args = parser.parse_args()
    impls = [load(None)] + [load(p) for p in args.also]
    keys, values = workload(args.accesses, 50_000, seed=1)
    capacity = int(args.capacity_mb * 1024 * 1024)
    for threads in (1, 4):
        times: dict[str, list[float]] = {name: [] for name, _ in impls}
        ratios: dict[str, float] = {}
        for _ in range(args.rounds):
            for name, cls in impls:  # interleaved, so a busy machine slows all alike
                ns, ratio = one_round(cls, keys, values, capacity, threads)
                times[name].append(ns)
                ratios[name] = ratio
        for name, _ in impls:
            print(f"{threads} thread(s)  {name:24s}  {statistics.median(times[name]):7.0f} CPU ns/access "
                  f"(min {min(times[name]):.0f})  hit ratio {ratios[name]:.3f}")


if __name__ == "__main__":
    main()
