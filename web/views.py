"""The data behind every page, computed once and rendered twice (HTML page and JSON twin).

Each function takes the shared :class:`kb.service.KnowledgeBase`, validated parameters and a
``url_for`` that turns query-string arguments into a URL of the calling blueprint, and returns
plain JSON-ready data. Nothing here knows about HTML.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date

from web.facets import active_filters, facet_results, without_typed, year_range
from web.params import (
    COMMITMENT_SORTS,
    COMMITMENTS_PER_PAGE,
    VIEWS,
    commitment_args,
    filter_kwargs,
    service_kwargs,
    url_args,
)
from web.tracing import document_ref, named, sort_rows

FILTER_PARAMS = ("year", "year_from", "year_to", "committee", "doc_type", "municipality", "recommendation")

UrlFor = Callable[[dict], str]
PAGE_WINDOW = 2  # page links shown on each side of the current page


class NotFound(LookupError):
    """An id the index does not know (404)."""


def search_view(kb, params: dict, url_for: UrlFor) -> dict:
    """`kb search --json` plus facets as data, every active filter as a removable chip (typed in
    the query or clicked), pages of documents (or of sections with ``visa=avsnitt``) and the
    suggestion URL."""
    result = kb.search(params["q"], **service_kwargs(params))
    typed = kb.query_filters(params["q"])
    counts = dict(result.get("facets") or {})
    low, high = year_range(params, typed)
    if low is not None or high is not None:
        # The year histogram shows every year of the query, not only the chosen ones.
        others = {k: v for k, v in filter_kwargs(params).items() if k not in ("year", "year_from", "year_to")}
        counts["year"] = kb.facets(without_typed(params, typed, ["year"])["q"], **others).get("year", {})
    result["facet_results"] = facet_results(counts, params, url_for, typed=typed)
    result["active_filters"] = active_filters(params, url_for, typed)
    result["clear_filters_url"] = url_for(url_args(
        {**without_typed(params, typed), **dict.fromkeys(FILTER_PARAMS)}, page=1))
    result["year_range"] = {"from": low, "to": high}
    # The Från/till form replaces every year filter: the query text keeps none of its own.
    result["year_form_state"] = url_args(without_typed(params, typed, ["year"]), year=None, year_from=None,
                                         year_to=None, page=1)
    by_documents = params.get("visa", "dokument") == "dokument"
    result["view"] = "dokument" if by_documents else "avsnitt"
    result["view_urls"] = {view: url_for(url_args(params, visa=view, page=1)) for view in VIEWS}
    total = result["total_documents"] if by_documents else result["total"]
    result["pagination"] = pagination(total, params["page"], params["limit"],
                                      lambda page: url_for(url_args(params, page=page)))
    suggestion = result.get("suggestion")
    result["suggestion_url"] = url_for(url_args(params, q=suggestion, page=1)) if suggestion else None
    return result


def pagination(total: int, page: int, limit: int, page_url: Callable[[int], str]) -> dict:
    """Page links around the current page: ``{page, pages, prev_url, next_url, links}``."""
    pages = max(1, -(-total // limit))
    window = range(max(1, page - PAGE_WINDOW), min(pages, page + PAGE_WINDOW) + 1)
    shown = sorted({1, pages, *window})
    return {
        "page": page,
        "pages": pages,
        "prev_url": page_url(page - 1) if page > 1 else None,
        "next_url": page_url(page + 1) if page < pages else None,
        "links": [{"page": p, "url": page_url(p), "current": p == page} for p in shown],
    }


def document_view(kb, doc_id: str) -> dict:
    """A whole document for display: metadata, sections, text, raw text and its case."""
    doc = kb.document(doc_id)
    if doc is None:
        raise NotFound(f"Dokumentet {doc_id} finns inte i indexet.")
    data = doc.to_dict()
    data.pop("path", None)  # the server's file system is nobody's business
    data.pop("sha256", None)
    case = kb.case_of(doc_id)
    data["case"] = case
    data["related"] = [d for d in (case or {}).get("documents", []) if d["doc_id"] != doc_id]
    return data


def documents_view(kb) -> dict:
    docs = kb.documents()
    return {"total": len(docs), "documents": docs}


def commitments_view(kb, filters: dict, url_for: UrlFor | None = None, *, paged: bool = True) -> dict:
    """Åtaganden with their verdict (bedömning) and follow-ups, filtered, sorted and paged as
    asked; every document named by title, date and section, every verdict explained.

    Everything comes from the stored trace (one pass judges every row as of the date asked for);
    no document is opened."""
    as_of = date.fromisoformat(filters["as_of"]) if filters.get("as_of") else date.today()
    due_before = date.fromisoformat(filters["due_before"]) if filters.get("due_before") else None
    rows = kb.commitments(doc=filters.get("doc"), status=filters.get("status"), due_before=due_before,
                          committee=filters.get("committee"), year=filters.get("year"), as_of=as_of)
    # How many rows each bedömning would give with the other filters as they are.
    verdict_counts = Counter(r.get("verdict") or "none" for r in rows)
    if filters.get("verdict"):
        rows = [r for r in rows if r.get("verdict") == filters["verdict"]]
    docs = trace_documents(kb)
    commitments = [named(row, docs, as_of) for row in rows]
    commitments = sort_rows(commitments, filters.get("sort") or "document")
    total = len(commitments)
    page, limit = filters.get("page") or 1, filters.get("limit") or COMMITMENTS_PER_PAGE
    shown = commitments[(page - 1) * limit:page * limit] if paged else commitments
    link = url_for or (lambda args: "?" + "&".join(f"{k}={v}" for k, v in args.items()))
    committees = sorted({d["committee"] for d in docs.values() if d.get("committee")})
    years = sorted({d["year"] for d in docs.values() if d.get("year")})
    active = {k: v for k, v in filters.items() if v is not None and k not in ("page", "limit", "sort")}
    return {"total": total, "filters": active, "sort": filters.get("sort") or "document",
            "as_of": as_of.isoformat(), "page": page, "limit": limit,
            "commitments": shown, "options": {"committee": committees, "year": years},
            "verdict_counts": dict(verdict_counts),
            "pagination": pagination(total, page, limit, lambda p: link(commitment_args(filters, page=p))),
            "sort_urls": {key: link(commitment_args(filters, sort=key, page=1)) for key in COMMITMENT_SORTS}}


def trace_documents(kb) -> dict[str, dict]:
    """doc id -> what the stored trace holds of each document (title, date, type, committee)."""
    return {d["doc_id"]: d for record in kb.trace_records() for d in record["documents"]}


def cases_view(kb) -> dict:
    cases = kb.cases()
    return {"total": len(cases), "cases": cases}


def case_view(kb, case_id: str, as_of: str | None = None) -> dict:
    """One case: its documents in order, the recommendation grid and every commitment traced,
    named and explained."""
    when = date.fromisoformat(as_of) if as_of else date.today()
    case = kb.case(case_id, as_of=when)
    if case is None:
        raise NotFound(f"Ärendet {case_id} finns inte.")
    docs = {d["doc_id"]: d for d in case["documents"]}
    case["as_of"] = when.isoformat()
    case["documents"] = [{**d, "document": document_ref(docs.get(d["doc_id"]))} for d in case["documents"]]
    case["commitments"] = [named(c, docs, when) for c in case["commitments"]]
    return case


def trace_view(kb, doc: str | None = None, as_of: str | None = None) -> dict:
    return kb.trace(doc=doc, as_of=date.fromisoformat(as_of) if as_of else None)
