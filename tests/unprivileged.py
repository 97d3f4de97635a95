"""Real permission-denied files, also when the tests run as root (CI does).

Root reads any file because of two capabilities, CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH. A
command run under :func:`command_prefix` has them dropped (``setpriv`` from util-linux, which
every Debian system has): it is still uid 0 and owns the test's files and folders, so it goes
everywhere the test does, but a ``chmod 000`` file or folder is really refused by the kernel.
For an ordinary user the prefix is empty: the permissions already apply.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from functools import cache

import pytest

_CAPS = "-dac_override,-dac_read_search"


@cache
def _setpriv_prefix() -> tuple[str, ...] | str:
    """The setpriv prefix, or why there is none."""
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return "running as root without setpriv (util-linux): a permission-denied file cannot be made"
    prefix = (setpriv, f"--bounding-set={_CAPS}", f"--inh-caps={_CAPS}")
    if subprocess.run([*prefix, "true"], capture_output=True).returncode != 0:
        return "running as root where setpriv cannot drop capabilities: a permission-denied file cannot be made"
    return prefix


def command_prefix() -> list[str]:
    """A prefix under which a ``chmod 000`` file cannot be read, whoever runs the tests.

    Skips only where that cannot be had (root without capability dropping); that reason is not
    an allowed one, so ``.ci/run`` fails instead of passing without the test."""
    if os.geteuid() != 0:
        return []
    prefix = _setpriv_prefix()
    if isinstance(prefix, str):
        pytest.skip(prefix)
    return list(prefix)


def run_python(code: str, *args: str, timeout: float = 120):
    """Run ``code`` in a fresh interpreter under :func:`command_prefix`; it prints one JSON value,
    which is returned."""
    done = subprocess.run([*command_prefix(), sys.executable, "-c", code, *args],
                          capture_output=True, text=True, encoding="utf-8", timeout=timeout)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)
