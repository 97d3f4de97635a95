"""The document store: a Whoosh index on disk, one writer at a time, many readers.

Writing: a write lock with a bounded wait (``StoreLocked`` names who holds it), every document's
records in one commit, a commit every ``batch`` documents, bounded writer memory and a bounded
segment count. Whoosh's commit is an atomic rename of its table of contents, so a killed writer
leaves the last commit intact, and its fcntl lock dies with it.

Reading: one searcher for all threads, reopened only when the index has a new commit; its files
are read in place from one mmap per segment (:mod:`index.sharedfile`), and the column arrays that
facets and filters use are loaded once per commit: memory does not grow with the number of threads.
"""

from __future__ import annotations

import errno
import functools
import json
import os
import shutil
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.writing import CLEAR

from index.analysis import ANALYZER_VERSION
from index.codec import PackedCodec
from index.columns import ColumnArrays, generation_key
from index.engine import COMMIT_BATCH, Derive, Engine, StoreFull, StoreLocked, derive_now  # noqa: F401 (re-exported)
from index.health import INDEX_NAME, IndexDamaged, has_index, open_index, quick_check, tidy
from index.querytree import Filters, ParsedQuery
from index.records import decode_document, document_records
from index.schema import COLUMN_FIELDS, DERIVED, DOCUMENT, SCHEMA_VERSION, build_schema
from index.sharedfile import install as _read_index_files_in_place
from index.sources import has_source_list, read_sources, updated, write_sources
from ingest.model import Document

_read_index_files_in_place()

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


DISK_FULL = {errno.ENOSPC, errno.EDQUOT}


def derived_id(kind: str, key: str) -> str:
    """The record id of one piece of derived data (never a document id: those are hex)."""
    return f"{DERIVED}:{kind}:{key}"


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


def _reading(method):
    """A read of the index: when the index cannot be opened, or the read fails and the index
    turns out to be damaged, :class:`IndexDamaged` names the problem instead of a low-level error
    (an EOFError from a truncated segment, which click shows as a bare "Aborted!")."""

    @functools.wraps(method)
    def read(self, *args, **kwargs):
        if self.damaged:
            raise IndexDamaged(self.path, self.damaged)
        try:
            return method(self, *args, **kwargs)
        except IndexDamaged:
            raise
        except Exception as exc:
            damaged = self._damaged_error()
            if damaged is not None:
                raise damaged from exc
            raise

    return read


