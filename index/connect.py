"""Which engine for these settings: PostgreSQL when a database URL is given, else Whoosh.

Kept apart from ``index.engine`` (the interface both engines import) so that no engine module
imports the other.
"""

from __future__ import annotations

import os
from pathlib import Path

from index.engine import Engine

DATABASE_ENV = "KB_DATABASE_URL"
READ_DATABASE_ENV = "KB_DATABASE_READ_URL"


def database_url(explicit: str | None = None) -> str | None:
    """The PostgreSQL URL to use: ``explicit`` (``--database``) when given, else
    ``KB_DATABASE_URL``; an explicit empty string means none (the Whoosh index)."""
    url = explicit if explicit is not None else os.environ.get(DATABASE_ENV)
    return url.strip() or None if url else None


def open_engine(index_dir: Path | str | None = None, *, database: str | None = None,
                read_database: str | None = None, create: bool = True) -> Engine:
    """The engine for these settings: PostgreSQL when a database URL is given (or set in
    ``KB_DATABASE_URL``), else the Whoosh index in ``index_dir``."""
    url = database_url(database)
    if url:
        from index.pg.store import PgStore

        read = read_database or os.environ.get(READ_DATABASE_ENV) or None
        return PgStore(url, read_url=read, create=create)
    if index_dir is None:
        raise ValueError("no index folder and no database URL")
    from index.store import Store

    return Store(index_dir, create=create)
