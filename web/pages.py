"""The HTML pages (Swedish): Sök, Dokument, Åtaganden, Spårning.

Each view validates its parameters, asks :mod:`web.views` for the data (the same call the
JSON twin makes) and renders a template. The URL holds the whole state of a page.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, render_template, request, send_file, url_for

from web import views
from web.facets import DENSE_YEARS, year_ticks
from web.highlight import highlight, marks_anything
from web.labels import (
    COMMITMENT_SORT_LABELS,
    SEARCH_SORT_LABELS,
    STATUS_LABELS,
    VERDICT_LABELS,
    VERDICT_TABLE,
    VIEW_LABELS,
    swedish_date,
)
from web.params import (
    Limits,
    ParamError,
    commitment_args,
    commitment_params,
    filter_kwargs,
    search_params,
    url_args,
    valid_case_id,
    valid_doc_id,
)

pages = Blueprint("pages", __name__)

SORT_LABELS = SEARCH_SORT_LABELS
# What a browser may show inline from the original file; anything else is downloaded.
INLINE_TYPES = {"application/pdf", "text/plain"}


def _kb():
    return current_app.extensions["kb"]


def _limits() -> Limits:
    return Limits.from_config(current_app.config)


@pages.app_context_processor
def labels():
    return {"status_labels": STATUS_LABELS, "verdict_labels": VERDICT_LABELS, "verdict_table": VERDICT_TABLE,
            "sort_labels": SORT_LABELS, "view_labels": VIEW_LABELS,
            "commitment_sort_labels": COMMITMENT_SORT_LABELS,
            "year_ticks": year_ticks, "dense_years": DENSE_YEARS, "typed_title": typed_title}


def typed_title(doc_type: str | None, title: str | None) -> str:
    """"Yttrande: Granskning av …", or just "Uppföljande yttrande" when the title is the type."""
    kind = capfirst(doc_type or "")
    if not title or title.casefold() == (doc_type or "").casefold():
        return kind or (title or "")
    return f"{kind}: {title}" if kind else title


@pages.app_template_filter("highlight")
def highlight_filter(text, marks):
    return highlight(text or "", marks)


@pages.app_template_filter("swedish_date")
def swedish_date_filter(iso):
    return swedish_date(iso)


@pages.app_template_filter("quoted")
def quoted(query):
    """The query in quotation marks once: a query that is one quoted phrase keeps its own."""
    text = str(query or "").strip()
    if len(text) >= 2 and text[0] in "\"”“" and text[-1] in "\"”“" and text.count('"') <= 2:
        return text
    return f"”{text}”"


@pages.app_template_filter("capfirst")
def capfirst(text):
    """Only the first letter up: 'barn som befinner sig …' -> 'Barn som …', 'SR-2023-81' stays."""
    text = str(text or "")
    return text[:1].upper() + text[1:]


@pages.app_template_filter("paragraphs")
def paragraphs(text):
    return [p for p in (text or "").split("\n\n") if p.strip()]


@pages.route("/")
@pages.route("/sok")
def search():
    error = None
    try:
        params = search_params(request.args, _limits())
    except ParamError as exc:
        error = exc.message
        params = search_params({"q": (request.args.get("q") or "")[: _limits().max_query_chars]}, _limits())
    result = views.search_view(_kb(), params, lambda args: url_for("pages.search", **args))
    state = url_args(params)
    feed_args = {k: v for k, v in state.items() if k not in ("page", "limit", "visa", "sort")}
    searched = bool(params["q"] or result["active_filters"])
    return render_template("search.html", params=params, result=result, error=error, state=state,
                           doc_state={k: v for k, v in state.items() if k not in ("visa",)},
                           tiers=tier_groups(result),
                           sort_urls={s: url_for("pages.search", **url_args(params, sort=s, page=1))
                                      for s in SORT_LABELS},
                           feed_url=url_for("api.search_feed", **feed_args) if searched else None,
                           json_url=url_for("api.search", **url_args(params))), 400 if error else 200


def tier_groups(result: dict) -> list[dict]:
    """The page's results split where the documents (or sections) with all the words end:
    ``[{all_words: bool, items: [...]}]``; one group when the query has no tiers."""
    if result["view"] == "dokument":
        items = [(d, d["tier"]) for d in result["documents"]]
    else:
        items = list(zip(result["hits"], result.get("hit_tiers") or [0] * len(result["hits"]), strict=True))
    groups: list[dict] = []
    for item, tier in items:
        all_words = tier == 0
        if not groups or groups[-1]["all_words"] != all_words:
            groups.append({"all_words": all_words, "items": []})
        groups[-1]["items"].append(item)
    return groups


@pages.route("/dokument")
def documents():
    return render_template("documents.html", data=views.documents_view(_kb()))


@pages.route("/dokument/<doc_id>")
def document(doc_id: str):
    if not valid_doc_id(doc_id):
        abort(404)
    kb = _kb()
    state = _search_state(request.args)
    query = state.get("q", "")
    data = views.document_view(kb, doc_id)
    matching: list[int] = []
    if query or any(k in state for k in ("year", "year_from", "year_to", "committee", "doc_type",
                                         "municipality", "recommendation")):
        params = search_params({k: str(v) for k, v in state.items()}, _limits())
        ids = kb.matching_sections(params["q"], doc_id, **filter_kwargs(params))
        matching = [int(i.rpartition("#")[2]) for i in ids if i.rpartition("#")[2].isdigit()]
    headings = {s["number"]: s["heading"] for s in data["sections"]}
    marks = kb.marks(query)
    # A section can match through the document's title alone (the title counts for every section):
    # it is listed as such, and gets no "Träff" of its own.
    through_title = {s["number"] for s in data["sections"] if s["number"] in matching
                     and not marks_anything(f"{s['heading'] or ''}\n{s['text']}", marks)}
    return render_template("document.html", doc=data, q=query, marks=marks, search_state=state,
                           matching=matching, matching_headings=headings, through_title=through_title,
                           back_url=url_for("pages.search", **state) if state else None)


def _search_state(args) -> dict:
    """The search a document was opened from (query, filters, sort, page), to lead back to it.

    A broken parameter is no reason to refuse the document: the state then keeps the query only.
    """
    try:
        return url_args(search_params(args, _limits()))
    except ParamError:
        query = (args.get("q") or "")[: _limits().max_query_chars].strip()
        return {"q": query} if query else {}


@pages.route("/dokument/<doc_id>/original")
def original(doc_id: str):
    """The stored source file of a document: its own path from the index, no user path ever."""
    if not valid_doc_id(doc_id):
        abort(404)
    doc = _kb().document(doc_id)
    if doc is None or not doc.path:
        abort(404)
    path = Path(doc.path)
    if not path.is_file():
        abort(404, description="Originalfilen finns inte längre kvar på servern.")
    mimetype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    inline = mimetype in INLINE_TYPES
    response = send_file(path, mimetype=mimetype if inline else "application/octet-stream",
                         as_attachment=not inline, download_name=path.name, max_age=0)
    if mimetype != "application/pdf":  # a PDF viewer needs scripts; nothing else runs anything
        response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


@pages.route("/ataganden")
def commitments():
    error = None
    try:
        filters = commitment_params(request.args)
    except ParamError as exc:
        error, filters = exc.message, commitment_params({})
    data = views.commitments_view(_kb(), filters, lambda args: url_for("pages.commitments", **args))
    csv_args = commitment_args(filters, page=None, limit=None)
    return render_template("commitments.html", data=data, filters=filters, error=error,
                           csv_url=url_for("pages.commitments_csv", **csv_args),
                           json_url=url_for("api.commitments", **commitment_args(filters))), 400 if error else 200


@pages.route("/ataganden.csv")
def commitments_csv():
    """The Åtaganden list as CSV, with the filters and order of the page it is downloaded from."""
    from kb.export import table_csv
    from web.tracing import CSV_COLUMNS, csv_rows

    filters = commitment_params(request.args)
    data = views.commitments_view(_kb(), filters, paged=False)
    body = table_csv(CSV_COLUMNS, csv_rows(data["commitments"]))
    name = "ataganden-" + (filters.get("as_of") or data["as_of"]) + ".csv"
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{name}"', "Content-Type": "text/csv; charset=utf-8"})


@pages.route("/sparning")
def cases():
    return render_template("cases.html", data=views.cases_view(_kb()))


@pages.route("/sparning/<case_id>")
def case(case_id: str):
    if not valid_case_id(case_id):
        abort(404)
    as_of = commitment_params({"as_of": request.args.get("as_of", "")})["as_of"]
    return render_template("case.html", case=views.case_view(_kb(), case_id, as_of), as_of=as_of)
