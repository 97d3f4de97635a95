"""Parallel document building: same Documents as in-process, in order, failures in place."""

from __future__ import annotations

import os
from pathlib import Path

import psutil
import pytest

from ingest.document_builder import ingest_file
from ingest.errors import IngestError
from ingest.parallel import MIN_PARALLEL, WorkerFailure, build_documents, ordered_map
from kb.bench.generator import generate


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> list[Path]:
    return generate(MIN_PARALLEL + 4, tmp_path_factory.mktemp("gen"), seed=5)


def test_parallel_documents_equal_in_process_ones_in_order(generated):
    results = list(build_documents(generated, workers=2))
    assert [path for path, _ in results] == generated
    for path, doc in results:
        assert not isinstance(doc, IngestError), doc
        assert doc.to_dict() == ingest_file(path).to_dict()


def test_a_bad_file_fails_in_its_place_and_the_batch_goes_on(generated, tmp_path):
    empty = tmp_path / "tom.txt"
    empty.write_bytes(b"")
    missing = tmp_path / "finns-inte.txt"
    paths = [generated[0], empty, *generated[1:MIN_PARALLEL], missing]
    results = list(build_documents(paths, workers=2))
    assert [path for path, _ in results] == paths
    by_path = dict(results)
    assert isinstance(by_path[empty], IngestError) and by_path[empty].path == str(empty)
    assert isinstance(by_path[missing], IngestError) and "not found" in by_path[missing].reason
    assert all(not isinstance(by_path[p], IngestError) for p in generated[:MIN_PARALLEL])


def test_in_process_errors_read_like_the_parallel_ones(generated, tmp_path):
    missing = tmp_path / "saknas.txt"
    alone = dict(build_documents([missing], workers=1))[missing]
    among = dict(build_documents([*generated[:MIN_PARALLEL], missing], workers=2))[missing]
    assert isinstance(alone, IngestError) and isinstance(among, IngestError)
    assert (alone.reason, alone.path) == (among.reason, among.path) == (alone.reason, str(missing))


def test_a_small_batch_starts_no_worker(generated):
    me = psutil.Process()
    before = {c.pid for c in me.children(recursive=True)}
    for _, doc in build_documents(generated[:2], workers=2):
        assert {c.pid for c in me.children(recursive=True)} == before
        assert not isinstance(doc, IngestError)


def _square_or_die(n: int) -> int:
    if n == 3:
        os._exit(7)  # a worker that dies hard: no exception, no result
    return n * n


def _square_or_raise(n: int) -> int:
    if n == 2:
        raise ValueError("trasig")
    return n * n


def test_a_dead_worker_costs_only_its_own_item():
    args = [(n,) for n in range(10)]
    results = list(ordered_map(_square_or_die, args, workers=2, keys=list(range(10))))
    assert [k for k, _ in results] == list(range(10))
    failed = [k for k, r in results if isinstance(r, WorkerFailure)]
    assert failed == [3]
    assert all(r == k * k for k, r in results if k != 3)


def test_an_exception_in_a_worker_becomes_a_failure_in_place():
    results = list(ordered_map(_square_or_raise, [(n,) for n in range(6)], workers=2))
    assert isinstance(results[2][1], WorkerFailure)
    assert "ValueError: trasig" in results[2][1].detail
    assert [r for _, r in results if not isinstance(r, WorkerFailure)] == [0, 1, 9, 16, 25]


def _touch(folder: str, n: int) -> int:
    Path(folder, f"{n}.started").touch()
    return n


def test_no_more_than_the_window_is_in_flight(tmp_path):
    window = 3
    stream = ordered_map(_touch, [(str(tmp_path), n) for n in range(40)], workers=2, window=window)
    first_key, first = next(stream)
    assert first == 0
    started = len(list(tmp_path.glob("*.started")))
    assert started <= window  # nothing beyond the window was handed out while we held back
    assert [r for _, r in stream] == list(range(1, 40))


def test_a_killed_ingest_leaves_no_worker_behind(tmp_path):
    """SIGKILL on `kb ingest` must not leave worker processes holding its output pipes.

    The ingest pauses after its first document (tests/pause_driver.py), so its workers are alive
    when it is killed, however fast the machine."""
    import signal
    import subprocess
    import sys
    import time

    import psutil
    from reliability_corpus import write_corpus

    folder = tmp_path / "corpus"
    write_corpus(folder, 60)
    paused, go = tmp_path / "paused", tmp_path / "go"
    driver = Path(__file__).with_name("pause_driver.py")
    proc = subprocess.Popen([sys.executable, str(driver), "ingest", str(folder), "--index",
                             str(tmp_path / "index"), "--workers", "2"],
                            env=dict(os.environ, KB_TEST_PAUSED=str(paused), KB_TEST_GO=str(go)),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while not paused.exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert paused.exists(), f"the ingest never reached its first document: {proc.poll()=}"
        workers = [c for c in psutil.Process(proc.pid).children(recursive=True)
                   if "multiprocessing" in " ".join(c.cmdline()) and "resource_tracker" not in " ".join(c.cmdline())]
        assert len(workers) == 2, workers
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=30)  # returns once nothing holds the pipes any more
    finally:
        go.touch()
        if proc.poll() is None:
            proc.kill()
            proc.communicate(timeout=30)
    gone, alive = psutil.wait_procs(workers, timeout=10)
    assert not alive, f"workers outlived the killed ingest: {[p.pid for p in alive]}"
