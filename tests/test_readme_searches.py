"""Every example search in the README finds something in the corpus.

The searches are read from the README itself (the `kb search` lines, the query language table,
the queries in the text under it, the API's search example), so an example that stops working,
or a new one that never worked, fails here.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from click.testing import CliRunner

from kb.cli import main

README = Path(__file__).resolve().parent.parent / "README.md"


def _section(text: str, heading: str) -> str:
    start = text.index(heading)
    end = text.find("\n## ", start + len(heading))
    return text[start:] if end == -1 else text[start:end]


def cli_searches() -> list[list[str]]:
    """The arguments of every `kb search` line in the README's code blocks."""
    out = []
    for line in README.read_text(encoding="utf-8").splitlines():
        line = line.split(" #")[0].strip()
        if line.startswith("kb search "):
            out.append(shlex.split(line)[2:])
    return out


def language_queries() -> list[str]:
    """The queries of the query language table and of the text that explains it."""
    section = _section(README.read_text(encoding="utf-8"), "## Query language")
    queries = []
    for line in section.splitlines():
        cells = line.split("|")
        if line.startswith("| `") and len(cells) > 2:
            queries += [q for q in re.findall(r"`([^`]+)`", cells[1]) if ":" in q or not q.endswith(":")]
        elif not line.startswith("|"):
            queries += [q for q in re.findall(r"`([^`]+)`", line) if q != "år:abc"]
    # Left out: a filter name alone (`år:`) and the text's examples of queries that find nothing
    # on purpose (no words at all: `"((`, `!!!`).
    return [q for q in queries if not re.fullmatch(r"\w+:", q) and any(c.isalpha() for c in q)]


def api_searches() -> list[tuple[str, dict]]:
    """(q, other parameters) of the README's search API examples."""
    out = []
    for url in re.findall(r"'(http://[^']*/api/v1/search\?[^']*)'", README.read_text(encoding="utf-8")):
        params = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
        out.append((params.pop("q"), params))
    return out


@pytest.fixture(scope="module")
def corpus_index(tmp_path_factory, corpus_dir) -> str:
    index = str(tmp_path_factory.mktemp("readme") / "index")
    result = CliRunner().invoke(main, ["ingest", str(corpus_dir), "--index", index])
    assert result.exit_code == 0, result.output
    return index


def _total(index: str, args: list[str]) -> int:
    import json

    result = CliRunner().invoke(main, ["search", "--index", index, "--json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)["total"]


def test_the_readme_has_example_searches():
    assert len(cli_searches()) >= 2 and len(language_queries()) >= 20 and api_searches()


@pytest.mark.parametrize("args", cli_searches(), ids=" ".join)
def test_every_kb_search_line_finds_something(corpus_index, args):
    assert _total(corpus_index, args) > 0


@pytest.mark.parametrize("query", language_queries())
def test_every_query_of_the_query_language_finds_something(corpus_index, query):
    assert _total(corpus_index, ["--", query]) > 0


@pytest.mark.parametrize(("query", "params"), api_searches())
def test_every_api_search_example_finds_something(corpus_index, query, params):
    args = ["--year", params["year"]] if "year" in params else []
    assert _total(corpus_index, [*args, "--", query]) > 0
