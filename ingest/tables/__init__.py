"""The rule tables (``ingest/tables/*.toml``): one loader for every layer that reads them.

Domain rules are data: month names, deadline phrases, heading keywords, committee names,
document-type cues, OCR confusions. ``ingest/`` reads them to build documents, ``index/`` to
read document-type names in queries, ``kb/`` to trace promises; all through :func:`load_table`.

>>> load_table("deadlines")["months"]["mars"]
3
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

TABLES_DIR = Path(__file__).parent


def table_path(name: str) -> Path:
    """Where the table ``name`` lives (``"ocr"`` -> ``ingest/tables/ocr.toml``)."""
    return TABLES_DIR / f"{name}.toml"


@cache
def load_table(name: str) -> dict:
    """The table ``name`` parsed, read once per process; callers must not change it."""
    with table_path(name).open("rb") as fh:
        return tomllib.load(fh)
