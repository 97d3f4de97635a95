"""The web front end: server-rendered Swedish pages and a JSON API under ``/api/v1``.

``create_app(config=None)`` builds the Flask application. Configuration comes from the
environment with the ``KB_`` prefix (``KB_INDEX`` or ``KB_DATABASE_URL`` and
``KB_DATABASE_READ_URL``, ``KB_TOKEN``, ``KB_READ_TOKEN``, ``KB_MAX_QUERY_CHARS``,
``KB_MAX_PAGE_SIZE``, ``KB_RATE_LIMIT``, ``KB_PROXY_COUNT``, ``KB_HEAVY_REQUESTS``), then
from ``config``. The app holds ONE :class:`kb.service.KnowledgeBase`, shared by every
request; the service keeps a long-lived searcher and reopens it when the index changes.
"""

from __future__ import annotations

from typing import Any

from flask import Flask

DEFAULTS: dict[str, Any] = {
    "INDEX": None,  # index directory; None lets the service pick its default location
    "DATABASE_URL": None,  # a PostgreSQL URL: the database is the store instead of INDEX
    "DATABASE_READ_URL": None,  # a replica for reads (searches, documents) with DATABASE_URL
    "TOKEN": None,  # the write token (Authorization: Bearer) for endpoints that change the store
    "READ_TOKEN": None,  # when set, reading needs this token; it must differ from TOKEN
    "READ_TOKEN_REQUIRED": False,  # replaced by READ_TOKEN: set alone, the app refuses to start
    "MAX_QUERY_CHARS": 500,
    "MAX_PAGE_SIZE": 100,
    "MAX_PAGE": 1000,
    "RATE_LIMIT": 600,  # requests per minute per client; 0 turns the limit off
    "PROXY_COUNT": 0,  # reverse proxies in front of the app whose X-Forwarded-For we trust
    "MAX_CONTENT_LENGTH": 64 * 1024,  # request bodies: the API reads none larger than this
    "HEAVY_REQUESTS": 2,  # tracing, Åtaganden, cases, reindex running at once (see web.heavy)
    "JSON_SORT_KEYS": False,
}


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the application; ``config`` overrides the environment (tests pass ``INDEX``)."""
    app = Flask(__name__)
    app.config.update(DEFAULTS)
    app.config.from_prefixed_env("KB")
    if config:
        app.config.update(config)
    app.debug = False  # never debug mode, whatever the environment says
    app.json.sort_keys = False
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    from web import heavy, security
    from web.api import api
    from web.errors import register_error_handlers
    from web.pages import pages

    app.extensions["kb"] = _open_service(app.config)
    security.init_app(app)
    heavy.init_app(app)
    register_error_handlers(app)
    app.register_blueprint(pages)
    app.register_blueprint(api)
    return app


def _open_service(config):
    from kb.config import default_index_dir
    from kb.service import KnowledgeBase

    database = config.get("DATABASE_URL") or None
    index_dir = None if database else (config.get("INDEX") or default_index_dir())
    return KnowledgeBase(index_dir, database=database, read_database=config.get("DATABASE_READ_URL") or None)
