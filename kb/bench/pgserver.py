"""Databases of their own for `kb bench --backend postgres`: created on the named server, dropped
after the run (the URL's user needs CREATEDB; nothing else on the server is touched)."""

from __future__ import annotations

import os


def _with_dbname(url: str, name: str) -> str:
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    info = conninfo_to_dict(url)
    info["dbname"] = name
    return make_conninfo(**info)


def create_database(server: str, label: str) -> str:
    import psycopg

    name = f"kb_bench_{os.getpid()}_{label}"
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return _with_dbname(server, name)


def drop_database(server: str, url: str) -> None:
    import psycopg
    from psycopg.conninfo import conninfo_to_dict

    name = conninfo_to_dict(url)["dbname"]
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def database_mb(url: str) -> float:
    import psycopg

    with psycopg.connect(url) as conn:
        return conn.execute("SELECT pg_database_size(current_database())").fetchone()[0] / 1e6
