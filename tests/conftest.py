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
