"""Build Documents in worker processes while the caller writes the index.

The ingest pipeline (read, clean, repair, segment, metadata) is pure Python and holds the GIL,
so on a machine with two cores the next files are built in another process while the main
process writes Whoosh. Results come back in input order through a bounded window of files in
flight, so memory stays bounded however many files there are.

A file that fails gives an :class:`~ingest.errors.IngestError` in its place; a worker that dies
(killed, out of memory, a crash in a C library) costs only the file it was working on: the pool
is restarted and the files that were in flight with it are retried one at a time, so the culprit
is found and the batch goes on.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from ingest.errors import IngestError, file_error
from ingest.model import Document

#: Fewer files than this are built in-process: starting workers costs more than it saves.
MIN_PARALLEL = 8
#: Files in flight per worker: enough to keep a worker busy while the caller writes.
WINDOW_PER_WORKER = 3

CRASH_REASON = "the worker process building this file failed: {detail}"


def default_workers() -> int:
    """One worker per core this process may use; the caller's own writing shares them."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, cores)


def error_for(path: Path, exc: BaseException) -> IngestError:
    """An exception raised while building ``path`` as an IngestError with a plain reason."""
    if isinstance(exc, IngestError):
        return IngestError(exc.reason, exc.path or str(path))
    if isinstance(exc, OSError):
        return file_error(exc, path, "build")
    return IngestError(f"internal error while reading: {type(exc).__name__}: {exc}", str(path))


def build_one(path: Path, ocr: bool = False) -> Document | IngestError:
    """Build one file's Document, or the IngestError that says why it could not be built."""
    from ingest.document_builder import ingest_file

    try:
        return ingest_file(path, ocr=ocr)
    except Exception as exc:  # a bug in one stage must not stop the batch
        return error_for(path, exc)


def _build_remote(path: str, ocr: bool) -> tuple[str, Any, str | None]:
    """Worker side of :func:`build_one`: IngestError does not pickle with its path, so send parts."""
    result = build_one(Path(path), ocr)
    if isinstance(result, IngestError):
        return "error", result.reason, result.path
    return "ok", result, None


def _warm_up(parent: int) -> None:
    """Per worker, before the first file: watch the parent, load the lexicon and repair tables."""
    from ingest.repair import get_repairer

    _exit_with_parent(parent)
    get_repairer()


def _exit_with_parent(parent: int, every: float = 0.5) -> None:
    """End this worker as soon as ``parent``, the process that started it, is gone.

    A killed `kb ingest` (SIGKILL, out of memory) cannot stop its workers, and they would wait
    for work forever: the pool's task pipe stays open in every sibling. When the parent dies the
    worker is handed to another parent, so ``getppid()`` no longer being ``parent`` is the signal
    (also when the parent died before this worker had started).
    """
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(every)
        os._exit(1)

    threading.Thread(target=watch, name="kb-parent-watch", daemon=True).start()


def build_documents(
    paths: Iterable[Path], *, ocr: bool = False, workers: int | None = None
) -> Iterator[tuple[Path, Document | IngestError]]:
    """``(path, Document or IngestError)`` for each path, in the order given.

    ``workers`` processes build the documents (default: one per core); with one worker or
    fewer than :data:`MIN_PARALLEL` files everything runs in this process.
    """
    paths = [Path(p) for p in paths]
    workers = default_workers() if workers is None else max(0, workers)
    if workers <= 1 or len(paths) < MIN_PARALLEL:
        for path in paths:
            yield path, build_one(path, ocr)
        return
    for path, result in ordered_map(
        _build_remote, [(str(p), ocr) for p in paths], workers=workers, keys=paths,
        warm_up=partial(_warm_up, os.getpid())
    ):
        if isinstance(result, WorkerFailure):
            yield path, IngestError(CRASH_REASON.format(detail=result.detail), str(path))
            continue
        status, value, where = result
        yield path, (value if status == "ok" else IngestError(value, where or str(path)))


def ordered_map(
    func: Callable[..., Any],
    args: list[tuple],
    *,
    workers: int,
    keys: list | None = None,
    window: int | None = None,
    warm_up: Callable[[], None] | None = None,
) -> Iterator[tuple[Any, tuple]]:
    """``(key, func(*arg))`` for each arg, in order, computed by ``workers`` processes.

    At most ``window`` calls are in flight (default ``WINDOW_PER_WORKER`` per worker). A call
    whose worker process dies, or whose result cannot be sent back, yields a
    :class:`WorkerFailure` instead of a result.
    """
    keys = list(args) if keys is None else keys
    window = max(1, window or WINDOW_PER_WORKER * workers)
    context = _context()

    def new_pool() -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=warm_up)

    pool = new_pool()
    pending: deque[tuple[int, Future]] = deque()
    retry: deque[int] = deque()  # in flight when a worker died: rerun one at a time
    next_index = 0
    try:
        while pending or retry or next_index < len(args):
            if retry:
                index = retry.popleft()
                try:
                    result = pool.submit(func, *args[index]).result()
                except BrokenProcessPool as exc:
                    pool.shutdown(wait=True, cancel_futures=True)
                    pool = new_pool()
                    result = WorkerFailure(_crash_detail(exc))
                except Exception as exc:
                    result = WorkerFailure(f"{type(exc).__name__}: {exc}")
                yield keys[index], result
                continue
            try:
                while next_index < len(args) and len(pending) < window:
                    pending.append((next_index, pool.submit(func, *args[next_index])))
                    next_index += 1
            except BrokenProcessPool:
                if not pending:  # broke before taking any work: start afresh
                    pool.shutdown(wait=True, cancel_futures=True)
                    pool = new_pool()
                    continue
                # otherwise found again below, on the futures the dead worker held
            index, future = pending.popleft()
            try:
                result = future.result()
            except BrokenProcessPool:
                # Which item killed the worker is unknown: rerun everything that was in flight alone.
                retry.extend([index] + [i for i, _ in pending])
                pending.clear()
                pool.shutdown(wait=True, cancel_futures=True)
                pool = new_pool()
                continue
            except Exception as exc:  # raised by func, or its result did not pickle
                result = WorkerFailure(f"{type(exc).__name__}: {exc}")
            yield keys[index], result
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


@dataclass(frozen=True)
class WorkerFailure:
    """In place of a result: the call raised, or its worker process died (``detail`` says which)."""

    detail: str


def _crash_detail(exc: BaseException) -> str:
    text = str(exc).strip().split(".")[0]
    return f"the process died ({text})" if text else "the process died"


def _context():
    """Workers are spawned: fresh interpreters that are direct children of this process.

    Forking the caller would hand each worker the caller's open files, among them the index's
    write lock (a flock, shared with children), and copies of locks other threads hold (kb serve).
    A fork server avoids that too, but sits between us and the workers and outlives a killed
    `kb ingest`, holding its output pipes open. Starting costs well under a second, once per batch.
    """
    return multiprocessing.get_context("spawn")
