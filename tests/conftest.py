"""Shared fixtures. Tests may read ../shared/corpus, but skip cleanly where it is absent."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
EXAMPLES = ROOT / "kb" / "examples"  # package data: `kb demo` reads them from an installed wheel


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    if not CORPUS.is_dir() or not any(CORPUS.glob("*.txt")):
        pytest.skip("the shared corpus (../shared/corpus) is not available here")
    return CORPUS


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
