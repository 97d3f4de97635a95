"""The speed-ups must not change results: each fast path against the slow one it replaces."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from ingest import clean, commitments, dates, deadlines, metadata, sections
from ingest.repair import get_repairer

SWEDISH = st.text(
    alphabet=st.sampled_from(list("abcdefghijklmnopqrstuvwxyzåäöéüABCDEFGHIJKLMNOPQRSTUVWXYZÅÄÖÉ0123456789 .,:-/\n")
                             + ["\u0308", "ß", "İ", "ﬁ", "٣"]),
    max_size=80,
)


# --- the slow paths, as they were before the translate tables and lookups ----------------------


def slow_deadlines_fold(text: str) -> str:
    out = []
    for ch in text:
        low = ch.lower()[:1] or ch
        base = unicodedata.normalize("NFKD", low)[:1] or low
        out.append(base)
    return "".join(out)


def slow_clean_fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.translate(clean._FOLD_CHARS)
    text = re.sub(r"[^a-z]+", " ", text)
    text = re.sub(r"a+", "a", text)
    return " ".join(text.split())


def slow_starts_with_keyword(text: str, names) -> int:
    words = re.findall(r"[^\s:–—\-]+(?:-[^\s:–—\-]+)*", text)
    keywords = sorted({(slow_clean_fold(n), len(n.split())) for n in names}, key=lambda kw: -kw[1])
    for folded, n in keywords:
        if len(words) < n:
            continue
        head = slow_clean_fold(" ".join(words[:n]))
        if head == folded or (len(folded) >= 10 and clean._one_edit(head, folded)):
            return n
    return 0


def slow_parse_label(text: str):
    text = text.strip()
    if not text[:1].isupper():
        return None
    sep = sections.SEPARATOR
    folded_words = {slow_clean_fold(w): v for w, v in clean.table()["number_words"].items()}
    for kind, spec in clean.table()["labels"].items():
        n = slow_starts_with_keyword(text, spec["words"])
        if not n:
            continue
        spans = list(re.finditer(r"[^\s:–—\-]+(?:-[^\s:–—\-]+)*", text))
        end = spans[n - 1].end() if len(spans) >= n else len(text)
        word, tail = text[:end], text[end:]
        if spec["number"] == "dotted":
            m = re.match(r"\s*(\d{1,2})\s*[.,]\s*(\d{1,2})\b(?:" + sep + r"|\s+(?=[A-ZÅÄÖ])|\s*$)", tail)
            if m:
                return sections.Label(kind, word, f"{m.group(1)}.{m.group(2)}", tail[m.end():].strip())
            continue
        m = re.match(r"\s*(\d{1,2})\b(?![.,]\d)(?:" + sep + r"|\s+(?=[A-ZÅÄÖ])|\s*$)", tail)
        if m:
            return sections.Label(kind, word, int(m.group(1)), tail[m.end():].strip())
        m = re.match(r"\s*(\w+)(?:" + sep + r"|\s*$)", tail)
        if m and slow_clean_fold(m.group(1)) in folded_words:
            return sections.Label(kind, word, folded_words[slow_clean_fold(m.group(1))], tail[m.end():].strip())
        if spec["number"] == "optional":
            m = re.match(r"\s*:\s*", tail)
            if m:
                return sections.Label(kind, word, None, tail[m.end():].strip())
    return None


def keyword_tables() -> list[list[str]]:
    t = clean.table()
    kinds = [k for names in t["kinds"].values() for k in names]
    return [t["headings"]["keywords"], t["headings"]["inline"], t["headings"]["keywords"] + kinds,
            *(spec["words"] for spec in t["labels"].values())]


LONG_TEXT = st.text(
    alphabet=st.sampled_from(list("abcdefghijklmnopqrstuvwxyzåäöéüABCDEFGHIJKLMNOPQRSTUVWXYZÅÄÖÉ0123456789 .,:-/\n{")
                             + ["\u0308", "ß", "İ", "ﬁ", "٣", "Σ", "ø", "Æ"]),
    max_size=200,
)


@settings(max_examples=300, deadline=None)
@given(SWEDISH)
def test_deadlines_fold_is_the_character_by_character_fold(text):
    assert deadlines.fold(text) == slow_deadlines_fold(text)
    assert commitments.fold(text) == slow_deadlines_fold(text)


@settings(max_examples=400, deadline=None)
@given(LONG_TEXT)
def test_clean_fold_is_the_whole_text_fold(text):
    # both sides of the memo: short texts (cached) and long ones (folded afresh), asked twice
    assert clean.fold(text) == slow_clean_fold(text)
    assert clean.fold(text) == slow_clean_fold(text)


KEYWORDISH = st.builds(
    lambda head, tail: head + tail,
    st.sampled_from(["Rekommendation", "Rekommendation 2:", "Rekornmendation tre -", "Aktivitet 1.2",
                     "Inriktningsmal 4 –", "Förslag till beslut", "Forslag tili", "Uppfolining", "Beskrivning:",
                     "Sammanfattningsvis", "Bakgrund / Ärendet", "Ärendet", "Ansvariga", ""]),
    SWEDISH,
)


@settings(max_examples=300, deadline=None)
@given(KEYWORDISH)
def test_keyword_lookup_and_labels_give_what_the_keyword_loop_gives(text):
    for names in keyword_tables():
        assert clean.starts_with_keyword(text, names) == slow_starts_with_keyword(text, names)
    assert sections.parse_label(text) == slow_parse_label(text)


def _lines_of(paths) -> list[str]:
    out = []
    for path in paths:
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if line:
                out += [line, line.lstrip("*_#").strip()]
    return out


def _check_lines(lines: list[str]) -> None:
    tables = keyword_tables()
    for line in lines:
        assert clean.fold(line) == slow_clean_fold(line), line
        assert deadlines.fold(line) == slow_deadlines_fold(line), line
        for names in tables:
            assert clean.starts_with_keyword(line, names) == slow_starts_with_keyword(line, names), line
        assert sections.parse_label(line) == slow_parse_label(line), line


def test_fast_paths_on_generated_documents(tmp_path):
    from kb.bench.generator import generate

    lines = _lines_of(generate(20, tmp_path, 5))
    assert sum(sections.parse_label(line) is not None for line in lines) > 20  # labels are there to check
    _check_lines(lines)


def test_fast_paths_on_the_corpus(corpus_dir):
    lines = _lines_of(sorted(corpus_dir.glob("*.txt")))
    assert lines
    _check_lines(lines)


def test_parse_label_gives_a_fresh_label_each_time():
    first = sections.parse_label("Rekommendation två: Se över rutinerna")
    first.rest = "ändrad"
    again = sections.parse_label("Rekommendation två: Se över rutinerna")
    assert again.rest == "Se över rutinerna" and again.number == 2
    assert again is not first


@settings(max_examples=200, deadline=None)
@given(SWEDISH)
def test_date_shortcuts_give_what_the_date_finder_gives(text):
    assert metadata._find_dates(text) == dates.find_dates(text)
    assert metadata._parse_date(text) == dates.parse_date(text)


def test_every_doc_type_cue_match_contains_its_literal():
    for entry in metadata.table("doctypes")["types"]:
        for cue in entry["cues"]:
            literal = metadata.phrase_literal(cue["phrase"])
            pattern = metadata.phrase_pattern(cue["phrase"])
            # A text made of the cue itself must match, and the match must hold the literal.
            folded = metadata.fold(cue["phrase"].replace("*", "").replace("…", ""))
            matches = list(pattern.finditer(folded))
            assert matches, cue["phrase"]
            assert all(literal in m.group(0) for m in matches)


def test_phrase_literal_comes_from_the_longest_word():
    assert metadata.phrase_literal("Uppföljning av … handlingsplan*") == metadata.fold("handlingsplan")
    assert metadata.phrase_literal("…") == ""


def test_repeated_tokens_repair_like_the_first_time():
    repairer = get_repairer()
    text = "Nimnden beslutar. Nimnden har f6r avsikt att ge st6d, 1 enlighet med planen."
    first = repairer.repair(text)
    again = repairer.repair(text)
    assert first == again
    assert "Nämnden" in first and "för" in first and re.search(r"\bi enlighet\b", first)
