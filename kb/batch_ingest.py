"""Batch ingest: many files into the index, one writer, durable progress, nothing lost.

A file whose bytes are unchanged since the last ingest is skipped; a changed file replaces its
old version (same document id) in one commit; a file that fails is reported with its reason and
the batch goes on. Commits happen every ``batch`` documents, so a killed ingest keeps what it had
committed and re-running the same command completes the batch. A rebuild (new analyzer or
schema) first records every source it must bring back (in the store), so a rebuild killed after
its first commit, which clears the old records, is completed by the next ingest or reindex. A
rebuild never loses a document whose file is out of reach (a share not mounted): its stored copy
is indexed again, and the index's source list (:mod:`index.sources`) keeps its path for a later
reindex.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from index.engine import COMMIT_BATCH
from ingest.discover import discover
from ingest.document_builder import document_id
from ingest.errors import IngestError, file_error
from ingest.model import Document
from ingest.parallel import MIN_PARALLEL, build_documents, build_one
from ingest.readers import max_file_bytes

Progress = Callable[[str, Path | None], None]


@dataclass
class IngestReport:
    """What an ingest did: indexed, unchanged and failed files (with reasons), files in folders
    skipped for their type, and files whose bytes were already indexed under another path."""

    indexed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    rebuilt: bool = False
    skipped: list[str] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (path, the path indexed instead)
    removed: list[str] = field(default_factory=list)       # documents removed on purpose (--prune)
    kept: list[str] = field(default_factory=list)          # deleted files whose documents stay (no --prune)
    restored: list[str] = field(default_factory=list)      # re-indexed from their stored copy in a rebuild
    unreachable: dict[str, list[str]] = field(default_factory=dict)  # missing or empty folder -> sources
    refused: str | None = None                             # why the run removed nothing it was asked to
    notes: list[str] = field(default_factory=list)         # what the store did that the user should know

    @property
    def ok(self) -> bool:
        return not self.failed and not self.unreachable and not self.refused

    def skipped_types(self) -> dict[str, int]:
        """File endings of the skipped files with their counts, most first: {".doc": 2, "": 1}."""
        counts: dict[str, int] = {}
        for path in self.skipped:
            suffix = Path(path).suffix.lower()
            counts[suffix] = counts.get(suffix, 0) + 1
        return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0] == "", kv[0])))

    def to_dict(self, *, names_only: bool = False) -> dict:
        """The JSON form; paths are made printable (see :func:`display_path`), or reduced to the
        file's name (``names_only``: what the HTTP API shows, never the server's folders)."""
        show = (lambda p: Path(display_path(p)).name) if names_only else display_path

        def said(path: str, text: str) -> str:  # an OS error's message may name the whole path
            return text.replace(str(Path(path).parent) + os.sep, "") if names_only else text

        return {
            "indexed": [show(p) for p in self.indexed],
            "unchanged": [show(p) for p in self.unchanged],
            "failed": [{"path": show(p), "reason": said(p, r)} for p, r in self.failed],
            "warnings": [{"path": show(p), "warning": said(p, w)} for p, w in self.warnings],
            "rebuilt": self.rebuilt,
            "removed": [show(p) for p in self.removed],
            "kept": [show(p) for p in self.kept],
            "restored": [show(p) for p in self.restored],
            "unreachable": [{"folder": show(folder), "sources": len(sources)}
                            for folder, sources in self.unreachable.items()],
            "refused": self.refused,
            "notes": self.notes,
            "skipped": [show(p) for p in self.skipped],
            "duplicates": [{"path": show(p), "same_as": show(o)} for p, o in self.duplicates],
        }


def display_path(path: str) -> str:
    """``path`` as text any UTF-8 output can hold: bytes of a file name that are not UTF-8
    (kept by Python as lone surrogates) are shown as ``\\xe5``."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(path).decode("utf-8", errors="backslashreplace")
    return path


