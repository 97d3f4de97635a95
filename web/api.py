"""The JSON API under ``/api/v1``: the JSON twin of every page, fed by the same functions.

Errors are ``application/problem+json`` (see :mod:`web.errors`); the OpenAPI description
of exactly these routes is served at ``/api/v1/openapi.json``.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, request, url_for

from web import views
from web.facets import facet_results
from web.openapi import openapi_document
from web.params import (
    Limits,
    ParamError,
    commitment_params,
    filter_kwargs,
    search_params,
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


@api.get("/facets")
def facets():
    params = _params()
    counts = _kb().facets(params["q"], **filter_kwargs(params))
    return jsonify({"query": params["q"], "facets": counts,
                    "facet_results": facet_results(counts, params, lambda a: url_for("api.facets", **a))})


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
    return jsonify(views.commitments_view(_kb(), commitment_params(request.args)))


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
    from index.store import StoreLocked

    try:
        report = _kb().reindex(lock_timeout=5.0)
    except StoreLocked:
        abort(503, description="En annan indexering pågår. Försök igen om en stund.")
    # File names only: the server's folders are nobody's business.
    return jsonify(report.to_dict(names_only=True))


@api.get("/openapi.json")
def openapi():
    return jsonify(openapi_document(Limits.from_config(current_app.config)))
