"""Runs `kb ARGS` with an ingest that pauses at a known point, so a test can act there without
depending on timing.

When the first document has been built (the writer lock is held and, with ``--workers 2``, the
worker processes are alive), the ingest creates the file ``$KB_TEST_PAUSED`` and waits until
``$KB_TEST_GO`` exists (at most ``$KB_TEST_PAUSE_MAX`` seconds, 120 by default), then goes on.

    python tests/pause_driver.py ingest FOLDER --index DIR
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import kb.batch_ingest as batch_ingest

PAUSED, GO = Path(os.environ["KB_TEST_PAUSED"]), Path(os.environ["KB_TEST_GO"])
PAUSE_MAX = float(os.environ.get("KB_TEST_PAUSE_MAX", "120"))
real_ingest_paths = batch_ingest.ingest_paths


def ingest_paths(store, paths, *, progress=None, **kw):
    def hook(event, path):
        if event == "file" and not PAUSED.exists():
            PAUSED.touch()
            until = time.monotonic() + PAUSE_MAX
            while not GO.exists() and time.monotonic() < until:
                time.sleep(0.02)
        if progress:
            progress(event, path)

    return real_ingest_paths(store, paths, progress=hook, **kw)


batch_ingest.ingest_paths = ingest_paths

if __name__ == "__main__":
    from kb.cli import main

    main()
