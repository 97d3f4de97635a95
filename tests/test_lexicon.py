"""The Swedish lexicon: frequencies, Hunspell forms, compound splitting, the compact cache."""

from __future__ import annotations

import pytest

from ingest import lexicon
from ingest.lexicon import (
    HUNSPELL_FREQ,
    AffixFormatError,
    Lexicon,
    check_affix_format,
    expand_hunspell,
    get_lexicon,
    load_lexicon,
)


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
    assert not lex.in_hunspell("namnden")


def test_proper_nouns_are_names_not_common_words(lex):
    assert lex.is_name("pia") and not lex.in_hunspell("pia")
    assert lex.is_name("malmö")
    assert lex.is_name("lund") and lex.in_hunspell("lund")  # both: the town and the grove
    assert not lex.is_name("nämnden")
    assert "pia" in lex and lex.freq("pia") > 0.0


def test_split_keeps_hunspell_compound_form(lex):
    assert lex.split_compound("förskolesocionomer") == ["förskole", "socionomer"]


def test_split_handles_linking_s(lex):
    segments = lex.compound_segments("trygghetsvandringsrutin")
    assert segments == ["trygghets", "vandrings", "rutin"]
    parts = lex.split_compound("handläggningsrutin")
    assert parts is not None and parts[-1] == "rutin"


def test_split_prefers_fewest_parts(lex):
    assert lex.split_compound("grundvattenförekomster") == ["grundvatten", "förekomster"]


def test_words_that_do_not_split_give_none(lex):
    assert lex.split_compound("bedémningen") is None
    assert lex.split_compound("akt") is None
    assert lex.split_compound("qqqqwwwwzzzz") is None
    assert lex.split_compound("") is None


def test_unlisted_compound_gets_a_small_pseudo_frequency(lex):
    assert 0.0 < lex.compound_freq("grundvattenförekomster") < lex.freq("förekomster")
    assert lex.compound_freq("bedémningen") == 0.0


AFF = """SET UTF-8
SFX A Y 1
SFX A 0 en [^e]
SFX B Y 2
SFX B a 0/XZ a
SFX B 0 n a
SFX C Y 1
SFX C 0 s .
"""
DIC = """6
nämnd/A
skola/B
Pia/C
ad hoc
tack,
%förbjud
"""


def test_expand_hunspell_applies_suffix_rules_and_compound_flags():
    words, heads, names = expand_hunspell(DIC, AFF)
    assert {"nämnd", "nämnden", "skola", "skolan"} <= words
    assert "skol" in heads and "skol" not in words  # compound-only form (only in compounds)
    assert names == {"pia", "pias"} and "pia" not in words  # an entry with a capital is a name
    assert "ad" not in words and "tack," not in words  # multi-word entries and junk are skipped


@pytest.mark.parametrize("directive", ["FLAG long", "PFX A Y 1\nPFX A 0 o .", "AF 2", "SFX D Y 1\nSFX D 0 a/D ."])
def test_affix_features_the_reader_does_not_implement_are_refused(directive):
    with pytest.raises(AffixFormatError):
        check_affix_format(AFF + directive.replace("\\n", "\n") + "\n")
    check_affix_format(AFF)  # the features it does implement pass


def test_cache_folder_is_named_by_the_data_versions(monkeypatch, tmp_path):
    monkeypatch.setenv("KB_LEXICON_CACHE", str(tmp_path))
    name = lexicon.cache_dir().name
    for package, version in lexicon.data_versions().items():
        assert f"{package}-{version}" in name
    assert f"_f{lexicon.CACHE_FORMAT}" in name
    # the digest of the dictionary files read is part of the key too
    monkeypatch.setattr(lexicon, "_hunspell_files", lambda: None)
    assert lexicon.cache_dir().name != name


def test_cache_folder_is_read_instead_of_rebuilding(tmp_path):
    folder = tmp_path / "lex"
    tiny = Lexicon.from_sources({"katt": 300}, {"katt", "hund"}, {"kattmat"}, names={"måns"})
    lexicon.write_cache(folder, tiny)
    small = load_lexicon(folder)
    assert small.freq("katt") == pytest.approx(1e-3)
    assert small.freq("hund") == HUNSPELL_FREQ
    assert small.is_compound_head("kattmat") and "kattmat" not in small
    assert small.is_name("måns") and "måns" in small
    assert "nämnden" not in small  # proves the tiny cache was used, not the real sources
