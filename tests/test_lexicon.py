"""The Swedish lexicon: frequencies, Hunspell forms, compound splitting, the compact cache."""

from __future__ import annotations

import pytest

from ingest import lexicon
from ingest.lexicon import HUNSPELL_FREQ, Lexicon, expand_hunspell, get_lexicon, load_lexicon


@pytest.fixture(scope="module")
def lex() -> Lexicon:
    return get_lexicon()


def test_common_words_have_frequencies_and_unknown_words_none(lex):
    assert lex.freq("nämnden") > 1e-6
    assert lex.freq("och") > lex.freq("nämnden")
    assert lex.freq("xqzvbnmkl") == 0.0
    assert "förvaltningen" in lex
    assert "xqzvbnmkl" not in lex


def test_accented_form_is_far_more_frequent_than_the_damaged_one(lex):
    # wordfreq lists damaged forms too; repair relies on the ratio, not on presence
    assert "nar" in lex
    assert lex.freq("när") > 100 * lex.freq("nar")
    assert lex.freq("två") > 100 * lex.freq("tva")


def test_hunspell_knows_curated_forms(lex):
    assert lex.in_hunspell("förvaltningen")
    assert not lex.in_hunspell("nimnden")


def test_split_keeps_hunspell_compound_form(lex):
    assert lex.split_compound("förskolesocionomer") == ["förskole", "socionomer"]


def test_split_handles_linking_s(lex):
    segments = lex.compound_segments("kvalitetsledningssystem")
    assert segments is not None and "".join(segments) == "kvalitetsledningssystem"
    assert segments[0] == "kvalitets"
    parts = lex.split_compound("fördjupningsutbildning")
    assert parts is not None and parts[-1] == "utbildning"


def test_split_prefers_fewest_parts(lex):
    parts = lex.split_compound("förskolenämnden")
    assert parts == ["förskole", "nämnden"]


def test_words_that_do_not_split_give_none(lex):
    assert lex.split_compound("nimnden") is None
    assert lex.split_compound("akt") is None
    assert lex.split_compound("qqqqwwwwzzzz") is None
    assert lex.split_compound("") is None


def test_unlisted_compound_gets_a_small_pseudo_frequency(lex):
    assert 0.0 < lex.compound_freq("förskolenämnden") < lex.freq("nämnden")
    assert lex.compound_freq("nimnden") == 0.0


AFF = """SET UTF-8
SFX A Y 1
SFX A 0 en [^e]
SFX B Y 2
SFX B a 0/XZ a
SFX B 0 n a
"""
DIC = """3
nämnd/A
skola/B
%förbjud
"""


def test_expand_hunspell_applies_suffix_rules_and_compound_flags():
    words, heads = expand_hunspell(DIC, AFF)
    assert {"nämnd", "nämnden", "skola", "skolan"} <= words
    assert "skol" in heads and "skol" not in words  # compound-only form (only in compounds)


def test_cache_folder_is_read_instead_of_rebuilding(tmp_path):
    folder = tmp_path / "lex"
    tiny = Lexicon.from_sources({"katt": 300}, {"katt", "hund"}, {"kattmat"})
    lexicon.write_cache(folder, tiny)
    small = load_lexicon(folder)
    assert small.freq("katt") == pytest.approx(1e-3)
    assert small.freq("hund") == HUNSPELL_FREQ
    assert small.is_compound_head("kattmat") and "kattmat" not in small
    assert "nämnden" not in small  # proves the tiny cache was used, not the real sources
