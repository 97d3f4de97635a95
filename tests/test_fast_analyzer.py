"""The fused analyzer gives exactly the chain's token stream (the chain is the definition)."""

from __future__ import annotations

import pickle
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index import fast_analysis
from index.analysis import (
    COORDINATORS,
    SWEDISH_STOPWORDS_OCR,
    SwedishTokenizer,
    spelling_analyzer,
    swedish_analyzer,
)
from index.fast_analysis import FusedSwedishAnalyzer, clear_memo

# Every way Whoosh and our code call an analyzer: the Positions format (index, positions),
# Existence/Frequency (index, no positions), snippets and highlighting (chars), query parsing.
CALLS = [
    {"positions": True, "chars": True, "mode": "index"},
    {"positions": True, "chars": True, "mode": "index", "removestops": False},
    {"positions": True, "chars": True, "mode": "query"},
    {"positions": True, "chars": True, "mode": "query", "removestops": False},
    {"positions": True, "mode": "index", "boosts": True},
    {"mode": "index"},
    {"mode": "query", "removestops": False},
    {},
    {"positions": True, "chars": True, "start_pos": 3, "start_char": 10, "keeporiginal": True},
    {"positions": True, "chars": True, "tokenize": False, "mode": "index"},
]

PAIRS = [(swedish_analyzer(), FusedSwedishAnalyzer(stemmed=True)),
         (spelling_analyzer(), FusedSwedishAnalyzer(stemmed=False))]

TRICKY = [
    "",
    "   ",
    "Maskulinitets- och feminitetsnormer granskas.",
    "hög-, mellan- och lågstadiet samt hälso- och sjukvården",
    "Förskole- respektive grundskolelärare, IT- eller HR-stöd",
    "kultur- & fritidsnämnden; bygg- alternativt miljönämnden",
    "ett ord- och",
    "slutar med ett streck-",
    "streck- streck- och",
    "Nämnden beslutade f6r att 6ver 4r st0d ges",
    "for fér pa pd och Och OCH i på ar är",
    "Diarienummer SR-2023-81 och KS 2021/145, kl. 10:30, covid19 b2b 2024",
    "Na\u0308mnden fo\u0308reslog a\u030atga\u0308rder",  # combining diaeresis and ring
    "FÖRSKOLESOCIONOMER och förskolesocionomer, namnden nämndens",
    "under_streck och ___ samt 12_3",
    "våld vald stöd stad hus has",
    "1. 2. 3) a) b-c d-",
    "i i i i ord i i",
    "och- och",
    "ÅÄÖ åäö éü ß ﬁnns İstanbul",
]


def stream(analyzer, text: str, **kwargs) -> list[tuple]:
    """The token stream as values (the analyzers reuse one Token object)."""
    return [(t.text, getattr(t, "pos", None), getattr(t, "startchar", None),
             getattr(t, "endchar", None), t.boost, t.stopped, getattr(t, "original", None))
            for t in analyzer(text, **kwargs)]


def assert_same(text: str) -> None:
    for chain, fused in PAIRS:
        for kwargs in CALLS:
            assert stream(fused, text, **kwargs) == stream(chain, text, **kwargs), (text, kwargs)
    assert fast_analysis.index_terms(text) == indexed(text), text
    assert fast_analysis.spelling_terms(text) == {t.text for t in spelling_analyzer()(text)}, text


def indexed(text: str) -> tuple[dict[str, list[int]], int]:
    """What Whoosh's Positions format records of the chain's tokens: term -> positions, length."""
    positions: dict[str, list[int]] = {}
    length = 0
    for t in swedish_analyzer()(text, positions=True, boosts=True, mode="index"):
        positions.setdefault(t.text, []).append(t.pos)
        length += 1
    return positions, length


def test_tricky_texts_give_the_chain_tokens():
    for text in TRICKY:
        assert_same(text)


def test_coordinated_compound_is_completed():
    fused = FusedSwedishAnalyzer(stemmed=False)
    words = [t.text for t in fused("maskulinitets- och feminitetsnormer")]
    assert words[0] == "maskulinitetsnormer" and words[1] == "och"


def test_stop_words_are_renumbered_or_marked():
    fused = FusedSwedishAnalyzer()
    kept = [(t.text, t.pos) for t in fused("boende för pojkar", positions=True)]
    assert [pos for _, pos in kept] == [0, 0, 1, 1]
    marked = [(t.text, t.pos, t.stopped) for t in fused("boende fér pojkar", positions=True,
                                                          removestops=False)]
    assert ("fér", 1, True) in marked


