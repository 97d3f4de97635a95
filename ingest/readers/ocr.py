"""OCR for scanned PDFs: Debian's ``ocrmypdf`` with Tesseract's Swedish model.

Install with ``apt-get install ocrmypdf tesseract-ocr-swe``. ``ocrmypdf -l swe
--skip-text`` adds a text layer to the pages that have none and leaves the others as
they are. It runs in a temporary folder, never touches the source file, and is bounded
in time. When the tool or the Swedish model is missing, the file gets the clear
"needs OCR" error instead.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from functools import lru_cache
from pathlib import Path

from ingest.errors import IngestError

LANGUAGE = "swe"
TIMEOUT_ENV = "KB_OCR_TIMEOUT"
DEFAULT_TIMEOUT_S = 600

MISSING_TOOL = (
    "has no text layer (a scanned image): it needs OCR; run `kb ingest --ocr` with "
    "ocrmypdf and tesseract-ocr-swe installed (apt-get install ocrmypdf tesseract-ocr-swe)"
)


@lru_cache(maxsize=1)
def available() -> bool:
    """True when ocrmypdf and Tesseract with the Swedish model are installed."""
    if not shutil.which("ocrmypdf") or not shutil.which("tesseract"):
        return False
    try:
        done = subprocess.run(
            ["tesseract", "--list-langs"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return False
    langs = (done.stdout + done.stderr).split()
    return LANGUAGE in langs


def ocr_pdf(data: bytes, where: str) -> bytes:
    """The PDF ``data`` with a Swedish OCR text layer on its text-less pages."""
    if not available():
        raise IngestError(MISSING_TOOL, where)
    timeout = _timeout()
    with tempfile.TemporaryDirectory(prefix="kb-ocr-") as tmp:
        source = Path(tmp) / "in.pdf"
        target = Path(tmp) / "out.pdf"
        source.write_bytes(data)
        command = [
            "ocrmypdf", "-l", LANGUAGE, "--skip-text", "--output-type", "pdf",
            "--quiet", str(source), str(target),
        ]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise IngestError(f"OCR took longer than {timeout} s and was stopped", where) from None
        except OSError as exc:
            raise IngestError(f"OCR could not start: {exc}", where) from None
        if done.returncode != 0 or not target.is_file():
            detail = (done.stderr or done.stdout).strip().splitlines()
            last = detail[-1] if detail else f"exit status {done.returncode}"
            raise IngestError(f"OCR failed: {last}", where)
        return target.read_bytes()


def _timeout() -> int:
    try:
        return max(1, int(os.environ.get(TIMEOUT_ENV, DEFAULT_TIMEOUT_S)))
    except ValueError:
        return DEFAULT_TIMEOUT_S
