"""The speed-ups must not change results: each fast path against the slow one it replaces."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from ingest import dates, deadlines, folding, labels, metadata
from ingest.repair import get_repairer
from ingest.tables import load_table

SWEDISH = st.text(
    alphabet=st.sampled_from(list("abcdefghijklmnopqrstuvwxyzåäöéüABCDEFGHIJKLMNOPQRSTUVWXYZÅÄÖÉ0123456789 .,:-/\n")
                             + ["\u0308", "ß", "İ", "ﬁ", "٣"]),
    max_size=80,
)


# --- the slow paths, as they were before the translate tables and lookups ----------------------


def slow_fold_diacritics(text: str) -> str:
    out = []
    for ch in text:
        low = ch.lower()[:1] or ch
        base = unicodedata.normalize("NFKD", low)[:1] or low
        out.append(base)
    return "".join(out)


def slow_fold_ocr_confusions(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.translate(folding._CONFUSABLE_CHARS)
    text = re.sub(r"[^a-z]+", " ", text)
    text = re.sub(r"a+", "a", text)
    return " ".join(text.split())


def slow_starts_with_keyword(text: str, names) -> int:
    words = re.findall(r"[^\s:–—\-]+(?:-[^\s:–—\-]+)*", text)
    keywords = sorted({(slow_fold_ocr_confusions(n), len(n.split())) for n in names}, key=lambda kw: -kw[1])
    for folded, n in keywords:
        if len(words) < n:
            continue
        head = slow_fold_ocr_confusions(" ".join(words[:n]))
        if head == folded or (len(folded) >= 10 and labels._one_edit(head, folded)):
            return n
    return 0


def slow_parse_label(text: str):
    text = text.strip()
    if not text[:1].isupper():
        return None
    sep = labels.SEPARATOR
    folded_words = {slow_fold_ocr_confusions(w): v for w, v in load_table("headings")["number_words"].items()}
    for kind, spec in load_table("headings")["labels"].items():
        n = slow_starts_with_keyword(text, spec["words"])
        if not n:
            continue
        spans = list(re.finditer(r"[^\s:–—\-]+(?:-[^\s:–—\-]+)*", text))
        end = spans[n - 1].end() if len(spans) >= n else len(text)
        word, tail = text[:end], text[end:]
        if spec["number"] == "dotted":
            m = re.match(r"\s*(\d{1,2})\s*[.,]\s*(\d{1,2})\b(?:" + sep + r"|\s+(?=[A-ZÅÄÖ])|\s*$)", tail)
            if m:
                return labels.Label(kind, word, f"{m.group(1)}.{m.group(2)}", tail[m.end():].strip())
            continue
        m = re.match(r"\s*(\d{1,2})\b(?![.,]\d)(?:" + sep + r"|\s+(?=[A-ZÅÄÖ])|\s*$)", tail)
        if m:
            return labels.Label(kind, word, int(m.group(1)), tail[m.end():].strip())
        m = re.match(r"\s*(\w+)(?:" + sep + r"|\s*$)", tail)
        if m and slow_fold_ocr_confusions(m.group(1)) in folded_words:
            return labels.Label(kind, word, folded_words[slow_fold_ocr_confusions(m.group(1))], tail[m.end():].strip())
        m = re.match(r"\s*([a-hA-H])(?:" + sep + r"|\s*$)", tail) if kind == "recommendation" else None
        if m:  # "Rekommendation b: ...": lettered a–h
            return labels.Label(kind, word, "abcdefgh".index(m.group(1).lower()) + 1, tail[m.end():].strip())
        if spec["number"] == "optional":
            m = re.match(r"\s*:\s*", tail)
            if m:
                return labels.Label(kind, word, None, tail[m.end():].strip())
    return None


def slow_one_edit(a: str, b: str) -> bool:
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) <= 1
    short, long_ = sorted((a, b), key=len)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


def slow_find_deadline_phrases(sentence: str):
    """Every pattern tried, digits or not."""
    folded = folding.fold_diacritics(sentence)
    found = [deadlines._phrase(kind, m) for kind, pattern in deadlines._patterns() for m in pattern.finditer(folded)]
    chosen = []
    for p in sorted(found, key=lambda p: -(p.end - p.start)):
        if all(p.end <= c.start or p.start >= c.end for c in chosen):
            if p.kind == "year_range" and p.values[1] <= p.values[0]:
                continue
            chosen.append(p)
    return sorted(chosen, key=lambda p: p.start)


def keyword_tables() -> list[list[str]]:
    t = load_table("headings")
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
def test_fold_diacritics_is_the_character_by_character_fold(text):
    assert folding.fold_diacritics(text) == slow_fold_diacritics(text)


@settings(max_examples=400, deadline=None)
@given(LONG_TEXT)
def test_fold_ocr_confusions_is_the_whole_text_fold(text):
    # both sides of the memo: short texts (cached) and long ones (folded afresh), asked twice
    assert folding.fold_ocr_confusions(text) == slow_fold_ocr_confusions(text)
    assert folding.fold_ocr_confusions(text) == slow_fold_ocr_confusions(text)


NEAR_WORDS = st.builds(
    lambda word, edits: _edit(word, edits),
    st.sampled_from(["uppfaljnang", "sammanfaffnang", "rakammandafaan", "a", ""]),
    st.lists(st.tuples(st.integers(0, 20), st.sampled_from(["", "a", "x", "ff"])), max_size=3),
)


def _edit(word: str, edits) -> str:
    for at, insert in edits:
        at = at % (len(word) + 1)
        word = word[:at] + insert + word[at + 1:] if insert != "ff" else word[:at] + "f" + word[at:]
    return word


@settings(max_examples=500, deadline=None)
@given(NEAR_WORDS, NEAR_WORDS)
def test_one_edit_gives_what_trying_every_edit_gives(a, b):
    assert labels._one_edit(a, b) == slow_one_edit(a, b)
    assert labels._one_edit(b, a) == slow_one_edit(b, a)


DEADLINE_TEXT = st.builds(
    lambda head, tail: head + tail,
    st.sampled_from(["senast den 31 maj 2024", "under våren", "i år och nästa år", "innan sommaren ",
                     "vecka 12 2025", "under första halvåret", "kvartal 3", "2024–2025", "i mars och april",
                     "vid juni månads sammanträde", "under hösten 2023/2024", ""]),
    SWEDISH,
)


@settings(max_examples=300, deadline=None)
@given(DEADLINE_TEXT)
def test_deadline_phrases_without_digit_patterns_when_there_is_no_digit(text):
    assert deadlines.find_deadline_phrases(text) == slow_find_deadline_phrases(text)


KEYWORDISH = st.builds(
    lambda head, tail: head + tail,
    st.sampled_from(["Rekommendation", "Rekommendation 2:", "Rekornmendation tre -", "Aktivitet 1.2",
                     "Inriktningsmal 4 –", "Förslag till beslut", "Forslag tili", "Uppfljning", "Beskrivning:",
                     "Sammanfattningsvis", "Bakgrund / Ärendet", "Ärendet", "Ansvariga", ""]),
    SWEDISH,
)


@settings(max_examples=300, deadline=None)
@given(KEYWORDISH)
def test_keyword_lookup_and_labels_give_what_the_keyword_loop_gives(text):
    for names in keyword_tables():
        assert labels.starts_with_keyword(text, names) == slow_starts_with_keyword(text, names)
    assert labels.parse_label(text) == slow_parse_label(text)


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
        assert folding.fold_ocr_confusions(line) == slow_fold_ocr_confusions(line), line
        assert folding.fold_diacritics(line) == slow_fold_diacritics(line), line
        for names in tables:
            assert labels.starts_with_keyword(line, names) == slow_starts_with_keyword(line, names), line
        assert labels.parse_label(line) == slow_parse_label(line), line
        assert deadlines.find_deadline_phrases(line) == slow_find_deadline_phrases(line), line


def test_fast_paths_on_generated_documents(tmp_path):
    from kb.bench.generator import generate

    lines = _lines_of(generate(20, tmp_path, 5))
    assert sum(labels.parse_label(line) is not None for line in lines) > 20  # labels are there to check
    _check_lines(lines)


def test_fast_paths_on_the_corpus(corpus_dir):
    lines = _lines_of(sorted(corpus_dir.glob("*.txt")))
    assert lines
    _check_lines(lines)


def test_parse_label_gives_a_fresh_label_each_time():
    first = labels.parse_label("Rekommendation två: Se över rutinerna")
    first.rest = "ändrad"
    again = labels.parse_label("Rekommendation två: Se över rutinerna")
    assert again.rest == "Se över rutinerna" and again.number == 2
    assert again is not first


@settings(max_examples=200, deadline=None)
@given(SWEDISH)
def test_date_shortcuts_give_what_the_date_finder_gives(text):
    assert metadata._find_dates(text) == dates.find_dates(text)
    assert metadata._parse_date(text) == dates.parse_date(text)


def test_every_doc_type_cue_match_contains_its_literal():
    for entry in load_table("doctypes")["types"]:
        for cue in entry["cues"]:
            literal = metadata.phrase_literal(cue["phrase"])
            pattern = metadata.phrase_pattern(cue["phrase"])
            # A text made of the cue itself must match, and the match must hold the literal.
            folded = folding.fold_for_matching(cue["phrase"].replace("*", "").replace("…", ""))
            matches = list(pattern.finditer(folded))
            assert matches, cue["phrase"]
            assert all(literal in m.group(0) for m in matches)


def test_phrase_literal_comes_from_the_longest_word():
    assert metadata.phrase_literal("Uppföljning av … handlingsplan*") == folding.fold_for_matching("handlingsplan")
    assert metadata.phrase_literal("…") == ""


def test_repeated_tokens_repair_like_the_first_time():
    repairer = get_repairer()
    text = "Namnden beslutar. Namnden har f6r avsikt att ge stéd, 1 enlighet med planen."
    first = repairer.repair(text)
    again = repairer.repair(text)
    assert first == again
    assert "Nämnden" in first and "för" in first and re.search(r"\bi enlighet\b", first)
