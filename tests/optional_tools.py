"""The one list of reasons a test may be skipped for: a documented optional tool is missing.

A test that needs one of these tools skips with the reason below, word for word (import the
constant). Every other skip is a test that did not run: under ``KB_TEST_STRICT_SKIPS=1``
(``.ci/run`` sets it) the suite fails when any test is skipped for a reason not listed here, so
a broken import, a missing data folder or an unreachable server cannot pass as "skipped".

Everything else a test needs is installed by the project's own files (``pyproject.toml``, the
Debian packages in ``.ci/run``) or started by the tests themselves (PostgreSQL, see
``tests/pg_server.py``), so it is never a reason to skip in CI.
"""

from __future__ import annotations

CHROMIUM = "Chromium is not installed (Debian package chromium)"
OCRMYPDF = "ocrmypdf with Tesseract's Swedish data is not installed (Debian packages ocrmypdf, tesseract-ocr-swe)"

SHARED_DATA = ("the shared corpus and evaluation (../shared, outside this repository; "
               "KB_TEST_SHARED names another place) are not available here")

#: reason -> the test(s) that need the tool.
ALLOWED_SKIPS = {
    CHROMIUM: "the end-to-end browser test (tests/test_browser.py)",
    OCRMYPDF: "the OCR test on a scanned page (tests/test_readers_pdf.py)",
    # Not ours to ship (the corpus text must not be copied into the project): a clone made
    # somewhere without ../shared still runs every other test.
    SHARED_DATA: "the end-to-end checks on the five corpus documents and the shared evaluation",
}

STRICT_ENV = "KB_TEST_STRICT_SKIPS"
