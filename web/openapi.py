"""The OpenAPI 3.1 description of ``/api/v1``, built as data so the limits match configuration.

Tests validate real responses against these schemas (jsonschema) and scan the API with
schemathesis, so a change of shape here or in the code that is not made in both fails.
"""

from __future__ import annotations

from web.params import (
    CASE_ID,
    COMMITMENT_SORTS,
    DOC_ID,
    MAX_COMMITMENTS_PER_PAGE,
    SORTS,
    STATUSES,
    VERDICTS,
    VIEWS,
    YEAR_RANGE,
    Limits,
)

API_VERSION = "1.0.0"


def _nullable(kind: str, **extra) -> dict:
    return {"type": [kind, "null"], **extra}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _obj(properties: dict, required: list[str] | None = None) -> dict:
    schema = {"type": "object", "properties": properties}
    schema["required"] = list(properties) if required is None else required
    return schema


STR, INT, BOOL, NUM = ({"type": "string"}, {"type": "integer"}, {"type": "boolean"}, {"type": "number"})
NSTR, NINT = _nullable("string"), _nullable("integer")
COUNTS = {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0}}

SCHEMAS: dict = {
    "Problem": _obj({"type": STR, "title": STR, "status": INT, "detail": STR}),
    "Hit": _obj({
        "id": STR, "doc_id": STR, "source": STR, "title": NSTR, "heading": NSTR, "kind": NSTR,
        "recommendation": NINT, "activity": NSTR, "page_number": NINT, "text": STR,
        "snippet": STR, "score": NUM, "date": NSTR, "year": NINT, "committee": NSTR,
        "doc_type": NSTR, "municipality": NSTR,
    }),
    "FacetCounts": {"type": "object", "additionalProperties": COUNTS},
    "FacetResult": _obj({
        "name": STR, "title": STR, "truncated": BOOL, "max_count": INT,
        "results": {"type": "array", "items": _obj({
            "value": STR, "label": STR, "count": INT, "selected": BOOL, "toggle_url": STR})},
    }),
    "ActiveFilter": _obj({"name": STR, "title": STR, "value": STR, "label": STR,
                          "source": {"type": "string", "enum": ["parameter", "query"]},
                          "text": STR, "remove_url": STR},
                         ["name", "title", "value", "label", "source", "remove_url"]),
    "ResultDocument": _obj({
        "doc_id": STR, "title": NSTR, "source": STR, "date": NSTR, "year": NINT, "committee": NSTR,
        "doc_type": NSTR, "municipality": NSTR, "score": NUM,
        "tier": {"type": "integer", "minimum": 0},
        "sections": {"type": "array", "items": STR, "minItems": 1, "maxItems": 3},
        "matching_sections": {"type": "integer", "minimum": 1},
        "section_hits": {"type": "array", "items": {"allOf": [_ref("Hit"), _obj({"tier": INT})]}},
    }),
    "Tiers": _obj({"all_words": {"type": "integer", "minimum": 0}, "some_words": {"type": "integer", "minimum": 0}}),
    "Pagination": _obj({
        "page": INT, "pages": INT, "prev_url": NSTR, "next_url": NSTR,
        "links": {"type": "array", "items": _obj({"page": INT, "url": STR, "current": BOOL})},
    }),
    "SearchResult": _obj({
        "query": STR, "total": {"type": "integer", "minimum": 0}, "page": INT, "limit": INT,
        "hits": {"type": "array", "items": _ref("Hit")},
        "hit_tiers": {"type": "array", "items": {"type": "integer", "minimum": 0}},
        "total_documents": {"type": "integer", "minimum": 0},
        "documents": {"type": "array", "items": _ref("ResultDocument")},
        "tiers": {"oneOf": [_ref("Tiers"), {"type": "null"}]},
        "facets": _ref("FacetCounts"),
        "suggestion": NSTR, "notice": NSTR, "filters": {"type": "object"},
        "facet_results": {"type": "array", "items": _ref("FacetResult")},
        "active_filters": {"type": "array", "items": _ref("ActiveFilter")},
        "pagination": _ref("Pagination"),
        "suggestion_url": NSTR,
        "facets_timed_out": {"type": "array", "items": STR},
        "view": {"type": "string", "enum": list(VIEWS)},
        "view_urls": {"type": "object", "additionalProperties": STR},
        "clear_filters_url": STR,
        "year_range": _obj({"from": NINT, "to": NINT}),
        "year_form_state": {"type": "object"},
    }, ["query", "total", "page", "limit", "hits", "hit_tiers", "total_documents", "documents", "tiers",
        "facets", "suggestion", "notice", "filters", "facet_results", "active_filters", "pagination",
        "suggestion_url"]),
    "Facets": _obj({"query": STR, "facets": _ref("FacetCounts"),
                    "facet_results": {"type": "array", "items": _ref("FacetResult")}}),
    "DocumentSummary": _obj({
        "id": STR, "source": STR, "title": NSTR, "doc_type": STR, "municipality": NSTR,
        "committee": NSTR, "recipient": NSTR, "date": NSTR, "year": NINT, "date_inferred": BOOL,
        "case_numbers": {"type": "array", "items": STR}, "subject": NSTR,
        "recommendations": {"type": "array", "items": {"type": "object"}},
        "activities": {"type": "array", "items": {"type": "object"}},
        "sections": INT, "pages": INT,
    }),
    "DocumentList": _obj({"total": INT, "documents": {"type": "array", "items": _ref("DocumentSummary")}}),
    "Section": _obj({
        "number": INT, "heading": STR, "kind": STR, "text": STR, "raw_text": STR,
        "recommendation": NINT, "activity": NSTR, "goal": NINT, "page": NINT,
    }),
    "Deadline": _obj({"start": STR, "end": STR, "text": STR, "flag": NSTR}),
    "Commitment": _obj({
        "id": STR, "doc_id": STR, "recommendation": NINT, "activity": NSTR, "text": STR,
        "actor": NSTR, "status": {"type": "string", "enum": list(STATUSES)},
        "deadline": {"oneOf": [_ref("Deadline"), {"type": "null"}]},
        # the whole sentence when ``text`` is one clause of it; for a plan of another actor kept
        # as context, why it is not the author's (other_actor, reply_deadline, proposal, ...)
        "sentence": NSTR, "reason": NSTR,
    }, ["id", "doc_id", "recommendation", "activity", "text", "actor", "status", "deadline"]),
    "CaseDocument": _obj({"doc_id": STR, "source": STR, "date": NSTR, "doc_type": STR},
                         ["doc_id", "source", "date", "doc_type"]),
    "CaseSummary": _obj({"id": STR, "subject": NSTR,
                         "documents": {"type": "array", "items": _ref("CaseDocument")}}),
    "Document": _obj({
        "id": STR, "source": STR, "title": NSTR, "doc_type": STR, "municipality": NSTR,
        "committee": NSTR, "committees_mentioned": {"type": "array", "items": STR},
        "recipient": NSTR, "date": NSTR, "year": NINT, "date_inferred": BOOL,
        "case_numbers": {"type": "array", "items": STR}, "subject": NSTR,
        "recommendations": {"type": "array"}, "activities": {"type": "array"},
        "people": {"type": "array"},
        "sections": {"type": "array", "items": _ref("Section")},
        "commitments": {"type": "array", "items": _ref("Commitment")},
        "plans_by_others": {"type": "array", "items": _ref("Commitment")},
        "text": STR, "raw_text": STR, "pages": INT,
        "evidence": {"type": "object"}, "warnings": {"type": "array", "items": STR},
        "case": {"oneOf": [_ref("CaseSummary"), {"type": "null"}]},
        "related": {"type": "array", "items": _ref("CaseDocument")},
        "html_url": STR, "original_url": STR,
    }),
    "DocumentRef": _obj({"doc_id": NSTR, "title": NSTR, "date": NSTR, "doc_type": NSTR, "section": NINT,
                         "heading": NSTR, "label": STR}),
    "FollowUp": _obj({"doc_id": STR, "document": _ref("DocumentRef"), "heading": NSTR, "text": STR,
                      "section": NINT, "why": STR}, ["doc_id", "document", "text", "why"]),
    "CommitmentRow": {
        "allOf": [_ref("Commitment"), _obj({
            "committee": NSTR, "date": NSTR, "year": NINT,
            "verdict": _nullable("string", enum=[*VERDICTS, None]),
            "document": _ref("DocumentRef"),
            "explanation": STR,
            "follow_ups": {"type": "array", "items": _ref("FollowUp")},
        })],
    },
    "CommitmentList": _obj({
        "total": INT, "filters": {"type": "object"},
        "sort": {"type": "string", "enum": list(COMMITMENT_SORTS)}, "as_of": STR,
        "page": INT, "limit": INT,
        "commitments": {"type": "array", "items": _ref("CommitmentRow")},
        "options": _obj({"committee": {"type": "array", "items": STR},
                         "year": {"type": "array", "items": INT}}),
        "verdict_counts": COUNTS,
        "pagination": _ref("Pagination"),
        "sort_urls": {"type": "object", "additionalProperties": STR},
    }),
    "CaseList": _obj({"total": INT, "cases": {"type": "array", "items": _ref("CaseSummary")}}),
    "TracedCommitment": {
        "allOf": [_ref("Commitment"), _obj({
            "verdict": {"type": "string", "enum": list(VERDICTS)},
            "follow_ups": {"type": "array", "items": {"type": "object"}},
        })],
    },
    "Case": {
        "allOf": [_ref("CaseSummary"), _obj({
            "as_of": STR,
            "commitments": {"type": "array", "items": {"allOf": [_ref("TracedCommitment"), _obj({
                "document": _ref("DocumentRef"), "explanation": STR,
                "follow_ups": {"type": "array", "items": _ref("FollowUp")}})]}},
        })],
    },
    "Trace": _obj({"cases": {"type": "array", "items": _obj({
        "id": STR, "subject": NSTR,
        "documents": {"type": "array", "items": _ref("CaseDocument")},
        "commitments": {"type": "array", "items": _ref("TracedCommitment")},
        "context": {"type": "array", "items": _ref("Commitment")},
    }, ["id", "subject", "documents", "commitments"])}}),
    "IngestReport": _obj({
        "indexed": {"type": "array", "items": STR}, "unchanged": {"type": "array", "items": STR},
        "failed": {"type": "array", "items": {"type": "object"}},
        "warnings": {"type": "array", "items": {"type": "object"}}, "rebuilt": BOOL,
        "removed": {"type": "array", "items": STR}, "kept": {"type": "array", "items": STR},
        "restored": {"type": "array", "items": STR},
        "unreachable": {"type": "array", "items": _obj({"folder": STR, "sources": INT})},
        "refused": NSTR, "notes": {"type": "array", "items": STR},
    }),
}


