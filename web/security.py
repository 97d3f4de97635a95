"""Safety at the edge: security headers, request size and rate limits, and the token check.

- Every response carries a Content-Security-Policy without inline scripts (JS is served
  from ``/static``), ``X-Content-Type-Options: nosniff``, a Referrer-Policy and
  ``frame-ancestors 'none'`` / ``X-Frame-Options: DENY``.
- Request bodies above ``MAX_CONTENT_LENGTH`` get 413, more than ``RATE_LIMIT`` requests per
  minute from one client get 429 (``0`` turns the limit off).
- Writing needs ``KB_TOKEN`` (``Authorization: Bearer …``, or HTTP Basic with the token as
  password so a browser can ask for it), compared in constant time. Reading is open unless
  ``KB_READ_TOKEN_REQUIRED`` is set.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import threading
import time
from collections.abc import Callable
from functools import wraps

from flask import Flask, abort, current_app, request
from werkzeug.exceptions import HTTPException, TooManyRequests
from werkzeug.middleware.proxy_fix import ProxyFix

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
RATE_MESSAGE = "För många förfrågningar från samma klient. Vänta en stund och försök igen."
TRUE_WORDS = {"1", "true", "yes", "on", "ja"}


class RateLimiter:
    """A fixed one-minute window per client: simple, bounded in memory, thread-safe."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic):
        self.per_minute = per_minute
        self.clock = clock
        self._window = -1
        self._counts: dict[str, int] = {}
        self._lock = threading.Lock()

    def allow(self, client: str) -> bool:
        if self.per_minute <= 0:
            return True
        window = int(self.clock() // 60)
        with self._lock:
            if window != self._window:  # a new minute forgets the old counts
                self._window, self._counts = window, {}
            count = self._counts.get(client, 0) + 1
            self._counts[client] = count
            return count <= self.per_minute

    def retry_after(self) -> int:
        return max(1, 60 - int(self.clock() % 60))


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
    limiter = RateLimiter(int(app.config.get("RATE_LIMIT") or 0))
    app.extensions["kb_rate_limiter"] = limiter

    @app.before_request
    def guard():
        if request.endpoint == "static":
            return None
        limit = app.config.get("MAX_CONTENT_LENGTH")
        if limit and request.content_length and request.content_length > limit:
            abort(413)
        if not limiter.allow(request.remote_addr or "unknown"):
            raise TooManyRequests(RATE_MESSAGE, retry_after=limiter.retry_after())
        if truthy(app.config.get("READ_TOKEN_REQUIRED")) and not token_ok():
            raise Unauthorized()
        return None

    @app.after_request
    def headers(response):
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        return response
