"""No command destroys the index by accident, and a damaged index always has a way out.

- A reindex or ingest never removes documents whose folder is missing or empty (a share that is not
  mounted): it reports them and exits non-zero. Deleted files go only with --prune, which refuses
  to remove more than half the index without --force. The index keeps its source list, so a later
  reindex brings back what a missing mount hid, even after a rebuild from the sources.
- A damaged index (truncated segment, damaged or garbage table of contents, missing segment) gives
  one line naming the problem and the fix, on every command and on `kb serve`; `kb check` verifies
  an index; `kb reindex --from-sources` rebuilds it even when it cannot be opened.
- Partial files of a killed write are cleaned at the next open; a stale writer record naming a dead
  process is taken over with a note; a full disk gives one line and leaves no partial files.

Commands run as `kb` runs them: click's standalone mode in-process (CliRunner) where many commands
are needed, real processes for `kb serve`, killed writers and the full disk.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from reliability_corpus import write_corpus
from whoosh import index as whoosh_index

from index.sources import SOURCES_FILE, read_sources
from index.store import HOLDER_FILE, META_FILE
from kb.cli import main

KB = [sys.executable, "-m", "kb.cli"]


def kb(*args) -> tuple[int, str, str]:
    """Run `kb ARGS` in-process as the command line does; (exit status, stdout, stderr)."""
    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def kb_process(*args, timeout: float = 300, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(KB + [str(a) for a in args], capture_output=True, text=True, timeout=timeout, **kw)


def document_sources(index_dir: Path) -> list[str]:
    code, out, err = kb("docs", "--index", index_dir, "--json")
    assert code == 0, err
    return sorted(d["source"] for d in json.loads(out))


@pytest.fixture()
def share(tmp_path) -> tuple[Path, Path, Path]:
    """A "share" of 6 documents in a sub-folder, a local folder of 4, and an index of both."""
    share = tmp_path / "share"
    files = write_corpus(tmp_path / "all", 10)
    (share / "ärenden").mkdir(parents=True)
    (tmp_path / "local").mkdir()
    for f in files[:6]:
        shutil.move(f, share / "ärenden" / f.name)
    for f in files[6:]:
        shutil.move(f, tmp_path / "local" / f.name)
    index_dir = tmp_path / "index"
    code, _, err = kb("ingest", share, tmp_path / "local", "--index", index_dir, "--workers", 1)
    assert code == 0, err
    return share, tmp_path / "local", index_dir


def unmount(share: Path) -> Path:
    """What an unmounted share looks like: its mount point is an empty folder."""
    away = share.with_name(share.name + ".away")
    share.rename(away)
    share.mkdir()
    return away


def mount(share: Path, away: Path) -> None:
    share.rmdir()
    away.rename(share)


# -- 1. nothing destroys the index by accident ------------------------------------------------------

def test_a_reindex_with_the_share_missing_keeps_its_documents_and_exits_non_zero(share):
    share_dir, _, index_dir = share
    away = unmount(share_dir)
    code, _, err = kb("reindex", "--index", index_dir)
    assert code != 0
    assert f"unreachable: {share_dir} is missing or empty (6 documents kept)" in err
    assert "removed" not in err
    assert len(document_sources(index_dir)) == 10
    # Even asked to prune, documents of a missing folder stay: that needs --force too.
    code, _, err = kb("reindex", "--index", index_dir, "--prune")
    assert code != 0 and len(document_sources(index_dir)) == 10
    mount(share_dir, away)
    code, _, err = kb("reindex", "--index", index_dir)
    assert code == 0, err
    assert len(document_sources(index_dir)) == 10


def test_the_source_list_brings_back_what_a_missing_mount_hid(share):
    """Rebuilt from its sources while the share was away, the index still lists the share's files;
    the next reindex after the share is back brings its documents back."""
    share_dir, _, index_dir = share
    listed = set(read_sources(index_dir))
    assert len(listed) == 10
    away = unmount(share_dir)
    for toc in index_dir.glob("*.toc"):
        toc.write_bytes(b"garbage")  # an index that cannot be opened: nothing to restore from
    code, _, err = kb("reindex", "--index", index_dir, "--from-sources")
    assert code != 0 and "unreachable" in err
    assert len(document_sources(index_dir)) == 4  # only the local files could be read
    assert set(read_sources(index_dir)) == listed  # ...but the share's files are remembered
    mount(share_dir, away)
    code, _, err = kb("reindex", "--index", index_dir)
    assert code == 0, err
    assert len(document_sources(index_dir)) == 10


def test_a_rebuild_keeps_documents_whose_files_are_out_of_reach(share):
    """A new analyzer rebuilds the index at the next ingest; documents of the missing share are
    indexed again from their stored copies instead of being lost."""
    share_dir, local, index_dir = share
    meta = json.loads((index_dir / META_FILE).read_text(encoding="utf-8"))
    meta["analyzer_version"] = "an older analyzer"
    (index_dir / META_FILE).write_text(json.dumps(meta), encoding="utf-8")
    unmount(share_dir)
    code, _, err = kb("ingest", local, "--index", index_dir)
    assert code == 0, err
    assert "restored: 6 documents from their stored copies" in err
    assert len(document_sources(index_dir)) == 10
    code, out, _ = kb("search", "--index", index_dir, "--json", '"revisionens granskning"', "--limit", 100)
    assert len({h["doc_id"] for h in json.loads(out)["hits"]}) == 10  # searchable with the new analyzer


def test_deleted_files_go_only_with_prune(share):
    _, local, index_dir = share
    gone = sorted(local.iterdir())[0]
    gone.unlink()
    code, _, err = kb("reindex", "--index", index_dir)
    assert code == 0, err
    assert "kept: 1 documents whose files were deleted" in err
    assert gone.name in document_sources(index_dir)
    code, _, err = kb("reindex", "--index", index_dir, "--prune")
    assert code == 0, err
    assert f"removed: {gone}" in err
    assert gone.name not in document_sources(index_dir)
    assert str(gone) not in read_sources(index_dir)


def test_prune_refuses_to_remove_more_than_half_the_index_without_force(share):
    share_dir, _, index_dir = share
    for f in (share_dir / "ärenden").iterdir():  # 6 of 10, but the folder is still there (not empty)
        f.unlink()
    (share_dir / "ärenden" / "läsmig.odt").write_text("inte ett ärende", encoding="utf-8")
    code, _, err = kb("reindex", "--index", index_dir, "--prune")
    assert code != 0
    assert "refusing to remove 6 of the 10 documents" in err
    assert len(document_sources(index_dir)) == 10
    code, _, err = kb("reindex", "--index", index_dir, "--prune", "--force")
    assert code == 0, err
    assert len(document_sources(index_dir)) == 4


def test_ingest_prune_removes_deleted_files_under_its_paths_only(share):
    share_dir, local, index_dir = share
    gone_local = sorted(local.iterdir())[0]
    gone_share = sorted((share_dir / "ärenden").iterdir())[0]
    gone_local.unlink()
    gone_share.unlink()
    code, _, err = kb("ingest", local, "--index", index_dir, "--prune")
    assert code == 0, err
    names = document_sources(index_dir)
    assert gone_local.name not in names and gone_share.name in names


def test_an_index_built_before_the_source_list_gets_one(share):
    _, _, index_dir = share
    (index_dir / SOURCES_FILE).unlink()
    code, _, err = kb("reindex", "--index", index_dir)
    assert code == 0, err
    assert len(read_sources(index_dir)) == 10


# -- 5. recovery from corruption ----------------------------------------------------------------

def _truncate_segment(index_dir: Path) -> None:
    seg = max(index_dir.glob("*.seg"), key=lambda p: p.stat().st_size)
    with open(seg, "r+b") as fh:
        fh.truncate(seg.stat().st_size // 2)


def _damage_toc(index_dir: Path) -> None:
    toc = next(index_dir.glob("*.toc"))
    toc.write_bytes(toc.read_bytes()[:40])


def _garbage_toc(index_dir: Path) -> None:
    gen = max(int(p.stem.rsplit("_", 1)[1]) for p in index_dir.glob("*.toc"))
    (index_dir / f"_MAIN_{gen + 1}.toc").write_bytes(os.urandom(3000))  # newest: read first


def _garbage_segment(index_dir: Path) -> None:
    seg = next(index_dir.glob("*.seg"))
    seg.write_bytes(os.urandom(seg.stat().st_size))


def _missing_segment(index_dir: Path) -> None:
    next(index_dir.glob("*.seg")).unlink()


DAMAGE = {"truncated segment": _truncate_segment, "damaged table of contents": _damage_toc,
          "garbage table of contents": _garbage_toc, "garbage segment": _garbage_segment,
          "missing segment": _missing_segment}
COMMANDS = [["search", "nämnden"], ["search", "--json", "nämnden"], ["docs"], ["docs", "--json"],
            ["show", "0123456789abcdef"], ["commitments"], ["trace"], ["cases"], ["reindex"],
            ["ingest", "{corpus}"], ["check"], ["check", "--quick"]]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path]:
    corpus = tmp_path_factory.mktemp("corpus")
    write_corpus(corpus, 12)
    index_dir = tmp_path_factory.mktemp("built") / "index"
    code, _, err = kb("ingest", corpus, "--index", index_dir, "--workers", 1, "--batch", 4)
    assert code == 0, err
    return corpus, index_dir


@pytest.fixture()
def damaged_copy(built, tmp_path, request) -> tuple[Path, Path]:
    corpus, index_dir = built
    copy = tmp_path / "index"
    shutil.copytree(index_dir, copy)
    DAMAGE[request.param](copy)
    return corpus, copy


@pytest.mark.parametrize("damaged_copy", list(DAMAGE), indirect=True)
def test_every_command_on_a_damaged_index_says_what_is_wrong_in_one_line(damaged_copy):
    corpus, index_dir = damaged_copy
    for command in COMMANDS:
        args = [a.replace("{corpus}", str(corpus)) for a in command]
        code, out, err = kb(*args, "--index", index_dir)
        shown = f"kb {' '.join(command)}: {err!r}"
        assert code != 0, shown
        assert "Traceback" not in err + out and "Aborted!" not in err + out, shown
        last = err.strip().splitlines()[-1]
        assert last.startswith("Error: the index at") and "damaged" in last, shown
        assert "kb reindex --from-sources" in last, shown
        problem_lines = [line for line in err.strip().splitlines()
                         if not line.startswith(("checking ", "damaged: "))]
        assert len(problem_lines) == 1, shown


@pytest.mark.parametrize("damaged_copy", ["truncated segment", "garbage table of contents"], indirect=True)
def test_kb_serve_refuses_a_damaged_index_in_one_line(damaged_copy):
    _, index_dir = damaged_copy
    done = kb_process("serve", "--index", index_dir, "--port", "0", timeout=60)
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "is damaged" in lines[0] and "kb reindex --from-sources" in lines[0], done.stderr


@pytest.mark.parametrize("damaged_copy", list(DAMAGE), indirect=True)
def test_reindex_from_sources_rebuilds_a_damaged_index(damaged_copy):
    corpus, index_dir = damaged_copy
    code, _, err = kb("reindex", "--index", index_dir, "--from-sources")
    assert code == 0, err
    assert "moved to damaged-" in err
    assert len(document_sources(index_dir)) == 12
    assert kb("check", "--index", index_dir)[0] == 0


def test_kb_check_reads_every_record(built, tmp_path):
    """Bit rot inside a segment opens fine and is found only by reading everything."""
    _, index_dir = built
    code, out, err = kb("check", "--index", index_dir)
    assert code == 0, err
    assert out.startswith("ok: 12 documents")
    copy = tmp_path / "index"
    shutil.copytree(index_dir, copy)
    seg = max(copy.glob("*.seg"), key=lambda p: p.stat().st_size)
    # Rot in the stored records' part of the segment: the small files opened with it (lengths,
    # terms' header, the segment's directory) lie at places that change from run to run.
    from whoosh.filedb.compound import CompoundStorage
    from whoosh.filedb.filestore import FileStorage

    compound = CompoundStorage(FileStorage(str(copy)).open_file(seg.name), use_mmap=False)
    stored = next(info for name, info in compound._dir.items() if name.endswith("._stored.col"))
    compound.close()
    data = bytearray(seg.read_bytes())
    start, end = stored["offset"], stored["offset"] + stored["length"]
    for i in range(start + 1000, end - 4096, 997):  # the column's own index at its end: spared
        data[i] ^= 0x55
    seg.write_bytes(bytes(data))
    assert kb("check", "--quick", "--index", copy)[0] == 0  # it opens...
    code, _, err = kb("check", "--index", copy)
    assert code != 0 and "damaged: " in err and "cannot be read" in err


# A writer killed just before its table of contents is renamed into place: its segment is written,
# its TOC is a temporary file. Both are partial files of a write that never finished.
KILL_BEFORE_TOC = r"""
import os, signal
from whoosh.filedb.filestore import FileStorage

