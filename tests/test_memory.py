"""Memory bounded by design: it does not grow with the server's threads, nor hold every text.

Whoosh copied each segment's files into private memory for every searcher, and the store kept one
searcher per thread: threads × index size (2.4 GB for 8 threads on a 290 MB index). Now one
searcher serves every thread and reads the files in place; these tests count the Python
allocations (tracemalloc: no timing, no process sizes) and check that sharing keeps answers right.
Peak RSS of `kb serve` under load on a 20,000-document index: benchmarks/serve_memory.py.
"""

from __future__ import annotations

import threading
import tracemalloc
from pathlib import Path

import pytest
from reliability_corpus import write_corpus

from index.store import Store
from kb.service import KnowledgeBase

QUERIES = ["nämnden", "rekommendation", "skolskjutsar", '"följa upp"', "bibliotek*", "år:2018..2022",
           "nämnd:socialnämnden", "hemtjänstens kvalitet", "rutin OR avtal", "-matsvinn nämnden"]


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    write_corpus(folder, 160)
    index_dir = tmp_path_factory.mktemp("memory") / "index"
    kb = KnowledgeBase(index_dir)
    assert kb.ingest([folder]).ok
    kb.close()
    return index_dir


def work(store: Store) -> list:
    """What a server thread does: searches with facets, pages of hits, whole documents."""
    answers = []
    for q in QUERIES:
        for page in (1, 2):
            result = store.search(q, page=page, limit=10)
            answers.append((q, page, result["total"], [h["id"] for h in result["hits"]], result["facets"]))
    for doc_id, _ in sorted(store.sources().values())[:40]:
        answers.append(store.document(doc_id).title)
    return answers


def test_memory_does_not_grow_with_the_number_of_threads(index_dir):
    index_bytes = sum(p.stat().st_size for p in index_dir.iterdir() if p.is_file())
    store = Store(index_dir)
    stop = threading.Event()

    def server_thread(ready: threading.Event) -> None:
        work(store)
        ready.set()
        stop.wait()  # a waitress thread lives on, and so would anything it holds

    def start_thread() -> None:
        ready = threading.Event()
        threading.Thread(target=server_thread, args=(ready,), daemon=True).start()
        assert ready.wait(300)

    tracemalloc.start()
    try:
        start_thread()
        one = tracemalloc.get_traced_memory()[0]
        for _ in range(7):
            start_thread()
        eight = tracemalloc.get_traced_memory()[0]
        mapped = segment_maps(index_dir)
    finally:
        stop.set()
        tracemalloc.stop()
        store.close()
    grown = eight - one
    print(f"\nindex {index_bytes / 1e6:.1f} MB; 1 thread: {one / 1e6:.1f} MB traced, 8 threads: "
          f"{eight / 1e6:.1f} MB (+{grown / 1e6:.2f} MB)")
    # Before: each thread's searcher copied the segment files, +7 × index size.
    assert grown < 0.2 * index_bytes, f"7 more threads took {grown / 1e6:.1f} MB"
    # And each had its own mmap of every segment, which RSS counts once per map.
    if mapped is not None:
        assert sorted(mapped) == sorted(p.name for p in index_dir.glob("*.seg")), mapped


def segment_maps(index_dir: Path) -> list[str] | None:
    """The segment files this process has mapped, once per map (None where /proc is missing)."""
    maps = Path("/proc/self/maps")
    if not maps.exists():
        return None
    return [Path(line.split()[-1]).name for line in maps.read_text().splitlines()
            if line.split()[-1].startswith(str(index_dir)) and line.endswith(".seg")]


def test_threads_sharing_one_searcher_get_the_same_answers(index_dir):
    store = Store(index_dir)
    expected = work(store)
    results: list = [None] * 8
    errors: list = []

    def run(n: int) -> None:
        try:
            for _ in range(3):
                results[n] = work(store)
        except Exception as exc:  # noqa: BLE001 - any error is a failure of the property
            errors.append(repr(exc))

    threads = [threading.Thread(target=run, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    store.close()
    assert not errors, errors[:3]
    assert all(r == expected for r in results)


def test_the_documents_cache_holds_no_texts(index_dir):
    kb = KnowledgeBase(index_dir)
    docs = kb.all_documents()
    assert len(docs) == 160
    assert all(d.text == "" and d.raw_text == "" and all(s.text == "" for s in d.sections) for d in docs)
    assert all(d.sections for d in docs)  # headings and numbers stay: "sections" counts in kb docs
    whole = kb.whole_documents(docs[:5])
    assert [d.id for d in whole] == [d.id for d in docs[:5]]
    assert all(d.text and all(s.text for s in d.sections) for d in whole)
    counts = {d["id"]: d["sections"] for d in kb.documents()}
    assert all(counts[d.id] == len(d.sections) for d in whole)
    kb.close()
