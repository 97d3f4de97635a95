"""OCR repair of Swedish words, on short snippets written for these tests."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.repair import get_repairer, load_confusions, repair_text

DATA = Path(__file__).resolve().parent / "data" / "repair"
BENCH = Path(__file__).resolve().parent.parent / "benchmarks" / "repair_wer.py"


def _bench():
    spec = importlib.util.spec_from_file_location("repair_wer", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- confusion candidates ------------------------------------------------------------------------


def test_candidates_come_from_the_confusion_table():
    words = get_repairer().words
    cands = words.candidates("nimnden")
    assert "nämnden" in cands
    assert "nimnden" not in cands  # not a word


def test_rare_confusions_weigh_less_than_common_ones():
    words = get_repairer().words
    cands = words.candidates("bade")
    assert cands["både"] > cands["hade"]  # a→å is common, b→h is rare


def test_fold_map_puts_each_confusion_pair_in_one_class():
    fold = load_confusions().fold_map()
    assert fold["i"] == fold["ä"] == fold["a"] == fold["å"]
    assert fold["6"] == fold["ö"] == fold["o"]
    assert fold["t"] == fold["f"]
    assert "s" not in fold


@pytest.mark.parametrize(
    ("damaged", "repaired"),
    [
        ("nimnden", "nämnden"),
        ("f6r", "för"),
        ("fér", "för"),
        ("{6r", "för"),
        ("f&r", "för"),
        ("6ver", "över"),
        ("torvaltningen", "förvaltningen"),
        ("verksambet", "verksamhet"),
        ("kidrnprocesserna", "kärnprocesserna"),
        ("atgirder", "åtgärder"),
        ("sjiilva", "själva"),
        ("pa", "på"),
        ("tva", "två"),
    ],
)
def test_damaged_words_are_restored(damaged, repaired):
    assert repair_text(f"Det gäller {damaged} nu.") == f"Det gäller {repaired} nu."


def test_split_letters_at_the_start_keep_their_capital():
    assert repair_text("Séikerstilla rutinen.") == "Säkerställa rutinen."


# --- case, and what must never change ------------------------------------------------------------


def test_case_pattern_is_restored():
    assert repair_text("Nimnden beslutar.") == "Nämnden beslutar."
    assert repair_text("nimnden beslutar.") == "nämnden beslutar."


def test_all_caps_words_are_left_alone():
    text = "NIMNDEN och ASN, IFO samt BBIC gäller."
    assert repair_text(text) == text


def test_email_urls_and_case_numbers_are_left_alone():
    text = "Skriv till karin.stromberg@kommun.example.se eller se https://www.exempel.se/stod, dnr SR-2023-81."
    assert repair_text(text) == text


def test_whitespace_punctuation_and_numbers_are_kept_exactly():
    text = "  Nimnden\tf6r (2024)!\n\n  -- 3,5 %;\r\n"
    assert repair_text(text) == "  Nämnden\tför (2024)!\n\n  -- 3,5 %;\r\n"


def test_known_words_need_strong_evidence_to_change():
    text = "En akt om vart och ett årlig uppdrag. Föreliggande beslut."
    assert repair_text(text) == text


def test_hopeless_words_are_left_alone():
    assert repair_text("xqzvb gröt") == "xqzvb gröt"


def test_correct_compounds_missing_from_the_lexicon_stay():
    assert repair_text("förskolenämnden beslutar") == "förskolenämnden beslutar"


def test_mid_sentence_capital_g_is_a_lower_case_o_umlaut():
    assert repair_text("Hon tittade Gver planen.") == "Hon tittade över planen."


# --- compounds -----------------------------------------------------------------------------------


def test_damaged_compounds_are_repaired_part_by_part():
    assert repair_text("Till forskolenimnden.") == "Till förskolenämnden."
    assert repair_text("En fordjupningsutbildning ges.") == "En fördjupningsutbildning ges."


# --- the lone "1" and context rules --------------------------------------------------------------


def test_lone_one_between_words_is_the_preposition_i():
    assert repair_text("Hon bor 1 staden.") == "Hon bor i staden."
    assert repair_text("arbetet, 1 syfte att") == "arbetet, i syfte att"


def test_one_stays_a_number_where_it_counts_or_numbers():
    for text in ("Rekommendation 1 gäller.", "Det tog 1 timme.", "den 1 januari", "Punkt 1.", "1 800 barn"):
        assert repair_text(text) == text


def test_vald_is_violence_next_to_violence_words():
    assert repair_text("arbetet mot hedersrelaterat vald och förtryck") == (
        "arbetet mot hedersrelaterat våld och förtryck"
    )
    assert repair_text("utsatt för vald i nära relation") == "utsatt för våld i nära relation"


def test_vald_stays_when_someone_was_elected():
    assert repair_text("Hon blev vald till ordförande.") == "Hon blev vald till ordförande."


def test_ar_next_to_numbers_is_year():
    assert repair_text("under tre ar") == "under tre år"
    assert repair_text("efter 2 ar") == "efter 2 år"
    assert repair_text("Det ar viktigt.") == "Det är viktigt."


def test_stod_before_till_is_support():
    assert repair_text("ett bra stod till familjen") == "ett bra stöd till familjen"
    assert repair_text("Han stod still.") == "Han stod still."


def test_comparative_before_in_means_than():
    assert repair_text("större in vad vi trodde") == "större än vad vi trodde"


def test_adjective_fortsatta_is_not_the_verb():
    assert repair_text("nämndens fortsatta arbete") == "nämndens fortsatta arbete"


def test_gazetteer_restores_place_names():
    assert repair_text("Malmo stad och Goteborg") == "Malmö stad och Göteborg"


# --- robustness and speed ------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_never_raises_and_keeps_text_without_letters(text):
    out = repair_text(text)
    assert re.sub(r"[\w{£&]+", "W", out) == re.sub(r"[\w{£&]+", "W", text)  # only words change
    if not any(c.isalpha() for c in text):
        assert out == text


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="aäåoöéi6d41tfbhnmrsk {&£GOÄÖ.,\n", max_size=120))
def test_ocr_like_noise_never_raises_and_keeps_line_breaks(text):
    out = repair_text(text)
    assert out.count("\n") == text.count("\n")
    assert len(out.split()) == len(text.split())


# --- word error on our own damaged document ------------------------------------------------------


def test_word_error_on_own_document_is_below_two_percent():
    bench = _bench()
    text = (DATA / "yttrande_fritid.txt").read_text(encoding="utf-8")
    damaged = bench.damage(text, seed=7)
    before, words, _ = bench.word_errors(text, damaged)
    after, _, wrong = bench.word_errors(text, repair_text(damaged))
    assert words > 350
    assert before / words > 0.15
    assert after / words < 0.02, wrong


def test_fewer_changes_win_over_a_somewhat_more_frequent_word():
    assert repair_text("Foreliggande yttrande") == "Föreliggande yttrande"


def test_junk_forms_of_the_web_word_list_are_not_offered():
    assert "äär" in get_repairer().words.candidates("aar")  # the web list has it...
    assert repair_text("ett aar här") == "ett aar här"  # ...but it is not a repair


def test_split_letters_are_a_last_resort():
    assert repair_text("dir finns") == "där finns"  # i for ä, not "di" for ä
    assert repair_text("motionédrerna svarar") == "motionärerna svarar"


def test_one_glued_to_i_is_dropped():
    assert repair_text("arbetet i1 staden") == "arbetet i staden"


def test_bare_domain_names_are_left_alone():
    assert repair_text("se malmo.se för mer") == "se malmo.se för mer"


def test_split_letter_a_umlaut_inside_a_word():
    assert repair_text("sjiilva planen") == "själva planen"


def test_clean_text_comes_back_unchanged():
    text = (DATA / "yttrande_fritid.txt").read_text(encoding="utf-8")
    assert repair_text(text) == text


def test_pathological_tokens_are_bounded():
    for token in ("ii" * 19, "i" * 39, "éi" * 19, "a1" * 19, "x" * 5000):
        out = repair_text(f"ord {token} ord")
        assert out.startswith("ord ") and out.endswith(" ord")
