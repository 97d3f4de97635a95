"""The skip check (tests/conftest.py, tests/optional_tools.py): under KB_TEST_STRICT_SKIPS=1 a
skip for any reason but a missing optional tool fails the run; the allowed ones do not."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from optional_tools import ALLOWED_SKIPS, OCRMYPDF, STRICT_ENV

HERE = Path(__file__).parent

SUITE = '''
import pytest
from optional_tools import OCRMYPDF


def test_runs():
    assert 1 + 1 == 2


@pytest.mark.skipif(True, reason=OCRMYPDF)
def test_needs_ocrmypdf():
    pass


def test_skips_for_another_reason():
    {other}
'''


def run_suite(tmp_path: Path, other: str, strict: bool) -> subprocess.CompletedProcess:
    for name in ("conftest.py", "optional_tools.py"):
        shutil.copy(HERE / name, tmp_path / name)
    (tmp_path / "test_suite.py").write_text(SUITE.format(other=other), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != STRICT_ENV}
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"  # no hypothesis, schemathesis ... plugins: a quick run
    if strict:
        env[STRICT_ENV] = "1"
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", str(tmp_path)],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)


def test_a_skip_for_another_reason_fails_the_strict_run(tmp_path):
    done = run_suite(tmp_path, 'pytest.skip("the stages have not all landed")', strict=True)
    assert done.returncode == 1, done.stdout
    assert "1 passed, 2 skipped" in done.stdout
    assert "test_skips_for_another_reason: the stages have not all landed" in done.stdout
    assert "test_needs_ocrmypdf:" not in done.stdout.split("not allowed")[-1]


def test_a_module_skipped_at_import_fails_the_strict_run(tmp_path):
    done = run_suite(tmp_path, "pass", strict=True)
    assert done.returncode == 0, done.stdout
    (tmp_path / "test_broken.py").write_text('import pytest\npytest.importorskip("kb_no_such_module")\n',
                                             encoding="utf-8")
    done = run_suite(tmp_path, "pass", strict=True)
    assert done.returncode == 1, done.stdout
    assert "kb_no_such_module" in done.stdout


def test_only_allowed_skips_pass(tmp_path):
    done = run_suite(tmp_path, "pass", strict=True)
    assert done.returncode == 0, done.stdout
    assert "2 passed, 1 skipped" in done.stdout and OCRMYPDF in done.stdout


def test_without_the_variable_skips_are_only_reported(tmp_path):
    done = run_suite(tmp_path, 'pytest.skip("no corpus here")', strict=False)
    assert done.returncode == 0, done.stdout
    assert "no corpus here" in done.stdout


def test_every_allowed_reason_says_what_needs_it():
    assert ALLOWED_SKIPS and all(reason and need for reason, need in ALLOWED_SKIPS.items())
