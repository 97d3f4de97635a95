"""The storage interface: what ``kb/`` needs from an index, whichever engine keeps it.

Two engines implement it:

* :class:`index.store.Store`, the embedded default: a Whoosh index in a folder, one writer at
  a time, no server to run;
* :class:`index.pg.store.PgStore`, a PostgreSQL database: one transaction per document, many
  writers at once, reads from a replica if one is named.

``index.connect.open_engine`` picks one: a database URL (``KB_DATABASE_URL`` or ``--database``) chooses
PostgreSQL, otherwise the Whoosh index in ``index_dir``. Nothing above ``index/`` knows which
engine runs; both answer the same calls with the same JSON shapes, and the contract tests in
``tests/`` run against both.
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Hashable, Iterable, Iterator
from pathlib import Path

from index.querytree import Filters, ParsedQuery
from ingest.model import Document

# Documents per commit (Whoosh). 200 ingests 2,000 documents ~40 % faster than 50 did; a killed
# ingest loses at most one batch of work. PostgreSQL commits every document on its own.
COMMIT_BATCH = 200


class StoreLocked(RuntimeError):
    """Another writer holds the index (another `kb ingest`, say) past the wait we allow."""

    def __init__(self, path: Path | str, holder: dict | None, waited: float):
        self.path = path
        self.holder = holder
        who = ""
        if holder:
            who = f" by pid {holder.get('pid')} on {holder.get('host')} since {holder.get('since')}"
            if holder.get("command"):
                who += f" ({holder['command']})"
        super().__init__(f"the index at {path} is being written{who}; gave up after {waited:.0f} s")


class StoreFull(RuntimeError):
    """The disk holding the index is full: the write stopped, its partial files are removed."""

    def __init__(self, path: Path | str):
        self.path = path
        super().__init__(f"no space left on the disk holding the index at {path}: the documents committed "
                         "before stay, the rest of this run was not written; free some space and run the "
                         "same command again")


# derive(docs, removed, fresh) -> {kind: {key: bytes, or None to delete}}: see Engine.write.
Derive = Callable[[list[Document], list[str], bool], dict[str, dict[str, bytes | None]]]


def derive_now(owed: int, derived: int, batch: int) -> bool:
    """Whether a write brings its derived data up to date between two batches.

    ``owed``: documents written since the last derive of this write; ``derived``: documents its
    derives have covered so far. A derive reads the whole directory and rebuilds every case its
    documents touch, so deriving after every batch costs about N²/batch for N documents. Deriving
    once the owed documents are as many as those already derived (at least a batch) makes it
    about log2(N/batch) derives, and a reader sees tracing at most half a write behind (the last
    derive of a write always runs).
    """
    return owed >= max(1, batch, derived)


class StoreReadOnly(RuntimeError):
    """The store refuses writes: the database URL names a hot standby, not the primary."""


class Engine(abc.ABC):
    """One store of documents and their searchable sections.

    Writing: ``write`` adds or replaces documents (a document is always written whole) and
    removes others. Reading: ``search`` and ``facets`` answer the query language with the
    `kb search --json` shape; ``documents``, ``document`` and ``sources`` give back what was
    stored. ``generation`` changes whenever a write commits, so callers can cache derived data.
    """

    #: Short engine name for messages and `kb bench`: "whoosh" or "postgres".
    name: str = ""

    @property
    @abc.abstractmethod
    def location(self) -> str:
        """Where the data lives, for messages (a folder, or a database without its password)."""

    @property
    @abc.abstractmethod
    def needs_rebuild(self) -> bool:
        """True when the stored tokens come from another analyzer or schema (or cannot be read)."""

    @abc.abstractmethod
    def exists(self) -> bool:
        """True when something has been stored here (an index, or the database's tables)."""

    # -- writing ------------------------------------------------------------------------------
    @abc.abstractmethod
    def write(self, docs: Iterable[Document], *, remove: Iterable[str] = (), batch: int = COMMIT_BATCH,
              lock_timeout: float = 30.0, on_commit: Callable[[list[str]], None] | None = None,
              rebuild: bool = False, derive: Derive | None = None) -> None:
        """Add or replace ``docs`` and remove the document ids in ``remove``. A document's
        records are committed together, never half; ``on_commit`` gets the ids of each commit.
        ``rebuild``: the store is emptied first (as after a new analyzer), in the first commit.

        ``derive(docs, removed, fresh)`` (tracing's :func:`kb.tracestore.deriver`) is given the
        documents written and the ids removed (``fresh``: everything stored before is being
        cleared) and returns data derived from them, ``{kind: {key: bytes, or None to delete}}``,
        for the engine to keep (:meth:`derived` reads it back). Whoosh stores it in the same
        commit as its documents; PostgreSQL in a transaction of its own right after them, one
        writer at a time. A derive that fails costs no document: derived data is checked against
        the documents when read."""

    @abc.abstractmethod
    def writer_holder(self) -> dict | None:
        """Who holds the one writer's lock (pid, host, since), or None (also: no such lock)."""

    @abc.abstractmethod
    def pending_rebuild(self) -> list[str]:
        """The sources a rebuild that did not finish must still bring back (empty: none)."""

    @abc.abstractmethod
    def set_pending_rebuild(self, sources: list[str]) -> None:
        """Record, durably, every source a rebuild must bring back (an empty list clears it)."""

    # -- reading ------------------------------------------------------------------------------
    @abc.abstractmethod
    def sources(self) -> dict[str, tuple[str, str]]:
        """Source path -> (document id, sha256) for every stored document."""

    @abc.abstractmethod
    def documents(self) -> list[Document]:
        """Every stored document, whole."""

    @abc.abstractmethod
    def document(self, doc_id: str) -> Document | None:
        """One stored document, or None."""

    @abc.abstractmethod
    def derived(self, kind: str, key: str | None = None) -> dict[str, bytes]:
        """Derived data a write stored (see :meth:`write`): ``{key: bytes}`` of one kind, or of the
        one ``key`` asked for."""

    @abc.abstractmethod
    def search(self, query: str | ParsedQuery, *, filters: Filters | None = None, page: int = 1,
               limit: int = 10, sort: str = "relevance") -> dict:
        """The `kb search --json` shape (see :mod:`kb.service`): a page of matching sections
        (``hits``, ``hit_tiers``, ``total``) and the same page of matching documents
        (``documents`` built with ``index.search.document_result``, ``total_documents``), the
        ``tiers`` in documents, ``facets`` in documents. A query whose text held nothing to
        search for (``ParsedQuery.no_words``) matches nothing."""

    def facets(self, query: str | ParsedQuery = "", filters: Filters | None = None) -> dict:
        """Documents per facet value of ``query``'s whole match set (of its first tier, the
        documents with all the words, when that is not empty)."""
        return self.search(query, filters=filters, page=1, limit=0)["facets"]

    @abc.abstractmethod
    def matching_sections(self, query: str | ParsedQuery, doc_id: str, filters: Filters | None = None) -> list[str]:
        """The ids of every section of ``doc_id`` that ``query`` matches (all tiers), in the
        document's order: what "N fler träffar i dokumentet" leads to."""

    @abc.abstractmethod
    def generation(self) -> Hashable:
        """Identifies the committed state: it changes whenever a write commits."""

    @abc.abstractmethod
    def stats(self) -> dict:
        """{engine, location, documents, sections, size_bytes}."""

    @abc.abstractmethod
    def close(self) -> None:
        """Release files, searchers and connections."""

    # -- safety: what an engine without these concerns answers ----------------------------------
    @property
    def damaged(self) -> str | None:
        """What is wrong when the store could not be opened at all, else None."""
        return None

    def damage(self) -> str | None:
        """What is wrong with the stored data (a quick check), else None."""
        return None

    def reset(self):
        """Start an empty store in place of a damaged one (``kb reindex --from-sources``)."""
        raise NotImplementedError(f"the {self.name} engine cannot be emptied in place; restore it from a backup")

    def take_notes(self) -> list[str]:
        """What the store did on its own that the user should hear of (cleaning after a killed
        writer, taking over a stale lock), once."""
        return []

    def source_list(self) -> dict[str, dict]:
        """Every source the store was built from, also those whose documents are gone (a share
        that was not mounted at a rebuild): path -> {"id", "sha256"}."""
        return {path: {"id": doc_id, "sha256": sha} for path, (doc_id, sha) in self.sources().items()}

    def stored_documents(self, doc_ids: list[str]) -> Iterator[Document]:
        """The stored copies of ``doc_ids`` that the store holds, whole."""
        for doc_id in doc_ids:
            doc = self.document(doc_id)
            if doc is not None:
                yield doc

    def documents_without_texts(self) -> list[Document]:
        """Every stored document without the texts of the document and its sections (metadata,
        headings, commitments): a list of a large store that stays small."""
        docs = self.documents()
        for doc in docs:
            doc.text = doc.raw_text = ""
            for section in doc.sections:
                section.text = section.raw_text = ""
        return docs