def file_digest(path: Path) -> str:
    """SHA-256 of a file, read in chunks (bounded memory for large files)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def ingest_paths(
    store,
    paths: Iterable[Path],
    *,
    ocr: bool = False,
    batch: int = COMMIT_BATCH,
    lock_timeout: float = 30.0,
    progress: Progress | None = None,
    force: bool = False,
    workers: int | None = None,
    remove: Iterable[str] = (),
    rebuild_all: bool = False,
    report: IngestReport | None = None,
    derive=None,
) -> IngestReport:
    """Ingest files and folders into ``store`` (an :class:`index.engine.Engine`).

    Documents are built by ``workers`` processes (default: one per core) while this process
    writes the index; ``workers=1`` builds them here, one file at a time, with ``progress``
    called just before each file is read. ``remove`` lists document ids to remove in the same
    write; ``rebuild_all`` rebuilds the whole index from its sources (as a new analyzer does).
    ``derive`` is passed to the store's write (see :meth:`index.store.Store.write`): the service
    keeps tracing up to date with it."""
    report = report if report is not None else IngestReport()
    known = store.sources()
    targets: list[Path] = []
    for item in discover((Path(p) for p in paths), on_skip=lambda path: report.skipped.append(str(path))):
        if isinstance(item, IngestError):
            report.failed.append((item.path or "?", item.reason))
        else:
            targets.append(item)
    rebuild: list[str] = []
    pending = store.pending_rebuild()
    if store.needs_rebuild or rebuild_all:
        # The analyzer or schema changed: re-read every stored source so old and new tokens never mix.
        report.rebuilt = True
        force = True
        rebuild = sorted(set(known) | set(store.source_list()) | set(pending))
    elif pending:
        # A rebuild was killed after its first commit had cleared the old records: finish it.
        report.rebuilt = True
        rebuild = pending
    restore_ids: list[str] = []  # rebuild sources out of reach: their stored copies go in again
    if rebuild:
        listed = {str(t.resolve()) for t in targets}
        missing = [p for p in rebuild if p not in listed and not Path(p).is_file()]
        targets += [Path(p) for p in rebuild if p not in listed and p not in missing]
        removing = set(remove)
        restore_ids = [known[p][0] for p in missing if p in known and known[p][0] not in removing]

    stale: list[str] = []

    def documents() -> Iterator[Document]:
        if rebuild:
            # Under the writer lock, before the first commit clears the index: remember what the
            # rebuild must bring back, so a killed rebuild is completed by the next run.
            store.set_pending_rebuild(rebuild)
        # First, so that they land in the first commits: the stored copies of documents whose
        # files are out of reach now (the rebuild's first commit clears the index).
        for doc in store.stored_documents(restore_ids):
            report.restored.append(doc.path)
            yield doc
        todo: list[Path] = []
        first_with: dict[str, str] = {}  # sha256 -> the path indexed with those bytes
        for stored in sorted(known):
            first_with.setdefault(known[stored][1], stored)
        for path in targets:
            try:
                _check_name(path)
                resolved = str(path.resolve())
                if not force and resolved in known and _unchanged(path, known[resolved]):
                    report.unchanged.append(str(path))
                    if progress:
                        progress("unchanged", path)
                    continue
                original = _same_bytes_elsewhere(path, resolved, first_with)
            except IngestError as exc:
                report.failed.append((str(path), exc.reason))
                continue
            except OSError as exc:
                report.failed.append((str(path), file_error(exc, path, "build").reason))
                continue
            if original is not None:
                report.duplicates.append((str(path), original))
                if resolved in known:  # it was indexed before its twin: keep one of them only
                    stale.append(known[resolved][0])
                continue
            todo.append(path)
        for path, doc in _built(todo, ocr=ocr, workers=workers, progress=progress):
            if isinstance(doc, IngestError):
                report.failed.append((str(path), doc.reason))
                continue
            for warning in doc.warnings:
                report.warnings.append((str(path), warning))
            report.indexed.append(str(path))
            yield doc

    try:
        store.write(documents(), remove=remove, batch=batch, lock_timeout=lock_timeout,
                    derive=derive, **({"rebuild": True} if rebuild_all else {}))
        if stale:
            store.write([], remove=stale, lock_timeout=lock_timeout, derive=derive)
    finally:
        report.notes += store.take_notes()
    if rebuild:
        store.set_pending_rebuild([])
    return report


def _built(todo: list[Path], *, ocr: bool, workers: int | None,
           progress: Progress | None) -> Iterator[tuple[Path, Document | IngestError]]:
    """``(path, Document or IngestError)`` in order: built here, or by worker processes."""
    if (workers is not None and workers <= 1) or len(todo) < MIN_PARALLEL:
        for path in todo:
            if progress:
                progress("file", path)
            yield path, build_one(path, ocr)
        return
    for path, result in build_documents(todo, ocr=ocr, workers=workers):
        if progress:
            progress("file", path)
        yield path, result


def _same_bytes_elsewhere(path: Path, resolved: str, first_with: dict[str, str]) -> str | None:
    """The other path whose bytes ``path`` repeats (already indexed and still there, or earlier
    in this batch), or None. The first path with those bytes is the one indexed."""
    if os.stat(path).st_size > max_file_bytes():
        return None  # left to the reader, which refuses it by its size
    digest = file_digest(path)
    original = first_with.get(digest)
    if original is None or original == resolved:
        first_with[digest] = resolved
        return None
    if not Path(original).is_file():  # moved: this is its new place
        first_with[digest] = resolved
        return None
    return original


def _unchanged(path: Path, stored: tuple[str, str]) -> bool:
    """True when ``path`` holds the bytes stored as (document id, sha256).

    A file over the size limit is not hashed (that would read all of it): it is left to the
    reader, which refuses it by its size."""
    if os.stat(path).st_size > max_file_bytes():
        return False
    return stored == (document_id(path), file_digest(path))


def _check_name(path: Path) -> None:
    """Refuse a file whose name is not valid UTF-8 (bytes from an old Windows or Mac share).

    Python keeps such bytes as lone surrogates, which no UTF-8 store or JSON answer can hold,
    so the file is reported with a way out instead of failing later as an internal error."""
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        raise IngestError("the file name is not valid UTF-8 (an old encoding such as latin-1): "
                          "rename it, e.g. with `convmv -f latin1 -t utf8`", str(path)) from None
