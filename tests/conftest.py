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
