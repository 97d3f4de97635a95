"""The rule tables have one loader: every layer reads ``ingest/tables/*.toml`` through it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from ingest.tables import TABLES_DIR, load_table, table_path

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ("ingest", "index", "kb", "web")


@pytest.mark.parametrize("path", sorted(TABLES_DIR.glob("*.toml")), ids=lambda p: p.stem)
def test_every_table_loads_by_its_name(path):
    assert table_path(path.stem) == path
    assert isinstance(load_table(path.stem), dict) and load_table(path.stem)


def test_a_table_is_read_once_and_shared():
    assert load_table("deadlines") is load_table("deadlines")


def test_an_unknown_table_is_an_error_not_an_empty_rule_set():
    with pytest.raises(FileNotFoundError):
        load_table("no_such_table")


def test_only_the_loader_parses_toml():
    """A module that parsed a table itself would bypass the one loader (and its cache)."""
    readers = []
    for layer in LAYERS:
        for path in (ROOT / layer).rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                        and node.value.id == "tomllib" and node.attr in {"load", "loads"}):
                    readers.append(str(path.relative_to(ROOT)))
    assert readers == ["ingest/tables/__init__.py"]


def test_the_loader_example_holds():
    import doctest

    import ingest.tables

    result = doctest.testmod(ingest.tables)
    assert result.attempted == 1 and result.failed == 0
