"""A real PostgreSQL server for the tests, and fresh databases on it.

Where the server comes from, in order:

1. ``KB_TEST_DATABASE_URL``: a server CI (``.ci/run``) or the developer started; the URL's user
   must be allowed to create databases;
2. otherwise, when Debian's PostgreSQL binaries are installed (``/usr/lib/postgresql/*/bin``),
   a throwaway cluster in a temporary folder (as the ``postgres`` user when the tests run as
   root), stopped when the tests end;
3. otherwise the tests that need PostgreSQL are skipped, except under
   ``KB_TEST_REQUIRE_POSTGRES=1`` (CI), where they fail: no test passes without a real server.
"""

from __future__ import annotations

import atexit
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

REQUIRE_ENV = "KB_TEST_REQUIRE_POSTGRES"
URL_ENV = "KB_TEST_DATABASE_URL"


class NoServer(RuntimeError):
    pass


def required() -> bool:
    return os.environ.get(REQUIRE_ENV, "") not in ("", "0")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _bin_dir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def _as_postgres(cmd: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return cmd
    return ["runuser", "-u", "postgres", "--", *cmd]


def start_cluster() -> tuple[str, Path]:
    """initdb + pg_ctl start in a new temporary folder; returns (admin URL, folder)."""
    bin_dir = _bin_dir()
    if bin_dir is None:
        raise NoServer("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb)")
    folder = Path(tempfile.mkdtemp(prefix="kb-test-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
    data, port = folder / "data", _free_port()
    run = dict(check=True, capture_output=True, text=True, timeout=120)
    subprocess.run(_as_postgres([str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres",
                                 "--encoding=UTF8", "--locale=C.UTF-8"]), **run)
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
    subprocess.run(_as_postgres([str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(folder / "log"),
                                 "-o", options, "-w", "start"]), **run)
    atexit.register(stop_cluster, folder)
    return f"postgresql://postgres@127.0.0.1:{port}/postgres", folder


def stop_cluster(folder: Path) -> None:
    bin_dir = _bin_dir()
    if bin_dir and (folder / "data").is_dir():
        subprocess.run(_as_postgres([str(bin_dir / "pg_ctl"), "-D", str(folder / "data"), "-m", "immediate",
                                     "stop"]), capture_output=True, timeout=60)
    shutil.rmtree(folder, ignore_errors=True)


_SERVER: list[str] = []


def server_url() -> str:
    """The admin URL of the test server (started once per test session)."""
    if _SERVER:
        return _SERVER[0]
    url = os.environ.get(URL_ENV)
    if not url:
        url, _ = start_cluster()
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=10) as conn:
            conn.execute("SELECT 1")
    except psycopg.OperationalError as exc:
        raise NoServer(f"cannot reach PostgreSQL at {url}: {exc}") from None
    _SERVER.append(url)
    return url


def _with_dbname(url: str, name: str) -> str:
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    info = conninfo_to_dict(url)
    info["dbname"] = name
    return make_conninfo(**info)


def create_database() -> str:
    """A new, empty database on the test server; its URL."""
    import psycopg

    admin = server_url()
    name = f"kbtest_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return _with_dbname(admin, name)


def drop_database(url: str) -> None:
    import psycopg
    from psycopg.conninfo import conninfo_to_dict

    name = conninfo_to_dict(url)["dbname"]
    with psycopg.connect(server_url(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