real_rename = FileStorage.rename_file


def rename_file(self, src, dst, safe=False):
    if dst.endswith(".toc") and not dst.endswith("_1.toc"):
        os.kill(os.getpid(), signal.SIGKILL)
    real_rename(self, src, dst, safe)


FileStorage.rename_file = rename_file
from kb.cli import main
main()
"""


def test_partial_files_of_a_killed_write_are_cleaned_at_the_next_open(built, tmp_path):
    corpus, index_dir = built
    copy = tmp_path / "index"
    shutil.copytree(index_dir, copy)
    killed = subprocess.run([sys.executable, "-c", KILL_BEFORE_TOC, "ingest", str(corpus), "--index",
                             str(copy), "--force", "--workers", "1"], capture_output=True, timeout=300)
    assert killed.returncode == -signal.SIGKILL
    before = {p.name for p in copy.iterdir()}
    assert any(".toc." in name for name in before), before  # the unfinished table of contents
    code, out, err = kb("docs", "--index", copy)  # a reader opens the index
    assert code == 0, err
    assert "note: removed" in err and "partial files" in err
    ix = whoosh_index.open_dir(str(copy))
    referenced = {s.segment_id() for s in ix._segments()}
    ix.close()
    for p in copy.iterdir():
        assert p.name in ("MAIN_WRITELOCK", META_FILE, SOURCES_FILE) or p.suffix == ".toc" and ".toc." not in p.name \
            or p.name.split(".")[0] in referenced, f"left behind: {p.name}"
    assert kb("check", "--index", copy)[0] == 0


def test_a_stale_writer_record_naming_a_dead_process_is_taken_over(built, tmp_path):
    corpus, index_dir = built
    copy = tmp_path / "index"
    shutil.copytree(index_dir, copy)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    import socket

    (copy / HOLDER_FILE).write_text(json.dumps({"pid": dead.pid, "host": socket.gethostname(),
                                                "since": "2024-01-01T00:00:00", "command": "kb ingest"}))
    done = kb_process("ingest", corpus, "--index", copy, "--force", "--wait", "1")
    assert done.returncode == 0, done.stderr
    assert "Another ingest is writing" not in done.stderr
    assert f"took over the index from a writer that is no longer running (pid {dead.pid}" in done.stderr
    assert not (copy / HOLDER_FILE).exists()


# -- 8. a full disk ---------------------------------------------------------------------------------

FULL_DISK = r"""
set -u
mount -t tmpfs -o size=3m tmpfs "$DISK"
head -c "$FILL" /dev/zero > "$DISK/filler"
"$PY" -m kb.cli ingest "$CORPUS" --index "$DISK/index" --batch 40 --workers 1 > "$OUT/out1" 2> "$OUT/err1"
echo $? > "$OUT/rc1"
ls -a "$DISK/index" > "$OUT/files1"
"$PY" -c "
from whoosh import index
ix = index.open_dir('$DISK/index'); print(' '.join(s.segment_id() for s in ix._segments()))
" > "$OUT/segments1"
rm "$DISK/filler"
"$PY" -m kb.cli ingest "$CORPUS" --index "$DISK/index" --batch 40 --workers 1 > "$OUT/out2" 2> "$OUT/err2"
echo $? > "$OUT/rc2"
"$PY" -m kb.cli check --index "$DISK/index" > "$OUT/check" 2>&1
echo $? > "$OUT/rc3"
"""


def _in_own_mount_namespace() -> list[str] | None:
    """A command prefix that gives a private mount namespace (so a tmpfs vanishes with it)."""
    if shutil.which("unshare") is None:
        return None
    for prefix in (["unshare", "--mount"], ["unshare", "--mount", "--map-root-user"]):
        probe = subprocess.run(prefix + ["sh", "-c", "mount -t tmpfs -o size=1m tmpfs /mnt"],
                               capture_output=True)
        if probe.returncode == 0:
            return prefix
    return None


# Where no small file system can be mounted: the index's writes fail with ENOSPC once a budget
# of bytes is used up, at Whoosh's file layer (every index file goes through create_file).
ENOSPC_DRIVER = r"""
import errno, os
from whoosh.filedb.filestore import FileStorage

