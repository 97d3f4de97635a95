"""Safety at the edge: security headers, request size and rate limits, the tokens, CSRF.

- Every response carries a Content-Security-Policy without inline scripts (JS is served
  from ``/static``), ``X-Content-Type-Options: nosniff``, a Referrer-Policy and
  ``frame-ancestors 'none'`` / ``X-Frame-Options: DENY``. (Errors waitress answers itself get
  them too: see :mod:`web.server`.) A redirect's Location is relative, never built from the
  Host header; API responses, and every response of a server that requires a token to read,
  carry ``Cache-Control: no-store``.
- Request bodies above ``MAX_CONTENT_LENGTH`` get 413, more than ``RATE_LIMIT`` requests per
  minute from one client get 429 (``0`` turns the limit off; see ``web.ratelimit``).
- Reading and writing have separate credentials. Writing needs ``KB_TOKEN`` as
  ``Authorization: Bearer …`` (never a cookie or a browser's cached Basic login, so a cross-site
  form cannot carry it). Reading is open unless ``KB_READ_TOKEN`` is set; readers then send that
  token (Bearer, ``X-KB-Token``, or a browser's Basic login with the token as password). The two
  tokens must differ: the write token is never a reader's credential. Tokens are compared in
  constant time.
- A state-changing request (POST …) from a browser must come from our own pages: a
  ``Sec-Fetch-Site`` other than ``same-origin``/``none``, or an ``Origin`` other than our own,
  gets 403. Requests without either (curl, scripts) are not browsers' and pass to the token check.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from functools import wraps
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, request
from werkzeug.exceptions import Forbidden, HTTPException
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
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
SAME_SITE = {"same-origin", "none"}  # Sec-Fetch-Site values of our own pages and of typed URLs
CROSS_SITE_MESSAGE = "Förfrågan kom från en annan webbplats och har stoppats."


class ConfigError(ValueError):
    """The server's settings contradict each other; it must not start."""


class Unauthorized(HTTPException):
    """401 for reading: browsers may ask for the read token with their Basic login prompt."""

    code = 401
    description = "Ange tjänstens läs-token (Authorization: Bearer …)."
    challenge = 'Basic realm="kb"'

    def get_headers(self, environ=None, scope=None):
        return [*super().get_headers(environ, scope), ("WWW-Authenticate", self.challenge)]


class WriteUnauthorized(Unauthorized):
    """401 for writing: a Bearer challenge, so no browser offers (or caches) a login for it."""

    description = "Skrivning kräver tjänstens skriv-token (Authorization: Bearer …)."
    challenge = 'Bearer realm="kb-write"'


def truthy(value) -> bool:
    return str(value).strip().lower() in TRUE_WORDS if value is not None else False


def bearer_token() -> str | None:
    """The token of an ``Authorization: Bearer …`` header, else None."""
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    return value.strip() or None if scheme.lower() == "bearer" else None


def presented_read_token() -> str | None:
    """The read token the client sent: Bearer, an X-KB-Token header or a Basic password."""
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    if scheme.lower() == "basic" and value.strip():
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None
        return decoded.partition(":")[2] or None
    return request.headers.get("X-KB-Token") or None


def _same(given: str | None, expected) -> bool:
    if not expected or given is None:
        return False
    return hmac.compare_digest(str(given).encode("utf-8"), str(expected).encode("utf-8"))


def read_token_ok() -> bool:
    return _same(presented_read_token(), current_app.config.get("READ_TOKEN"))


def write_token_ok() -> bool:
    """Only ``Authorization: Bearer``: a header no cross-site form or cached login can add."""
    return _same(bearer_token(), current_app.config.get("TOKEN"))


def require_token(view):
    """For endpoints that change the store: 403 when no write token is configured, 401 without it.
    They do not need the read token: the write token is checked instead."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_app.config.get("TOKEN"):
            abort(403, description="Skrivåtkomst är avstängd: servern har ingen KB_TOKEN.")
        if not write_token_ok():
            raise WriteUnauthorized()
        return view(*args, **kwargs)

    wrapper.kb_writes = True
    return wrapper


def check_config(config) -> None:
    """Refuse settings that would let the write token read, or leave reading open by mistake."""
    read, write = config.get("READ_TOKEN"), config.get("TOKEN")
    if truthy(config.get("READ_TOKEN_REQUIRED")) and not read:
        raise ConfigError("KB_READ_TOKEN_REQUIRED is replaced by KB_READ_TOKEN: set KB_READ_TOKEN to the "
                          "readers' token (it must differ from KB_TOKEN, the write token)")
    if read and write and hmac.compare_digest(str(read).encode("utf-8"), str(write).encode("utf-8")):
        raise ConfigError("KB_READ_TOKEN and KB_TOKEN are the same: the write token must never be a "
                          "reader's credential; give readers a token of their own")


def cross_site() -> bool:
    """Does this request come from another site's page (a forged form or script)?"""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site.strip().lower() not in SAME_SITE
    origin = request.headers.get("Origin")
    if origin is None:
        return False  # not a browser's cross-site request: curl, scripts, our own older clients
    own = urlsplit(request.host_url)
    theirs = urlsplit(origin.strip())
    return (theirs.scheme, theirs.netloc) != (own.scheme, own.netloc)


def _writes(endpoint: str | None) -> bool:
    view = current_app.view_functions.get(endpoint) if endpoint else None
    return bool(getattr(view, "kb_writes", False))


def relative_location(location: str) -> str:
    """A redirect's Location without scheme and host: Werkzeug builds them from the Host header."""
    parts = urlsplit(location)
    if not parts.scheme and not parts.netloc:
        return location
    path = parts.path or "/"
    return path + (f"?{parts.query}" if parts.query else "") + (f"#{parts.fragment}" if parts.fragment else "")


def init_app(app: Flask) -> None:
    check_config(app.config)
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
        if request.method not in SAFE_METHODS and cross_site():
            raise Forbidden(CROSS_SITE_MESSAGE)
        if app.config.get("READ_TOKEN") and not _writes(request.endpoint) and not read_token_ok():
            raise Unauthorized()
        return None

    @app.after_request
    def headers(response):
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if "Location" in response.headers:
            response.headers["Location"] = relative_location(response.headers["Location"])
        authenticated = bool(app.config.get("READ_TOKEN")) or "Authorization" in request.headers
        if authenticated or request.path.startswith("/api/"):
            response.headers["Cache-Control"] = "no-store"
            response.vary.add("Authorization")
        return response
