"""Errors the ingest layer raises for one file; a batch reports them and goes on.

:func:`file_error` is the one place an operating-system error on a file (missing, unreadable,
a folder, a disk error) becomes a reason in plain words; the wording depends on the step that
failed (``FILE_ERROR_REASONS``).
"""

from __future__ import annotations

from pathlib import Path


class IngestError(Exception):
    """A file could not be ingested. The message names the reason in plain words."""

    def __init__(self, reason: str, path: str | None = None):
        super().__init__(reason)
        self.reason = reason
        self.path = path

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}" if self.path else self.reason


#: The reason for an OSError, by the step that failed and the error's class (the most specific
#: class listed wins); ``{detail}`` is the system's own message ("No space left on device").
FILE_ERROR_REASONS: dict[str, dict[type[OSError], str]] = {
    # Looking at a file before opening it (ingest.readers).
    "stat": {
        FileNotFoundError: "file not found (missing, or moved/deleted before it was read)",
        PermissionError: "permission denied: the file's folder cannot be read",
        OSError: "cannot access the file: {detail}",
    },
    # Opening and reading it (ingest.readers).
    "read": {
        FileNotFoundError: "file vanished before it could be read",
        PermissionError: "permission denied: the file cannot be read",
        IsADirectoryError: "is a directory, not a file",
        OSError: "cannot read the file: {detail}",
    },
    # Anything else while a file is checked or built (ingest.parallel, kb.batch_ingest).
    "build": {
        FileNotFoundError: "the file disappeared before it could be read",
        PermissionError: "permission denied",
        OSError: "{detail}",
    },
    # A path found while walking folders that is neither a usable file nor a folder (ingest.discover).
    "inspect": {
        FileNotFoundError: "file not found",
        PermissionError: "permission denied",
        OSError: "cannot access: {detail}",
    },
    # Listing a folder (ingest.discover).
    "list": {
        PermissionError: "permission denied: the folder cannot be listed",
        OSError: "cannot list the folder: {detail}",
    },
}


def file_error(exc: OSError, path: Path | str | None, step: str) -> IngestError:
    """``exc``, raised at ``step`` (a key of :data:`FILE_ERROR_REASONS`), as an IngestError.

    >>> file_error(PermissionError(13, "Permission denied"), "a.pdf", "read").reason
    'permission denied: the file cannot be read'
    >>> file_error(OSError(28, "No space left on device"), "a.pdf", "stat").reason
    'cannot access the file: No space left on device'
    """
    reasons = FILE_ERROR_REASONS[step]
    template = next(reasons[cls] for cls in type(exc).__mro__ if cls in reasons)
    reason = template.format(detail=exc.strerror or exc)
    return IngestError(reason, None if path is None else str(path))