class Store(Engine):
    """The embedded engine: a Whoosh index in one folder (see the module docstring)."""

    name = "whoosh"

    def __init__(self, path: Path | str, *, create: bool = True):
        self.path = Path(path)
        self.schema = build_schema()
        self._searcher = None
        self._searcher_lock = threading.Lock()
        self._arrays_lock = threading.Lock()
        self._arrays: ColumnArrays | None = None
        self._ix = None
        self._open_error: str | None = None
        self.notes: list[str] = []  # what opening or writing did that the user should hear of (take_notes)
        if has_index(self.path):
            self._open()
            if self._ix is not None:
                self._tidy_if_idle()
        elif create:
            self.path.mkdir(parents=True, exist_ok=True)
            self._ix = whoosh_index.create_in(self.path, self.schema)
            self._write_meta()
        else:
            raise FileNotFoundError(f"no index at {self.path}")

    # -- versions -----------------------------------------------------------------------------
    def _open(self) -> None:
        try:
            self._ix = open_index(self.path, self.schema)
            self._open_error = None
        except IndexDamaged as exc:  # kept for `kb reindex --from-sources`; reads raise it
            self._ix = None
            self._open_error = exc.problem

    @property
    def damaged(self) -> str | None:
        """What is wrong when the index could not be opened (its table of contents), else None."""
        return self._open_error if self._ix is None and has_index(self.path) else None

    def damage(self) -> str | None:
        """What is wrong with the index on disk (table of contents and every segment), or None."""
        return self.damaged or quick_check(self.path, self.schema)

    def _damaged_error(self) -> IndexDamaged | None:
        problem = self.damage()
        return IndexDamaged(self.path, problem) if problem else None

    def _tidy_if_idle(self) -> None:
        """Clean what a failed or killed write left, when no writer is at work (lock free now)."""
        try:
            lock = self._ix.lock("WRITELOCK")
            if not lock.acquire(blocking=False):
                return
        except OSError:  # a read-only index folder: nothing to clean, nothing we could clean
            return
        try:
            self._take_over_stale_holder()
            self._tidy()
        finally:
            lock.release()

    def _tidy(self) -> None:
        try:
            removed = tidy(self.path)
        except OSError:
            return
        if removed:
            self.notes.append(f"removed {len(removed)} partial files an unfinished write had left in "
                              f"the index folder ({', '.join(removed[:3])}{', …' if len(removed) > 3 else ''})")

    def _take_over_stale_holder(self) -> None:
        """Under the lock: a holder record left behind names a writer that is gone."""
        holder = self._holder()
        if holder is None:
            return
        self.notes.append(f"took over the index from a writer that is no longer running "
                          f"(pid {holder.get('pid')} on {holder.get('host')} since {holder.get('since')})")
        (self.path / HOLDER_FILE).unlink(missing_ok=True)

    def reset(self) -> Path | None:
        """Start an empty index in place of a damaged one. Its files are moved (not copied: no disk
        space needed) into a ``damaged-…`` folder beside them, which is returned."""
        lock = _storage_lock(self.path)
        if not lock.acquire(blocking=False):
            raise StoreLocked(self.path, self._holder(), 0.0)
        try:
            self._ix = None
            aside = None
            for item in sorted(self.path.iterdir()):
                name = item.name
                ours = name.startswith((f"_{INDEX_NAME}_", f"{INDEX_NAME}_", f"{INDEX_NAME}.tmp"))
                if not ours or name == f"{INDEX_NAME}_WRITELOCK":
                    continue
                if aside is None:
                    aside = self.path / time.strftime("damaged-%Y%m%d-%H%M%S")
                    aside.mkdir(exist_ok=True)
                shutil.move(str(item), str(aside / name))
            self._ix = whoosh_index.create_in(self.path, self.schema)
            self._open_error = None
            self._write_meta()
            return aside
        finally:
            lock.release()

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
        try:
            self._take_over_stale_holder()  # we hold the lock, so whoever the record names is gone
            holder = {"pid": os.getpid(), "host": socket.gethostname(),
                      "since": time.strftime("%Y-%m-%dT%H:%M:%S"), "command": " ".join(sys.argv)[:200]}
            (self.path / HOLDER_FILE).write_text(json.dumps(holder), encoding="utf-8")
        except BaseException as exc:
            (self.path / HOLDER_FILE).unlink(missing_ok=True)
            lock.release()
            if isinstance(exc, OSError) and exc.errno in DISK_FULL:
                raise StoreFull(self.path) from exc
            raise
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
        """The running writer the holder record names; None also when it names a process on this
        machine that is gone (the next writer takes over, with a note)."""
        holder = self._holder()
        return holder if isinstance(holder, dict) and holder_running(holder) else None

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
              lock_timeout: float = 30.0, on_commit: Callable[[list[str]], None] | None = None,
              rebuild: bool = False, derive: Derive | None = None) -> None:
        """Add or replace ``docs`` and remove the document ids in ``remove``.

        A document's records always share one commit; a commit happens every ``batch`` documents.
        When ``needs_rebuild`` (or ``rebuild``), the first commit clears the old records and the new
        schema and analyzer take over. ``on_commit`` is called with the ids committed each time.

        ``derive(docs, removed, fresh)`` is called before a commit with the documents and the
        removed ids written since its last call, that commit's included (``fresh``: this write
        cleared the index, so nothing stored before counts): between batches when
        :func:`index.engine.derive_now` says so, and always before the last commit (one of
        derived data only, if need be); it returns derived data to store in the same commit,
        ``{kind: {key: bytes, or None to delete}}``, read back with :meth:`derived`.

        The source list (:mod:`index.sources`) is updated before each commit. A damaged index
        raises :class:`IndexDamaged` (see :meth:`reset`); a full disk raises :class:`StoreFull`
        after removing the partial files of the commit it stopped.
        """
        batch = max(1, batch)
        if self.damaged:
            raise IndexDamaged(self.path, self.damaged)
        lock = self._acquire(lock_timeout)
        try:
            self._tidy()  # what an earlier failed or killed write left
            clear = self.needs_rebuild or rebuild
            if self._ix is None:
                self._ix = whoosh_index.create_in(self.path, self.schema)
                self._open_error = None
            pending: dict[str, Document] = {}
            removals = list(remove)
            commits = 0
            listed = self._listed_sources()
            listed_on_disk = has_source_list(self.path)

            owed: dict[str, Document] = {}   # written since this write's last derive (see derive_now)
            owed_removed: list[str] = []
            owed_fresh = False
            derived = 0

            def commit(last: bool = False) -> None:
                nonlocal clear, removals, commits, listed, listed_on_disk, owed_fresh, derived
                if not pending and not removals and not clear and not (last and (owed or owed_removed)):
                    return
                extra: dict = {}
                deriving = False
                if derive:
                    for doc_id in removals:
                        owed.pop(doc_id, None)
                    owed_removed.extend(removals)
                    for doc_id, doc in pending.items():
                        owed.pop(doc_id, None)
                        owed[doc_id] = doc
                    owed_fresh = owed_fresh or clear
                    deriving = last or derive_now(len(owed) + len(owed_removed), derived, batch)
                    if deriving:
                        extra = derive(list(owed.values()), list(dict.fromkeys(owed_removed)), owed_fresh)
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
                    for kind, items in extra.items():
                        for key, payload in items.items():
                            ident = derived_id(kind, key)
                            if not clear:
                                writer.delete_by_term("id", ident)
                            if payload is not None:  # (every column set, so a segment of these has them all)
                                writer.add_document(id=ident, record=DERIVED, payload=payload,
                                                    **{name: "" for name in COLUMN_FIELDS if name != "record"})
                    fresh = updated(listed, {d.path: {"id": d.id, "sha256": d.sha256}
                                             for d in pending.values() if d.path}, set(removals))
                    if fresh != listed or not listed_on_disk:
                        write_sources(self.path, fresh)  # before the commit: the list covers the index
                        listed, listed_on_disk = fresh, True
                except BaseException:
                    writer.cancel()
                    raise
                try:
                    writer.commit(mergetype=CLEAR if clear else bounded_merge)
                except BaseException:
                    self._after_failed_commit(writer)
                    raise
                if clear:
                    self._write_meta()
                    clear = False
                if deriving:
                    derived += len(owed)
                    owed.clear()
                    owed_removed.clear()
                    owed_fresh = False
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
            commit(last=True)
            if commits >= 2 and leftover_segments(self._ix._segments()):
                writer = self._writer()
                try:
                    writer.commit(mergetype=tidy_merge)
                except BaseException:
                    self._after_failed_commit(writer)
                    raise
        except OSError as exc:
            if exc.errno in DISK_FULL:
                self._tidy()
                raise StoreFull(self.path) from exc
            raise
        finally:
            try:
                (self.path / HOLDER_FILE).unlink(missing_ok=True)
            finally:
                lock.release()

    def _after_failed_commit(self, writer) -> None:
        """A commit that raised (a full disk, say) may have left its new segment half written: the
        table of contents still names the last commit, so everything else goes."""
        try:
            writer.cancel()
        except Exception:  # noqa: BLE001 - the writer may already be closed
            pass
        self._tidy()

    def _listed_sources(self) -> dict[str, dict]:
        """The source list, or for an index built before it existed, the index's own sources."""
        if has_source_list(self.path):
            return read_sources(self.path)
        return {path: {"id": doc_id, "sha256": sha} for path, (doc_id, sha) in self.sources().items()}

    def source_list(self) -> dict[str, dict]:
        """Every source the index was built from: the stored list together with the index's own
        documents (``{}`` for neither). Readable when the index itself is not."""
        listed = read_sources(self.path)
        if self._ix is not None:
            try:
                indexed = self.sources()
            except IndexDamaged:
                indexed = {}
            for path, (doc_id, sha) in indexed.items():
                listed.setdefault(path, {"id": doc_id, "sha256": sha})
        return listed

    # -- reading ------------------------------------------------------------------------------
    def searcher(self):
        """The searcher every thread shares, reopened when a newer commit exists."""
        if self._ix is None:
            if has_index(self.path):
                self._open()
            if self._ix is None:
                if self._open_error:
                    raise IndexDamaged(self.path, self._open_error)
                raise FileNotFoundError(f"no index at {self.path}")
        current = self._searcher
        if current is not None:
            try:
                if current.up_to_date():
                    return current
            except Exception:  # a commit is being swapped in: keep answering from the last one
                return current
        with self._searcher_lock:  # one thread opens the new commit; the others wait for it
            if self._searcher is not current:
                return self._searcher
            try:
                fresh = self._ix.searcher()
            except Exception as exc:
                damaged = self._damaged_error()
                if damaged is not None:
                    raise damaged from exc
                if current is not None:
                    return current
                raise
            self._searcher = fresh  # the old one is left to the garbage collector: others may use it
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

    @_reading
    def sources(self) -> dict[str, tuple[str, str]]:
        """Source path -> (document id, sha256) for every stored document."""
        if self._ix is None:
            return {}
        searcher = self.searcher()
        arrays = self.arrays(searcher)
        return arrays.sources()

    def documents_without_texts(self) -> list[Document]:
        return self.documents(without_texts=True)

    @_reading
    def documents(self, *, without_texts: bool = False) -> list[Document]:
        """Every stored document; ``without_texts`` leaves out the texts of each document and its
        sections as it is read (metadata, headings and commitments stay), for a list of a large
        index that must stay small."""
        if self._ix is None:
            return []
        searcher = self.searcher()
        out = []
        for fields in searcher.documents(record=DOCUMENT):
            doc = decode_document(fields["payload"])
            if without_texts:
                doc.text = doc.raw_text = ""
                for section in doc.sections:
                    section.text = section.raw_text = ""
            out.append(doc)
        return out

    @_reading
    def document(self, doc_id: str) -> Document | None:
        if self._ix is None or not doc_id:
            return None
        fields = self.searcher().document(id=doc_id, record=DOCUMENT)
        return decode_document(fields["payload"]) if fields else None

    def stored_documents(self, doc_ids: list[str]) -> Iterator[Document]:
        """The stored copies of ``doc_ids`` (those the index holds), all read from the searcher of
        the moment of the call: a rebuild goes on reading them after its first commit."""
        if not doc_ids:
            return
        searcher = self.searcher()
        for doc_id in doc_ids:
            fields = searcher.document(id=doc_id, record=DOCUMENT)
            if fields:
                yield decode_document(fields["payload"])

    def take_notes(self) -> list[str]:
        notes, self.notes = self.notes, []
        return notes

    @_reading
    def derived(self, kind: str, key: str | None = None) -> dict[str, bytes]:
        """Derived data a write stored (see :meth:`write`): ``{key: bytes}`` of one kind, or of
        the one ``key`` asked for."""
        if self._ix is None:
            return {}
        searcher = self.searcher()
        if key is not None:
            fields = searcher.document(id=derived_id(kind, key), record=DERIVED)
            return {key: fields["payload"]} if fields else {}
        prefix = derived_id(kind, "")
        return {fields["id"][len(prefix):]: fields["payload"]
                for fields in searcher.documents(record=DERIVED) if fields.get("id", "").startswith(prefix)}

    @_reading
    def search(self, query: str | ParsedQuery, *, filters: Filters | None = None, page: int = 1,
               limit: int = 10, sort: str = "relevance") -> dict:
        from index.search import run_search

        return run_search(self, query, filters=filters, page=page, limit=limit, sort=sort)

    @_reading
    def facets(self, query: str | ParsedQuery = "", filters: Filters | None = None) -> dict:
        """Documents per facet value of the query's matches (of its first tier when not empty)."""
        from index.search import run_search

        return run_search(self, query, filters=filters, page=1, limit=0)["facets"]

    @_reading
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
        searcher = self._searcher
        if searcher is not None:
            searcher.close()
            self._searcher = None
        self._arrays = None
        if self._ix is not None:
            self._ix.close()


def holder_running(holder: dict) -> bool:
    """Whether the writer a holder record names may still be running: False only when it names a
    process on this machine that no longer exists (another machine's process cannot be seen)."""
    if holder.get("host") != socket.gethostname():
        return True
    try:
        pid = int(holder.get("pid"))
    except (TypeError, ValueError):
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists, owned by someone else
        return True
    return True


def _storage_lock(path: Path):
    from whoosh.filedb.filestore import FileStorage

    return FileStorage(str(path)).lock("MAIN_WRITELOCK")
