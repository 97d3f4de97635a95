"""Where things live: the index directory and other settings from the environment.

``KB_INDEX`` names the index directory; without it kb uses a per-user data directory
(``~/.local/share/kb/index`` on Linux).
"""

from __future__ import annotations

import os
from pathlib import Path


def default_index_dir() -> Path:
    env = os.environ.get("KB_INDEX")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("kb", appauthor=False)) / "index"


def examples_dir() -> Path | None:
    """The bundled example documents: package data of ``kb`` (``kb/examples/``, shipped in the
    wheel), else an ``examples/`` folder in the current directory."""
    from importlib import resources

    packaged = resources.files("kb") / "examples"
    for candidate in (Path(str(packaged)), Path.cwd() / "examples"):
        if candidate.is_dir() and any(candidate.glob("*.txt")):
            return candidate
    return None