budget = [int(os.environ["KB_TEST_DISK_BYTES"])]
real_create = FileStorage.create_file


class Filling:
    def __init__(self, f):
        self._f = f

    def write(self, data):
        budget[0] -= len(data)
        if budget[0] < 0:
            raise OSError(errno.ENOSPC, "No space left on device")
        return self._f.write(data)

    def __getattr__(self, name):
        return getattr(self._f, name)


def create_file(self, name, *args, **kwargs):
    f = real_create(self, name, *args, **kwargs)
    f.file = Filling(f.file)
    return f


FileStorage.create_file = create_file
from kb.cli import main
main()
"""


def _full_disk_by_injection(corpus: Path, disk: Path, out: Path) -> None:
    """The same steps as FULL_DISK, with ENOSPC injected at the write layer instead."""
    index_dir = disk / "index"
    first = subprocess.run([sys.executable, "-c", ENOSPC_DRIVER, "ingest", str(corpus), "--index", str(index_dir),
                            "--batch", "40", "--workers", "1"], capture_output=True, text=True, timeout=600,
                           env=dict(os.environ, KB_TEST_DISK_BYTES=str(600_000)))
    (out / "rc1").write_text(str(first.returncode))
    (out / "err1").write_text(first.stderr)
    (out / "files1").write_text("\n".join([".", ".."] + [p.name for p in index_dir.iterdir()]))
    ix = whoosh_index.open_dir(str(index_dir))
    (out / "segments1").write_text(" ".join(s.segment_id() for s in ix._segments()))
    ix.close()
    second = kb_process("ingest", corpus, "--index", index_dir, "--batch", 40, "--workers", 1)
    (out / "rc2").write_text(str(second.returncode))
    (out / "err2").write_text(second.stderr)
    check = kb_process("check", "--index", index_dir)
    (out / "rc3").write_text(str(check.returncode))
    (out / "check").write_text(check.stdout + check.stderr)


@pytest.mark.parametrize("how", ["tmpfs", "injected"])
def test_a_full_disk_gives_one_line_and_leaves_no_partial_files(tmp_path, how):
    """A real file system that fills up: a 3 MB tmpfs, most of it taken by a filler file, in a
    mount namespace of its own; and ENOSPC injected where Whoosh writes the index files (also
    the tmpfs case's stand-in where mounting is not allowed)."""
    corpus = tmp_path / "corpus"
    files = write_corpus(corpus, 160)
    disk, out = tmp_path / "disk", tmp_path / "out"
    disk.mkdir()
    out.mkdir()
    prefix = _in_own_mount_namespace() if how == "tmpfs" else None
    if prefix is not None:
        env = dict(os.environ, DISK=str(disk), OUT=str(out), CORPUS=str(corpus), PY=sys.executable,
                   FILL=str(2_200_000))
        subprocess.run(prefix + ["sh", "-c", FULL_DISK], env=env, check=True, timeout=600)
    else:
        _full_disk_by_injection(corpus, disk, out)
    assert (out / "rc1").read_text().strip() == "1"
    err = (out / "err1").read_text().strip().splitlines()
    assert len(err) == 1 and err[0].startswith("Error: no space left on the disk holding the index"), err
    assert "Traceback" not in (out / "err1").read_text()
    referenced = set((out / "segments1").read_text().split())
    for name in (out / "files1").read_text().split():
        if name in (".", "..", "MAIN_WRITELOCK", META_FILE, SOURCES_FILE) or name.endswith(".toc"):
            assert ".toc." not in name, name
            continue
        assert name.split(".")[0] in referenced, f"partial file left behind: {name}"
    # Space freed, the same command completes.
    summary = (out / "err2").read_text()
    assert (out / "rc2").read_text().strip() == "0", summary
    counts = re.search(r"indexed (\d+), unchanged (\d+), failed 0", summary)
    assert counts and int(counts[1]) + int(counts[2]) == len(files), summary
    assert (out / "rc3").read_text().strip() == "0", (out / "check").read_text()
