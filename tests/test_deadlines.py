"""Every deadline form of issue 5, as inclusive ISO ranges relative to the document's date."""

import datetime as dt

import pytest

from ingest.deadlines import find_deadline_phrases, parse_deadline

MARCH_2024 = dt.date(2024, 3, 14)


@pytest.mark.parametrize("sentence, start, end", [
    ("Utredningen ska vara klar den 31 maj 2024.", "2024-05-31", "2024-05-31"),
    ("Rutinen återrapporteras i januari 2025.", "2025-01-01", "2025-01-31"),
    ("Tjänsten ska införas under 2025.", "2025-01-01", "2025-12-31"),
    ("Enkäten skickas ut under våren 2024.", "2024-03-01", "2024-06-30"),
    ("Enkäten skickas ut under hösten 2024.", "2024-09-01", "2024-12-31"),
    ("Innan sommaren 2024 kommer enheten ta fram en folder.", "2024-01-01", "2024-06-30"),
    ("Uppföljning sker i början av 2026.", "2026-01-01", "2026-03-31"),
    ("Rapporten lämnas i slutet av 2026.", "2026-10-01", "2026-12-31"),
    ("Planen ses över under första halvåret 2024.", "2024-01-01", "2024-06-30"),
    ("Kursen hålls mars–april 2024.", "2024-03-01", "2024-04-30"),
    ("Kursen hålls under mars-april 2024.", "2024-03-01", "2024-04-30"),
    ("Förslaget läggs fram senast vid juni månads sammanträde.", "2024-06-01", "2024-06-30"),
    ("Vi inför tjänsten i år.", "2024-01-01", "2024-12-31"),
    ("Vi inför tjänsten nästa år.", "2025-01-01", "2025-12-31"),
    ("Projektet pågår under 2024–2025.", "2024-01-01", "2025-12-31"),
    ("Utfallet redovisas för nämnden i augusti och november 2025.", "2025-08-01", "2025-11-30"),
    ("Planen ska vara antagen senast 2025-06-30.", "2025-06-30", "2025-06-30"),
    ("Arbetet ska vara klart till årsskiftet.", "2024-01-01", "2024-12-31"),
    ("Utbildningen ges under hösten.", "2024-09-01", "2024-12-31"),
    ("Personalen utbildas under 2024 och början av 2025.", "2024-01-01", "2025-03-31"),
    ("Systemet byts under tredje kvartalet 2025.", "2025-07-01", "2025-09-30"),
    ("Mätningen görs vecka 12 2025.", "2025-03-17", "2025-03-23"),
    ("Tjänsten införs i december 2024 och januari 2025.", "2024-12-01", "2025-01-31"),
])
def test_deadline_forms(sentence, start, end):
    d = parse_deadline(sentence, MARCH_2024, 2024)
    assert d is not None, sentence
    assert (d.start, d.end) == (start, end)
    assert d.flag is None


def test_phrase_text_keeps_its_preposition():
    d = parse_deadline("Innan sommaren 2024 kommer enheten ta fram en folder.", MARCH_2024, 2024)
    assert d.text == "Innan sommaren 2024"


def test_ocr_text_without_diacritics_reads_the_same():
    d = parse_deadline("Arbetet redovisas i borjan av 2026.", MARCH_2024, 2024)
    assert (d.start, d.end) == ("2026-01-01", "2026-03-31")
    d = parse_deadline("Enkaten skickas ut under varen 2025.", MARCH_2024, 2024)
    assert (d.start, d.end) == ("2025-03-01", "2025-06-30")


def test_joined_phrases_share_the_year_and_cover_both():
    d = parse_deadline("Kurser ges i slutet av februari och i början av mars 2024.", dt.date(2024, 1, 15), 2024)
    assert (d.start, d.end) == ("2024-02-21", "2024-03-10")


def test_season_without_year_already_past_means_next_year():
    d = parse_deadline("Enkäten skickas ut under våren.", dt.date(2024, 9, 2), 2024)
    assert (d.start, d.end) == ("2025-03-01", "2025-06-30")


def test_meeting_month_is_the_documents_year_even_when_past():
    d = parse_deadline("Beslut fattas vid juni månads sammanträde.", dt.date(2024, 9, 2), 2024)
    assert (d.start, d.end) == ("2024-06-01", "2024-06-30")
    assert d.flag == "before_document"


def test_year_only_document_anchors_relative_phrases():
    d = parse_deadline("Vi inför tjänsten nästa år.", None, 2025)
    assert (d.start, d.end) == ("2026-01-01", "2026-12-31")


def test_deadline_before_its_document_is_flagged():
    d = parse_deadline("Den nya modellen ska vara införd under 2020.", dt.date(2025, 2, 1), 2025)
    assert (d.start, d.end, d.flag) == ("2020-01-01", "2020-12-31", "before_document")


def test_senast_wins_over_an_earlier_phrase():
    d = parse_deadline("Under 2024 togs planen fram och den ska följas upp senast den 15 mars 2025.",
                       MARCH_2024, 2024)
    assert (d.start, d.end) == ("2025-03-15", "2025-03-15")


@pytest.mark.parametrize("sentence", [
    "Enligt SOSFS 2011:9 ska nämnden ha ett ledningssystem.",
    "Ärendet har diarienummer BN-2023-18490.",
    "Inom ramen för intern kontroll 2024 ses rutinerna över.",
    "Vår referens är handläggaren.",
])
def test_numbers_that_are_not_deadlines(sentence):
    assert parse_deadline(sentence, MARCH_2024, 2024) is None


def test_find_phrases_reports_offsets():
    sentence = "Kursen hålls under mars-april 2024."
    [p] = find_deadline_phrases(sentence)
    assert sentence[p.start:p.end] == "under mars-april 2024"


def _table_examples(kind):
    from ingest.tables import load_table

    for rule, spec in load_table("deadlines")["examples"].items():
        for row in spec.get(kind, []):
            yield pytest.param(row, id=f"{rule}: {row if isinstance(row, str) else row[0]}")


@pytest.mark.parametrize("row", list(_table_examples("must")))
def test_table_examples_read_as_stated(row):
    sentence, date, start, end = row
    d = parse_deadline(sentence, dt.date.fromisoformat(date), int(date[:4]))
    assert d is not None, sentence
    assert (d.start, d.end) == (start, end)


@pytest.mark.parametrize("sentence", list(_table_examples("must_not")))
def test_table_examples_without_a_deadline(sentence):
    assert parse_deadline(sentence, MARCH_2024, 2024) is None
