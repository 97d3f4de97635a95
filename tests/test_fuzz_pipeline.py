"""Hostile input for the text pipeline and the query language: never raise, never hang.

Hypothesis draws text from Swedish case-document pieces (headings, labels, dates, deadlines,
case numbers, committee names, page furniture), OCR-style damage and arbitrary Unicode. Every
example has a deadline: a stage that turned quadratic or looped on some input fails the test.
Pathological queries go all the way through ``KnowledgeBase.search`` on a real index.
How many examples each target ran: ``pytest --hypothesis-show-statistics tests/test_fuzz_pipeline.py``.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import signal
import time
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.querylang import MAX_DEPTH, MAX_TERMS, YEAR_MAX, YEAR_MIN, parse_query
from index.querytree import And, Not, Or, ParsedQuery, Phrase, Prefix, Word
from ingest import dates
from ingest.clean import clean_pages, clean_pages_with_removed
from ingest.commitments import extract_commitments
from ingest.deadlines import parse_deadline
from ingest.document_builder import build_document
from ingest.metadata import extract_metadata
from ingest.model import Block, Page, RawDocument
from ingest.repair import repair_text
from ingest.sections import segment_blocks

# Per-example bounds: far above a normal run (milliseconds), far below a hang.
TEXT_DEADLINE = dt.timedelta(seconds=5)
DOC_DEADLINE = dt.timedelta(seconds=20)
# KB_FUZZ_SCALE=10 multiplies every example count and draws fresh random examples (a deep run);
# the default run is deterministic so the suite gives the same answer every time.
SCALE = max(1, int(os.environ.get("KB_FUZZ_SCALE", "1") or 1))
FUZZ = settings(max_examples=300 * SCALE, deadline=TEXT_DEADLINE, derandomize=SCALE == 1, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# Pieces of our own in the shape of Swedish case documents.
PIECES = [
    "Yttrande", "Uppföljande yttrande", "Remissvar", "Handlingsplan", "Sammanfattning",
    "Förslag till beslut", "Beslutsunderlag", "Ärendet", "Rekommendation 1:", "Rekommendation 12",
    "Inriktningsmål 2", "Aktivitet 3.1", "Aktivitet 1.2.3", "Socialnämnden", "Kulturnämnden",
    "Stadsdelsnämnden Söder", "Kommunstyrelsen", "Stadsrevisionen", "Dnr SN 2023/412",
    "Diarienummer KS-2024-0017", "SDN-SÖ 2022/9", "2024-05-12", "2024-13-45", "12 maj 2023",
    "den 31 februari 2025", "1 januari 1899", "våren 2024", "senast den 30 juni 2025",
    "under hösten 2023", "innan sommaren 2026", "vecka 52", "årsskiftet 2024/2025", "Q3 2025",
    "tertial 2", "nästa år", "under 2024-2025", "Sida 1 av 3", "1 (4)", "Malmö stad",
    "Nämnden kommer att", "Förvaltningen ska", "Arbetet påbörjas", "är genomfört", "pågår",
    "Beslutet skickas till", "Anna Andersson", "Förvaltningschef", "**Viktigt**", "# Rubrik",
    "- punkt", "• punkt", "1.", "a)", "www.example.se", "ö", "å", "ä", "fiirsta", "hiir", "tbr",
    "f6r", "Ã¤", "Ã¥", "\u00ad", "\u200b", "\ufeff", "\ufffd", "e\u0301", "a\u0308",
]
SEPARATORS = [" ", " ", " ", "\n", "\n\n", "\f", "\t", ": ", ". ", ", ", "-\n", "  ", "\r\n"]
LETTERS = "abcdefghijklmnopqrstuvwxyzåäöABCDEFGHIJKLMNOPQRSTUVWXYZÅÄÖéü0123456789 .,:;-/()\"'*#\n"

fragment = st.one_of(
    st.sampled_from(PIECES),
    st.text(alphabet=LETTERS, max_size=30),
    st.text(max_size=12),  # any Unicode, control characters and surrogate-free astral planes
)
case_text = st.lists(st.tuples(fragment, st.sampled_from(SEPARATORS)), max_size=80).map(
    lambda parts: "".join(a + b for a, b in parts))
long_line = st.builds(lambda word, n: (word + " ") * n, st.sampled_from(["nämnden", "å", "-", "1"]),
                      st.integers(500, 3000))
any_text = st.one_of(case_text, case_text, long_line, st.text(max_size=300))


def words(text: str) -> Counter:
    return Counter(re.findall(r"[^\W_]+", text))


def word_skeleton(text: str) -> str:
    """``text`` with every run of word characters (and the OCR stand-ins { £ &) as one W."""
    return re.sub(r"[\w{£&]+", "W", text)


@FUZZ
@given(any_text)
def test_repair_changes_words_only(text):
    """OCR repair rewrites words and nothing else: every space, line and page break and every
    punctuation mark stays where it was, and no word is lost, split or joined."""
    out = repair_text(text)
    assert word_skeleton(out) == word_skeleton(text)


@FUZZ
@given(st.lists(st.sampled_from(["nämnden", "förvaltningen", "uppföljning", "åtgärderna", "och", "2024", "—", "(1)"]),
                max_size=60).map(" ".join))
def test_repair_leaves_clean_swedish_as_it_is(text):
    """Undamaged text, with å/ä/ö where they belong, comes back unchanged."""
    assert repair_text(text) == text


@FUZZ
@given(st.lists(any_text, min_size=1, max_size=4), st.lists(st.sampled_from(PIECES), max_size=3))
def test_clean_pages_never_raises(texts, headings):
    pages = [Page(number=i, text=t) for i, t in enumerate(texts, start=1)]
    blocks = clean_pages(pages, headings=headings)
    last_page = len(pages) + sum(t.count("\f") for t in texts)  # a form feed starts a page
    for block in blocks:
        assert isinstance(block, Block)
        assert 1 <= block.page <= last_page
        assert block.text.strip(), "an empty block"


@FUZZ
@given(any_text)
def test_segment_numbers_sections_and_loses_no_word(text):
    blocks = clean_pages([Page(1, text)])
    sections = segment_blocks(blocks)
    assert [s.number for s in sections] == list(range(1, len(sections) + 1)) or \
        [s.number for s in sections] == list(range(len(sections)))
    # Every word of the cleaned text is in some section's heading or text.
    kept = " ".join(f"{s.heading} {s.text}" for s in sections)
    assert not words(" ".join(b.text for b in blocks)) - words(kept)


@FUZZ
@given(any_text)
def test_dates_never_raise_and_give_calendar_dates(text):
    for match in dates.find_dates(text):
        dt.date.fromisoformat(match.iso)
        assert 0 <= match.start < match.end <= len(text)
    parsed = dates.parse_date(text)
    assert parsed is None or dt.date.fromisoformat(parsed)
    for found in dates.find_years(text):
        assert all(isinstance(x, int) for x in found)


doc_dates = st.one_of(st.none(), st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)))


@FUZZ
@given(any_text, doc_dates, st.one_of(st.none(), st.integers(1900, 2100)))
def test_parse_deadline_never_raises(sentence, doc_date, doc_year):
    deadline = parse_deadline(sentence, doc_date, doc_year)
    if deadline is not None:
        start, end = dt.date.fromisoformat(deadline.start), dt.date.fromisoformat(deadline.end)
        assert start <= end


@settings(FUZZ, max_examples=150 * SCALE, deadline=DOC_DEADLINE)
@given(st.lists(any_text, min_size=1, max_size=3), st.lists(st.sampled_from(PIECES), max_size=3),
       st.dictionaries(st.sampled_from(["title", "created", "author"]), st.text(max_size=20), max_size=3))
def test_a_whole_document_is_built_or_refused_cleanly(texts, headings, properties):
    """read -> clean -> repair -> segment -> metadata -> commitments, as ingest runs them."""
    from ingest.errors import IngestError

    raw = RawDocument(pages=[Page(number=i, text=t) for i, t in enumerate(texts, start=1)],
                      properties={**properties, "sha256": "0" * 64}, headings=headings)
    try:
        doc = build_document(Path("/nonexistent/kb-fuzz/yttrande.txt"), raw)
    except IngestError as exc:
        assert exc.reason == "no text found in the file"
        return
    assert doc.sections
    numbers = {s.number for s in doc.sections}
    assert all(c.section in numbers for c in doc.commitments)
    assert len({c.id for c in doc.commitments}) == len(doc.commitments)
    low, high = dates.year_range()
    assert doc.year is None or low <= doc.year <= high
    # Each stage again on its own, on what the pipeline built: metadata and commitments are
    # pure, so a second run gives the same answer.
    blocks = clean_pages(raw.pages, headings=headings)
    for block in blocks:
        block.raw, block.text = block.text, repair_text(block.text)
    assert isinstance(extract_metadata(blocks, doc.sections, dict(raw.properties)), dict)
    assert extract_commitments(doc) == doc.commitments


class _Hang(Exception):
    pass


def _within(seconds: int, fn, *args):
    """Run ``fn`` with an alarm: a hang fails the test instead of stalling the suite."""
    def ring(signum, frame):
        raise _Hang(f"still running after {seconds} s")

    old = signal.signal(signal.SIGALRM, ring)
    signal.alarm(seconds)
    try:
        return fn(*args)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def test_a_long_run_without_sentence_ends_is_read_in_linear_time():
    """Found by the deep fuzz run (KB_FUZZ_SCALE=6): pages that clean joins into one 40 KB block
    without a full stop, then a line break before a line with stray cp1252 dashes."""
    pages = ["nämnden " * 4000, "å " * 2000, "\x9aH-ñ=¤j\x96Í¸òd"]
    raw = RawDocument(pages=[Page(number=i, text=t) for i, t in enumerate(pages, start=1)])
    doc = _within(8, build_document, Path("/nonexistent/kb-fuzz/lang.txt"), raw)  # linear: 0.3 s
    assert doc.sections


# Long inputs of ordinary shapes that once took superlinear time (doubling the size took 3-4x as
# long). Each must finish well within the alarm (linear code takes well under 1 s) and still give
# the whole answer.
def _segment_words(text: str) -> Counter:
    """The words of the sections of ``text`` plus those of the lines clean removed as furniture."""
    blocks, removed = clean_pages_with_removed([Page(1, text)])
    sections = segment_blocks(blocks)
    return words(" ".join([*(f"{s.heading} {s.text}" for s in sections), *removed]))


BOUNDED_SHAPES = {
    "8000 short lines without a blank line": (
        lambda: _segment_words("nämnden\n" * 8000), lambda found: found == {"nämnden": 8000}),
    "8000 list items without a blank line": (
        lambda: _segment_words("- \n" * 8000), lambda found: not found),
    "a 40 KB hyphen chain": (
        lambda: repair_text("2024-" * 8000), lambda out: out == "2024-" * 8000),
}


@pytest.mark.parametrize("shape", list(BOUNDED_SHAPES))
def test_long_fixed_shapes_stay_bounded(shape):
    run, whole = BOUNDED_SHAPES[shape]
    assert whole(_within(5, run))


@pytest.mark.parametrize("created", ["0000-01-01", "1601-01-01T00:00:00", "9999-12-31"])
def test_a_file_date_out_of_range_gives_no_year(created):
    """Found by the fuzz run: a document without a year in its text takes the file's date."""
    raw = RawDocument(pages=[Page(1, "Yttrande\n\nNämnden har tagit del av granskningen.")],
                      properties={"created": created})
    doc = build_document(Path("/nonexistent/kb-fuzz/utan-ar.txt"), raw)
    low, high = dates.year_range()
    assert doc.year is None or low <= doc.year <= high


def _terms(node) -> int:
    if isinstance(node, Word | Prefix):
        return 1
    if isinstance(node, Phrase):
        return len(node.words)
    if isinstance(node, Not):
        return _terms(node.child)
    if isinstance(node, And | Or):
        return sum(_terms(c) for c in node.children)
    return 0


def _depth(node) -> int:
    if isinstance(node, Not):
        return 1 + _depth(node.child)
    if isinstance(node, And | Or):
        return 1 + max((_depth(c) for c in node.children), default=0)
    return 0


QUERY_PIECES = ["nämnden", "förskol*", "*", '"', '"skyddat boende"', "(", ")", "OR", "ELLER", "NOT", "INTE",
                "-", "-hot", "år:2024", "år:2023..2025", "år:..", "år:0..99999999999", "år:abc", "year:",
                "nämnd:", 'nämnd:"kultur', "typ:yttrande", "rek:3", "rek:-1", "rek:99999999", "kommun:malmö",
                "dnr:SR-2023-81", "dnr:", ":", "::", "\\", "\x00", "å*", "a*", "AND", "NEAR", "~2", "^3"]
query_text = st.one_of(
    st.lists(st.one_of(st.sampled_from(QUERY_PIECES), st.text(alphabet=LETTERS, max_size=10)),
             max_size=40).map(" ".join),
    st.text(max_size=200),
)


@settings(FUZZ, max_examples=500 * SCALE)
@given(query_text)
def test_parse_query_never_raises_and_stays_bounded(text):
    parsed = parse_query(text)
    assert isinstance(parsed, ParsedQuery)
    assert _terms(parsed.tree) <= MAX_TERMS
    assert _depth(parsed.tree) <= 2 * MAX_DEPTH + 2
    f = parsed.filters
    for year in (f.year_from, f.year_to):
        assert year is None or YEAR_MIN <= year <= YEAR_MAX


# -- pathological queries through the whole search path --------------------------------------

QUERY_BOUND_SECONDS = 10.0  # each query; a normal one takes milliseconds


def _pathological() -> list[tuple[str, str]]:
    words = [f"ord{i}" for i in range(5000)]
    return [
        ("5000 terms", " ".join(words)),
        ("5000 OR terms", " OR ".join(words)),
        ("5000 prefixes", " ".join(w + "*" for w in words)),
        ("500 phrases", " ".join(f'"{a} {b}"' for a, b in zip(words[::2], words[1::2], strict=False))[:20000]),
        ("deep nesting", "(" * 5000 + "nämnden" + ")" * 5000),
        ("deep NOT", "NOT " * 3000 + "nämnden"),
        ("unbalanced", "(" * 3000 + '"nämnden'),
        ("lone star", "*"),
        ("stars", "* " * 2000),
        ("short prefix", "a*"),
        ("huge year range", "år:0..99999999999999999999"),
        ("reversed year range", "år:2100..1900 nämnden"),
        ("many year filters", " ".join(f"år:{1900 + i % 200}..{2100 - i % 200}" for i in range(2000))),
        ("many filters", " ".join(f"nämnd:n{i} typ:t{i} rek:{i}" for i in range(1000))),
        ("long word", "å" * 100_000),
        ("control characters", "".join(chr(c) for c in range(0, 32)) * 200),
        ("mixed", "(" * 50 + " OR ".join(f'"{w}" -{w} {w}*' for w in words[:500]) + " år:1..3000"),
    ]


@pytest.fixture(scope="module")
def kb(tmp_path_factory):
    from kb.service import KnowledgeBase

    folder = tmp_path_factory.mktemp("fuzzdocs")
    for i, word in enumerate(["skolskjutsar", "matsvinn", "hemtjänst"]):
        (folder / f"y{i}.txt").write_text(
            f"Yttrande om {word}\n\nSammanfattning\n\nNämnden har granskat {word} år 202{i}.\n\n"
            f"Rekommendation 1: Nämnden ska följa upp {word}.\n", encoding="utf-8")
    kb = KnowledgeBase(tmp_path_factory.mktemp("fuzzindex"))
    report = kb.ingest([folder])
    assert report.ok and len(report.indexed) == 3
    yield kb
    kb.close()


@pytest.mark.parametrize(("name", "query"), _pathological(), ids=[n for n, _ in _pathological()])
def test_pathological_query_is_answered_in_bounded_time(kb, name, query):
    start = time.perf_counter()
    result = kb.search(query, limit=10)
    facets = kb.facets(query)
    elapsed = time.perf_counter() - start
    assert isinstance(result["total"], int) and result["total"] >= 0
    assert isinstance(facets, dict)
    assert elapsed < QUERY_BOUND_SECONDS, f"{name}: {elapsed:.1f} s"


@settings(FUZZ, max_examples=200 * SCALE)
@given(query_text)
def test_any_query_searches_without_error(kb, text):
    result = kb.search(text, limit=5)
    assert result["total"] >= len(result["hits"])
    for hit in result["hits"]:
        assert "<script" not in (hit.get("snippet") or "").lower()



