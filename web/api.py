"""The JSON API under ``/api/v1``: the JSON twin of every page, fed by the same functions.

Errors are ``application/problem+json`` (see :mod:`web.errors`); the OpenAPI description
of exactly these routes is served at ``/api/v1/openapi.json``.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, jsonify, request, url_for

from web import views
from web.facets import facet_results
from web.openapi import openapi_document
from web.params import (
    Limits,
    ParamError,
    commitment_params,
    filter_kwargs,
    search_params,
    url_args,
    valid_case_id,
    valid_doc_id,
)
from web.security import require_token

api = Blueprint("api", __name__, url_prefix="/api/v1")


def _kb():
    return current_app.extensions["kb"]


def _params() -> dict:
    return search_params(request.args, Limits.from_config(current_app.config))


@api.get("/search")
def search():
    params = _params()
    return jsonify(views.search_view(_kb(), params, lambda args: url_for("api.search", **args)))


@api.get("/search.atom")
def search_feed():
    """Bevaka sökningen: the search's newest matching documents as an Atom feed."""
    from web.feed import FEED_SIZE
    from web.feed import search_feed as atom

    params = {**_params(), "sort": "date", "page": 1, "limit": FEED_SIZE, "visa": "dokument"}
    kb = _kb()
    result = views.search_view(kb, params, lambda args: url_for("pages.search", **args))
    args = {k: v for k, v in url_args(params).items() if k not in ("sort", "limit", "visa")}
    changed = kb.last_changed()
    state = {k: v for k, v in args.items() if k != "page"}
    body = atom(result, args, self_url=url_for("api.search_feed", _external=True, **args),
                html_url=url_for("pages.search", _external=True, **args),
                document_url=lambda d: url_for("pages.document", doc_id=d["doc_id"], _external=True, **state),
                changed=changed)
    return Response(body, mimetype="application/atom+xml", headers={"Cache-Control": "max-age=300"})


@api.get("/facets")
def facets():
    params = _params()
    kb = _kb()
    counts = kb.facets(params["q"], **filter_kwargs(params))
    return jsonify({"query": params["q"], "facets": counts,
                    "facet_results": facet_results(counts, params, lambda a: url_for("api.facets", **a),
                                                   typed=kb.query_filters(params["q"]))})


@api.get("/documents")
def documents():
    return jsonify(views.documents_view(_kb()))


@api.get("/documents/<doc_id>")
def document(doc_id: str):
    if not valid_doc_id(doc_id):
        raise ParamError("doc_id", "Dokument-id ska vara 8–64 hexadecimala tecken.")
    data = views.document_view(_kb(), doc_id)
    data["html_url"] = url_for("pages.document", doc_id=doc_id)
    data["original_url"] = url_for("pages.original", doc_id=doc_id)
    return jsonify(data)


@api.get("/commitments")
def commitments():
    filters = commitment_params(request.args)
    return jsonify(views.commitments_view(_kb(), filters, lambda args: url_for("api.commitments", **args)))


@api.get("/cases")
def cases():
    return jsonify(views.cases_view(_kb()))


@api.get("/cases/<case_id>")
def case(case_id: str):
    if not valid_case_id(case_id):
        raise ParamError("case_id", "Ärende-id innehåller otillåtna tecken.")
    as_of = commitment_params({"as_of": request.args.get("as_of", "")})["as_of"]
    return jsonify(views.case_view(_kb(), case_id, as_of))


@api.get("/trace")
def trace():
    filters = commitment_params({k: request.args.get(k, "") for k in ("doc", "as_of")})
    return jsonify(views.trace_view(_kb(), filters["doc"], filters["as_of"]))


@api.post("/reindex")
@require_token
def reindex():
    """Rebuild the index from the stored source files (needs KB_TOKEN)."""
    from index.engine import StoreLocked

    try:
        report = _kb().reindex(lock_timeout=5.0)
    except StoreLocked:
        abort(503, description="En annan indexering pågår. Försök igen om en stund.")
    # File names only: the server's folders are nobody's business.
    return jsonify(report.to_dict(names_only=True))


@api.get("/openapi.json")
def openapi():
    return jsonify(openapi_document(Limits.from_config(current_app.config)))
