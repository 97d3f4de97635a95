"""The service every front end uses: the CLI, the HTML pages and the JSON API.

    kb = KnowledgeBase(index_dir)                # opens or creates the Whoosh index there
    kb = KnowledgeBase(index_dir, database=url)  # or a PostgreSQL database (KB_DATABASE_URL)
    kb.ingest(paths, ocr=False, progress=None) -> IngestReport
    kb.search(query, *, year=None, year_from=None, year_to=None, committee=None,
              doc_type=None, municipality=None, recommendation=None, case_number=None,
              page=1, limit=10, sort="relevance"|"date") -> dict
        {query, total, page, limit, hits: [{id, doc_id, source, title, heading, kind,
         recommendation, activity, page_number, text, snippet, score, date, year, committee,
         doc_type, municipality}], hit_tiers: [0, 0, 1, ...],
         total_documents, documents: [{doc_id, title, source, date, year, committee, doc_type,
         municipality, score, tier, sections: [hit ids], matching_sections, section_hits}],
         tiers: {all_words, some_words}|None,
         facets: {year: {"2024": 3, ...}, committee: {...}, doc_type: {...},
                  municipality: {...}, recommendation: {"1": 2, ...}}   # in documents
         suggestion: str|None, notice: str|None, filters: {...the active filters...}}
    kb.documents() -> list[dict]          # Document.summary() for every document
    kb.document(doc_id) -> Document|None  # the whole document (sections, text, raw_text)
    kb.find_document(ref) -> Document     # by id, unique id prefix or file name
    kb.facets(query="", **filters) -> dict   # the facets part of search (documents per value)
    kb.matching_sections(query, doc_id, **filters) -> [section ids]
    kb.marks(query) -> index.snippets.Marks  # what the query marks in a text
    kb.query_filters(query) -> [TypedFilter] # the filters typed in the query, with their place
    kb.commitments(doc=None, status=None, due_before=None, ...) -> list[dict]
    kb.cases() -> list[dict]; kb.case(case_id, as_of=None) -> dict|None
    kb.trace(doc=None, as_of=None) -> {"cases": [...]}

One KnowledgeBase is shared by all threads of a server. It talks to the store through
:class:`index.engine.Engine` only and never knows which engine runs (Whoosh keeps one long-lived
searcher per thread; PostgreSQL a connection pool). The list of whole documents (used by
tracing) is cached per committed generation of the store.
"""

from __future__ import annotations

import copy
import threading
from datetime import date
from pathlib import Path
from typing import Any

from index.connect import open_engine
from index.engine import COMMIT_BATCH
from index.querytree import Filters
from ingest.model import Document

SEARCH_LIMIT_MAX = 100
SORTS = ("relevance", "date")


