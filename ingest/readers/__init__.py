"""Readers: one file in, a :class:`~ingest.model.RawDocument` out, chosen by suffix.

The registry ``READERS`` maps a suffix to a reader function ``(path, data, ocr) ->
RawDocument``. :func:`read` is the only place that touches the file system: it checks the
file (exists, regular, readable, not empty, not too large) *before* reading it, reads it
once, hands the bytes to the reader and stamps ``properties["sha256"]``.

Every bad input becomes an :class:`~ingest.errors.IngestError` with a specific reason, so
a batch can report the file and go on.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Callable
from pathlib import Path

from ingest.errors import IngestError, file_error
from ingest.model import RawDocument
from ingest.readers import docx, html, pdf, text

Reader = Callable[[Path, bytes, bool], RawDocument]

READERS: dict[str, Reader] = {
    ".txt": text.read_text,
    ".md": text.read_text,
    ".pdf": pdf.read_pdf,
    ".docx": docx.read_docx,
    ".html": html.read_html,
    ".htm": html.read_html,
}

# File properties that office tools and PDF producers write by default: they say nothing about
# the document, so they must not stand in for a title or author taken from the text.
PLACEHOLDER_PROPERTIES = frozenset({
    "untitled", "namnlös", "namnlost", "document", "dokument", "document1", "dokument1",
    "microsoft word", "python-docx", "anonymous", "unknown", "okänd", "user", "admin",
})

DEFAULT_MAX_FILE_MB = 50.0
MAX_FILE_ENV = "KB_MAX_FILE_MB"


def supported_suffixes() -> frozenset[str]:
    """The file suffixes (lower case, with the dot) that have a reader."""
    return frozenset(READERS)


def max_file_bytes() -> int:
    """The size limit for one file: ``KB_MAX_FILE_MB`` megabytes (default 50)."""
    value = os.environ.get(MAX_FILE_ENV, "").strip()
    try:
        megabytes = float(value) if value else DEFAULT_MAX_FILE_MB
    except ValueError:
        megabytes = DEFAULT_MAX_FILE_MB
    if megabytes <= 0:
        megabytes = DEFAULT_MAX_FILE_MB
    return int(megabytes * 1024 * 1024)


def reader_for(path: Path) -> Reader:
    """The reader for ``path``'s suffix, or an IngestError naming the supported ones."""
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        shown = path.suffix or "(no suffix)"
        supported = ", ".join(sorted(READERS))
        raise IngestError(f"unsupported file type {shown}: supported are {supported}", str(path))
    return reader


def read(path: Path, *, ocr: bool = False) -> RawDocument:
    """Read one file into pages of text. Raises IngestError with a clear reason."""
    path = Path(path)
    data = read_bytes(path)
    reader = reader_for(path)
    raw = reader(path, data, ocr)
    raw.properties = drop_placeholders(raw.properties)
    raw.properties["sha256"] = hashlib.sha256(data).hexdigest()
    return raw


def drop_placeholders(properties: dict) -> dict:
    """Remove default titles/authors ("untitled", "Document1", "python-docx") from file properties."""
    def placeholder(value) -> bool:
        text = str(value).strip().casefold()
        return text in PLACEHOLDER_PROPERTIES or text.removesuffix(".docx").removesuffix(".pdf") in PLACEHOLDER_PROPERTIES

    return {k: v for k, v in properties.items()
            if not (k in ("title", "author") and isinstance(v, str) and placeholder(v))}


def read_bytes(path: Path) -> bytes:
    """The file's bytes, after checking (without reading) that it is worth reading."""
    where = str(path)
    try:
        info = os.stat(path)
    except OSError as exc:
        raise file_error(exc, where, "stat") from None
    if stat.S_ISDIR(info.st_mode):
        raise IngestError("is a directory, not a file (give it to discover() to expand it)", where)
    if not stat.S_ISREG(info.st_mode):
        raise IngestError("not a regular file (a device, pipe or socket)", where)
    reader_for(path)
    limit = max_file_bytes()
    _check_size(info.st_size, limit, where)
    try:
        with open(path, "rb") as handle:
            _check_size(os.fstat(handle.fileno()).st_size, limit, where)
            data = handle.read(limit + 1)
    except OSError as exc:
        raise file_error(exc, where, "read") from None
    # The file may have grown between the check and the read: never hold more than the limit.
    _check_size(len(data), limit, where)
    if not data:
        raise IngestError("empty file (0 bytes)", where)
    return data


def _check_size(size: int, limit: int, where: str) -> None:
    if size == 0:
        raise IngestError("empty file (0 bytes)", where)
    if size > limit:
        raise IngestError(
            f"file too large: {size / 1048576:.1f} MB is over the {limit / 1048576:.0f} MB limit "
            f"(raise it with {MAX_FILE_ENV})",
            where,
        )
