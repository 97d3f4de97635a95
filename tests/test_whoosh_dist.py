"""The Whoosh dependency: whoosh-reloaded 2.7.5 alone owns the ``whoosh`` package.

The 2016 ``Whoosh`` 2.7.4 (and forks such as whoosh-ng) install into the same ``whoosh/``
folder, so pip can silently overwrite one with the other; the old one prints
invalid-escape warnings and fails to import under ``-W error`` on Python 3.12.
"""

from __future__ import annotations

import importlib.metadata as md
import re
import subprocess
import sys

PINNED = "whoosh-reloaded"
PINNED_VERSION = "2.7.5"


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def whoosh_distributions(path: list[str] | None = None) -> dict[str, str]:
    """Installed distributions that ship the top-level ``whoosh`` package, by canonical name."""
    found = {}
    for dist in md.distributions(**({"path": path} if path is not None else {})):
        name = canonical(dist.metadata["Name"] or "")
        top = (dist.read_text("top_level.txt") or "").split()
        files = dist.files or []
        ships_whoosh = "whoosh" in top or any(f.parts[:1] == ("whoosh",) for f in files)
        if ships_whoosh or name.startswith("whoosh"):
            found[name] = dist.version
    return found


def test_whoosh_reloaded_is_installed_at_the_pinned_version():
    assert whoosh_distributions().get(PINNED) == PINNED_VERSION


def test_no_other_distribution_writes_the_whoosh_package():
    others = {name: v for name, v in whoosh_distributions().items() if name != PINNED}
    assert not others, f"uninstall {sorted(others)}: they overwrite whoosh-reloaded's whoosh/ package"


def test_whoosh_imports_without_warnings_as_errors():
    code = "import whoosh.index, whoosh.qparser, whoosh.analysis, whoosh.highlight"
    proc = subprocess.run([sys.executable, "-W", "error", "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-2000:]


def test_the_check_sees_the_old_whoosh_beside_the_new_one(tmp_path):
    for name, version in (("Whoosh", "2.7.4"), ("Whoosh-Reloaded", "2.7.5")):
        info = tmp_path / f"{name}-{version}.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
        (info / "top_level.txt").write_text("whoosh\n")
    assert whoosh_distributions([str(tmp_path)]) == {"whoosh": "2.7.4", "whoosh-reloaded": "2.7.5"}
