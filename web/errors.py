"""Errors: problem+json (RFC 9457) on the API, a Swedish error page elsewhere, never a traceback."""

from __future__ import annotations

from flask import Flask, Response, current_app, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from index.engine import StoreFull
from index.health import IndexDamaged
from web.params import ParamError
from web.views import NotFound

API_PREFIX = "/api/"
TITLES = {
    400: "Ogiltig parameter",
    401: "Inloggning krävs",
    403: "Åtkomst nekad",
    404: "Hittades inte",
    405: "Metoden stöds inte",
    413: "Förfrågan är för stor",
    429: "För många förfrågningar",
    500: "Internt fel",
    503: "Tjänsten är upptagen",
}
DETAILS = {
    404: "Adressen finns inte.",
    405: "Den här adressen tar inte emot den metoden.",
    413: "Förfrågan är större än servern tar emot.",
    500: "Ett oväntat fel inträffade. Felet är loggat.",
}


def error_response(status: int, detail: str | None = None, headers: dict | None = None) -> Response:
    """The error in the form the caller reads: problem+json for the API, HTML for pages."""
    detail = detail or DETAILS.get(status) or TITLES.get(status, "Fel")
    title = TITLES.get(status, "Fel")
    if request.path.startswith(API_PREFIX):
        response = jsonify({"type": "about:blank", "title": title, "status": status, "detail": detail})
        response.mimetype = "application/problem+json"
    else:
        response = current_app.make_response((render_template("error.html", status=status, title=title,
                                                              detail=detail), status))
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(ParamError)
    def bad_parameter(exc: ParamError):
        return error_response(400, exc.message)

    @app.errorhandler(NotFound)
    def not_found(exc: NotFound):
        return error_response(404, str(exc))

    @app.errorhandler(IndexDamaged)
    def damaged(exc: IndexDamaged):
        app.logger.error("%s", exc)  # the whole line, with the way out, for the administrator
        return error_response(503, "Indexet är skadat och kan inte läsas. Administratören bygger om det "
                                   "från källfilerna med kb reindex --from-sources.")

    @app.errorhandler(StoreFull)
    def disk_full(exc: StoreFull):
        app.logger.error("%s", exc)
        return error_response(503, "Disken där indexet ligger är full. Inget har gått förlorat; försök "
                                   "igen när det finns plats.")

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        headers = {k: v for k, v in exc.get_headers() if k.lower() != "content-type"}
        detail = exc.description if exc.code in (401, 403, 429, 503) else None
        return error_response(exc.code or 500, detail, headers)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(500)
