"""The service every front end uses: the CLI, the HTML pages and the JSON API.

    kb = KnowledgeBase(index_dir)                # opens or creates the Whoosh index there
    kb = KnowledgeBase(index_dir, database=url)  # or a PostgreSQL database (KB_DATABASE_URL)
    kb.ingest(paths, ocr=False, progress=None, prune=False) -> IngestReport
    kb.reindex(prune=False, force=False, from_sources=False) -> IngestReport
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
searcher per thread; PostgreSQL a connection pool). Tracing is computed at ingest and kept in the
store as derived data (:mod:`kb.tracestore`); its case records are read once per committed
generation of the store, and a request only judges them as of its date.
"""

from __future__ import annotations

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
        self._records_cache: tuple[Any, list[dict]] | None = None

    # -- writing -----------------------------------------------------------------------------
    def ingest(self, paths, *, ocr: bool = False, progress=None, force: bool = False,
               batch: int = COMMIT_BATCH, lock_timeout: float = 30.0, workers: int | None = None,
               prune: bool = False):
        """Ingest files and folders; returns a :class:`kb.batch_ingest.IngestReport`.

        ``prune`` also removes the documents of files under ``paths`` that were deleted (never those
        of a missing or empty folder; never more than half the index unless ``force``)."""
        from kb.batch_ingest import IngestReport, ingest_paths  # not needed to search
        from kb.tracestore import deriver

        report = IngestReport()
        remove: list[str] = []
        if prune:
            roots = [Path(p).resolve() for p in paths]
            listed = self.store.source_list()
            under = [s for s in listed if any(Path(s).is_relative_to(r) for r in roots)]
            remove = self._plan_removal(report, listed, under, prune=True, force=force)
            if report.refused:
                return report
        return ingest_paths(self.store, paths, ocr=ocr, progress=progress, force=force,
                            batch=batch, lock_timeout=lock_timeout, workers=workers,
                            remove=remove, report=report, derive=deriver(self.store))

    def reindex(self, *, prune: bool = False, force: bool = False, from_sources: bool = False,
                batch: int = COMMIT_BATCH, lock_timeout: float = 30.0, workers: int | None = None,
                progress=None):
        """Re-read every source file of the index (its source list) and report what stands where.

        A document whose file is out of reach (its folder missing or empty: a share not mounted) is
        kept and reported, and ``report.ok`` is false. A document whose file was deleted is kept
        too unless ``prune``; ``prune`` removes no more than half the index unless ``force``, and
        out-of-reach documents only with ``force``. ``from_sources`` rebuilds the index from
        scratch, also when it cannot be opened (its damaged files are moved aside)."""
        from index.health import IndexDamaged
        from kb.batch_ingest import IngestReport, ingest_paths
        from kb.tracestore import deriver

        report = IngestReport()
        problem = self.store.damage()
        if problem:
            if not from_sources:
                raise IndexDamaged(self.store.location, problem)
            aside = self.store.reset()
            if aside is not None:
                report.notes.append(f"the damaged index files were moved to {aside.name}/ in the index "
                                    "folder: delete it once the rebuild is good")
        listed = self.store.source_list()
        remove = self._plan_removal(report, listed, list(listed), prune=prune, force=force)
        if report.refused:
            return report
        present = [Path(p) for p in sorted(listed) if Path(p).is_file()]
        return ingest_paths(self.store, present, force=True, batch=batch, lock_timeout=lock_timeout,
                            workers=workers, progress=progress, remove=remove,
                            rebuild_all=from_sources, report=report, derive=deriver(self.store))

    def _plan_removal(self, report, listed: dict, sources: list[str], *, prune: bool, force: bool) -> list[str]:
        """Sort ``sources`` by where they stand, note it in ``report``; the ids to remove."""
        from kb.sources import classify, prune_plan

        states = classify(sources)
        plan = prune_plan(states, len(self.store.sources()), prune=prune, force=force)
        if plan.refused:
            report.refused = plan.refused
            return []
        removing = set(plan.remove)
        report.removed = sorted(removing)
        report.kept = [s for s in states.deleted if s not in removing]
        for folder, in_folder in states.unreachable.items():
            kept = [s for s in in_folder if s not in removing]
            if kept:
                report.unreachable[folder] = kept
        return [listed[s]["id"] for s in plan.remove]

    def write_documents(self, docs, *, lock_timeout: float = 30.0) -> None:
        """Store finished Documents as they are (``kb migrate``: from another engine's store)."""
        from kb.tracestore import deriver

        self.store.write(docs, lock_timeout=lock_timeout, derive=deriver(self.store))

    # -- the store ---------------------------------------------------------------------------
    @property
    def location(self) -> str:
        """Where the store is, for messages: the index folder or the database (no password)."""
        return self.store.location

    def exists(self) -> bool:
        """True when something was ever stored here."""
        return self.store.exists()

    @property
    def damaged(self) -> str | None:
        """What is wrong when the store could not be opened at all (see ``index.health``), else None."""
        return self.store.damaged

    def damage(self) -> str | None:
        """What a quick check finds wrong with the store (every segment opened), else None."""
        return self.store.damage()

    @property
    def needs_rebuild(self) -> bool:
        return self.store.needs_rebuild

    def take_notes(self) -> list[str]:
        """What the store did on its own that the user should hear of, once."""
        return self.store.take_notes()

    def writer_holder(self) -> dict | None:
        """Who holds the store's single writer (Whoosh), or None."""
        return self.store.writer_holder()

    def stats(self) -> dict:
        return self.store.stats()

    def sources(self) -> list[str]:
        return sorted(self.store.source_list())

    def remove_sources(self, sources, *, lock_timeout: float = 30.0) -> list[str]:
        """Remove the documents read from ``sources`` (as :meth:`sources` names them), in one
        commit; returns the sources removed. A source the index does not hold is skipped."""
        stored = self.store.sources()
        found = [s for s in sources if s in stored]
        if found:
            from kb.tracestore import deriver

            self.store.write([], remove=[stored[s][0] for s in found], lock_timeout=lock_timeout,
                             derive=deriver(self.store))
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
        """Every stored document's metadata and commitments, cached until the index changes.

        The texts are left out (the document's and its sections', which keep their headings and
        numbers): the cache holds a small part of the index, not all of it. :meth:`whole_documents`
        reads the rest."""
        key = self.store.generation()
        with self._docs_lock:
            if self._docs_cache is None or self._docs_cache[0] != key:
                docs = self.store.documents_without_texts()
                docs.sort(key=lambda d: (d.date or str(d.year or ""), d.source))
                self._docs_cache = (key, docs)
            return self._docs_cache[1]

    def whole_documents(self, docs: list[Document]) -> list[Document]:
        """``docs`` read again whole (texts and sections), in the same order."""
        by_id = {d.id: d for d in self.store.stored_documents([d.id for d in docs])}
        return [by_id.get(d.id, d) for d in docs]

    def whole_documents_of(self, docs: list[Document]):
        """``docs`` read again whole, one at a time as they are consumed (an export of the index)."""
        return self.store.stored_documents([d.id for d in docs])

    def trace_records(self) -> list[dict]:
        """Every case's trace record (:mod:`kb.tracestore`), read once per index generation."""
        from kb.tracestore import load

        key = self.store.generation()
        with self._docs_lock:
            cached = self._records_cache
        if cached is not None and cached[0] == key:
            return cached[1]
        records = load(self.store)
        with self._docs_lock:
            self._records_cache = (key, records)
        return records

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
        """The commitments as rows (with their document's committee, date and title), filtered;
        each with its verdict and follow-ups as of ``as_of`` (default today)."""
        from kb.trace import filter_rows, judge_all

        wanted = committee.casefold() if committee else None
        rows = []
        for case in judge_all(self.trace_records(), doc=doc, as_of=as_of)["cases"]:
            for row in case["commitments"]:
                if wanted and (row.get("committee") or "").casefold() != wanted:
                    continue
                if year and row.get("year") != year:
                    continue
                if verdict and row["verdict"] != verdict:
                    continue
                rows.append(row)
        return filter_rows(rows, status=status, due_before=due_before)

    def trace(self, *, doc: str | None = None, as_of: date | None = None) -> dict:
        """Promise tracing per case, judged as of ``as_of`` (default today)."""
        from kb.trace import judge_all

        return judge_all(self.trace_records(), doc=doc, as_of=as_of)

    def cases(self) -> list[dict]:
        return [case_summary(r) for r in self.trace_records()]

    def case(self, case_id: str, *, as_of: date | None = None) -> dict | None:
        from kb.cases import Case
        from kb.trace import case_matrix, judged

        record = next((r for r in self.trace_records() if r["id"] == case_id), None)
        if record is None:
            return None
        docs = [d for d in (self.store.document(x["doc_id"]) for x in record["documents"]) if d is not None]
        summary = case_summary(record)
        summary["matrix"] = case_matrix(Case(record["id"], record["subject"], docs), docs)
        summary["commitments"] = judged(record, as_of or date.today())["commitments"]
        return summary

    def case_of(self, doc_id: str) -> dict | None:
        """The case a document belongs to (for "other documents in the same case")."""
        for r in self.trace_records():
            if any(d["doc_id"] == doc_id for d in r["documents"]):
                return case_summary(r)
        return None

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


def case_summary(record: dict) -> dict:
    return {
        "id": record["id"],
        "subject": record["subject"],
        "documents": [
            {"doc_id": d["doc_id"], "source": d["source"], "date": d["date"], "year": d["year"],
             "doc_type": d["doc_type"], "title": d.get("title")}
            for d in record["documents"]
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
