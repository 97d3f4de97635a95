"""PgStore: the storage interface (index.engine.Engine) over a PostgreSQL database.

Writing: every document in its own transaction (its row, its sections and its new vocabulary
words commit together or not at all, so a killed writer never leaves half a document). A writer
holds a per-document advisory lock while it writes that document and the store's lock *shared*,
so any number of `kb ingest` processes, on one machine or many, write at once; only a rebuild
(another analyzer) takes the store's lock exclusively. Writing a document whose content hash is
already stored changes nothing (re-ingest is idempotent).

Reading: searches, documents and facets go to ``read_url`` when one is given (a streaming
replica), everything else to the primary. The store holds nothing but connection pools, so a
server process built on it is stateless.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterable
from contextlib import contextmanager

from index.engine import COMMIT_BATCH, Engine, StoreLocked, StoreReadOnly
from index.pg import schema
from index.pg.rows import SECTION_COLUMNS, document_row, section_rows
from index.querytree import Filters, ParsedQuery
from index.records import decode_document
from ingest.model import Document

POOL_SIZE = int(os.environ.get("KB_DATABASE_POOL", "8") or 8)   # connections per pool
CONNECT_TIMEOUT = 10.0                                          # seconds to reach the server

_DOC_COLUMNS = ("doc_id", "path", "sha256", "content_hash", "year", "date_ord", "committee",
                "committee_fold", "doc_type", "doc_type_fold", "municipality", "municipality_fold",
                "case_numbers", "payload", "spell")


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

    def __init__(self, url: str, *, read_url: str | None = None, create: bool = True,
                 pool_size: int = POOL_SIZE):
        self.url = url
        self.read_url = read_url or None
        self._pool = _open_pool(url, pool_size)
        self._read_pool = _open_pool(read_url, pool_size) if self.read_url else self._pool
        if create:
            self._setup()

    # -- connections --------------------------------------------------------------------------
    @contextmanager
    def connection(self, *, read: bool = False):
        """A pooled connection (autocommit) to the primary, or to the replica for ``read``."""
        with (self._read_pool if read else self._pool).connection() as conn:
            yield conn

    @contextmanager
    def snapshot(self):
        """One read-only, repeatable-read transaction on the read side: every query of one
        search sees the same committed state."""
        with self.connection(read=True) as conn:
            conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            try:
                yield conn
            finally:
                conn.execute("ROLLBACK")

    # -- versions -----------------------------------------------------------------------------
    def _setup(self) -> None:
        with self.connection() as conn:
            if self._tables_exist(conn):
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
                            "to_regclass('kb_sections') IS NOT NULL").fetchone()[0]

    @staticmethod
    def _write_versions(conn) -> None:
        for key, value in schema.versions().items():
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
                return False
            meta = self._meta(conn)
        return any(meta.get(k) != v for k, v in schema.versions().items())

    # -- writing ------------------------------------------------------------------------------
    def write(self, docs: Iterable[Document], *, remove: Iterable[str] = (), batch: int = COMMIT_BATCH,
              lock_timeout: float = 30.0, on_commit: Callable[[list[str]], None] | None = None) -> None:
        """Add or replace ``docs`` (one transaction each) and remove the ids in ``remove``.

        ``batch`` is Whoosh's commit size and means nothing here: every document commits alone.
        Waiting longer than ``lock_timeout`` for a lock (a rebuild elsewhere, or another writer
        on the same document) raises StoreLocked."""
        import psycopg

        self._setup()
        started = time.monotonic()
        with self.connection() as conn:
            conn.execute(f"SET lock_timeout = {max(1, int(lock_timeout * 1000))}")
            try:
                if self.needs_rebuild:
                    self._clear(conn)
                removals = list(dict.fromkeys(remove))
                if removals:
                    with conn.transaction():
                        conn.execute("SELECT pg_advisory_xact_lock_shared(%s)", (schema.STORE_LOCK,))
                        for doc_id in removals:
                            _lock_document(conn, doc_id)
                        conn.execute("DELETE FROM kb_documents WHERE doc_id = ANY(%s)", (removals,))
                    if on_commit:
                        on_commit([])
                written = 0
                for doc in docs:
                    written += self._write_one(conn, doc)
                    if on_commit:
                        on_commit([doc.id])
                if written:
                    # Fresh lexeme statistics: ranking reads its idf from them (index.pg.search).
                    conn.execute("ANALYZE kb_sections")
                    conn.execute("INSERT INTO kb_meta (key, value) "
                                 "SELECT 'avg_length', coalesce(avg(length), 1)::text FROM kb_sections "
                                 "ON CONFLICT (key) DO UPDATE SET value = excluded.value")
            except psycopg.errors.LockNotAvailable:
                raise StoreLocked(self.location, None, time.monotonic() - started) from None
            except psycopg.errors.ReadOnlySqlTransaction:
                raise StoreReadOnly(f"the database at {self.location} is read-only (a standby?): "
                                    "write to the primary") from None
            finally:
                conn.execute("RESET lock_timeout")

    def _write_one(self, conn, doc: Document) -> bool:
        """Write one document in one transaction; False when it was stored already."""
        row = document_row(doc)
        sections = section_rows(doc)
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock_shared(%s)", (schema.STORE_LOCK,))
            _lock_document(conn, doc.id)
            stored = conn.execute("SELECT content_hash FROM kb_documents WHERE doc_id = %s",
                                  (doc.id,)).fetchone()
            if stored and stored[0] == row["content_hash"]:
                return False  # the same document again: nothing to write
            if stored:
                conn.execute("DELETE FROM kb_documents WHERE doc_id = %s", (doc.id,))
            placeholders = ", ".join(["%s"] * len(_DOC_COLUMNS))
            conn.execute(f"INSERT INTO kb_documents ({', '.join(_DOC_COLUMNS)}) "
                         f"VALUES ({placeholders[:-2]}%s::tsvector)",
                         [row[c] for c in _DOC_COLUMNS])
            if sections:
                with conn.cursor() as cur, cur.copy(
                        f"COPY kb_sections ({', '.join(SECTION_COLUMNS)}) FROM STDIN") as copy:
                    for values in sections:
                        copy.write_row(values)
            if row["words"]:
                conn.execute("INSERT INTO kb_vocabulary (word) SELECT w FROM unnest(%s::text[]) AS w "
                             "ORDER BY w ON CONFLICT DO NOTHING", (row["words"],))
        return True

    def _clear(self, conn) -> None:
        """Another analyzer or schema: drop every stored record (the caller rewrites them) and
        record this code's versions, in one transaction that waits for other writers."""
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (schema.STORE_LOCK,))
            conn.execute("DROP TABLE IF EXISTS kb_sections, kb_documents, kb_vocabulary CASCADE")
            conn.execute(schema.DDL)
            self._write_versions(conn)

    def writer_holder(self) -> dict | None:
        return None  # no store-wide writer: many writers write at once

    def pending_rebuild(self) -> list[str]:
        with self.connection() as conn:
            if not self._tables_exist(conn):
                return []
            row = conn.execute("SELECT value FROM kb_meta WHERE key = 'pending_rebuild'").fetchone()
        try:
            sources = json.loads(row[0]) if row else []
        except ValueError:
            return []
        return [s for s in sources if isinstance(s, str)] if isinstance(sources, list) else []

    def set_pending_rebuild(self, sources: list[str]) -> None:
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
            rows = conn.execute("SELECT payload FROM kb_documents ORDER BY doc_id").fetchall()
        return [decode_document(bytes(payload)) for (payload,) in rows]

    def document(self, doc_id: str) -> Document | None:
        if not doc_id:
            return None
        with self.connection(read=True) as conn:
            if not self._tables_exist(conn):
                return None
            row = conn.execute("SELECT payload FROM kb_documents WHERE doc_id = %s", (doc_id,)).fetchone()
        return decode_document(bytes(row[0])) if row else None

    def search(self, query: str | ParsedQuery, *, filters: Filters | None = None, page: int = 1,
               limit: int = 10, sort: str = "relevance") -> dict:
        from index.pg.search import run_search

        return run_search(self, query, filters=filters, page=page, limit=limit, sort=sort)

    def matching_sections(self, query: str | ParsedQuery, doc_id: str, filters: Filters | None = None) -> list[str]:
        from index.pg.search import matching_sections

        if not self.exists():
            return []
        return matching_sections(self, query, doc_id, filters=filters)

    def generation(self) -> tuple:
        with self.connection(read=True) as conn:
            if not self._tables_exist(conn):
                return ()
            return tuple(conn.execute("SELECT count(*), coalesce(max(seq), 0) FROM kb_documents").fetchone())

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


def _lock_document(conn, doc_id: str) -> None:
    """This transaction's lock on one document id: two writers never write one document at once."""
    conn.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", (doc_id,))
