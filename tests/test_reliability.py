"""Reliability: killed ingests, concurrent ingests, searches during writes, load on `kb serve`.

These run real `kb` processes. The long ones carry the `slow` marker; `.ci/run` runs them too.
Figures are printed (run with -s to see them) and recorded in docs/reliability.md.
"""

from __future__ import annotations

import json
import math
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from reliability_corpus import write_corpus
from whoosh import index as whoosh_index
from whoosh.query import Term

KB = [sys.executable, "-m", "kb.cli"]


def kb_run(*args, timeout=300, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(KB + [str(a) for a in args], capture_output=True, text=True, timeout=timeout, **kw)


def check_whole_documents(index_dir: Path) -> int:
    """Every stored document has exactly its sections in the index, and no section is orphaned.

    Returns the number of documents."""
    from index.store import Store

    store = Store(index_dir, create=False)
    docs = store.documents()
    ix = whoosh_index.open_dir(index_dir)
    with ix.searcher() as s:
        doc_ids = {d.id for d in docs}
        for d in docs:
            records = s.search(Term("doc_id", d.id), limit=None)
            assert len(records) == len(d.sections) + 1, f"{d.source}: {len(records)} records, {len(d.sections)} sections"
        sections = s.search(Term("record", "section"), limit=None)
        assert len(sections) == sum(len(d.sections) for d in docs)
        # A section's id is "DOCID#N" (index.records.section_id).
        section_ids = [hit.fields().get("id", "") for hit in sections]
        assert all("#" in sid for sid in section_ids), "a section record without a section id"
        orphans = {sid.rsplit("#", 1)[0] for sid in section_ids} - doc_ids
        assert not orphans, f"sections without their document: {sorted(orphans)[:5]}"
    # And it still answers a search.
    assert store.search("nämnden", limit=5)["total"] >= 0
    store.close()
    return len(docs)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    write_corpus(folder, 160)
    return folder


def wait_for_writer(proc: subprocess.Popen, index_dir: Path, limit: float = 60.0) -> bool:
    """Wait until ``proc`` holds the index writer (its holder file exists); False if it ended first."""
    holder = index_dir / "kb-writer.json"
    deadline = time.monotonic() + limit
    while proc.poll() is None and time.monotonic() < deadline:
        if holder.exists():
            return True
        time.sleep(0.01)
    return False


@pytest.mark.slow
def test_sigkill_during_ingest_never_leaves_half_a_document(corpus, tmp_path):
    index_dir = tmp_path / "index"
    rng = random.Random(2024)
    kills = 0
    counts: list[int] = []
    files = sorted(corpus.glob("*.txt"))
    for round_no in range(60):
        if kills >= 22:
            break
        # Touch a few files so every round has replacements to write, not only new documents.
        for path in rng.sample(files, 5):
            with open(path, "a", encoding="utf-8") as fh:
                fh.write(f"\nTillägg {round_no}: nämnden följer upp ärendet.\n")
        (index_dir / "kb-writer.json").unlink(missing_ok=True)  # the holder file a killed run left
        # Odd rounds re-read everything (--force): a whole batch of replacements, each a delete and
        # an add that must land in one commit. Even rounds resume the batch where the last one died.
        force = ["--force"] if round_no % 2 else []
        proc = subprocess.Popen(KB + ["ingest", str(corpus), "--index", str(index_dir), "--batch", "50"] + force,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # Kill only once the process holds the writer, at a random point of its batch
        # (a full batch of 160 takes several seconds, with a commit every 50 documents).
        if wait_for_writer(proc, index_dir):
            time.sleep(rng.uniform(0.0, 2.0))
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                kills += 1
        proc.wait()
        if whoosh_index.exists_in(index_dir):
            counts.append(check_whole_documents(index_dir))
            # Committed documents are never lost: each run only adds or replaces.
            assert counts == sorted(counts), f"documents went missing after a kill: {counts}"
    assert kills >= 20, f"only {kills} runs were killed mid-ingest; lengthen the batch"
    done = kb_run("ingest", corpus, "--index", index_dir)
    assert done.returncode == 0, done.stderr
    assert check_whole_documents(index_dir) == len(files)
    again = kb_run("ingest", corpus, "--index", index_dir)
    assert f"unchanged {len(files)}" in again.stderr
    rebuilt = kb_run("reindex", "--index", index_dir)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert check_whole_documents(index_dir) == len(files)
    # Killed writers leave no growing debris: the last commits clean up their segment files.
    assert len(list(index_dir.iterdir())) < 80, sorted(p.name for p in index_dir.iterdir())
    partial = sum(1 for c in counts if 0 < c < len(files))
    print(f"\nkill loop: {len(counts)} runs, {kills} SIGKILLed while holding the writer, index whole "
          f"after each; {partial} left fewer than all {len(files)} documents; documents after each run: "
          f"{counts}")


# Runs `kb` with a progress hook that SIGKILLs the process itself when the Nth file comes up:
# a real kill at an exact point of the batch, without timing.
KILL_AT_DRIVER = r"""
import os, signal
import kb.batch_ingest as batch_ingest

AT = int(os.environ["KB_TEST_KILL_AT"])
real_ingest_paths = batch_ingest.ingest_paths


def ingest_paths(store, paths, *, progress=None, **kw):
    seen = [0]

    def hook(event, path):
        seen[0] += 1
        if seen[0] == AT:
            os.kill(os.getpid(), signal.SIGKILL)
        if progress:
            progress(event, path)
    # One file at a time, so the Nth event is the Nth file read.
    return real_ingest_paths(store, paths, progress=hook, **{**kw, "workers": 1})


batch_ingest.ingest_paths = ingest_paths
from kb.cli import main
main()
"""


def test_a_rebuild_killed_after_its_first_commit_is_completed_by_the_next_run(tmp_path):
    """A rebuild's first commit clears the old records; killed after it, the index holds only part
    of the documents and no longer lists the others. The next run must bring them all back."""
    from index.store import META_FILE

    folder = tmp_path / "corpus"
    files = write_corpus(folder, 120)
    index_dir = tmp_path / "index"
    assert kb_run("ingest", folder, "--index", index_dir).returncode == 0
    meta_path = index_dir / META_FILE
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["analyzer_version"] = "an older analyzer"  # as after an upgrade: the next write rebuilds
    meta_path.write_text(json.dumps(meta), encoding="utf-8")
    killed = subprocess.run([sys.executable, "-c", KILL_AT_DRIVER, "reindex", "--index", str(index_dir),
                             "--batch", "50"],
                            env=dict(os.environ, KB_TEST_KILL_AT="70"), capture_output=True, timeout=300)
    assert killed.returncode == -signal.SIGKILL
    partial = check_whole_documents(index_dir)
    assert 0 < partial < len(files), "the kill should land after the first commit of the rebuild"
    done = kb_run("reindex", "--index", index_dir)
    assert done.returncode == 0, done.stderr
    assert check_whole_documents(index_dir) == len(files)
    assert not (index_dir / "kb-rebuild.json").exists()
    again = kb_run("ingest", folder, "--index", index_dir)
    assert f"indexed 0, unchanged {len(files)}" in again.stderr


# Runs `kb` with Whoosh's file rename wrapped: SIGKILL just before or just after the table of
# contents of generation N is renamed into place, the instant a commit becomes visible.
KILL_AT_COMMIT_DRIVER = r"""
import os, re, signal
from whoosh.filedb.filestore import FileStorage

GEN, WHEN = int(os.environ["KB_TEST_KILL_GEN"]), os.environ["KB_TEST_KILL_WHEN"]
real_rename = FileStorage.rename_file


def rename_file(self, src, dst, safe=False):
    m = re.search(r"_(\d+)\.toc$", dst)
    hit = m is not None and int(m.group(1)) == GEN
    if hit and WHEN == "before":
        os.kill(os.getpid(), signal.SIGKILL)
    real_rename(self, src, dst, safe)
    if hit and WHEN == "after":
        os.kill(os.getpid(), signal.SIGKILL)


FileStorage.rename_file = rename_file
from kb.cli import main
main()
"""


def toc_generation(index_dir: Path) -> int:
    return max(int(p.stem.rsplit("_", 1)[1]) for p in index_dir.glob("*.toc"))


@pytest.mark.slow
@pytest.mark.parametrize("force", [False, True], ids=["new documents", "replacements"])
@pytest.mark.parametrize("when", ["before", "after"])
def test_sigkill_at_the_commit_point_leaves_whole_documents(corpus, tmp_path, when, force):
    """The most delicate instant of a commit, hit exactly: segments written, table of contents
    not yet (or just) renamed. The index holds the previous (or the new) commit, whole."""
    index_dir = tmp_path / "index"
    files = sorted(corpus.glob("*.txt"))
    start = 0  # a new index starts at generation 0; each commit of 50 documents adds one
    if force:
        assert kb_run("ingest", corpus, "--index", index_dir).returncode == 0
        start = toc_generation(index_dir)
    killed = subprocess.run(
        [sys.executable, "-c", KILL_AT_COMMIT_DRIVER, "ingest", str(corpus), "--index", str(index_dir),
         "--batch", "50"]
        + (["--force"] if force else []),
        env=dict(os.environ, KB_TEST_KILL_GEN=str(start + 2), KB_TEST_KILL_WHEN=when),
        capture_output=True, timeout=300)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    count = check_whole_documents(index_dir)
    committed = 1 if when == "before" else 2  # commits of 50 documents that became visible
    assert count == (len(files) if force else 50 * committed)
    done = kb_run("ingest", corpus, "--index", index_dir)
    assert done.returncode == 0, done.stderr
    assert check_whole_documents(index_dir) == len(files)


def test_second_ingest_waits_then_refuses_clearly(corpus, tmp_path):
    """The first ingest pauses while it holds the writer (tests/pause_driver.py), so the second
    always meets it, however fast the machine."""
    index_dir = tmp_path / "index"
    paused, go = tmp_path / "paused", tmp_path / "go"
    driver = Path(__file__).with_name("pause_driver.py")
    first = subprocess.Popen([sys.executable, str(driver), "ingest", str(corpus), "--index", str(index_dir)],
                             env=dict(os.environ, KB_TEST_PAUSED=str(paused), KB_TEST_GO=str(go)),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while not paused.exists() and first.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert paused.exists() and (index_dir / "kb-writer.json").exists(), "the first ingest never held the writer"
        second = kb_run("ingest", corpus, "--index", index_dir, "--wait", "0.5")
    finally:
        go.touch()
        out, err = first.communicate(timeout=300)
    assert first.returncode == 0, err
    assert second.returncode != 0
    assert "being written" in second.stderr
    assert check_whole_documents(index_dir) == len(list(corpus.glob("*.txt")))


def test_searches_during_ingest_answer_from_last_commit(corpus, tmp_path):
    from kb.service import KnowledgeBase

    index_dir = tmp_path / "index"
    kb = KnowledgeBase(index_dir)
    proc = subprocess.Popen(KB + ["ingest", str(corpus), "--index", str(index_dir)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    totals = []
    errors = []
    while proc.poll() is None:
        try:
            totals.append(kb.search("nämnden")["total"])
        except Exception as exc:  # any error here is a failure of the property
            errors.append(repr(exc))
        time.sleep(0.05)
    proc.wait()
    assert proc.returncode == 0
    final = kb.search("nämnden")["total"]
    assert not errors
    assert totals == sorted(totals), "a search saw the index go backwards"
    assert totals, "no search ran while the ingest was running"
    assert final >= totals[-1] and final > 0


def test_a_reader_sees_each_commit_and_nothing_in_between(tmp_path):
    """Deterministic: a second KnowledgeBase (as a server holds) is asked before every file of a
    batch is read; it sees exactly the documents of the commits so far, never a partial batch."""
    from kb.service import KnowledgeBase

    folder = tmp_path / "corpus"
    write_corpus(folder, 23)
    index_dir = tmp_path / "index"
    reader = KnowledgeBase(index_dir)
    writer = KnowledgeBase(index_dir)
    seen: list[tuple[int, int]] = []

    def progress(event, path):
        # Every document says "revisionens granskning" once, in its summary.
        hits = reader.search('"revisionens granskning"', limit=100)["hits"]
        seen.append((len(reader.documents()), len({h["doc_id"] for h in hits})))

    report = writer.ingest([folder], batch=5, progress=progress, workers=1)
    assert report.ok and len(report.indexed) == 23
    expected = [5 * ((k - 1) // 5) for k in range(1, 24)]
    assert seen == [(n, n) for n in expected], seen
    assert len(reader.documents()) == 23
    writer.close()
    reader.close()


def percentiles(ordered: list[float]) -> tuple[float, float]:
    """p50 and p99 in milliseconds of sorted latencies in seconds (nearest rank)."""
    p99 = ordered[max(0, math.ceil(len(ordered) * 0.99) - 1)]
    return statistics.median(ordered) * 1000, p99 * 1000


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_serve_under_load_gives_no_errors(corpus, tmp_path):
    index_dir = tmp_path / "index"
    assert kb_run("ingest", corpus, "--index", index_dir).returncode == 0
    ids = [d["id"] for d in json.loads(kb_run("docs", "--index", index_dir, "--json").stdout)]
    port = _free_port()
    env = dict(os.environ, KB_RATE_LIMIT="0")
    # The server's log goes to a file: a pipe nobody reads would block the server once full.
    log_path = tmp_path / "serve.log"
    log = open(log_path, "w", encoding="utf-8")  # noqa: SIM115 (closed in finally)
    server = subprocess.Popen(KB + ["serve", "--index", str(index_dir), "--port", str(port)],
                              stdout=log, stderr=subprocess.STDOUT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(base + "/api/v1/facets", timeout=2).read()
                break
            except OSError:
                time.sleep(0.1)
        seconds = float(os.environ.get("KB_LOAD_SECONDS", "60"))
        words = ["nämnden", "rekommendation", "skolskjutsar", "hemtjänstens", "matsvinn", "rutin",
                 "bibliotek*", '"följa upp"', "år:2020..2023", "nämnd:socialnämnden"]
        latencies: list[float] = []
        by_kind: dict[str, list[float]] = {}
        errors: list[str] = []
        lock = threading.Lock()
        stop = time.monotonic() + seconds

        def client(n: int) -> None:
            rng = random.Random(n)
            while time.monotonic() < stop:
                kind = rng.random()
                name = "search" if kind < 0.5 else "facets" if kind < 0.65 else \
                    "document" if kind < 0.85 else "html"
                if kind < 0.5:
                    q = urllib.parse.quote(rng.choice(words))
                    url = f"{base}/api/v1/search?q={q}&page={rng.randint(1, 3)}"
                elif kind < 0.65:
                    url = f"{base}/api/v1/facets?q={urllib.parse.quote(rng.choice(words))}"
                elif kind < 0.85:
                    url = f"{base}/api/v1/documents/{rng.choice(ids)}"
                else:
                    url = f"{base}/?q={urllib.parse.quote(rng.choice(words))}"
                t0 = time.perf_counter()
                detail = ""
                try:
                    with urllib.request.urlopen(url, timeout=30) as resp:
                        body = resp.read()
                        ok = resp.status == 200 and len(body) > 0
                        detail = f"{resp.status}, {len(body)} bytes {url}"
                except urllib.error.HTTPError as exc:
                    ok = False
                    detail = f"{exc.code} {url}"
                except Exception as exc:  # a reset, a timeout, a truncated answer: all are errors
                    ok = False
                    detail = f"{type(exc).__name__}: {exc} {url}"
                with lock:
                    latencies.append(time.perf_counter() - t0)
                    by_kind.setdefault(name, []).append(latencies[-1])
                    if not ok:
                        errors.append(detail)

        threads = [threading.Thread(target=client, args=(n,)) for n in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        lat = sorted(latencies)
        p50, p99 = percentiles(lat)
        print(f"\nload: {len(lat)} requests from 8 clients in {seconds:.0f} s, {len(errors)} errors, "
              f"p50 {p50:.1f} ms, p99 {p99:.1f} ms")
        for name, values in sorted(by_kind.items()):
            k50, k99 = percentiles(sorted(values))
            print(f"  {name}: {len(values)} requests, p50 {k50:.1f} ms, p99 {k99:.1f} ms")
        assert not errors, errors[:5]
        assert len(lat) > 100
        assert server.poll() is None, "the server died under load"
        assert "Traceback" not in log_path.read_text(encoding="utf-8")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        log.close()

