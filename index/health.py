"""Is the index on disk whole? Checks that name the damaged file, and the tidying of a write
that never finished.

- :func:`quick_check` opens the table of contents and every segment (milliseconds): it finds a
  truncated or overwritten segment, a missing segment file, a damaged table of contents. Every
  command and ``kb serve`` run it when the index fails to open or a read fails, so a damaged
  index gives one line naming the problem and the way out, never a traceback or "Aborted!".
- :func:`full_check` (``kb check``) also reads every stored record, every column and every
  posting list.
- :func:`tidy` removes what a failed or killed write left (segment files no table of contents
  names, Whoosh's temporary folder and table-of-contents files, our own ``*.tmp`` files).
  The caller must hold the writer lock.
"""

from __future__ import annotations

import json
import shutil
import zlib
from collections.abc import Callable
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage
from whoosh.index import TOC, clean_files

INDEX_NAME = "MAIN"  # Whoosh's default index name: files _MAIN_<gen>.toc and MAIN_<segment>.*


class IndexDamaged(RuntimeError):
    """The index on disk cannot be read; ``problem`` names what is wrong."""

    def __init__(self, path: Path | str, problem: str):
        self.path = Path(path)
        self.problem = problem
        super().__init__(f"the index at {self.path} is damaged ({problem}): rebuild it from its sources "
                         f"with `kb reindex --from-sources --index {self.path}`")


def has_index(path: Path | str) -> bool:
    """True when ``path`` holds an index (a table of contents), readable or not. (Whoosh's own
    ``exists_in`` raises on a damaged table of contents instead of answering.)"""
    pattern = TOC._pattern(INDEX_NAME)
    try:
        return any(pattern.match(p.name) for p in Path(path).iterdir())
    except OSError:
        return False


def _describe(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0][:120] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _toc_name(path: Path) -> str:
    try:
        generation = TOC._latest_generation(FileStorage(str(path)), INDEX_NAME)
    except Exception:  # noqa: BLE001 - a listing that fails names no file
        return "the table of contents"
    return f"table of contents _{INDEX_NAME}_{generation}.toc"


def _segment_file(segment) -> str:
    return segment.make_filename(".seg") if segment.is_compound() else f"segment {segment.segment_id()}"


def open_index(path: Path | str, schema=None):
    """Open the index at ``path``; raises :class:`IndexDamaged` naming the table of contents when
    it cannot be read."""
    path = Path(path)
    try:
        ix = whoosh_index.open_dir(str(path), schema=schema)
        ix.latest_generation()
        return ix
    except Exception as exc:  # noqa: BLE001 - any failure to read the TOC is damage
        raise IndexDamaged(path, f"{_toc_name(path)} cannot be read: {_describe(exc)}") from exc


def _segments(ix) -> list:
    return list(ix._segments())


def _open_segment(ix, segment):
    from whoosh.reading import SegmentReader

    if segment.is_compound() and not ix.storage.file_exists(segment.make_filename(".seg")):
        raise IndexDamaged(ix.storage.folder, f"segment file {segment.make_filename('.seg')} is missing")
    try:
        return SegmentReader(ix.storage, ix.schema, segment)
    except Exception as exc:  # noqa: BLE001
        raise IndexDamaged(ix.storage.folder,
                           f"{_segment_file(segment)} is truncated or corrupt: {_describe(exc)}") from exc


def quick_check(path: Path | str, schema=None) -> str | None:
    """What is wrong with the index at ``path`` (table of contents and segments open), or None."""
    path = Path(path)
    if not has_index(path):
        return None
    try:
        ix = open_index(path, schema)
        try:
            for segment in _segments(ix):
                _open_segment(ix, segment).close()
        finally:
            ix.close()
    except IndexDamaged as exc:
        return exc.problem
    return None


def full_check(path: Path | str, schema=None, progress: Callable[[str], None] | None = None) -> list[str]:
    """Every problem found reading the whole index: table of contents, segments, stored records
    (the compressed documents and the hits' payloads), columns and posting lists."""
    path = Path(path)
    if not has_index(path):
        return [f"no index at {path}"]
    try:
        ix = open_index(path, schema)
    except IndexDamaged as exc:
        return [exc.problem]
    problems: list[str] = []
    try:
        segments = _segments(ix)
        for n, segment in enumerate(segments, 1):
            name = _segment_file(segment)
            if progress:
                progress(f"segment {n}/{len(segments)}: {name}, {segment.doc_count()} records")
            try:
                reader = _open_segment(ix, segment)
            except IndexDamaged as exc:
                problems.append(exc.problem)
                continue
            try:
                problems += _check_segment(reader, name)
            finally:
                reader.close()
    finally:
        ix.close()
    return problems


def _check_segment(reader, name: str) -> list[str]:
    problems: list[str] = []
    step = "stored records"
    try:
        for docnum in reader.all_doc_ids():
            fields = reader.stored_fields(docnum)
            payload = fields.get("payload")
            if isinstance(payload, bytes):
                json.loads(zlib.decompress(payload).decode("utf-8"))
            elif isinstance(payload, str):
                json.loads(payload)
        for field in sorted(reader.schema.names()):
            if not reader.has_column(field):
                continue
            step = f"column {field}"
            for _ in reader.column_reader(field):
                pass
        for field in sorted(reader.indexed_field_names()):
            step = f"postings of {field}"
            for text in reader.lexicon(field):
                matcher = reader.postings(field, text)
                while matcher.is_active():
                    matcher.id()
                    if matcher.supports("positions"):
                        matcher.value_as("positions")
                    matcher.next()
    except Exception as exc:  # noqa: BLE001 - anything unreadable is damage
        problems.append(f"{name}: {step} cannot be read: {_describe(exc)}")
    return problems


def tidy(path: Path | str) -> list[str]:
    """Remove what an unfinished write left in the index folder; returns the names removed.

    The caller holds the writer lock, so no writer is creating these files now."""
    path = Path(path)
    removed: list[str] = []
    storage = FileStorage(str(path))
    try:
        ix = whoosh_index.open_dir(str(path))
    except Exception:  # noqa: BLE001 - a damaged index is left as it is for `kb reindex --from-sources`
        return removed
    try:
        before = set(storage.list())
        clean_files(storage, ix.indexname, ix.latest_generation(), _segments(ix))
        removed += sorted(before - set(storage.list()))
    finally:
        ix.close()
    temp_dir = path / f"{INDEX_NAME}.tmp"
    if temp_dir.is_dir():
        shutil.rmtree(temp_dir, ignore_errors=True)
        removed.append(temp_dir.name)
    for leftover in path.iterdir():
        name = leftover.name
        unfinished_toc = name.startswith(f"_{INDEX_NAME}_") and ".toc." in name
        if (unfinished_toc or name.endswith(".tmp")) and leftover.is_file():
            leftover.unlink(missing_ok=True)
            removed.append(name)
    return removed