class KnowledgeBase:
    def __init__(self, index_dir: Path | str | None = None, *, create: bool = True,
                 database: str | None = None, read_database: str | None = None):
        self.index_dir = Path(index_dir) if index_dir is not None else None
        self.store = open_engine(self.index_dir, database=database, read_database=read_database,
                                 create=create)
        self._docs_lock = threading.Lock()
        self._docs_cache: tuple[Any, list[Document]] | None = None
        self._cases_cache: tuple[Any, list] | None = None
        self._trace_cache: dict[tuple, dict] = {}

    # -- writing -----------------------------------------------------------------------------
    def ingest(self, paths, *, ocr: bool = False, progress=None, force: bool = False,
               batch: int = COMMIT_BATCH, lock_timeout: float = 30.0, workers: int | None = None):
        """Ingest files and folders; returns a :class:`kb.batch_ingest.IngestReport`."""
        from kb.batch_ingest import ingest_paths  # the ingest pipeline is not needed to search

        return ingest_paths(self.store, paths, ocr=ocr, progress=progress, force=force,
                            batch=batch, lock_timeout=lock_timeout, workers=workers)

    def write_documents(self, docs, *, lock_timeout: float = 30.0) -> None:
        """Store finished Documents as they are (``kb migrate``: from another engine's store)."""
        self.store.write(docs, lock_timeout=lock_timeout)

    # -- the store ---------------------------------------------------------------------------
    @property
    def location(self) -> str:
        """Where the store is, for messages: the index folder or the database (no password)."""
        return self.store.location

    def exists(self) -> bool:
        """True when something was ever stored here."""
        return self.store.exists()

    def writer_holder(self) -> dict | None:
        """Who holds the store's single writer (Whoosh), or None."""
        return self.store.writer_holder()

    def stats(self) -> dict:
        return self.store.stats()

    def sources(self) -> list[str]:
        return sorted(self.store.sources())

    def remove_sources(self, sources, *, lock_timeout: float = 30.0) -> list[str]:
        """Remove the documents read from ``sources`` (as :meth:`sources` names them), in one
        commit; returns the sources removed. A source the index does not hold is skipped."""
        stored = self.store.sources()
        found = [s for s in sources if s in stored]
        if found:
            self.store.write([], remove=[stored[s][0] for s in found], lock_timeout=lock_timeout)
        return found

    # -- searching ---------------------------------------------------------------------------
    def search(self, query: str = "", *, year: int | None = None, year_from: int | None = None,
               year_to: int | None = None, committee: str | None = None,
               doc_type: str | None = None, municipality: str | None = None,
               recommendation: int | None = None, case_number: str | None = None,
               page: int = 1, limit: int = 10, sort: str = "relevance") -> dict:
        if sort not in SORTS:
            raise ValueError(f"sort must be one of {', '.join(SORTS)}")
        if page < 1:
            raise ValueError("page must be 1 or more")
        if not 1 <= limit <= SEARCH_LIMIT_MAX:
            raise ValueError(f"limit must be between 1 and {SEARCH_LIMIT_MAX}")
        filters = make_filters(year=year, year_from=year_from, year_to=year_to, committee=committee,
                               doc_type=doc_type, municipality=municipality,
                               recommendation=recommendation, case_number=case_number)
        return self.store.search(query or "", filters=filters, page=page, limit=limit, sort=sort)

    def facets(self, query: str = "", **filters) -> dict:
        return self.store.facets(query or "", filters=make_filters(**filters))

    def matching_sections(self, query: str, doc_id: str, **filters) -> list[str]:
        """Every section of ``doc_id`` the search matches, in the document's order."""
        return self.store.matching_sections(query or "", doc_id, filters=make_filters(**filters))

    @staticmethod
    def marks(query: str):
        """What ``query`` marks in a text (``index.snippets.Marks``): the same rule as the snippets."""
        from index.search import query_marks

        return query_marks(query or "")

    @staticmethod
    def query_filters(query: str) -> list:
        """The field filters typed in ``query`` (``index.querylang.TypedFilter``), in order."""
        from index.querylang import typed_filters

        return typed_filters(query or "")

    # -- documents ---------------------------------------------------------------------------
    def all_documents(self) -> list[Document]:
        """Every stored document, cached until the index changes."""
        key = self.store.generation()
        with self._docs_lock:
            if self._docs_cache is None or self._docs_cache[0] != key:
                docs = self.store.documents()
                docs.sort(key=lambda d: (d.date or str(d.year or ""), d.source))
                self._docs_cache = (key, docs)
            return self._docs_cache[1]

    def grouped_cases(self) -> list:
        """The documents grouped into cases (kb.cases.Case), cached until the index changes."""
        from kb.cases import group_cases

        docs = self.all_documents()
        with self._docs_lock:
            if self._cases_cache is None or self._cases_cache[0] is not docs:
                self._cases_cache = (docs, group_cases(docs))
            return self._cases_cache[1]

    def documents(self) -> list[dict]:
        return [d.summary() for d in self.all_documents()]

    def document(self, doc_id: str) -> Document | None:
        return self.store.document(doc_id)

    def find_document(self, ref: str) -> Document:
        """The document ``ref`` names: its id, a unique beginning of its id, or its file name
        (or path). Raises ``LookupError`` with a message that says what to type instead."""
        ref = (ref or "").strip()
        doc = self.store.document(ref) if ref else None
        if doc is not None:
            return doc
        summaries = self.documents()
        paths = {doc_id: path for path, (doc_id, _sha) in self.store.sources().items()}
        by_name = [d for d in summaries if ref and (d["source"] == ref or Path(d["source"]).name == ref
                                                    or paths.get(d["id"]) in (ref, str(Path(ref).resolve())))]
        if len(by_name) == 1:
            return self.store.document(by_name[0]["id"])
        by_prefix = [d for d in summaries if len(ref) >= 2 and d["id"].startswith(ref.lower())]
        if len(by_prefix) == 1:
            return self.store.document(by_prefix[0]["id"])
        candidates = by_name or by_prefix
        if candidates:
            listed = ", ".join(f"{d['id']} ({d['source']})" for d in candidates[:5])
            raise LookupError(f"{ref!r} matches {len(candidates)} documents: {listed}; give more of the id")
        if 0 < len(ref) < 2:
            raise LookupError(f"{ref!r} is too short: give at least two characters of the id (see `kb docs`)")
        raise LookupError(f"no document with id, id prefix or file name {ref!r} (see `kb docs`)")

    # -- commitments and tracing --------------------------------------------------------------
    def commitments(self, *, doc: str | None = None, status: str | None = None,
                    due_before: date | None = None, committee: str | None = None,
                    year: int | None = None, verdict: str | None = None,
                    as_of: date | None = None) -> list[dict]:
        from kb.trace import list_commitments

        docs = self._filtered_docs(committee=committee, year=year)
        rows = list_commitments(docs, doc=doc, status=status, due_before=due_before)
        if verdict:
            verdicts = {c["id"]: c["verdict"] for case in self.trace(as_of=as_of)["cases"]
                        for c in case["commitments"]}
            rows = [r for r in rows if verdicts.get(r["id"]) == verdict]
        return rows

    def trace(self, *, doc: str | None = None, as_of: date | None = None) -> dict:
        """Promise tracing per case; cached per index state, document and as-of date."""
        from kb.trace import trace

        docs = self.all_documents()
        key = (self._docs_cache[0], doc, as_of or date.today())
        with self._docs_lock:
            cached = self._trace_cache.get(key)
        if cached is None:
            cached = trace(docs, doc=doc, as_of=key[2])
            with self._docs_lock:
                if len(self._trace_cache) > 64:
                    self._trace_cache.clear()
                self._trace_cache[key] = cached
        return copy.deepcopy(cached)

    def cases(self) -> list[dict]:
        return [case_summary(c) for c in self.grouped_cases()]

    def case(self, case_id: str, *, as_of: date | None = None) -> dict | None:
        from kb.trace import case_matrix

        docs = self.all_documents()
        for c in self.grouped_cases():
            if c.id == case_id:
                traced = next((t for t in self.trace(as_of=as_of)["cases"] if t["id"] == case_id), None)
                summary = case_summary(c)
                summary["matrix"] = case_matrix(c, docs)
                summary["commitments"] = traced["commitments"] if traced else []
                return summary
        return None

    def case_of(self, doc_id: str) -> dict | None:
        """The case a document belongs to (for "other documents in the same case")."""
        for c in self.grouped_cases():
            if any(d.id == doc_id for d in c.documents):
                return case_summary(c)
        return None

    def _filtered_docs(self, *, committee: str | None, year: int | None) -> list[Document]:
        docs = self.all_documents()
        if committee:
            wanted = committee.casefold()
            docs = [d for d in docs if (d.committee or "").casefold() == wanted]
        if year:
            docs = [d for d in docs if d.year == year]
        return docs

    def last_changed(self):
        """When the index last changed (its newest commit), as an aware datetime; None if never,
        or when the engine keeps no such time (PostgreSQL)."""
        from datetime import UTC, datetime

        if self.index_dir is None:
            return None
        tocs = list(self.index_dir.glob("*.toc")) if self.index_dir.is_dir() else []
        if not tocs:
            return None
        return datetime.fromtimestamp(max(p.stat().st_mtime for p in tocs), tz=UTC)

    def close(self) -> None:
        self.store.close()


def case_summary(case) -> dict:
    return {
        "id": case.id,
        "subject": case.subject,
        "documents": [
            {"doc_id": d.id, "source": d.source, "date": d.date, "year": d.year, "doc_type": d.doc_type,
             "title": d.title}
            for d in case.documents
        ],
    }


def make_filters(*, year: int | None = None, year_from: int | None = None, year_to: int | None = None,
                 committee: str | None = None, doc_type: str | None = None,
                 municipality: str | None = None, recommendation: int | None = None,
                 case_number: str | None = None) -> Filters:
    """Turn front-end parameters into index Filters (``year`` is a one-year range)."""
    if year is not None:
        year_from = year_to = year
    if year_from is not None and year_to is not None and year_from > year_to:
        year_from, year_to = year_to, year_from
    return Filters(year_from=year_from, year_to=year_to, committee=committee or None,
                   doc_type=doc_type or None, municipality=municipality or None,
                   recommendation=recommendation, case_number=case_number or None)
