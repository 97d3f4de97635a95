"""One `kb ingest FOLDER` batch full of bad files: each gets its own clear message, the batch
goes on, the good files are indexed, the exit status says something failed, and what the index
held before is still there, whole.

The batch runs in a real `kb` process. A small driver wraps the real ``ingest_paths`` with a
progress hook (the hook the CLI itself uses) that deletes one file after discovery listed it and
before it is read, and records the process's peak RSS when it exits.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from unprivileged import command_prefix

from kb.batch_ingest import display_path
from kb.service import KnowledgeBase

DRIVER = r"""
import os, resource, sys
from pathlib import Path

import kb.batch_ingest as batch_ingest

VANISH = os.environ.get("KB_TEST_VANISH", "")
real_ingest_paths = batch_ingest.ingest_paths


def ingest_paths(store, paths, *, progress=None, **kw):
    def hook(event, path):
        # Discovery has listed the file; it goes away now, just before it is read.
        if VANISH and path is not None and path.name == VANISH:
            path.unlink()
        if progress:
            progress(event, path)
    # One file at a time, so the hook runs just before each file is read.
    return real_ingest_paths(store, paths, progress=hook, **{**kw, "workers": 1})


batch_ingest.ingest_paths = ingest_paths
from kb.cli import main

try:
    main()
