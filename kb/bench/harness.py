"""`kb bench`: build the scale corpus, then measure our pipeline, SQLite FTS5 and tantivy side by side.

    run(docs, queries, seed, progress) -> dict   (the JSON `kb bench --json` prints)

At N/10 and at N documents: our full ingest through ``KnowledgeBase.ingest`` (read, clean,
repair, segment, metadata, index), then FTS5 and tantivy built from the very sections our
pipeline produced, each in its own process (own peak RSS); then one process with all engines open
answers the same term, phrase and filtered queries, engines interleaved. The top-level figures
are those at N; ``growth`` says how each grew from N/10.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from kb.bench.queries import KINDS

FIGURES = ("ingest_docs_per_s", "ingest_sections_per_s", "index_mb", "peak_rss_mb")
LATENCIES = {"term": "query_ms", "phrase": "phrase_ms", "filtered": "filtered_ms"}


def percentiles(values: list[float]) -> dict[str, float]:
    """p50/p95/p99 by linear interpolation between the closest ranks (as numpy's default)."""
    if not values:
        return {"p50": 0.0, "p95": 0.0, "p99": 0.0}
    ordered = sorted(values)

    def at(q: float) -> float:
        pos = (len(ordered) - 1) * q
        low = int(pos)
        high = min(low + 1, len(ordered) - 1)
        return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)

    return {f"p{round(q * 100)}": round(at(q), 3) for q in (0.50, 0.95, 0.99)}


def _worker(task: dict, work: Path) -> dict:
    task_file = work / f"task-{task['task']}.json"
    out_file = work / f"result-{task['task']}.json"
    task_file.write_text(json.dumps(task), encoding="utf-8")
    env = dict(os.environ, PYTHONHASHSEED="0")
    subprocess.run([sys.executable, "-m", "kb.bench.worker", str(task_file), str(out_file)],
                   check=True, env=env)
    return json.loads(out_file.read_text(encoding="utf-8"))


def _rates(docs: int, sections: int, seconds: float) -> dict:
    seconds = max(seconds, 1e-9)
    return {"ingest_docs_per_s": round(docs / seconds, 2),
            "ingest_sections_per_s": round(sections / seconds, 1)}


WRITERS = (1, 2, 4)      # concurrent `kb ingest` processes measured on PostgreSQL


def _start_workers(tasks: list[dict], work: Path) -> list[tuple[subprocess.Popen, Path]]:
    procs = []
    env = dict(os.environ, PYTHONHASHSEED="0")
    for task in tasks:
        task_file = work / f"task-{task['task']}-{task['n']}.json"
        task_file.write_text(json.dumps(task), encoding="utf-8")
        out = work / f"result-{task['task']}-{task['n']}.json"
        procs.append((subprocess.Popen([sys.executable, "-m", "kb.bench.worker", str(task_file), str(out)],
                                       env=env), out))
    return procs


def measure_postgres(paths: list[Path], server: str, work: Path, progress: Callable[[str], None],
                     sections: int, writer_counts: tuple[int, ...] = WRITERS) -> tuple[dict, str]:
    """Ingest the corpus into a fresh database for each of ``writer_counts`` (distinct, fewest
    first: that many writer processes at once); returns the figures and the URL of the database of the fewest writers
    (for the queries, its size and the top-level rates; the caller drops it)."""
    from kb.bench.pgserver import create_database, database_mb, drop_database

    figures: dict = {"writers": {}}
    keep = ""
    first = writer_counts[0]
    for writers in writer_counts:
        url = create_database(server, f"w{writers}")
        progress(f"[{len(paths)} docs] PostgreSQL: ingest with {writers} writer process(es)")
        shares = [paths[i::writers] for i in range(writers)]
        started = time.perf_counter()
        procs = _start_workers([{"task": "postgres", "n": i, "database": url, "paths": [str(p) for p in share]}
                                for i, share in enumerate(shares)], work)
        results = []
        for proc, out in procs:
            if proc.wait() != 0:
                raise RuntimeError(f"a PostgreSQL writer failed (exit {proc.returncode})")
            results.append(json.loads(out.read_text(encoding="utf-8")))
        seconds = time.perf_counter() - started
        rates = _rates(len(paths), sections, seconds)
        figures["writers"][str(writers)] = {**rates, "peak_rss_mb": round(max(r["peak_rss_mb"] for r in results), 1),
                                            "failed": sum(r["failed"] for r in results)}
        if writers == first:
            keep = url
            figures.update(rates)
            figures["index_mb"] = round(database_mb(url), 2)
            figures["peak_rss_mb"] = figures["writers"][str(writers)]["peak_rss_mb"]
        else:
            drop_database(server, url)
    return figures, keep


