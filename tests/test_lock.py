"""requirements/test.lock keeps up with pyproject.toml: every dependency of kb and of its test extra
is pinned there, at a version the project allows, with hashes (CI installs with --require-hashes)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements" / "test.lock"
REFRESH = "refresh it as the README says (pip-compile ... -o requirements/test.lock pyproject.toml)"


def pins() -> dict[str, tuple[str, list[str]]]:
    """name -> (version, hashes) from the lock file."""
    found: dict[str, tuple[str, list[str]]] = {}
    for entry in re.split(r"\n(?=[A-Za-z0-9])", LOCK.read_text(encoding="utf-8")):
        m = re.match(r"([A-Za-z0-9._-]+)==([^\s\\;]+)", entry)
        if m:
            found[canonicalize_name(m.group(1))] = (m.group(2), re.findall(r"--hash=sha256:([0-9a-f]{64})", entry))
    return found


def declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [Requirement(r) for r in [*project["dependencies"], *project["optional-dependencies"]["test"]]]


def test_every_dependency_is_pinned_at_an_allowed_version_with_hashes():
    locked = pins()
    assert len(locked) > 20
    for req in declared():
        name = canonicalize_name(req.name)
        assert name in locked, f"{req.name} is not in requirements/test.lock: {REFRESH}"
        version, hashes = locked[name]
        assert req.specifier.contains(version, prereleases=True), \
            f"requirements/test.lock pins {req.name}=={version}, pyproject.toml asks {req}: {REFRESH}"
        for extra in req.extras:  # psycopg[binary] -> psycopg-binary
            assert canonicalize_name(f"{req.name}-{extra}") in locked, f"{req} without its extra: {REFRESH}"
    assert all(hashes for _, hashes in locked.values()), "a pin without a hash: pip --require-hashes refuses it"


def test_the_data_packages_behind_exact_expectations_are_pinned():
    """The repair and decompounding tests expect exact words: their data must not drift."""
    locked = pins()
    for name in ("wordfreq", "hunspell-sv", "snowballstemmer", "pystemmer"):
        assert name in locked, name
