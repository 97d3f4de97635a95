"""The HTML pages (Swedish): Sök, Dokument, Åtaganden, Spårning.

Each view validates its parameters, asks :mod:`web.views` for the data (the same call the
JSON twin makes) and renders a template. The URL holds the whole state of a page.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

from flask import Blueprint, abort, current_app, render_template, request, send_file, url_for

from web import views
from web.facets import DENSE_YEARS, year_ticks
from web.highlight import highlight, query_terms
from web.params import (
    Limits,
    ParamError,
    commitment_params,
    search_params,
    url_args,
    valid_case_id,
    valid_doc_id,
)

pages = Blueprint("pages", __name__)

STATUS_LABELS = {"planned": "Planerat", "ongoing": "Pågår", "done": "Genomfört"}
VERDICT_LABELS = {"reported": "Rapporterat", "delayed": "Försenat", "not_done": "Ej genomfört",
                  "overdue": "Förfallet utan rapport", "pending": "Ej förfallet", "no_report": "Ingen rapport"}
SORT_LABELS = {"relevance": "Relevans", "date": "Datum"}
# What a browser may show inline from the original file; anything else is downloaded.
INLINE_TYPES = {"application/pdf", "text/plain"}


def _kb():
    return current_app.extensions["kb"]


def _limits() -> Limits:
    return Limits.from_config(current_app.config)


@pages.app_context_processor
def labels():
    return {"status_labels": STATUS_LABELS, "verdict_labels": VERDICT_LABELS, "sort_labels": SORT_LABELS,
            "year_ticks": year_ticks, "dense_years": DENSE_YEARS}


@pages.app_template_filter("highlight")
def highlight_filter(text, terms):
    return highlight(text or "", terms)


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
    return render_template("search.html", params=params, result=result, error=error, state=url_args(params),
                           sort_urls={s: url_for("pages.search", **url_args(params, sort=s, page=1))
                                      for s in SORT_LABELS},
                           json_url=url_for("api.search", **url_args(params))), 400 if error else 200


@pages.route("/dokument")
def documents():
    return render_template("documents.html", data=views.documents_view(_kb()))


@pages.route("/dokument/<doc_id>")
def document(doc_id: str):
    if not valid_doc_id(doc_id):
        abort(404)
    state = _search_state(request.args)
    query = state.get("q", "")
    data = views.document_view(_kb(), doc_id)
    return render_template("document.html", doc=data, q=query, terms=query_terms(query), search_state=state,
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
    data = views.commitments_view(_kb(), filters)
    return render_template("commitments.html", data=data, filters=filters, error=error), 400 if error else 200


@pages.route("/sparning")
def cases():
    return render_template("cases.html", data=views.cases_view(_kb()))


@pages.route("/sparning/<case_id>")
def case(case_id: str):
    if not valid_case_id(case_id):
        abort(404)
    as_of = commitment_params({"as_of": request.args.get("as_of", "")})["as_of"]
    return render_template("case.html", case=views.case_view(_kb(), case_id, as_of), as_of=as_of)
