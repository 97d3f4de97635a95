"""Expand the paths given to ``kb ingest`` into the files to read.

Folders are walked recursively in sorted order (the same order on every machine), hidden
files and folders (a leading dot) and ``NAME.meta.json`` sidecars are skipped, and only
files with a reader are yielded. Problems are yielded as :class:`IngestError` values,
not raised, so one bad path never stops a batch: a missing path, an unsupported file
named explicitly, a folder that cannot be listed. Symlinked folders are followed once:
each directory is visited at most once by its resolved path, so a symlink loop ends.
A file in a folder that no reader takes (.doc, .odt, .csv …) is passed to ``on_skip``, so the
caller can say what it left out.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from ingest.errors import IngestError, file_error
from ingest.readers import supported_suffixes

SIDECAR_SUFFIX = ".meta.json"


OnSkip = Callable[[Path], None]


def discover(paths: Iterable[Path], on_skip: OnSkip | None = None) -> Iterator[Path | IngestError]:
    """Supported files under ``paths`` in a deterministic order, and errors for bad paths;
    ``on_skip`` hears of each file in a folder that is left out for its type."""
    seen_dirs: set[str] = set()
    seen_files: set[str] = set()
    for given in paths:
        path = Path(given)
        if path.is_dir():
            yield from _walk(path, seen_dirs, seen_files, on_skip)
        elif path.is_file():
            if _is_sidecar(path.name):
                yield IngestError("a NAME.meta.json sidecar, not a document (it is read with its document)", str(path))
            elif path.suffix.lower() not in supported_suffixes():
                supported = ", ".join(sorted(supported_suffixes()))
                yield IngestError(f"unsupported file type {path.suffix or '(no suffix)'}: supported are {supported}", str(path))
            elif _first_visit(path, seen_files):
                yield path
        else:
            yield IngestError(_broken_reason(path), str(path))


def wanted(name: str) -> bool:
    """True for a file name discover() picks up inside a folder."""
    if name.startswith(".") or _is_sidecar(name):
        return False
    return Path(name).suffix.lower() in supported_suffixes()


def unsupported(name: str) -> bool:
    """True for a visible document file in a folder that no reader takes (reported as skipped)."""
    return not name.startswith(".") and not _is_sidecar(name) and not wanted(name)


def _walk(folder: Path, seen_dirs: set[str], seen_files: set[str],
          on_skip: OnSkip | None = None) -> Iterator[Path | IngestError]:
    try:
        key = str(folder.resolve(strict=True))
    except (OSError, RuntimeError) as exc:
        yield IngestError(f"cannot resolve folder: {exc}", str(folder))
        return
    if key in seen_dirs:
        return
    seen_dirs.add(key)
    try:
        with os.scandir(folder) as entries:
            listing = sorted(entries, key=lambda e: e.name)
    except OSError as exc:
        yield file_error(exc, folder, "list")
        return
    for entry in listing:
        if entry.name.startswith("."):
            continue
        path = folder / entry.name
        try:
            is_dir = entry.is_dir()
            is_file = entry.is_file()
        except OSError:
            yield IngestError(_broken_reason(path), str(path))
            continue
        if is_dir:
            yield from _walk(path, seen_dirs, seen_files, on_skip)
        elif is_file and wanted(entry.name) and _first_visit(path, seen_files):
            yield path
        elif is_file and on_skip is not None and unsupported(entry.name):
            on_skip(path)


def _first_visit(path: Path, seen_files: set[str]) -> bool:
    try:
        key = str(path.resolve())
    except (OSError, RuntimeError):
        key = str(path.absolute())
    if key in seen_files:
        return False
    seen_files.add(key)
    return True


def _is_sidecar(name: str) -> bool:
    return name.lower().endswith(SIDECAR_SUFFIX)


def _broken_reason(path: Path) -> str:
    """Why a path is neither a file nor a folder we can use."""
    try:
        os.lstat(path)
    except OSError as exc:
        return file_error(exc, path, "inspect").reason
    if path.is_symlink():
        try:
            path.resolve(strict=True)
        except RuntimeError:
            return "symlink loop"
        except OSError:
            return "broken symlink (its target does not exist)"
    try:
        os.stat(path)
    except OSError as exc:
        return file_error(exc, path, "inspect").reason
    return "not a regular file or folder"
