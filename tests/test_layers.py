"""The layers import downward only (web -> kb -> index -> ingest), and no layer imports in a circle.

Every ``import`` counts, at module level or inside a function: a deferred import hides a cycle
from Python, not from the reader. The one upward import allowed is ``kb serve`` starting the web
app (``web`` imported inside the command in ``kb/cli.py``).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ("ingest", "index", "kb", "web")  # lowest first: each may import only those before it
ALLOWED_UPWARD = {("kb.cli", "web")}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_modules() -> dict[str, Path]:
    return {module_name(p): p for layer in LAYERS for p in (ROOT / layer).rglob("*.py")}


def imports_of(path: Path, modules: dict[str, Path]) -> set[str]:
    """The project modules ``path`` imports: ``from ingest import clean`` is ingest.clean."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names = [f"{node.module}.{alias.name}" if f"{node.module}.{alias.name}" in modules else node.module
                     for alias in node.names]
        else:
            continue
        for name in names:
            while name and name not in modules:  # "index.analysis.stem" -> "index.analysis"
                name = name.rpartition(".")[0]
            if name:
                found.add(name)
    return found


def import_graph() -> dict[str, set[str]]:
    modules = project_modules()
    return {name: imports_of(path, modules) - {name} for name, path in modules.items()}


def layer(module: str) -> int:
    return LAYERS.index(module.split(".")[0])


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_the_layers_import_downward_only():
    upward = sorted(
        (a, b) for a, targets in import_graph().items() for b in targets
        if layer(b) > layer(a) and (a, b.split(".")[0]) not in ALLOWED_UPWARD
    )
    assert upward == []


def test_no_layer_imports_in_a_circle():
    graph = import_graph()
    within = {a: {b for b in targets if layer(b) == layer(a)} for a, targets in graph.items()}
    assert cycles(within) == []


def test_the_checks_see_a_cycle_and_an_upward_import():
    assert cycles({"ingest.a": {"ingest.b"}, "ingest.b": {"ingest.c"}, "ingest.c": {"ingest.a"}}) == [
        ["ingest.a", "ingest.b", "ingest.c"]]
    graph = import_graph()
    assert "ingest.model" in graph["ingest.clean"]  # the graph holds real edges
    assert layer("web.views") > layer("kb.service") > layer("index.search") > layer("ingest.clean")