def _query(name: str, schema: dict, description: str) -> dict:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": description}


def _path(name: str, pattern: str, description: str) -> dict:
    return {"name": name, "in": "path", "required": True, "description": description,
            "schema": {"type": "string", "pattern": f"^{pattern}$"}}


def _json(schema_name: str, description: str, *errors: int) -> dict:
    responses = {"200": {"description": description,
                         "content": {"application/json": {"schema": _ref(schema_name)}}}}
    for status in (*errors, 429):
        responses[str(status)] = {"$ref": f"#/components/responses/Problem{status}"}
    return responses


def openapi_document(limits: Limits) -> dict:
    """The description of the API as served, with this server's query and page-size limits."""
    year = {"type": "integer", "minimum": YEAR_RANGE[0], "maximum": YEAR_RANGE[1]}
    text_filter = {"type": "string", "maxLength": 200}
    filters = [
        _query("year", year, "Ett år (år:2024)."),
        _query("year_from", year, "Första året i ett intervall."),
        _query("year_to", year, "Sista året i ett intervall."),
        _query("committee", text_filter, "Nämnd, t.ex. Arbetsmarknads- och socialnämnden."),
        _query("doc_type", text_filter, "Dokumenttyp: yttrande, uppföljande yttrande, remissvar, revisionsrapport ..."),
        _query("municipality", text_filter, "Kommun."),
        _query("recommendation", {"type": "integer", "minimum": 1, "maximum": 999}, "Rekommendation nr."),
    ]
    q = _query("q", {"type": "string", "maxLength": limits.max_query_chars},
               'Sökfråga: ord, "fras", -ord, ord*, år:2024, nämnd:…, typ:…')
    search_params = [
        q, *filters,
        _query("sort", {"type": "string", "enum": list(SORTS)}, "Sortering."),
        _query("visa", {"type": "string", "enum": list(VIEWS)},
               "Sidorna räknas i dokument (standard) eller i avsnitt."),
        _query("page", {"type": "integer", "minimum": 1, "maximum": limits.max_page}, "Sida."),
        _query("limit", {"type": "integer", "minimum": 1, "maximum": limits.max_page_size},
               "Träffar (avsnitt i hits, dokument i documents) per sida."),
    ]
    date = {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
    doc_param = _query("doc", {"type": "string", "pattern": f"^{DOC_ID.pattern}$"}, "Endast ett dokument.")
    as_of = _query("as_of", date, "Bedöm förseningar per detta datum (standard: i dag).")
    problems = {
        str(status): {"description": text, "content": {"application/problem+json": {"schema": _ref("Problem")}}}
        for status, text in ((400, "Ogiltig parameter"), (401, "Token saknas"), (403, "Skrivåtkomst avstängd"),
                             (404, "Finns inte"), (429, "För många förfrågningar"), (503, "Upptagen"))
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "kb – sök i kommunala ärendehandlingar", "version": API_VERSION,
                 "description": "JSON-tvillingen till varje sida i kb. Fel ges som application/problem+json."},
        "servers": [{"url": "/"}],
        "paths": {
            "/api/v1/search": {"get": {"operationId": "search", "summary": "Sök avsnitt",
                                       "parameters": search_params,
                                       "responses": _json("SearchResult", "Träffar, facetter och sidor", 400)}},
            "/api/v1/search.atom": {"get": {
                "operationId": "search_feed", "summary": "Bevaka sökningen: nya dokument som Atom-flöde",
                "parameters": [p for p in search_params if p["name"] not in ("sort", "page", "limit", "visa")],
                "responses": {"200": {"description": "Atom 1.0 (RFC 4287), senaste dokumenten först",
                                      "content": {"application/atom+xml": {"schema": {"type": "string"}}}},
                              "400": {"$ref": "#/components/responses/Problem400"},
                              "429": {"$ref": "#/components/responses/Problem429"}}}},
            "/api/v1/facets": {"get": {"operationId": "facets", "summary": "Facetter för en sökning",
                                       "parameters": search_params[:8],
                                       "responses": _json("Facets", "Antal per facettvärde", 400)}},
            "/api/v1/documents": {"get": {"operationId": "documents", "summary": "Alla dokument",
                                          "responses": _json("DocumentList", "Metadata för varje dokument")}},
            "/api/v1/documents/{doc_id}": {"get": {
                "operationId": "document", "summary": "Ett dokument: metadata, avsnitt, text",
                "parameters": [_path("doc_id", DOC_ID.pattern, "Dokument-id (hex).")],
                "responses": _json("Document", "Dokumentet", 400, 404)}},
            "/api/v1/commitments": {"get": {
                "operationId": "commitments", "summary": "Åtaganden med bedömning",
                "parameters": [
                    doc_param,
                    _query("committee", text_filter, "Nämnd."),
                    _query("year", year, "Dokumentets år."),
                    _query("status", {"type": "string", "enum": list(STATUSES)}, "Status."),
                    _query("due_before", date, "Förfaller före (ÅÅÅÅ-MM-DD)."),
                    _query("verdict", {"type": "string", "enum": list(VERDICTS)}, "Bedömning."),
                    as_of,
                    _query("sort", {"type": "string", "enum": list(COMMITMENT_SORTS)}, "Ordning."),
                    _query("page", {"type": "integer", "minimum": 1, "maximum": 100000}, "Sida."),
                    _query("limit", {"type": "integer", "minimum": 1, "maximum": MAX_COMMITMENTS_PER_PAGE},
                           "Åtaganden per sida (standard 50)."),
                ],
                "responses": _json("CommitmentList", "Åtaganden", 400)}},
            "/api/v1/cases": {"get": {"operationId": "cases", "summary": "Ärenden (grupper av dokument)",
                                      "responses": _json("CaseList", "Ärenden")}},
            "/api/v1/cases/{case_id}": {"get": {
                "operationId": "case", "summary": "Ett ärende med spårning",
                "parameters": [_path("case_id", CASE_ID.pattern, "Ärende-id."), as_of],
                "responses": _json("Case", "Ärendet", 400, 404)}},
            "/api/v1/trace": {"get": {"operationId": "trace", "summary": "Spårning av åtaganden",
                                      "parameters": [doc_param, as_of],
                                      "responses": _json("Trace", "Ärenden med åtaganden", 400)}},
            "/api/v1/reindex": {"post": {
                "operationId": "reindex", "summary": "Bygg om indexet från källfilerna (kräver token)",
                "security": [{"bearer": []}],
                "responses": {**_json("IngestReport", "Rapport från indexeringen", 401, 403, 503)}}},
            "/api/v1/openapi.json": {"get": {"operationId": "openapi", "summary": "Den här beskrivningen",
                                             "responses": {"200": {"description": "OpenAPI 3.1",
                                                                   "content": {"application/json": {}}}}}},
        },
        "components": {
            "schemas": SCHEMAS,
            "responses": {f"Problem{k}": v for k, v in problems.items()},
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }
