"""PgStore: the storage interface (index.engine.Engine) over a PostgreSQL database.

Writing: every document in its own transaction: its row, its sections, its postings (one new
segment) and its new vocabulary words commit together or not at all, so a killed writer never
leaves half a document. A writer holds a per-document advisory lock while it writes that
document and the store's lock *shared*, so any number of `kb ingest` processes, on one machine
or many, write at once; only a rebuild (another analyzer) takes the store's lock exclusively.
Writing a document whose content hash is already stored changes nothing (re-ingest is
idempotent). After a write, ten segments of one level are merged into one of the next level
(``index.pg.segments``), by whichever writer gets the merge lock; readers see the old segments
or the merged one, never a mix.

Derived data (tracing's records, ``Engine.write(derive=...)``) is written in a transaction of its
own right after the documents it comes from, under ``DERIVED_LOCK``, so writers update it one at
a time; the documents are committed first and stay whatever happens to it (``kb.tracestore``
checks the records against the documents when it reads them).

Reading: searches, documents and facets go to ``read_url`` when one is given (a streaming
replica), everything else to the primary. A search is one read-only snapshot
(``index.pg.searcher``); the store keeps connection pools and, per committed generation, the
column arrays a search reads, refreshed from the database when the generation moves.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from index.engine import COMMIT_BATCH, Derive, Engine, StoreLocked, StoreReadOnly, derive_now
from index.pg import schema
from index.pg.rows import FIELD_NAMES, document_rows, spelling_tsvector
from index.pg.segments import segment_level
from index.querytree import Filters, ParsedQuery
from index.records import decode_document
from ingest.model import Document

POOL_SIZE = int(os.environ.get("KB_DATABASE_POOL", "8") or 8)   # connections per pool
# Documents per write transaction: fewer statements, rows and segments per document (16 measured
# X ms/document against Y one by one); a killed writer loses at most these.
WRITE_BATCH = 16
# How long the last derive of a write waits at least for DERIVED_LOCK: another writer holding it
# is at work (its derive also brings in documents committed by writers still running), not stuck.
DERIVE_WAIT = 300.0
# A search's statements may run this long before the server cancels them (a safety net: a search
# reads a few rows per term; the search fails with the server's "canceling statement" error).
READ_TIMEOUT_MS = 30_000
CONNECT_TIMEOUT = 10.0                                          # seconds to reach the server
log = logging.getLogger(__name__)

_DOC_COLUMNS = ("doc_id", "path", "sha256", "content_hash", "year", "date_ord", "committee",
                "doc_type", "municipality", "case_numbers", "payload")
_SECTION_COLUMNS = ("sid", "doc_id", "doc_seq", "number", "recommendation",
                    *(f"len_{name}" for name in FIELD_NAMES), "payload")
_SECTION_TYPES = ("int4", "text", "int8", "int4", "int4", "int4", "int4", "int4", "int4", "text")
_POSTING_COLUMNS = ("term", "field", "seg", "n", "ids", "tfs", "pos")
_POSTING_TYPES = ("text", "int2", "int4", "int4", "bytea", "bytea", "bytea")


def shown_url(url: str) -> str:
    """A connection string without its password, for messages."""
    from psycopg.conninfo import conninfo_to_dict

    try:
        info = conninfo_to_dict(url)
    except Exception:  # an unreadable URL: say nothing of it beyond its scheme
        return url.split("://", 1)[0] + "://…"
    host = info.get("host", "localhost")
    port = info.get("port", "5432")
    user = f"{info['user']}@" if info.get("user") else ""
    return f"postgresql://{user}{host}:{port}/{info.get('dbname', '')}"


def _open_pool(url: str, size: int):
    from psycopg_pool import ConnectionPool, PoolTimeout

    # jit=off: PostgreSQL's JIT compiles large aggregations (a merge) for seconds of no gain.
    pool = ConnectionPool(url, min_size=1, max_size=max(1, size), open=False,
                          kwargs={"autocommit": True, "options": "-c jit=off"},
                          check=ConnectionPool.check_connection, name="kb")
    try:
        pool.open(wait=True, timeout=CONNECT_TIMEOUT)
    except PoolTimeout:
        pool.close()
        raise ConnectionError(f"cannot reach the database at {shown_url(url)} "
                              f"within {CONNECT_TIMEOUT:.0f} s (is the server running?)") from None
    return pool


class PgStore(Engine):
    """The PostgreSQL engine (see the module docstring)."""

    name = "postgres"
    derive_wait = DERIVE_WAIT

    def __init__(self, url: str, *, read_url: str | None = None, create: bool = True,
                 pool_size: int = POOL_SIZE):
        from index.pg.searcher import Columns

        self.url = url
        self.read_url = read_url or None
        self._writer_id = f"{os.getpid()}-{uuid.uuid4().hex[:12]}"
        self._tables_seen = False
        self._local = threading.local()
        self._columns = Columns()
        self._notes: list[str] = []
        self._underived = _DeriveDue([], False)   # removals a failed derive still owes (see _derive)
        self._pool = _open_pool(url, pool_size)
        self._read_pool = _open_pool(read_url, pool_size) if self.read_url else self._pool
        if create:
            self._setup()

    # -- connections --------------------------------------------------------------------------
    @contextmanager
    def connection(self, *, read: bool = False):
        """A pooled connection (autocommit) to the primary, or to the replica for ``read`` (not
        while this thread derives data from what it just wrote: a replica may lag behind)."""
        replica = read and not getattr(self._local, "primary", False)
        with (self._read_pool if replica else self._pool).connection() as conn:
            yield conn

    # -- versions -----------------------------------------------------------------------------
    def _setup(self) -> None:
        with self.connection() as conn:
            if self._tables_exist(conn):
                if not conn.execute("SELECT to_regclass('kb_derived') IS NOT NULL").fetchone()[0]:
                    conn.execute(schema.DERIVED_DDL)    # a store created before derived data
                return
            conn.execute("SELECT pg_advisory_lock(%s)", (schema.SETUP_LOCK,))
            try:
                if not self._tables_exist(conn):
                    with conn.transaction():
                        conn.execute(schema.DDL)
                        self._write_versions(conn)
            finally:
                conn.execute("SELECT pg_advisory_unlock(%s)", (schema.SETUP_LOCK,))

    @staticmethod
    def _tables_exist(conn) -> bool:
        return conn.execute("SELECT to_regclass('kb_meta') IS NOT NULL AND "
                            "to_regclass('kb_postings') IS NOT NULL").fetchone()[0]

    @staticmethod
    def _write_versions(conn) -> None:
        values = {**schema.versions(), "epoch": uuid.uuid4().hex}
        for key, value in values.items():
            conn.execute("INSERT INTO kb_meta (key, value) VALUES (%s, %s) "
                         "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (key, value))

    def _meta(self, conn) -> dict[str, str]:
        return dict(conn.execute("SELECT key, value FROM kb_meta").fetchall())

    @property
    def location(self) -> str:
        return shown_url(self.url)

    def exists(self) -> bool:
        with self.connection(read=True) as conn:
            return self._tables_exist(conn)

    @property
    def needs_rebuild(self) -> bool:
        with self.connection() as conn:
            if not self._tables_exist(conn):
                return conn.execute("SELECT to_regclass('kb_meta') IS NOT NULL").fetchone()[0]
            meta = self._meta(conn)
        return any(meta.get(k) != v for k, v in schema.versions().items())

    # -- writing ------------------------------------------------------------------------------
    def write(self, docs: Iterable[Document], *, remove: Iterable[str] = (), batch: int = COMMIT_BATCH,
              lock_timeout: float = 30.0, on_commit: Callable[[list[str]], None] | None = None,
              rebuild: bool = False, derive: Derive | None = None) -> None:
        """Add or replace ``docs`` and remove the ids in ``remove``.

        Documents are committed whole, in transactions of at most ``min(batch, WRITE_BATCH)``
        documents (a killed writer loses at most its open transaction's documents, never part
        of one). ``rebuild`` (or another analyzer) empties the store first, once the first
        document is at hand: the caller's documents may be the stored copies it reads first.
        ``derive`` (see :meth:`Engine.write`) is given the documents and removals written since
        its last call, between batches when :func:`index.engine.derive_now` says so and at the
        end; its data is written in a transaction of its own
        under ``DERIVED_LOCK`` (between batches only when no other writer holds it; the last one
        waits up to ``max(lock_timeout, derive_wait)``). A derive that fails is logged, noted (:meth:`take_notes`) and
        tried again with the next one; it costs no document. Waiting longer than
        ``lock_timeout`` for a lock (a rebuild elsewhere, or another writer on the same
        document) raises StoreLocked."""
        import psycopg

        from index.pg.segments import merge_due

        docs = iter(docs)
        fresh = rebuild or self.needs_rebuild
        if fresh:
            # The first document before the store is emptied: a rebuild's documents start with
            # the stored copies of sources out of reach (kb.batch_ingest reads them first).
            first = list(itertools.islice(docs, 1))
            docs = itertools.chain(first, docs)
            with self.connection() as conn:
                self._clear(conn)
        self._setup()
        started = time.monotonic()
        size = max(1, min(batch, WRITE_BATCH))
        with self.connection() as conn:
            conn.execute(f"SET lock_timeout = {max(1, int(lock_timeout * 1000))}")
            try:
                self._compact_generation(conn)
                removals = list(dict.fromkeys(remove))
                if removals:
                    with conn.transaction():
                        conn.execute("SELECT pg_advisory_xact_lock_shared(%s)", (schema.STORE_LOCK,))
                        for doc_id in sorted(removals):
                            _lock_document(conn, doc_id)
                        conn.execute("DELETE FROM kb_documents WHERE doc_id = ANY(%s)", (removals,))
                        self._bump_generation(conn)
                    if on_commit:
                        on_commit([])
                pending: dict[str, Document] = {}
                derive_due = None
                derived = 0   # documents this write's derives have covered (see derive_now)
                if derive:
                    owed, self._underived = self._underived, _DeriveDue([], False)
                    derive_due = _DeriveDue(list(dict.fromkeys(owed.removed + removals)), owed.fresh or fresh)
                for doc in docs:
                    pending.pop(doc.id, None)   # the same document twice in a batch: the newest
                    pending[doc.id] = doc
                    if len(pending) >= size:
                        if derive_due is not None:
                            derive_due.docs += pending.values()
                        self._commit_batch(conn, pending, on_commit)
                        merge_due(conn)
                        if derive_due is not None and derive_now(len(derive_due.docs), derived, batch):
                            owed = len(derive_due.docs)
                            self._derive(conn, derive, derive_due, wait=None)
                            if not derive_due.docs:
                                derived += owed
                if derive_due is not None:
                    derive_due.docs += pending.values()
                self._commit_batch(conn, pending, on_commit)
                merge_due(conn, until_done=True)
                if derive_due is not None and (derive_due.docs or derive_due.removed or derive_due.fresh):
                    self._derive(conn, derive, derive_due, wait=max(lock_timeout, self.derive_wait))
            except psycopg.errors.LockNotAvailable:
                raise StoreLocked(self.location, None, time.monotonic() - started) from None
            except psycopg.errors.ReadOnlySqlTransaction:
                raise StoreReadOnly(f"the database at {self.location} is read-only (a standby?): "
                                    "write to the primary") from None
            finally:
                if not conn.closed:
                    conn.execute("RESET lock_timeout")

    def _commit_batch(self, conn, pending: dict[str, Document], on_commit) -> None:
        if not pending:
            return
        committed = list(pending)
        self._write_batch(conn, list(pending.values()))
        pending.clear()
        if on_commit:
            on_commit(committed)

    def _write_batch(self, conn, docs: list[Document]) -> int:
        """Write ``docs`` (distinct ids) in one transaction: each new or changed document whole,
        unchanged ones (same content hash) left alone. Returns the number written."""
        from index.pg.rows import content_hash, document_json, pack, postings

        stored = dict(conn.execute("SELECT doc_id, content_hash FROM kb_documents WHERE doc_id = ANY(%s)",
                                   ([d.id for d in docs],)).fetchall())
        built = []
        for doc in docs:
            data = document_json(doc)
            if stored.get(doc.id) != content_hash(doc, data):
                built.append(document_rows(doc, data))
        if not built:
            return 0
        count = sum(len(r.sections) for r in built)
        first_sid = conn.execute("UPDATE kb_counters SET value = value + %s WHERE name = 'sid' "
                                 "RETURNING value - %s + 1", (count, count)).fetchone()[0]
        firsts = []
        for rows in built:      # each document's block of section ids, in order
            firsts.append(first_sid)
            first_sid += len(rows.sections)
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock_shared(%s)", (schema.STORE_LOCK,))
            for doc_id in sorted(r.doc["doc_id"] for r in built):   # one order: no deadlock between writers
                _lock_document(conn, doc_id)
            current = dict(conn.execute("SELECT doc_id, content_hash FROM kb_documents WHERE doc_id = ANY(%s)",
                                        ([r.doc["doc_id"] for r in built],)).fetchall())
            keep = [i for i, r in enumerate(built) if current.get(r.doc["doc_id"]) != r.doc["content_hash"]]
            if not keep:
                return 0
            built, firsts = [built[i] for i in keep], [firsts[i] for i in keep]
            replaced = [r.doc["doc_id"] for r in built if r.doc["doc_id"] in current]
            if replaced:
                conn.execute("DELETE FROM kb_documents WHERE doc_id = ANY(%s)", (replaced,))
            with conn.cursor() as cur:
                cur.executemany(f"INSERT INTO kb_documents ({', '.join(_DOC_COLUMNS)}, spell) "
                                f"VALUES ({', '.join(['%s'] * len(_DOC_COLUMNS))}, %s::tsvector) RETURNING seq",
                                [[*(r.doc[c] for c in _DOC_COLUMNS), spelling_tsvector(r.spelling)] for r in built],
                                returning=True)
                seqs = []
                while True:
                    seqs.append(cur.fetchone()[0])
                    if not cur.nextset():
                        break
                with cur.copy(f"COPY kb_sections ({', '.join(_SECTION_COLUMNS)}) FROM STDIN "
                              "(FORMAT BINARY)") as copy:
                    copy.set_types(_SECTION_TYPES)
                    for rows, first, seq in zip(built, firsts, seqs, strict=True):
                        doc_id = rows.doc["doc_id"]
                        for i, s in enumerate(rows.sections):
                            copy.write_row((first + i, doc_id, seq, s.number, s.recommendation, *s.lengths, s.payload))
                lists = postings(built, firsts)
                if lists:
                    seg = conn.execute("SELECT nextval('kb_seg_seq')").fetchone()[0]
                    total = 0
                    with cur.copy(f"COPY kb_postings ({', '.join(_POSTING_COLUMNS)}) FROM STDIN "
                                  "(FORMAT BINARY)") as copy:
                        copy.set_types(_POSTING_TYPES)
                        for code, term, ids, tfs, pos in lists:
                            copy.write_row((term, code, seg, len(ids), *pack(ids, tfs, pos)))
                            total += len(ids)
                    sids = [f for f, r in zip(firsts, built, strict=True) if r.sections]
                    last = max(f + len(r.sections) - 1 for f, r in zip(firsts, built, strict=True))
                    conn.execute("INSERT INTO kb_segments (seg, level, docs, postings, min_sid, max_sid) "
                                 "VALUES (%s, %s, %s, %s, %s, %s)",
                                 (seg, segment_level(len(built)), len(built), total, min(sids), last))
            words = sorted({w for r in built for w in r.spelling})
            if words:
                conn.execute("INSERT INTO kb_vocabulary (word) SELECT w FROM unnest(%s::text[]) AS w "
                             "ORDER BY w ON CONFLICT DO NOTHING", (words,))
            self._bump_generation(conn)
        return len(built)

    def _bump_generation(self, conn) -> None:
        """This writer's counter + 1, last in the transaction (readers key caches on the sum)."""
        conn.execute("INSERT INTO kb_generation (writer, n) VALUES (%s, 1) ON CONFLICT (writer) "
                     "DO UPDATE SET n = kb_generation.n + 1", (self._writer_id,))

    def _compact_generation(self, conn) -> None:
        """Other writers' counters merged into the base row: the sum stays, the table small."""
        conn.execute("WITH gone AS (DELETE FROM kb_generation WHERE writer NOT IN ('base', %s) "
                     "RETURNING n) UPDATE kb_generation SET n = n + (SELECT coalesce(sum(n), 0) FROM gone) "
                     "WHERE writer = 'base'", (self._writer_id,))

    def _derive(self, conn, derive: Derive, due: _DeriveDue, *, wait: float | None) -> None:
        """Store what ``derive`` makes of the documents and removals ``due`` (committed already),
        in one transaction under ``DERIVED_LOCK``: writers update derived data one at a time, each
        reading what the one before wrote. With ``wait`` None (a derive between batches) a lock held
        by another writer is not waited for: ``due`` is kept and goes with this write's next
        derive, so parallel writers do not queue behind each other batch after batch; the last
        derive of a write waits up to ``wait`` seconds (the lock timeout, at least ``derive_wait``). On success ``due`` is emptied; on a failure its
        removals and ``fresh`` wait for the next derive of this store, in this write or a later
        one (its documents need not: ``kb.tracestore`` brings in every stored document its
        directory lacks)."""
        try:
            with conn.transaction():
                if wait is not None:
                    conn.execute(f"SET LOCAL lock_timeout = {max(1, int(wait * 1000))}")
                    conn.execute("SELECT pg_advisory_xact_lock(%s)", (schema.DERIVED_LOCK,))
                elif not conn.execute("SELECT pg_try_advisory_xact_lock(%s)", (schema.DERIVED_LOCK,)).fetchone()[0]:
                    return   # another writer is deriving: ``due`` waits for this write's next derive
                self._local.primary = True  # derive reads what was just written: from the primary
                try:
                    extra = derive(due.docs, due.removed, due.fresh)
                finally:
                    self._local.primary = False
                upserts = [(kind, key, payload) for kind, items in extra.items()
                           for key, payload in items.items() if payload is not None]
                deletes = [(kind, key) for kind, items in extra.items()
                           for key, payload in items.items() if payload is None]
                with conn.cursor() as cur:
                    if deletes:
                        cur.executemany("DELETE FROM kb_derived WHERE kind = %s AND key = %s", deletes)
                    if upserts:
                        cur.executemany("INSERT INTO kb_derived (kind, key, payload) VALUES (%s, %s, %s) "
                                        "ON CONFLICT (kind, key) DO UPDATE SET payload = excluded.payload",
                                        upserts)
        except Exception as exc:
            if conn.closed or conn.broken:
                raise   # the connection is gone: the documents' next commit could not happen either
            log.warning("derived data (tracing) not updated after this commit: %s", exc, exc_info=True)
            note = ("tracing could not be stored with the documents just written (it is computed when "
                    "asked for until a later write or `kb reindex` stores it)")
            if note not in self._notes:
                self._notes.append(note)
            due.docs = []
            self._underived = _DeriveDue(list(due.removed), due.fresh)
            return
        due.docs, due.removed, due.fresh = [], [], False
        self._underived = _DeriveDue([], False)

    def derived(self, kind: str, key: str | None = None) -> dict[str, bytes]:
        with self.connection(read=True) as conn:
            if not conn.execute("SELECT to_regclass('kb_derived') IS NOT NULL").fetchone()[0]:
                return {}
            if key is not None:
                rows = conn.execute("SELECT key, payload FROM kb_derived WHERE kind = %s AND key = %s",
                                    (kind, key)).fetchall()
            else:
                rows = conn.execute("SELECT key, payload FROM kb_derived WHERE kind = %s", (kind,)).fetchall()
        return {k: bytes(p) for k, p in rows}

    def take_notes(self) -> list[str]:
        notes, self._notes = self._notes, []
        return notes

    def _clear(self, conn) -> None:
        """Another analyzer or schema: drop every stored record (the caller rewrites them) and
        record this code's versions, in one transaction that waits for other writers."""
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (schema.STORE_LOCK,))
            pending = None
            if conn.execute("SELECT to_regclass('kb_meta') IS NOT NULL").fetchone()[0]:
                row = conn.execute("SELECT value FROM kb_meta WHERE key = 'pending_rebuild'").fetchone()
                pending = row[0] if row else None
            conn.execute(f"DROP TABLE IF EXISTS {', '.join(schema.TABLES)} CASCADE")
            conn.execute("DROP SEQUENCE IF EXISTS kb_write_seq, kb_seg_seq")
            conn.execute(schema.DDL)
            self._write_versions(conn)
            if pending is not None:
                conn.execute("INSERT INTO kb_meta (key, value) VALUES ('pending_rebuild', %s)", (pending,))

    def writer_holder(self) -> dict | None:
        return None  # no store-wide writer: many writers write at once

    def pending_rebuild(self) -> list[str]:
        with self.connection() as conn:
            if not conn.execute("SELECT to_regclass('kb_meta') IS NOT NULL").fetchone()[0]:
                return []
            row = conn.execute("SELECT value FROM kb_meta WHERE key = 'pending_rebuild'").fetchone()
        try:
            sources = json.loads(row[0]) if row else []
        except ValueError:
            return []
        return [s for s in sources if isinstance(s, str)] if isinstance(sources, list) else []

    def set_pending_rebuild(self, sources: list[str]) -> None:
        self._setup()
        with self.connection() as conn:
            if not sources:
                conn.execute("DELETE FROM kb_meta WHERE key = 'pending_rebuild'")
                return
            conn.execute("INSERT INTO kb_meta (key, value) VALUES ('pending_rebuild', %s) "
                         "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (json.dumps(sources),))

    # -- reading ------------------------------------------------------------------------------
    def sources(self) -> dict[str, tuple[str, str]]:
        with self.connection() as conn:
            if not self._tables_exist(conn):
                return {}
            rows = conn.execute("SELECT path, doc_id, sha256 FROM kb_documents WHERE path <> ''").fetchall()
        return {path: (doc_id, sha) for path, doc_id, sha in rows}

    def documents(self) -> list[Document]:
        with self.connection(read=True) as conn:
            if not self._tables_exist(conn):
                return []
            rows = conn.execute("SELECT payload FROM kb_documents ORDER BY seq").fetchall()   # write order, as Whoosh
        return [decode_document(bytes(payload)) for (payload,) in rows]

    def stored_documents(self, doc_ids: list[str]) -> Iterator[Document]:
        """The stored copies of ``doc_ids``, read at the call (one statement, in the order given)
        and decoded as they are consumed: a rebuild goes on yielding them after its first step
        has emptied the store."""
        if not doc_ids:
            return iter(())
        with self.connection(read=True) as conn:
            if not self._tables_exist(conn):
                return iter(())
            rows = dict(conn.execute("SELECT doc_id, payload FROM kb_documents WHERE doc_id = ANY(%s)",
                                     (list(doc_ids),)).fetchall())
        return (decode_document(bytes(rows[d])) for d in dict.fromkeys(doc_ids) if d in rows)

    def document(self, doc_id: str) -> Document | None:
        if not doc_id:
            return None
        with self.connection(read=True) as conn:
            if not self._tables_exist(conn):
                return None
            row = conn.execute("SELECT payload FROM kb_documents WHERE doc_id = %s", (doc_id,)).fetchone()
        return decode_document(bytes(row[0])) if row else None

    @contextmanager
    def reading(self):
        """A searcher over one snapshot (``index.pg.searcher.PgSearcher``), current in this thread
        while the block runs: ``index.search`` asks for it through ``searcher()``."""
        from index.pg.searcher import PgSearcher

        with self.connection(read=True) as conn:
            if not self._tables_seen:   # tables, once there, stay (a rebuild recreates them at once)
                self._tables_seen = self._tables_exist(conn)
            if self._tables_seen:   # the snapshot and its generation in one round trip
                cur = conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; "
                                   f"SET LOCAL statement_timeout = {READ_TIMEOUT_MS}; "
                                   "SELECT (SELECT value FROM kb_meta WHERE key = 'epoch'), "
                                   "(SELECT coalesce(sum(n), 0) FROM kb_generation)")
                cur.nextset()
                cur.nextset()
                epoch, generation = cur.fetchone()
            else:
                conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                epoch = generation = None
            outer = getattr(self._local, "searcher", None)
            try:
                self._local.searcher = PgSearcher(conn, self._columns, epoch, generation)
                yield self._local.searcher
            finally:
                self._local.searcher = outer
                conn.execute("ROLLBACK")

    def searcher(self):
        searcher = getattr(self._local, "searcher", None)
        if searcher is None:
            raise RuntimeError("PgStore.searcher() is only valid inside PgStore.reading()")
        return searcher

    def arrays(self, searcher):
        return searcher.arrays

    def search(self, query: str | ParsedQuery, *, filters: Filters | None = None, page: int = 1,
               limit: int = 10, sort: str = "relevance") -> dict:
        from index.search import run_search

        with self.reading():
            return run_search(self, query, filters=filters, page=page, limit=limit, sort=sort)

    def matching_sections(self, query: str | ParsedQuery, doc_id: str, filters: Filters | None = None) -> list[str]:
        """The ids of the sections of ``doc_id`` that the query matches, in the document's order."""
        from index.search import matching_sections

        with self.reading():
            return matching_sections(self, query, doc_id, filters=filters)

    def generation(self) -> tuple:
        with self.connection(read=True) as conn:
            if not self._tables_exist(conn):
                return ()
            row = conn.execute("SELECT (SELECT value FROM kb_meta WHERE key = 'epoch'), "
                               "(SELECT sum(n) FROM kb_generation)").fetchone()
            return (row[0], int(row[1] or 0))

    def stats(self) -> dict:
        with self.connection(read=True) as conn:
            if not self._tables_exist(conn):
                return {"engine": self.name, "location": self.location, "documents": 0, "sections": 0,
                        "size_bytes": 0}
            documents, sections, size = conn.execute(
                "SELECT (SELECT count(*) FROM kb_documents), (SELECT count(*) FROM kb_sections), "
                "(SELECT sum(pg_total_relation_size(c)) FROM unnest(%s::regclass[]) AS c)",
                (list(schema.TABLES),)).fetchone()
        return {"engine": self.name, "location": self.location, "documents": documents,
                "sections": sections, "size_bytes": int(size or 0)}

    def close(self) -> None:
        if self._read_pool is not self._pool:
            self._read_pool.close()
        self._pool.close()


@dataclass
class _DeriveDue:
    """What the next derive of a write covers: documents committed and ids removed since the last
    one, and whether the store was emptied before them."""

    removed: list[str]
    fresh: bool
    docs: list[Document] = field(default_factory=list)


def _lock_document(conn, doc_id: str) -> None:
    """This transaction's lock on one document id: two writers never write one document at once."""
    conn.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", (doc_id,))