def measure(paths: list[Path], queries: int, seed: int, work: Path,
            progress: Callable[[str], None], backend: str = "whoosh", server: str | None = None,
            writer_counts: tuple[int, ...] = WRITERS) -> dict:
    """Every engine's figures for one corpus size."""
    from kb.bench.baselines import tantivy_missing

    work.mkdir(parents=True, exist_ok=True)
    rows = work / "sections.jsonl"
    n = len(paths)
    progress(f"[{n} docs] our pipeline: ingest with repair, segmentation and metadata")
    ours = _worker({"task": "ours", "paths": [str(p) for p in paths], "index": str(work / "kb-index"),
                    "rows": str(rows), "seed": seed}, work)
    docs, sections = ours["docs"], ours["sections"]
    engines = {"ours": {"docs": docs, "sections": sections, **_rates(docs, sections, ours["ingest_s"]),
                        "index_mb": round(ours["index_mb"], 2), "peak_rss_mb": round(ours["peak_rss_mb"], 1),
                        "failed": ours["failed"]}}
    paths_of = {"ours": str(work / "kb-index")}
    progress(f"[{n} docs] SQLite FTS5 on the same {sections} sections")
    fts = _worker({"task": "fts5", "rows": str(rows), "path": str(work / "fts5.db"), "seed": seed}, work)
    engines["fts5"] = {"docs": docs, "sections": sections, **_rates(docs, sections, fts["ingest_s"]),
                       "index_mb": round(fts["index_mb"], 2), "peak_rss_mb": round(fts["peak_rss_mb"], 1)}
    paths_of["fts5"] = str(work / "fts5.db")
    pg_url = ""
    if backend in ("postgres", "all"):
        figures, pg_url = measure_postgres(paths, server, work, progress, sections, writer_counts)
        engines["postgres"] = {"docs": docs, "sections": sections, **figures}
        paths_of["postgres"] = pg_url
    skipped = tantivy_missing() if backend != "postgres" else "not asked for (--backend postgres)"
    if skipped:
        engines["tantivy"] = {"skipped": skipped}
    else:
        progress(f"[{n} docs] tantivy on the same sections")
        tan = _worker({"task": "tantivy", "rows": str(rows), "path": str(work / "tantivy"), "seed": seed}, work)
        engines["tantivy"] = {"docs": docs, "sections": sections, **_rates(docs, sections, tan["ingest_s"]),
                              "index_mb": round(tan["index_mb"], 2),
                              "peak_rss_mb": round(tan["peak_rss_mb"], 1)}
        paths_of["tantivy"] = str(work / "tantivy")
    progress(f"[{n} docs] {queries} queries of each kind ({', '.join(KINDS)}), engines interleaved")
    timed = _worker({"task": "query", "engines": paths_of, "queries": queries, "seed": seed}, work)
    for name, kinds in timed["timings_ms"].items():
        for kind, values in kinds.items():
            engines[name][LATENCIES[kind]] = percentiles(values)
        totals = timed["totals"][name]
        engines[name]["mean_hits"] = round(sum(totals) / max(1, len(totals)), 1)
    if pg_url:
        from kb.bench.pgserver import drop_database

        drop_database(server, pg_url)
    return engines


def _factor(small: float, large: float) -> float | None:
    return round(large / small, 2) if small else None


