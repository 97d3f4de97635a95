"""Swedish dates and years in running text (ingest/dates.py)."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ingest.dates import find_dates, find_years, months, parse_date


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("Datum 2024-03-14", "2024-03-14"),
        ("Nämnden sammanträder den 21 mars 2024, § 103.", "2024-03-21"),
        ("Planen fastställdes 20 december 2023 av fullmäktige.", "2023-12-20"),
        ("med start den 1:e januari 2025", "2025-01-01"),
        ("senast 3 okt. 2022", "2022-10-03"),
        ("utskottet 25-01-02", "2025-01-02"),
        ("Uppsala den 12 februari 2025", "2025-02-12"),
        ("Daterad 2021.06.30", "2021-06-30"),
    ],
)
def test_each_written_form_gives_its_iso_date(text, iso):
    assert [d.iso for d in find_dates(text)] == [iso]


def test_a_date_that_is_not_in_the_calendar_is_not_a_date():
    assert find_dates("Mötet 2024-02-30 ställdes in") == []
    assert find_dates("den 31 april 2024") == []


def test_case_numbers_and_periods_are_not_dates():
    assert find_dates("Dnr SR-2023-81 och ASN-2024-2039, KS 2025/181") == []
    assert find_dates("Planen gäller 2022-2026") == []


def test_dates_come_in_reading_order_with_their_form():
    found = find_dates("Beredning 24-02-28, nämnden 2024-03-21 och beslut den 4 april 2024.")
    assert [(d.iso, d.form) for d in found] == [
        ("2024-02-28", "short"), ("2024-03-21", "iso"), ("2024-04-04", "written"),
    ]


def test_parse_date_accepts_only_a_date_standing_alone():
    assert parse_date(" 2025-01-02 ") == "2025-01-02"
    assert parse_date("14 mars 2024.") == "2024-03-14"
    assert parse_date("Malmö 2024-03-14") is None
    assert parse_date("ingen dag här") is None


def test_years_skip_ocr_noise_and_numbers_glued_to_letters():
    text = "Från och med 20206 införs lagen. Under 2024 har 155 möten hållits, se bilaga A2023."
    assert [y for y, _, _ in find_years(text)] == [2024]


def test_month_table_has_all_twelve_months():
    assert sorted(set(months().values())) == list(range(1, 13))
    assert months()["maj"] == 5 and months()["sept"] == 9


@given(st.text(alphabet=st.sampled_from(list("0123456789-./: denjaurimsplktovb")), max_size=40))
def test_every_found_date_is_a_real_calendar_date_inside_its_text(text):
    for d in find_dates(text):
        datetime.date.fromisoformat(d.iso)
        assert text[d.start:d.end] == d.text


@given(st.dates(min_value=datetime.date(1990, 1, 1), max_value=datetime.date(2039, 12, 31)))
def test_any_date_written_out_in_swedish_reads_back(day):
    names = {v: k for k, v in months().items() if len(k) > 3 or k == "maj"}
    assert parse_date(f"den {day.day} {names[day.month]} {day.year}") == day.isoformat()
    assert parse_date(day.isoformat()) == day.isoformat()
