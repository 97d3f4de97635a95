"""The data behind every page, computed once and rendered twice (HTML page and JSON twin).

Each function takes the shared :class:`kb.service.KnowledgeBase`, validated parameters and a
``url_for`` that turns query-string arguments into a URL of the calling blueprint, and returns
plain JSON-ready data. Nothing here knows about HTML.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date

from web.facets import active_filters, facet_results
from web.params import filter_kwargs, service_kwargs, url_args

UrlFor = Callable[[dict], str]
PAGE_WINDOW = 2  # page links shown on each side of the current page


class NotFound(LookupError):
    """An id the index does not know (404)."""


def search_view(kb, params: dict, url_for: UrlFor) -> dict:
    """`kb search --json` plus facets as data, removable filters, pages and the suggestion URL."""
    result = kb.search(params["q"], **service_kwargs(params))
    counts = dict(result.get("facets") or {})
    if any(params.get(k) is not None for k in ("year", "year_from", "year_to")):
        # The year histogram shows every year of the query, not only the chosen one.
        others = {k: v for k, v in filter_kwargs(params).items() if k not in ("year", "year_from", "year_to")}
        counts["year"] = kb.facets(params["q"], **others).get("year", {})
    result["facet_results"] = facet_results(counts, params, url_for)
    result["active_filters"] = active_filters(params, url_for)
    result["pagination"] = pagination(result["total"], params["page"], params["limit"],
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


def commitments_view(kb, filters: dict) -> dict:
    """Åtaganden with their verdict (bedömning) and follow-ups, filtered as asked."""
    as_of = date.fromisoformat(filters["as_of"]) if filters.get("as_of") else None
    due_before = date.fromisoformat(filters["due_before"]) if filters.get("due_before") else None
    # One pass gives every row its verdict (judged as of the date asked for).
    rows = kb.commitments(doc=filters.get("doc"), status=filters.get("status"), due_before=due_before,
                          committee=filters.get("committee"), year=filters.get("year"), as_of=as_of)
    # How many rows each bedömning would give with the other filters as they are.
    verdict_counts = Counter(r.get("verdict") or "none" for r in rows)
    if filters.get("verdict"):
        rows = [r for r in rows if r.get("verdict") == filters["verdict"]]
    documents = [d for record in kb.trace_records() for d in record["documents"]]
    committees = sorted({d["committee"] for d in documents if d.get("committee")})
    years = sorted({d["year"] for d in documents if d.get("year")})
    return {"total": len(rows), "filters": {k: v for k, v in filters.items() if v is not None},
            "commitments": rows, "options": {"committee": committees, "year": years},
            "verdict_counts": dict(verdict_counts)}


def cases_view(kb) -> dict:
    cases = kb.cases()
    return {"total": len(cases), "cases": cases}


def case_view(kb, case_id: str, as_of: str | None = None) -> dict:
    case = kb.case(case_id, as_of=date.fromisoformat(as_of) if as_of else None)
    if case is None:
        raise NotFound(f"Ärendet {case_id} finns inte.")
    return case


def trace_view(kb, doc: str | None = None, as_of: str | None = None) -> dict:
    return kb.trace(doc=doc, as_of=date.fromisoformat(as_of) if as_of else None)
