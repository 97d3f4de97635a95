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
:class:`index.engine.Engine` only and never knows which engine runs (Whoosh keeps one searcher
for all threads; PostgreSQL a connection pool). Per committed generation of the store it caches
the documents' metadata (without their texts: memory stays far below the index's size) and their
grouping into cases; tracing and a case's timeline read the whole documents of one case at a time.
The grouping is computed by one background thread, so a document page never waits long for it
(its "same case" panel stays empty until the grouping is ready).
"""

from __future__ import annotations

import copy
import threading
import time
from datetime import date
from pathlib import Path
from typing import Any

from index.connect import open_engine
from index.engine import COMMIT_BATCH
from index.querytree import Filters
from ingest.model import Document

SEARCH_LIMIT_MAX = 100
SORTS = ("relevance", "date")
CASE_WAIT = 2.0        # seconds a document page waits for the grouping into cases
TRACE_CACHE = 8        # traced states kept (each as_of date is one)


class KnowledgeBase:
    def __init__(self, index_dir: Path | str | None = None, *, create: bool = True,
                 database: str | None = None, read_database: str | None = None):
        self.index_dir = Path(index_dir) if index_dir is not None else None
        self.store = open_engine(self.index_dir, database=database, read_database=read_database,
                                 create=create)
        self._docs_lock = threading.Lock()
        self._docs_cache: tuple[Any, list[Document]] | None = None
        self._cases_cache: tuple[Any, list] | None = None
        self._cases_lock = threading.Lock()
        self._cases_job: tuple[Any, threading.Event] | None = None
        self._trace_cache: dict[tuple, dict] = {}

    # -- writing -----------------------------------------------------------------------------
    def ingest(self, paths, *, ocr: bool = False, progress=None, force: bool = False,
               batch: int = COMMIT_BATCH, lock_timeout: float = 30.0, workers: int | None = None,
               prune: bool = False):
        """Ingest files and folders; returns a :class:`kb.batch_ingest.IngestReport`.

        ``prune`` also removes the documents of files under ``paths`` that were deleted (never those
        of a missing or empty folder; never more than half the index unless ``force``)."""
        from kb.batch_ingest import IngestReport, ingest_paths  # not needed to search

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
                            remove=remove, report=report)

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
                            rebuild_all=from_sources, report=report)

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
        self.store.write(docs, lock_timeout=lock_timeout)

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

    def grouped_cases(self, wait: float | None = None) -> list | None:
        """The documents grouped into cases (kb.cases.Case), cached until the index changes.

        The grouping runs in one background thread per index state; this waits for it until
        ``wait`` seconds after it started (None: as long as it takes), so on a large index only the
        first callers wait, and gives None when it is not ready by then."""
        docs = self.all_documents()
        with self._cases_lock:
            if self._cases_cache is not None and self._cases_cache[0] is docs:
                return self._cases_cache[1]
            if self._cases_job is None or self._cases_job[0] is not docs:
                job = (docs, threading.Event(), {"started": time.monotonic()})
                self._cases_job = job
                threading.Thread(target=self._group, args=job, daemon=True, name="kb-group-cases").start()
            _, done, outcome = self._cases_job
        left = None if wait is None else max(0.0, outcome["started"] + wait - time.monotonic())
        if not done.wait(left):
            return None
        if "error" in outcome:
            raise outcome["error"]
        return outcome["cases"]

    def _group(self, docs: list[Document], done: threading.Event, outcome: dict) -> None:
        from kb.cases import group_cases

        try:
            outcome["cases"] = group_cases(docs)
            with self._cases_lock:
                self._cases_cache = (docs, outcome["cases"])
        except Exception as exc:  # noqa: BLE001 - handed to the callers waiting for it
            outcome["error"] = exc
            with self._cases_lock:
                if self._cases_job is not None and self._cases_job[0] is docs:
                    self._cases_job = None  # the next caller tries again
        finally:
            done.set()

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
        """Promise tracing per case; cached per index state, document and as-of date. The whole
        documents of one case at a time are read (a case without commitments needs none)."""
        from kb.cases import Case
        from kb.trace import trace_case

        docs = self.all_documents()
        key = (self._docs_cache[0], doc, as_of or date.today())
        with self._docs_lock:
            cached = self._trace_cache.get(key)
        if cached is None:
            traced = []
            for case in self.grouped_cases():
                if doc and not any(d.id == doc for d in case.documents):
                    continue
                if any(d.commitments for d in case.documents):
                    case = Case(case.id, case.subject, self.whole_documents(case.documents))
                traced.append(trace_case(case, doc=doc, as_of=key[2]))
            cached = {"cases": traced}
            with self._docs_lock:
                if self._docs_cache and self._docs_cache[1] is docs:
                    while len(self._trace_cache) >= TRACE_CACHE:
                        self._trace_cache.pop(next(iter(self._trace_cache)))
                    self._trace_cache[key] = cached
        return copy.deepcopy(cached)

    def cases(self) -> list[dict]:
        return [case_summary(c) for c in self.grouped_cases()]

    def case(self, case_id: str, *, as_of: date | None = None) -> dict | None:
        from kb.trace import case_matrix

        for c in self.grouped_cases():
            if c.id == case_id:
                traced = next((t for t in self.trace(as_of=as_of)["cases"] if t["id"] == case_id), None)
                summary = case_summary(c)
                summary["matrix"] = case_matrix(c, self.whole_documents(c.documents))
                summary["commitments"] = traced["commitments"] if traced else []
                return summary
        return None

    def case_of(self, doc_id: str, wait: float = CASE_WAIT) -> dict | None:
        """The case a document belongs to (for "other documents in the same case"); None also
        while the grouping into cases is not ready after ``wait`` seconds."""
        for c in self.grouped_cases(wait) or []:
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
