"""The document store: a Whoosh index on disk, one writer at a time, many readers.

Writing: a write lock with a bounded wait (``StoreLocked`` names who holds it), every document's
records in one commit, a commit every ``batch`` documents, bounded writer memory and a bounded
segment count. Whoosh's commit is an atomic rename of its table of contents, so a killed writer
leaves the last commit intact, and its fcntl lock dies with it.

Reading: one searcher per thread, reopened only when the index has a new commit; the column
arrays that facets and filters use are loaded once per commit and shared by all threads.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.writing import CLEAR

from index.analysis import ANALYZER_VERSION
from index.codec import PackedCodec
from index.columns import ColumnArrays, generation_key
from index.engine import COMMIT_BATCH, Engine, StoreLocked  # noqa: F401 (StoreLocked: re-exported)
from index.querytree import Filters, ParsedQuery
from index.records import decode_document, document_records
from index.schema import DOCUMENT, SCHEMA_VERSION, build_schema
from ingest.model import Document

META_FILE = "kb-index.json"
HOLDER_FILE = "kb-writer.json"
# While a rebuild runs: the sources it must bring back. A rebuild's first commit clears the old
# records; if the rebuild is killed after that, the next ingest finishes it.
REBUILD_FILE = "kb-rebuild.json"
WRITER_LIMIT_MB = 96
MAX_SEGMENTS = 12
MERGE_FACTOR = 8           # segments merged at once (see bounded_merge)
TIDY_FRACTION = 4          # after a bulk write, segments under 1/4 of the largest are merged
POSTING_BLOCK = 512       # postings per block (W3: 128): fewer blocks to write and to decode


def bounded_merge(writer, segments):
    """At most ``MAX_SEGMENTS`` segments after a commit: when the new one would exceed that, the
    ``MERGE_FACTOR`` smallest (by live documents) are merged into it.

    A Whoosh merge rewrites every posting in Python, which is what a long ingest spends most on,
    so each record should be rewritten as few times as possible: merging several small segments at
    once rewrites a record 1.6 times on average over 20,000 documents in batches of 200, merging
    three at a time 3.2 times (simulated), for the same bound on segments that searches read.
    """
    if len(segments) < MAX_SEGMENTS:                # room for the segment this commit writes
        return segments
    ordered = sorted(segments, key=lambda s: s.doc_count())
    merged = ordered[:max(MERGE_FACTOR, len(segments) + 1 - MAX_SEGMENTS)]
    _merge_into(writer, merged)
    return ordered[len(merged):]


def _merge_into(writer, segments) -> None:
    """Add the live documents of ``segments`` to the segment ``writer`` is writing."""
    from whoosh.reading import SegmentReader

    for seg in segments:
        reader = SegmentReader(writer.storage, writer.schema, seg)
        writer.add_reader(reader)
        reader.close()


def leftover_segments(segments) -> list:
    """The segments far smaller than the largest (under 1/``TIDY_FRACTION``), when two or more."""
    if len(segments) <= 2:
        return []
    largest = max(s.doc_count() for s in segments)
    small = [s for s in segments if s.doc_count() * TIDY_FRACTION < largest]
    return small if len(small) >= 2 else []


def tidy_merge(writer, segments):
    """After a bulk write: the small segments the last batches left merged into one, so searches
    read fewer segments (only a small share of the records is rewritten)."""
    small = leftover_segments(segments)
    _merge_into(writer, small)
    return [s for s in segments if not any(s is t for t in small)]


class Store(Engine):
    """The embedded engine: a Whoosh index in one folder (see the module docstring)."""

    name = "whoosh"

    def __init__(self, path: Path | str, *, create: bool = True):
        self.path = Path(path)
        self.schema = build_schema()
        self._local = threading.local()
        self._arrays_lock = threading.Lock()
        self._arrays: ColumnArrays | None = None
        self._ix = None
        self._open_error: str | None = None
        if whoosh_index.exists_in(self.path):
            self._open()
        elif create:
            self.path.mkdir(parents=True, exist_ok=True)
            self._ix = whoosh_index.create_in(self.path, self.schema)
            self._write_meta()
        else:
            raise FileNotFoundError(f"no index at {self.path}")

    # -- versions -----------------------------------------------------------------------------
    def _open(self) -> None:
        try:
            self._ix = whoosh_index.open_dir(self.path, schema=self.schema)
            self._ix.latest_generation()
        except Exception as exc:  # an unreadable table of contents: rebuild from the sources
            self._ix = None
            self._open_error = f"{type(exc).__name__}: {exc}"

    def _read_meta(self) -> dict:
        try:
            return json.loads((self.path / META_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def _write_meta(self) -> None:
        meta = {"analyzer_version": ANALYZER_VERSION, "schema_version": SCHEMA_VERSION}
        tmp = self.path / (META_FILE + ".tmp")
        tmp.write_text(json.dumps(meta), encoding="utf-8")
        os.replace(tmp, self.path / META_FILE)

    @property
    def needs_rebuild(self) -> bool:
        """True when the index was built by another analyzer or schema (or cannot be read)."""
        if self._ix is None:
            return True
        meta = self._read_meta()
        return (meta.get("analyzer_version") != ANALYZER_VERSION
                or meta.get("schema_version") != SCHEMA_VERSION)

    # -- writing ------------------------------------------------------------------------------
    def _acquire(self, lock_timeout: float):
        lock = self._ix.lock("WRITELOCK") if self._ix else _storage_lock(self.path)
        start = time.monotonic()
        while not lock.acquire(blocking=False):
            if time.monotonic() - start >= lock_timeout:
                raise StoreLocked(self.path, self._holder(), time.monotonic() - start)
            time.sleep(min(0.1, max(0.0, lock_timeout)))
        holder = {"pid": os.getpid(), "host": socket.gethostname(),
                  "since": time.strftime("%Y-%m-%dT%H:%M:%S"), "command": " ".join(sys.argv)[:200]}
        (self.path / HOLDER_FILE).write_text(json.dumps(holder), encoding="utf-8")
        return lock

    def _writer(self):
        """A Whoosh writer (the caller holds the write lock) with our codec and memory bound."""
        return self._ix.writer(_lk=False, limitmb=WRITER_LIMIT_MB, codec=PackedCodec(blocklimit=POSTING_BLOCK))

    def _holder(self) -> dict | None:
        try:
            return json.loads((self.path / HOLDER_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def writer_holder(self) -> dict | None:
        return self._holder()

    @property
    def location(self) -> str:
        return str(self.path)

    def exists(self) -> bool:
        return any(self.path.glob("*.toc"))

    def pending_rebuild(self) -> list[str]:
        try:
            data = json.loads((self.path / REBUILD_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return []
        if not isinstance(data, dict):
            return []
        return [p for p in data.get("sources", []) if isinstance(p, str)]

    def set_pending_rebuild(self, sources: list[str]) -> None:
        target = self.path / REBUILD_FILE
        if not sources:
            target.unlink(missing_ok=True)
            return
        tmp = target.with_name(REBUILD_FILE + ".tmp")
        tmp.write_text(json.dumps({"sources": sources}), encoding="utf-8")  # ASCII: any file name fits
        os.replace(tmp, target)

    def write(self, docs: Iterable[Document], *, remove: Iterable[str] = (), batch: int = COMMIT_BATCH,
              lock_timeout: float = 30.0, on_commit: Callable[[list[str]], None] | None = None) -> None:
        """Add or replace ``docs`` and remove the document ids in ``remove``.

        A document's records always share one commit; a commit happens every ``batch`` documents.
        When ``needs_rebuild``, the first commit clears the old records and the new schema and
        analyzer take over. ``on_commit`` is called with the ids committed each time.
        """
        batch = max(1, batch)
        lock = self._acquire(lock_timeout)
        try:
            clear = self.needs_rebuild
            if self._ix is None:
                self._ix = whoosh_index.create_in(self.path, self.schema)
                self._open_error = None
            pending: dict[str, Document] = {}
            removals = list(remove)
            commits = 0

            def commit() -> None:
                nonlocal clear, removals, commits
                if not pending and not removals and not clear:
                    return
                writer = self._writer()
                try:
                    writer.schema = self.schema
                    for doc_id in removals:
                        writer.delete_by_term("doc_id", doc_id)
                    for doc in pending.values():
                        if not clear:
                            writer.delete_by_term("doc_id", doc.id)
                        for record in document_records(doc):
                            writer.add_document(**record)
                except BaseException:
                    writer.cancel()
                    raise
                writer.commit(mergetype=CLEAR if clear else bounded_merge)
                if clear:
                    self._write_meta()
                    clear = False
                committed = list(pending)
                pending.clear()
                removals = []
                commits += 1
                if on_commit:
                    on_commit(committed)

            for doc in docs:
                if doc.id in pending:  # the same document twice in one batch: keep the newest
                    pending.pop(doc.id)
                pending[doc.id] = doc
                if len(pending) >= batch:
                    commit()
            commit()
            if commits >= 2 and leftover_segments(self._ix._segments()):
                self._writer().commit(mergetype=tidy_merge)
        finally:
            try:
                (self.path / HOLDER_FILE).unlink(missing_ok=True)
            finally:
                lock.release()

    # -- reading ------------------------------------------------------------------------------
    def searcher(self):
        """This thread's searcher, reopened when a newer commit exists."""
        if self._ix is None:
            if whoosh_index.exists_in(self.path):
                self._open()
            if self._ix is None:
                raise RuntimeError(f"the index at {self.path} cannot be read: {self._open_error}")
        current = getattr(self._local, "searcher", None)
        if current is not None:
            try:
                if current.up_to_date():
                    return current
            except Exception:  # a commit is being swapped in: keep answering from the last one
                return current
        try:
            fresh = self._ix.searcher()
        except Exception:
            if current is not None:
                return current
            raise
        self._local.searcher = fresh  # the old one is left to the garbage collector: others may use it
        return fresh

    def arrays(self, searcher) -> ColumnArrays:
        """Column arrays for this searcher's commit, loaded once and shared by all threads."""
        key = generation_key(searcher)
        arrays = self._arrays
        if arrays is not None and arrays.key == key:
            return arrays
        with self._arrays_lock:
            if self._arrays is None or self._arrays.key != key:
                self._arrays = ColumnArrays.load(searcher, key)
            return self._arrays

    def sources(self) -> dict[str, tuple[str, str]]:
        """Source path -> (document id, sha256) for every stored document."""
        if self._ix is None:
            return {}
        searcher = self.searcher()
        arrays = self.arrays(searcher)
        return arrays.sources()

    def documents(self) -> list[Document]:
        if self._ix is None:
            return []
        searcher = self.searcher()
        return [decode_document(fields["payload"])
                for fields in searcher.documents(record=DOCUMENT)]

    def document(self, doc_id: str) -> Document | None:
        if self._ix is None or not doc_id:
            return None
        fields = self.searcher().document(id=doc_id, record=DOCUMENT)
        return decode_document(fields["payload"]) if fields else None

    def search(self, query: str | ParsedQuery, *, filters: Filters | None = None, page: int = 1,
               limit: int = 10, sort: str = "relevance") -> dict:
        from index.search import run_search

        return run_search(self, query, filters=filters, page=page, limit=limit, sort=sort)

    def facets(self, query: str | ParsedQuery = "", filters: Filters | None = None) -> dict:
        """Documents per facet value of the query's matches (of its first tier when not empty)."""
        from index.search import run_search

        return run_search(self, query, filters=filters, page=1, limit=0)["facets"]

    def matching_sections(self, query: str | ParsedQuery, doc_id: str, filters: Filters | None = None) -> list[str]:
        """The ids of the sections of ``doc_id`` that the query matches, in the document's order."""
        from index.search import matching_sections

        return matching_sections(self, query, doc_id, filters=filters)

    def generation(self) -> tuple:
        """Whoosh's newest table-of-contents file names the committed state."""
        return tuple(sorted(p.name for p in self.path.glob("*.toc"))) if self.path.is_dir() else ()

    def stats(self) -> dict:
        size = sum(p.stat().st_size for p in self.path.glob("*") if p.is_file()) if self.path.is_dir() else 0
        documents = sections = 0
        if self._ix is not None:
            arrays = self.arrays(self.searcher())
            sections = int(arrays.live_sections.sum())
            documents = len(arrays.sources())
        return {"engine": self.name, "location": self.location, "documents": documents,
                "sections": sections, "size_bytes": size}

    def close(self) -> None:
        searcher = getattr(self._local, "searcher", None)
        if searcher is not None:
            searcher.close()
            self._local.searcher = None
        self._arrays = None
        if self._ix is not None:
            self._ix.close()


def _storage_lock(path: Path):
    from whoosh.filedb.filestore import FileStorage

    return FileStorage(str(path)).lock("MAIN_WRITELOCK")
