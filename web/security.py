"""Safety at the edge: security headers, request size and rate limits, and the token check.

- Every response carries a Content-Security-Policy without inline scripts (JS is served
  from ``/static``), ``X-Content-Type-Options: nosniff``, a Referrer-Policy and
  ``frame-ancestors 'none'`` / ``X-Frame-Options: DENY``.
- Request bodies above ``MAX_CONTENT_LENGTH`` get 413, more than ``RATE_LIMIT`` requests per
  minute from one client get 429 (``0`` turns the limit off; see ``web.ratelimit``).
- Writing needs ``KB_TOKEN`` (``Authorization: Bearer …``, or HTTP Basic with the token as
  password so a browser can ask for it), compared in constant time. Reading is open unless
  ``KB_READ_TOKEN_REQUIRED`` is set.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from functools import wraps

from flask import Flask, abort, current_app, request
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from web import ratelimit

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
TRUE_WORDS = {"1", "true", "yes", "on", "ja"}


class Unauthorized(HTTPException):
    code = 401
    description = "Ange tjänstens token (Authorization: Bearer …)."

    def get_headers(self, environ=None, scope=None):
        return [*super().get_headers(environ, scope), ("WWW-Authenticate", 'Basic realm="kb"')]


def truthy(value) -> bool:
    return str(value).strip().lower() in TRUE_WORDS if value is not None else False


def presented_token() -> str | None:
    """The token the client sent: a Bearer token, an X-KB-Token header or a Basic password."""
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    if scheme.lower() == "basic" and value.strip():
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None
        return decoded.partition(":")[2] or None
    return request.headers.get("X-KB-Token") or None


def token_ok() -> bool:
    expected = current_app.config.get("TOKEN")
    given = presented_token()
    if not expected or given is None:
        return False
    return hmac.compare_digest(str(given).encode("utf-8"), str(expected).encode("utf-8"))


def require_token(view):
    """For endpoints that change the store: 403 when no token is configured, 401 without it."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_app.config.get("TOKEN"):
            abort(403, description="Skrivåtkomst är avstängd: servern har ingen KB_TOKEN.")
        if not token_ok():
            raise Unauthorized()
        return view(*args, **kwargs)

    return wrapper


def init_app(app: Flask) -> None:
    proxies = int(app.config.get("PROXY_COUNT") or 0)
    if proxies > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    ratelimit.init_app(app)  # first: every request is counted, also one refused below

    @app.before_request
    def guard():
        if request.endpoint == "static":
            return None
        limit = app.config.get("MAX_CONTENT_LENGTH")
        if limit and request.content_length and request.content_length > limit:
            abort(413)
        if truthy(app.config.get("READ_TOKEN_REQUIRED")) and not token_ok():
            raise Unauthorized()
        return None

    @app.after_request
    def headers(response):
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        return response
