"""The speed-ups must not change results: each fast path against the slow one it replaces."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from ingest import commitments, dates, deadlines, metadata
from ingest.repair import get_repairer

SWEDISH = st.text(
    alphabet=st.sampled_from(list("abcdefghijklmnopqrstuvwxyzåäöéüABCDEFGHIJKLMNOPQRSTUVWXYZÅÄÖÉ0123456789 .,:-/\n")
                             + ["\u0308", "ß", "İ", "ﬁ", "٣"]),
    max_size=80,
)


@settings(max_examples=300, deadline=None)
@given(SWEDISH)
def test_commitments_fold_is_the_deadlines_fold(text):
    assert commitments.fold(text) == deadlines.fold(text)


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