finally:
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    Path(os.environ["KB_TEST_RSS"]).write_text(str(peak_kb))
"""

HUGE_BYTES = 200 * 1024 * 1024
VANISHING = "försvinner.txt"


def yttrande(word: str) -> str:
    """A small Swedish statement of our own, carrying an unusual word to find it by."""
    return (f"Yttrande över granskning av {word}\n\nSammanfattning\n\n"
            f"Nämnden har tagit del av granskningen av {word} och instämmer i bedömningen.\n\n"
            f"Rekommendation 1: Säkerställ att nämnden följer upp {word}.\n\n"
            "Förvaltningen kommer att ta fram en rutin under hösten 2025.\n")


def run_kb(args: list, tmp_path: Path, *, vanish: str = "") -> tuple[subprocess.CompletedProcess, int]:
    """Run `kb ARGS` through the driver; returns the process and its peak RSS in kB."""
    rss_file = tmp_path / f"rss-{random.random()}"
    env = dict(os.environ, KB_TEST_VANISH=vanish, KB_TEST_RSS=str(rss_file), PYTHONIOENCODING="utf-8")
    env.pop("KB_MAX_FILE_MB", None)  # the default limit (50 MB) applies
    proc = subprocess.run(command_prefix() + [sys.executable, "-c", DRIVER] + [str(a) for a in args],
                          capture_output=True, encoding="utf-8", errors="replace", env=env, timeout=300)
    return proc, int(rss_file.read_text())


def build_batch(inbox: Path) -> dict[str, Path]:
    """Every kind of bad file, good files with odd names, and plain good files."""
    files: dict[str, Path] = {}

    def put(key: str, name: str, data: bytes) -> Path:
        path = inbox / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        files[key] = path
        return path

    put("empty", "tom.txt", b"")
    rng = random.Random(5)
    put("binary", "bilaga.txt", bytes(rng.randrange(256) for _ in range(20_000)))
    # 200 MB of "text": a real start, then a sparse hole; it takes no disk and must not be read.
    huge = put("huge", "jättefil.txt", yttrande("jättefilen").encode())
    with open(huge, "r+b") as fh:
        fh.truncate(HUGE_BYTES)
    put("broken_utf8", "trasig.txt", yttrande("trasigkodning").encode() + "Förvaltningen svarar ".encode() + b"\xff\xfe" + " på remissen.\n".encode())
    put("mixed", "blandad.txt",
        yttrande("blandkodning").encode() + "Rad i gammal kodning: förvaltningen svarar.\n".encode("cp1252"))
    put("vanishing", VANISHING, yttrande("försvinnande").encode())
    locked = put("locked", "låst.txt", yttrande("låsningen").encode())
    locked.chmod(0)
    loops = inbox / "slingor"
    loops.mkdir()
    (loops / "a.txt").symlink_to("b.txt")
    (loops / "b.txt").symlink_to("a.txt")
    (loops / "själv.txt").symlink_to("själv.txt")
    (loops / "uppåt").symlink_to("..")  # a folder loop: walked once, never forever
    files["loop_a"], files["loop_b"], files["loop_self"] = loops / "a.txt", loops / "b.txt", loops / "själv.txt"
    put("spaces", "med  mellanslag .txt", yttrande("mellanslagsfil").encode())
    put("swedish", "Åtgärder för ÄLDRE ö.txt", yttrande("åäöfil").encode())
    put("emoji", "rapport 📄✅.md", yttrande("emojifil").encode())
    put("newline", "två\nrader.txt", yttrande("radbrytningsfil").encode())
    put("latin1_name", os.fsdecode(b"gammalt-namn-\xe5.txt"), yttrande("latinnamn").encode())
    put("good_1", "yttrande-1.txt", yttrande("skolskjutsar").encode())
    put("good_2", "under/yttrande-2.txt", yttrande("matsvinn").encode())
    return files


@pytest.fixture
def batch(tmp_path):
    inbox = tmp_path / "inkorg"
    inbox.mkdir()
    index_dir = tmp_path / "index"
    # What the index held before the bad batch: two good files, one of which then breaks.
    earlier = inbox / "tidigare.txt"
    earlier.write_text(yttrande("tidigarefilen"), encoding="utf-8")
    changed = inbox / "ändrad.txt"
    changed.write_text(yttrande("ursprungstext"), encoding="utf-8")
    grown = inbox / "växande.txt"
    grown.write_text(yttrande("växtfilen"), encoding="utf-8")
    first, baseline_rss = run_kb(["ingest", inbox, "--index", index_dir], tmp_path)
    assert first.returncode == 0, first.stderr
    before = {d.source: d for d in KnowledgeBase(index_dir).store.documents()}
    assert set(before) == {"tidigare.txt", "ändrad.txt", "växande.txt"}
    changed.write_bytes(b"\x00\x01PK\x03\x04" * 500)  # overwritten by something that is not text
    with open(grown, "r+b") as fh:  # a stored file that has grown past the limit (sparse)
        fh.truncate(HUGE_BYTES)
    files = build_batch(inbox)
    files["earlier"], files["changed"], files["grown"] = earlier, changed, grown
    yield inbox, index_dir, files, before, baseline_rss
    files["locked"].chmod(0o644)


def test_a_batch_of_bad_files_reports_each_and_keeps_the_rest(batch, tmp_path):
    inbox, index_dir, files, before, baseline_rss = batch
    proc, peak_rss = run_kb(["ingest", inbox, "--index", index_dir, "--json"], tmp_path, vanish=VANISHING)
    assert proc.returncode != 0, "a batch with failures must not exit 0"
    assert proc.stdout.strip(), proc.stderr
    report = json.loads(proc.stdout)
    failed = {item["path"]: item["reason"] for item in report["failed"]}
    warned: dict[str, list[str]] = {}
    for item in report["warnings"]:
        warned.setdefault(item["path"], []).append(item["warning"])

    def reason(key: str) -> str:
        path = display_path(str(files[key]))
        assert path in failed, f"{key}: no error for {path!r}; failed: {sorted(failed)}"
        return failed[path]

    assert "empty file" in reason("empty")
    assert "binary content" in reason("binary")
    assert "file too large" in reason("huge") and "200.0 MB" in reason("huge")
    assert "not found" in reason("vanishing") or "vanished" in reason("vanishing")
    assert "permission denied" in reason("locked")
    for key in ("loop_a", "loop_b", "loop_self"):
        assert reason(key) == "symlink loop"
    assert "file name is not valid UTF-8" in reason("latin1_name")
    assert "binary content" in reason("changed")
    assert "file too large" in reason("grown")
    # Damaged encodings are repaired, not refused: indexed, with a warning that says what happened.
    assert any("invalid UTF-8" in w for w in warned[str(files["broken_utf8"])])
    assert any("mixed encodings" in w for w in warned[str(files["mixed"])])
    # Nothing else failed, and each failure is reported once.
    assert len(report["failed"]) == len(failed) == 11

    good = ["broken_utf8", "mixed", "spaces", "swedish", "emoji", "newline", "good_1", "good_2"]
    assert sorted(report["indexed"]) == sorted(str(files[k]) for k in good)
    assert report["unchanged"] == [str(files["earlier"])]

    # The 200 MB file was refused by its size, never read: the kb process stayed as small as a
    # run over two small files (reading it would add 200 MB).
    print(f"\npeak RSS: {peak_rss / 1024:.0f} MB for the bad batch, {baseline_rss / 1024:.0f} MB "
          f"for two small files")
    assert peak_rss < baseline_rss + 64 * 1024

    kb = KnowledgeBase(index_dir)
    docs = {d.source: d for d in kb.store.documents()}
    assert set(docs) == {files[k].name for k in good} | set(before)
    # What was stored before is still there, unchanged, also for the files that broke since.
    for name in before:
        assert docs[name] == before[name]
    assert "ursprungstext" in docs["ändrad.txt"].text
    # Every good file is whole and can be found, odd names included.
    for key in good:
        doc = docs[files[key].name]
        assert doc.path == str(files[key].resolve())
        assert kb.document(doc.id) == doc and doc.sections
    assert kb.search("emojifil")["total"] >= 1
    assert kb.search("radbrytningsfil")["total"] >= 1
    kb.close()


def test_the_human_summary_names_each_bad_file_with_its_reason(batch, tmp_path):
    inbox, index_dir, files, _, _ = batch
    proc, _ = run_kb(["ingest", inbox, "--index", index_dir], tmp_path)
    assert proc.returncode == 1
    lines = proc.stderr.splitlines()
    for key, words in [("empty", "empty file"), ("binary", "binary content"), ("huge", "file too large"),
                       ("locked", "permission denied"), ("loop_self", "symlink loop")]:
        assert f"failed: {files[key]}: " in proc.stderr, key
        assert any(line.startswith(f"failed: {files[key]}: ") and words in line for line in lines), key
    assert lines[-1].startswith("indexed 9, unchanged 1, failed 10")
