"""Ingest is linear in the size of a file, whatever shape its text has.

Every shape of ``kb.bench.shapes`` (one long line, only digits, only dates, a run of full stops …)
is ingested whole (built, then written to an index) at two sizes, four times apart. Linear code
takes about four times as long for the larger one; the super-linear spots these shapes found took
16 times as long or more (a text of dates: 12 s at 32 KB, 123 s at 128 KB; a run of full stops:
1 s at 4 KB, 18 s at 16 KB). CPU time is compared, not wall time, so a loaded machine does not
fail the test; an alarm stops a hang. Seconds per MB up to the size cap: benchmarks/text_shapes.py.
"""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest

from index.store import Store
from ingest.document_builder import ingest_file
from kb.bench.shapes import SHAPES, shape_text

SMALL, LARGE = 16 * 1024, 64 * 1024
MAX_GROWTH = 10  # linear: ~4; quadratic: ~16
ALARM = 120


def ingest_seconds(folder: Path, name: str, text: str) -> float:
    """CPU seconds to build and index one file holding ``text``."""
    path = folder / f"{name}.txt"
    path.write_text(text, encoding="utf-8")
    start = time.process_time()
    doc = ingest_file(path)
    store = Store(folder / f"{name}-index")
    store.write([doc])
    store.close()
    return time.process_time() - start


class Hang(Exception):
    pass


def _ring(signum, frame):
    raise Hang(f"still running after {ALARM} s")


@pytest.fixture(scope="module", autouse=True)
def warm(tmp_path_factory):
    """Compile the patterns and load the lexicon once, outside any measurement."""
    ingest_seconds(tmp_path_factory.mktemp("warm"), "warm", shape_text("prose", 4096))


@pytest.mark.parametrize("shape", list(SHAPES))
def test_ingest_time_grows_linearly_with_the_file(shape, tmp_path):
    old = signal.signal(signal.SIGALRM, _ring)
    signal.alarm(ALARM)
    try:
        small = min(ingest_seconds(tmp_path, f"small{k}", shape_text(shape, SMALL)) for k in range(2))
        large = ingest_seconds(tmp_path, "large", shape_text(shape, LARGE))
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    print(f"\n{shape}: {SMALL // 1024} KB {small:.2f} s, {LARGE // 1024} KB {large:.2f} s "
          f"({large / max(small, 1e-9):.1f}x)")
    assert large < MAX_GROWTH * small + 0.5, f"{shape}: {small:.2f} s -> {large:.2f} s for 4x the text"


def test_thousands_of_one_word_lines_do_not_overflow_the_stack(tmp_path):
    """A chain of heading-like lines was followed by recursion: 5,000 lines of "Barn" raised
    RecursionError and the file failed."""
    path = tmp_path / "barn.txt"
    path.write_text("Barn\n" * 5000, encoding="utf-8")
    doc = ingest_file(path)
    assert doc.sections and doc.text.count("Barn") > 4900
