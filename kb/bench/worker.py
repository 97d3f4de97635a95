"""One benchmark step in its own process, so that each engine's peak RSS is its own.

    python -m kb.bench.worker TASK.json RESULT.json

Tasks: ``ours`` (our full ingest through the service, then the sections it produced written out
for the baselines), ``fts5`` and ``tantivy`` (build from those sections), and ``query`` (all
engines open, the same queries interleaved). Builds also answer a few warm-up queries, so the
peak RSS covers searching as well as indexing.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

from kb.bench.baselines import dir_mb
from kb.bench.queries import KINDS, Query, draw

WARM_QUERIES = 5  # of each kind
WARM_SEED_OFFSET = 7919  # warm-up queries differ from the timed ones


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


class Ours:
    """Our search, through the same service call the CLI and the web use (the Whoosh index in
    ``where``, or with ``database`` the PostgreSQL database ``where`` names)."""

    name = "ours"

    def __init__(self, where, database: bool = False):
        from kb.service import KnowledgeBase

        if database:
            self.kb = KnowledgeBase(None, database=str(where), create=False)
        else:
            self.kb = KnowledgeBase(where, database="", create=False)

    def search(self, query: Query) -> dict:
        result = self.kb.search(query.to_kb(), limit=10)
        return {"total": result["total"], "top": [h["id"] for h in result["hits"]],
                "facets": result["facets"]}

    def close(self) -> None:
        self.kb.close()


def open_engine(name: str, path: Path):
    if name in ("ours", "postgres"):
        return Ours(path, database=name == "postgres")
    from kb.bench.baselines import Fts5, Tantivy

    return {"fts5": Fts5, "tantivy": Tantivy}[name](path)


def section_rows(docs) -> list[dict]:
    """What the baselines index: each section's heading and text with its document's facets."""
    return [{"heading": s.heading or "", "body": s.text, "year": d.year or 0,
             "committee": d.committee or "", "doc_type": d.doc_type or ""}
            for d in docs for s in d.sections]


def read_rows(path: Path):
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            yield json.loads(line)


def warm(engine, seed: int) -> None:
    for query in draw(WARM_QUERIES, seed + WARM_SEED_OFFSET):
        engine.search(query)


def ingest_postgres(task: dict) -> dict:
    """One of N writer processes: ingest its share of the files into the database."""
    from kb.service import KnowledgeBase

    kb = KnowledgeBase(None, database=task["database"])
    start = time.perf_counter()
    report = kb.ingest([Path(p) for p in task["paths"]])
    seconds = time.perf_counter() - start
    kb.close()
    return {"ingest_s": seconds, "failed": len(report.failed), "peak_rss_mb": peak_rss_mb(),
            "started": start, "ended": start + seconds}


def build_ours(task: dict) -> dict:
    from kb.service import KnowledgeBase

    paths = [Path(p) for p in task["paths"]]
    kb = KnowledgeBase(task["index"], database="")
    start = time.perf_counter()
    report = kb.ingest(paths)
    seconds = time.perf_counter() - start
    kb.close()
    engine = Ours(Path(task["index"]))
    warm(engine, task["seed"])
    peak = peak_rss_mb()  # before the export below, which loads every document at once
    docs = engine.kb.store.documents()  # whole documents: the rows need the sections' text
    rows = section_rows(docs)
    with open(task["rows"], "w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    engine.close()
    return {"docs": len(docs), "sections": len(rows), "ingest_s": seconds,
            "failed": len(report.failed), "failures": report.failed[:5],
            "index_mb": dir_mb(Path(task["index"])), "peak_rss_mb": peak}


def build_baseline(task: dict) -> dict:
    from kb.bench.baselines import Fts5, Tantivy

    cls = {"fts5": Fts5, "tantivy": Tantivy}[task["task"]]
    start = time.perf_counter()
    engine = cls.build(Path(task["path"]), read_rows(Path(task["rows"])))
    seconds = time.perf_counter() - start
    warm(engine, task["seed"])
    engine.close()
    return {"ingest_s": seconds, "index_mb": dir_mb(Path(task["path"])), "peak_rss_mb": peak_rss_mb()}


def time_queries(task: dict) -> dict:
    """Every engine answers every query; the order of engines rotates from query to query."""
    engines = {name: open_engine(name, path if name == "postgres" else Path(path))
               for name, path in task["engines"].items()}
    for engine in engines.values():
        warm(engine, task["seed"])
    names = list(engines)
    timings = {name: {kind: [] for kind in KINDS} for name in names}
    totals = {name: [] for name in names}
    for i, query in enumerate(draw(task["queries"], task["seed"])):
        shift = i % len(names)
        for name in names[shift:] + names[:shift]:
            start = time.perf_counter()
            result = engines[name].search(query)
            timings[name][query.kind].append((time.perf_counter() - start) * 1000)
            totals[name].append(result["total"])
    for engine in engines.values():
        engine.close()
    return {"timings_ms": timings, "totals": totals}


TASKS = {"ours": build_ours, "fts5": build_baseline, "tantivy": build_baseline, "query": time_queries,
         "postgres": ingest_postgres}


def main(argv: list[str]) -> int:
    task = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
    result = TASKS[task["task"]](task)
    Path(argv[2]).write_text(json.dumps(result), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
