"""Each fold alone, on short Swedish of our own: what it merges, and what it must keep apart."""

from __future__ import annotations

import ast
import doctest
import re
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from ingest import folding
from ingest.folding import (
    confusion_class_table,
    fold_confusion_classes,
    fold_diacritics,
    fold_for_matching,
    fold_label,
    fold_ocr_confusions,
    fold_ocr_vowels,
    fold_vowels,
    fold_word_skeleton,
)

ROOT = Path(__file__).resolve().parent.parent


def test_the_docstring_examples_hold():
    result = doctest.testmod(folding)
    assert result.attempted >= 10 and result.failed == 0


def test_fold_diacritics_drops_case_and_marks_one_character_for_one():
    assert fold_diacritics("Översyn av Nämndens Åtgärder") == "oversyn av namndens atgarder"
    assert fold_diacritics("stöd") != fold_diacritics("stad")
    assert fold_diacritics("senast 2026-03-31.") == "senast 2026-03-31."


@given(st.text(max_size=60))
def test_fold_diacritics_and_fold_vowels_keep_the_length(text):
    assert len(fold_diacritics(text)) == len(text)
    assert len(fold_vowels(text)) == len(text)


def test_fold_label_compares_names_whatever_their_case_marks_and_spacing():
    assert fold_label(" Kulturnämnden ") == fold_label("kulturnamnden") == "kulturnamnden"
    assert fold_label("Malmö\u00a0 stad") == "malmo stad"
    assert fold_label("Straße") == "strasse"  # casefold, unlike fold_diacritics
    assert fold_label("Växjö") != fold_label("Vaxsjo")


def test_fold_vowels_merges_every_vowel_but_keeps_consonants_digits_and_signs():
    assert fold_vowels("Förskolan") == fold_vowels("Farskalan") == "farskalan"
    assert fold_vowels("stöd") == fold_vowels("stad")
    assert fold_vowels("f6r, 2025") == "f6r, 2025"


def test_fold_for_matching_reads_ocr_digits_inside_words_and_keeps_the_length():
    assert fold_for_matching("Nämnden") == fold_for_matching("Namnden") == fold_for_matching("Némnden")
    assert fold_for_matching("för") == fold_for_matching("f6r") == fold_for_matching("{or")
    assert fold_for_matching("år 2024") == "ar 2024"  # a year is not OCR damage
    text = "Arbetsmarknads — och socialnamnden"
    assert len(fold_for_matching(text)) == len(text)


@given(st.text(max_size=60))
def test_fold_for_matching_is_length_preserving_for_any_text(text):
    assert len(fold_for_matching(text)) == len(text)


def test_fold_ocr_confusions_merges_heading_keywords_through_ocr_damage():
    for damaged in ["Arendet", "Érendet", "Ärendet"]:
        assert fold_ocr_confusions(damaged) == fold_ocr_confusions("Ärendet")
    assert fold_ocr_confusions("Férvaltningens dvervaganden") == fold_ocr_confusions("Förvaltningens överväganden")
    assert fold_ocr_confusions("Inriktningsmal") == fold_ocr_confusions("Inriktningsmål")
    for damaged in ["Uppfoljning", "Uppf6ljning", "Uppféljning"]:
        assert fold_ocr_confusions(damaged) == fold_ocr_confusions("Uppföljning")
    assert fold_ocr_confusions("Bakgrund:  2") == "hakgrana"
    assert fold_ocr_confusions("Beslut") != fold_ocr_confusions("Bilaga")


def test_fold_ocr_confusions_is_the_same_on_both_sides_of_its_memo():
    short = "Förslag till beslut"
    long_ = " ".join([short] * 10)
    assert len(short) <= folding._MEMO_CHARS < len(long_)
    assert fold_ocr_confusions(long_) == " ".join([fold_ocr_confusions(short)] * 10)


def test_fold_word_skeleton_is_lighter_than_fold_ocr_confusions():
    assert fold_word_skeleton("för") == fold_word_skeleton("fér") == fold_word_skeleton("f6r") == "far"
    assert fold_word_skeleton("med,") == "mad"
    assert fold_word_skeleton("1") == "1"  # a number, not a vowel
    assert fold_word_skeleton("skede") != fold_word_skeleton("ska")
    assert fold_ocr_confusions("skede") == fold_ocr_confusions("ska")


def test_fold_ocr_vowels_meets_ocr_readings_but_keeps_other_vowels_apart():
    assert fold_ocr_vowels("bättre") == fold_ocr_vowels("bittre") == fold_ocr_vowels("battre")
    assert fold_ocr_vowels("för") == fold_ocr_vowels("fér")
    assert fold_ocr_vowels("våld") == fold_ocr_vowels("vald") == fold_ocr_vowels("väld")
    assert fold_ocr_vowels("stöd") != fold_ocr_vowels("stad")
    assert fold_ocr_vowels("hus") != fold_ocr_vowels("has")


def test_fold_confusion_classes_gives_a_damaged_word_its_original_key():
    table = confusion_class_table({"ä": "\ue000", "a": "\ue000", "i": "\ue000", "l": "\ue001", "1": "\ue001"})
    assert fold_confusion_classes("bittre", table) == fold_confusion_classes("bättre", table)
    assert fold_confusion_classes("1agen", table) == fold_confusion_classes("lagen", table)
    assert fold_confusion_classes("nymnd", table) != fold_confusion_classes("nämnd", table)


def test_every_fold_lives_in_ingest_folding():
    """One name per meaning: a new fold joins ingest/folding.py, it is not defined beside its use."""
    allowed = {"fold_key", "fold_map"}  # the analyzer's marked index term; repair's class map
    elsewhere = []
    for layer in ("ingest", "index", "kb", "web"):
        for path in (ROOT / layer).rglob("*.py"):
            if path == ROOT / "ingest" / "folding.py":
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and re.match(r"_*fold(?:_|$)", node.name)
                        and node.name not in allowed):
                    elsewhere.append(f"{path.relative_to(ROOT)}:{node.name}")
    assert elsewhere == []