def test_generated_documents_give_the_chain_tokens(tmp_path):
    from ingest.document_builder import ingest_file
    from kb.bench.generator import generate

    texts = []
    for path in generate(20, tmp_path, 3):
        doc = ingest_file(path)
        texts += [path.read_text(encoding="utf-8"), doc.title or "", doc.text]
        for section in doc.sections:
            texts += [section.heading, section.text, section.raw_text]
    assert len(texts) > 100
    for text in texts:
        assert_same(text)


def test_corpus_gives_the_chain_tokens(corpus_dir):
    for path in sorted(corpus_dir.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        for chain, fused in PAIRS:
            for kwargs in CALLS[:5]:
                assert stream(fused, text, **kwargs) == stream(chain, text, **kwargs), (path, kwargs)


LETTERS = "abcdefghijklmnopqrstuvwxyzåäöéüABCDEFGHIJKLMNOPQRSTUVWXYZÅÄÖÉ"
ALPHABET = LETTERS + "0123456789" + "-" * 6 + "./:,;!?()&_" + " " * 10 + "\n\t" + "\u0308\u030a\u0301"
WORDS = sorted(COORDINATORS) + sorted(SWEDISH_STOPWORDS_OCR)[:80] + [
    "hälso-", "Förskole-", "maskulinitets-", "feminitetsnormer", "sjukvården", "f6r", "6ver", "4r",
    "SR-2023-81", "IT-stöd", "förskolesocionomer", "kvalitetsledningssystem", "nämnden", "-", ",",
]
pieces = st.one_of(st.text(ALPHABET, max_size=14), st.sampled_from(WORDS))
texts = st.one_of(st.text(ALPHABET, max_size=120),
                  st.lists(pieces, max_size=25).map(" ".join),
                  st.lists(pieces, max_size=25).map("".join))


@settings(max_examples=400, deadline=None)
@given(texts)
def test_generated_text_gives_the_chain_tokens(text):
    assert_same(text)


@settings(max_examples=300, deadline=None)
@given(st.text(ALPHABET + "\u0300\u036f\u0370_·", max_size=80))
def test_tokenizer_expression_matches_what_the_tokenizer_matches(text):
    assert fast_analysis._TOKENS.findall(text) == SwedishTokenizer().expression.findall(text)


def test_a_full_memo_is_emptied_and_output_stays_the_same(monkeypatch):
    monkeypatch.setattr(fast_analysis, "MEMO_LIMIT", 5)
    clear_memo()
    for text in TRICKY:
        assert_same(text)
    assert len(fast_analysis._WORDS) <= 5 and len(fast_analysis._SURFACES) <= 5
    clear_memo()


def test_schema_uses_the_fused_analyzer():
    from index.schema import SPELL_FIELD, TEXT_FIELDS, build_schema

    schema = build_schema()
    for name in TEXT_FIELDS:
        assert schema[name].analyzer == FusedSwedishAnalyzer(stemmed=True)
    assert schema[SPELL_FIELD].analyzer == FusedSwedishAnalyzer(stemmed=False)


def test_pickled_schema_carries_no_memo_and_works_in_a_fresh_process():
    from index.schema import build_schema

    list(FusedSwedishAnalyzer()("Förskolesocionomer granskar nämnden"))
    data = pickle.dumps(build_schema())
    assert b"socionom" not in data
    code = ("import pickle, sys; s = pickle.loads(sys.stdin.buffer.read()); "
            "print(' '.join(t.text for t in s['body'].analyzer('Nämnden f6r barnen')))")
    out = subprocess.run([sys.executable, "-c", code], input=data, capture_output=True, check=True)
    chain = " ".join(t.text for t in swedish_analyzer()("Nämnden f6r barnen"))
    assert out.stdout.decode().strip() == chain


@pytest.mark.parametrize("stemmed", [True, False])
def test_fused_analyzer_pickles_to_an_equal_analyzer(stemmed):
    fused = FusedSwedishAnalyzer(stemmed=stemmed)
    assert pickle.loads(pickle.dumps(fused)) == fused
    assert FusedSwedishAnalyzer(stemmed=True) != FusedSwedishAnalyzer(stemmed=False)
