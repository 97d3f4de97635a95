"""Index files read in place, by every thread at once: memory does not grow with threads.

Whoosh reads a segment through one ``mmap`` of its compound file and hands each part (postings,
term index, stored fields) to a ``BufferFile`` — which copies the part into a private ``BytesIO``.
Every searcher so held a private copy of nearly the whole index, and with one searcher per server
thread that was threads × index size: 2.4 GB for 8 threads on a 290 MB index.

:class:`SharedView` is the file object ``BufferFile`` gets instead: a view of the mmap (no copy)
whose read position is kept per thread, so one searcher, with one mmap of each segment and one
set of Whoosh's caches, can serve every thread (``Store.searcher``). :func:`install` swaps it into
Whoosh's ``BufferFile``; ``index.store`` calls it on import.
"""

from __future__ import annotations

import os
import threading

from whoosh.filedb import structfile


class SharedView:
    """A read-only file over a buffer, without a copy, with a read position for each thread."""

    def __init__(self, buf):
        view = memoryview(buf)
        self._view = view if view.format == "B" and view.ndim == 1 else view.cast("B")
        self._size = len(self._view)
        self._local = threading.local()
        self.closed = False

    def _at(self) -> int:
        return getattr(self._local, "at", 0)

    def tell(self) -> int:
        return self._at()

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        base = {os.SEEK_SET: 0, os.SEEK_CUR: self._at(), os.SEEK_END: self._size}[whence]
        at = max(0, base + offset)
        self._local.at = at
        return at

    def read(self, n: int | None = -1) -> bytes:
        at = self._at()
        end = self._size if n is None or n < 0 else min(self._size, at + n)
        self._local.at = max(at, end)
        return bytes(self._view[at:end])

    def readinto(self, target) -> int:
        data = self.read(len(target))
        target[:len(data)] = data
        return len(data)

    def readline(self, limit: int = -1) -> bytes:
        at = self._at()
        end = self._size if limit is None or limit < 0 else min(self._size, at + limit)
        stop = at
        while stop < end and self._view[stop] != 10:  # b"\n"
            stop += 1
        return self.read(min(end, stop + 1) - at)

    def __iter__(self):
        while line := self.readline():
            yield line

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def writable(self) -> bool:
        return False

    def write(self, data) -> int:
        raise OSError("an index file opened for reading cannot be written")

    def flush(self) -> None:
        pass

    def close(self) -> None:
        self.closed = True


def _buffer_file_init(self, buf, name=None, onclose=None):
    self._buf = buf
    self._name = name
    self.file = SharedView(buf)
    self.onclose = onclose
    self.is_real = False
    self.is_closed = False


def install() -> None:
    """Make Whoosh's ``BufferFile`` read through :class:`SharedView` (idempotent)."""
    structfile.BufferFile.__init__ = _buffer_file_init
