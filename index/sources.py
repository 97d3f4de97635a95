"""The index's source list (``kb-sources.json``): every file the index was built from.

The index is derived data, and this list is what it is derived from. It is kept beside the index
files, apart from them, so that:

- a source whose folder is missing (a share that is not mounted) is still remembered, and a later
  reindex brings it back;
- ``kb reindex --from-sources`` rebuilds even when the index itself cannot be opened.

The store updates it under the writer lock *before* each commit, so the list always holds at least
the sources of the committed documents. It only shrinks when documents are removed on purpose
(``--prune``). Written atomically (temporary file, fsync, rename).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

SOURCES_FILE = "kb-sources.json"
FORMAT = 1


def read_sources(index_dir: Path | str) -> dict[str, dict]:
    """Source path -> ``{"id": document id, "sha256": …}``; empty when there is no list (an
    index built before the list existed) or it cannot be read."""
    try:
        data = json.loads((Path(index_dir) / SOURCES_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    sources = data.get("sources") if isinstance(data, dict) else None
    if not isinstance(sources, dict):
        return {}
    return {path: entry for path, entry in sources.items()
            if isinstance(path, str) and isinstance(entry, dict) and isinstance(entry.get("id"), str)}


def has_source_list(index_dir: Path | str) -> bool:
    return (Path(index_dir) / SOURCES_FILE).is_file()


def write_sources(index_dir: Path | str, sources: dict[str, dict]) -> None:
    """Replace the list atomically: a crash leaves the old list or the new one, never half."""
    target = Path(index_dir) / SOURCES_FILE
    tmp = target.with_name(SOURCES_FILE + ".tmp")
    # ensure_ascii: a file name whose bytes are not UTF-8 (kept as surrogates) still fits.
    payload = json.dumps({"format": FORMAT, "sources": dict(sorted(sources.items()))}, ensure_ascii=True)
    try:
        with open(tmp, "w", encoding="ascii") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def updated(sources: dict[str, dict], added: dict[str, dict], removed_ids: set[str]) -> dict[str, dict]:
    """``sources`` with ``added`` (path -> entry) put in and the documents ``removed_ids`` taken out."""
    out = {path: entry for path, entry in sources.items() if entry.get("id") not in removed_ids}
    out.update(added)
    return out
