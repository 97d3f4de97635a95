"""Shared fixtures, and the check that no test is skipped for a reason CI does not allow.

Tests may read ../shared/corpus and ../shared/eval (CI has them beside the clone; elsewhere
``KB_TEST_SHARED`` names the shared folder); where they are absent those tests skip with the
one allowed reason ``optional_tools.SHARED_DATA``; any other skip fails under
``KB_TEST_STRICT_SKIPS=1`` (see ``tests/optional_tools.py``).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from optional_tools import ALLOWED_SKIPS, SHARED_DATA, STRICT_ENV

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("KB_TEST_SHARED") or ROOT.parent / "shared")
CORPUS = SHARED / "corpus"
EXAMPLES = ROOT / "kb" / "examples"  # package data: `kb demo` reads them from an installed wheel


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    if not CORPUS.is_dir() or not any(CORPUS.glob("*.txt")):
        pytest.skip(SHARED_DATA)
    return CORPUS


@pytest.fixture(scope="session")
def eval_dir() -> Path:
    """The shared evaluation (expected metadata and the eval's own matching rule)."""
    if not (SHARED / "eval" / "metadata.json").is_file():
        pytest.skip(SHARED_DATA)
    return SHARED / "eval"


@pytest.fixture(scope="session")
def examples_dir() -> Path:
    return EXAMPLES


# -- engines: every backend-neutral test runs against Whoosh and a real PostgreSQL server ------
ENGINES = ("whoosh", "postgres")


@pytest.fixture(scope="session")
def postgres_server() -> str:
    """The admin URL of a real PostgreSQL server (see tests/pg_server.py); skips outside CI when
    there is none, fails in CI (KB_TEST_REQUIRE_POSTGRES=1)."""
    import pg_server

    try:
        return pg_server.server_url()
    except pg_server.NoServer as exc:
        if pg_server.required():
            pytest.fail(f"PostgreSQL is required here ({pg_server.REQUIRE_ENV}=1): {exc}")
        pytest.skip(str(exc))


class EngineFactory:
    """Makes fresh, empty stores of one engine: a Whoosh folder or a new database."""

    def __init__(self, name: str, tmp_factory, server: str | None):
        self.name = name
        self._tmp = tmp_factory
        self._server = server
        self._made: list = []
        self._databases: list[str] = []

    def location(self) -> dict:
        """Keyword arguments for KnowledgeBase / open_engine naming a fresh, empty store."""
        if self.name == "whoosh":
            return {"index_dir": self._tmp.mktemp("ix"), "database": ""}
        import pg_server

        url = pg_server.create_database()
        self._databases.append(url)
        return {"index_dir": None, "database": url}

    def __call__(self):
        from index.connect import open_engine

        where = self.location()
        store = open_engine(where["index_dir"], database=where["database"] or None)
        self._made.append(store)
        return store

    def close(self) -> None:
        import pg_server

        for store in self._made:
            store.close()
        for url in self._databases:
            pg_server.drop_database(url)


def _factory(request, tmp_path_factory):
    server = request.getfixturevalue("postgres_server") if request.param == "postgres" else None
    factory = EngineFactory(request.param, tmp_path_factory, server)
    return factory


@pytest.fixture(params=ENGINES)
def new_store(request, tmp_path_factory, monkeypatch):
    """A function giving fresh, empty stores of each engine in turn (``new_store()``)."""
    monkeypatch.delenv("KB_DATABASE_URL", raising=False)
    factory = _factory(request, tmp_path_factory)
    yield factory
    factory.close()


@pytest.fixture(scope="module", params=ENGINES)
def module_store_factory(request, tmp_path_factory):
    """As ``new_store``, for module-scoped fixtures."""
    factory = _factory(request, tmp_path_factory)
    yield factory
    factory.close()


class Where:
    """Where one test's store lives, for every way a test reaches it: ``kb`` command-line
    arguments, KnowledgeBase / open_engine keyword arguments, the web app's config."""

    def __init__(self, engine: str, index_dir=None, database: str | None = None):
        self.engine = engine
        self.index_dir = index_dir
        self.database = database

    @property
    def args(self) -> list[str]:
        return ["--index", str(self.index_dir)] if self.engine == "whoosh" else ["--database", self.database]

    @property
    def kb_kwargs(self) -> dict:
        return {"index_dir": self.index_dir, "database": "" if self.engine == "whoosh" else self.database}

    @property
    def app_config(self) -> dict:
        return {"INDEX": str(self.index_dir)} if self.engine == "whoosh" else {"DATABASE_URL": self.database}

    def kb(self, **kwargs):
        from kb.service import KnowledgeBase

        return KnowledgeBase(**self.kb_kwargs, **kwargs)

    def store(self, **kwargs):
        from index.connect import open_engine

        return open_engine(self.index_dir, database=self.database if self.engine == "postgres" else "", **kwargs)

    def age_versions(self) -> None:
        """Make the stored analyzer version an older one's (as after an upgrade): the next
        write must rebuild."""
        if self.engine == "whoosh":
            import json

            from index.store import META_FILE

            path = self.index_dir / META_FILE
            meta = json.loads(path.read_text(encoding="utf-8"))
            meta["analyzer_version"] = "an older analyzer"
            path.write_text(json.dumps(meta), encoding="utf-8")
        else:
            import psycopg

            with psycopg.connect(self.database, autocommit=True) as conn:
                conn.execute("UPDATE kb_meta SET value = 'an older analyzer' WHERE key = 'analyzer_version'")

    def check_whole(self) -> int:
        """Every stored document has exactly its sections searchable, no section is orphaned;
        the number of documents."""
        if self.engine == "whoosh":
            from test_reliability import check_whole_documents

            return check_whole_documents(self.index_dir)
        from test_engines import check_whole

        store = self.store(create=False)
        try:
            return check_whole(store)
        finally:
            store.close()


@pytest.fixture(params=ENGINES)
def where(request, tmp_path, monkeypatch):
    """A fresh place for a store, once per engine (a folder, or a new database)."""
    monkeypatch.delenv("KB_DATABASE_URL", raising=False)
    if request.param == "whoosh":
        yield Where("whoosh", index_dir=tmp_path / "index")
        return
    request.getfixturevalue("postgres_server")
    import pg_server

    url = pg_server.create_database()
    yield Where("postgres", database=url)
    pg_server.drop_database(url)


@pytest.fixture(scope="session")
def shared_web_database(postgres_server):
    """One database for the web and API tests of a session (filled by test_web_support)."""
    import pg_server

    url = pg_server.create_database()
    yield url
    pg_server.drop_database(url)


# -- skips: only a documented optional tool may be missing (tests/optional_tools.py) ------------
_SKIPPED: list[tuple[str, str]] = []  # (test id, reason)


def _skip_reason(report) -> str:
    longrepr = report.longrepr
    message = longrepr[2] if isinstance(longrepr, tuple) and len(longrepr) == 3 else str(longrepr)
    return message.removeprefix("Skipped: ")


def _record_skip(report) -> None:
    if report.skipped and not hasattr(report, "wasxfail"):
        _SKIPPED.append((report.nodeid, _skip_reason(report)))


def pytest_runtest_logreport(report):
    _record_skip(report)


def pytest_collectreport(report):
    _record_skip(report)  # a whole module skipped at import (importorskip, pytest.skip at top level)


def unexpected_skips() -> list[tuple[str, str]]:
    """The skips of this session whose reason is not an allowed one."""
    return [(test, reason) for test, reason in _SKIPPED if reason not in ALLOWED_SKIPS]


def pytest_terminal_summary(terminalreporter):
    if os.environ.get(STRICT_ENV, "") in ("", "0"):
        return
    bad = unexpected_skips()
    if bad:
        terminalreporter.section(f"skips not allowed under {STRICT_ENV}=1", sep="=", red=True)
        for test, reason in bad:
            terminalreporter.line(f"{test}: {reason}")
        terminalreporter.line("Only a missing optional tool may skip a test: see tests/optional_tools.py.")


def pytest_sessionfinish(session, exitstatus):
    if os.environ.get(STRICT_ENV, "") not in ("", "0") and unexpected_skips() and exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
