"""The rate limit: at most ``RATE_LIMIT`` requests per minute from one client (``KB_RATE_LIMIT``;
``0`` turns it off), counted by Flask-Limiter in this process's memory.

The client is ``request.remote_addr``: the peer address, or, with ``PROXY_COUNT`` reverse proxies
in front (``KB_PROXY_COUNT``, applied by ``web.security`` with werkzeug's ProxyFix), the address
those proxies saw, taken from ``X-Forwarded-For``. Static files are not counted. A client over the
limit gets 429 with the Swedish message and ``Retry-After`` (seconds until its window ends).

The window is a fixed minute per client (Flask-Limiter's ``fixed-window`` strategy), kept in
memory: each ``kb serve`` process counts for itself, as before the library was used.
"""

from __future__ import annotations

import time

from flask import Flask, request
from flask_limiter import Limiter, RateLimitExceeded
from flask_limiter.util import get_remote_address

RATE_MESSAGE = "För många förfrågningar från samma klient. Vänta en stund och försök igen."


def init_app(app: Flask) -> Limiter:
    """Count every request but static files; call before other ``before_request`` checks, so a
    request refused later (a wrong token, say) is counted too."""
    from web.errors import error_response

    per_minute = int(app.config.get("RATE_LIMIT") or 0)
    limiter = Limiter(
        get_remote_address,
        # application limits: one count per client over every route (default limits would
        # count each route apart, so a client could make RATE_LIMIT requests to each page)
        application_limits=[f"{per_minute} per minute"] if per_minute > 0 else [],
        application_limits_exempt_when=lambda: request.endpoint == "static",
        storage_uri="memory://",
        strategy="fixed-window",
        enabled=per_minute > 0,
    )
    limiter.init_app(app)

    @app.errorhandler(RateLimitExceeded)
    def too_many(exc: RateLimitExceeded):
        breached = limiter.current_limit
        reset_at = breached.reset_at if breached is not None else time.time() + 60
        retry_after = max(1, int(reset_at - time.time()))  # reset_at is already rounded up
        return error_response(429, RATE_MESSAGE, {"Retry-After": str(retry_after)})

    return limiter