def growth(small: dict, large: dict) -> dict:
    """How each figure grew from the small run to the large one, per engine."""
    docs_factor = _factor(small["ours"]["docs"], large["ours"]["docs"])
    out: dict = {"docs": [small["ours"]["docs"], large["ours"]["docs"]], "docs_factor": docs_factor,
                 "engines": {}}
    for name, figs in large.items():
        if "skipped" in figs:
            continue
        rows = {}
        for key in FIGURES:
            rows[key] = {"from": small[name][key], "to": figs[key], "factor": _factor(small[name][key], figs[key])}
        for key in LATENCIES.values():
            for p in ("p50", "p95"):
                a, b = small[name][key][p], figs[key][p]
                rows[f"{key}_{p}"] = {"from": a, "to": b, "factor": _factor(a, b)}
        out["engines"][name] = rows
    ours_p95 = out["engines"]["ours"]["query_ms_p95"]["factor"]
    out["query_p95_sublinear"] = bool(ours_p95 is not None and docs_factor and ours_p95 < docs_factor)
    out["runs"] = [small, large]
    return out


def _meta(docs: int, queries: int, seed: int, seconds: float, backend: str = "whoosh",
          writer_counts: tuple[int, ...] = WRITERS) -> dict:
    import psutil

    engines = "" if backend == "whoosh" else f" --backend {backend}"
    if backend != "whoosh" and writer_counts != WRITERS:
        engines += " --writers " + ",".join(str(n) for n in writer_counts)
    return {"date": time.strftime("%Y-%m-%d %H:%M"), "seed": seed, "queries_per_kind": queries,
            "command": f"kb bench --docs {docs} --queries {queries} --seed {seed}{engines} --json",
            "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
                       f"{psutil.virtual_memory().total / 2**30:.0f} GB RAM, {platform.system()} "
                       f"{platform.release()}, Python {platform.python_version()}",
            "cpu": _cpu_name(), "wall_s": round(seconds, 1),
            # Other work on the machine inflates every engine's figures, Python's most.
            "load_avg_1_5_15": [round(x, 2) for x in os.getloadavg()]}


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def run(docs: int, queries: int = 200, seed: int = 1, progress: Callable[[str], None] | None = None,
        backend: str = "whoosh", server: str | None = None, writer_counts: tuple[int, ...] = WRITERS) -> dict:
    """The whole benchmark at N/10 and N documents; see the module docstring for the JSON.
    ``writer_counts``: the numbers of concurrent PostgreSQL writer processes to measure."""
    from kb.bench.generator import generate

    say = progress or (lambda msg: None)
    writer_counts = tuple(sorted(set(writer_counts)))  # each count once, fewest first
    started = time.perf_counter()
    small_n = max(1, docs // 10)
    with tempfile.TemporaryDirectory(prefix="kb-bench-") as tmp:
        work = Path(tmp)
        say(f"generating {docs} documents (seed {seed})")
        paths = generate(docs, work / "corpus", seed)
        small = measure(paths[:small_n], queries, seed, work / f"n{small_n}", say, backend, server, writer_counts)
        large = measure(paths, queries, seed, work / f"n{docs}", say, backend, server, writer_counts)
    ours, fts = large["ours"], large["fts5"]
    result = {key: ours[key] for key in ("docs", "sections", *FIGURES, *LATENCIES.values())}
    result["baselines"] = {"fts5": fts, "tantivy": large["tantivy"]}
    if "postgres" in large:
        pg = large["postgres"]
        result["baselines"]["postgres"] = pg
        two = pg["writers"].get("2")   # None when --writers left 2 out
        result["postgres"] = {
            "query_p95_ratio_vs_fts5": _factor(fts["query_ms"]["p95"], pg["query_ms"]["p95"]),
            "ingest_2_writers_vs_whoosh": round(two["ingest_docs_per_s"] / max(ours["ingest_docs_per_s"], 1e-9), 2)
            if two else None,
        }
    result["query_p95_ratio_vs_fts5"] = _factor(fts["query_ms"]["p95"], ours["query_ms"]["p95"])
    result["ingest_rate_ratio_vs_fts5"] = round(ours["ingest_docs_per_s"] / fts["ingest_docs_per_s"], 4)
    result["growth"] = growth(small, large)
    result["failed"] = ours["failed"]
    result["meta"] = _meta(docs, queries, seed, time.perf_counter() - started, backend, writer_counts)
    return result
