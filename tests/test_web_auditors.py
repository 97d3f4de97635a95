"""Åtaganden and Spårning for auditors: documents named by title, date and section (never a file
name), matches and verdicts explained in Swedish, 50 per page, sortable, CSV of the current filter."""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import urlsplit

import pytest
from test_web_support import plan_index

from web import create_app
from web.labels import VERDICT_TABLE, VERDICTS
from web.tracing import explain_verdict


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    return create_app({"INDEX": str(plan_index(tmp_path_factory)), "RATE_LIMIT": 0}).test_client()


def html(response) -> str:
    return response.get_data(as_text=True)


def commitment_cards(page: str) -> list[str]:
    return re.findall(r'<li class="commitment card">(.*?)</li>\s*(?=<li class="commitment card">|</ol>)', page, re.S)


def test_fifty_commitments_per_page_and_the_rest_on_the_next(client):
    data = client.get("/api/v1/commitments").get_json()
    assert data["total"] > 60 and len(data["commitments"]) == 50
    page = html(client.get("/ataganden"))
    assert len(commitment_cards(page)) == 50
    next_url = re.search(r'<a href="([^"]+)" rel="next">', page).group(1).replace("&amp;", "&")
    second = html(client.get(next_url))
    assert len(commitment_cards(second)) == data["total"] - 50
    assert 'start="51"' in second


def test_sources_are_named_by_title_date_and_section_never_by_file_name(client):
    page = html(client.get("/ataganden?committee=Fritidsn%C3%A4mnden"))
    assert ".txt" not in page
    card = commitment_cards(page)[0]
    assert "Handlingsplan för fritid och lärande 2024</a>, <span class=\"nowrap\">2023-11-20</span>" in card
    assert re.search(r"avsnittet <span class=\"section-name\">”Rekommendation \d", card)


@pytest.mark.parametrize("key, value", [
    ("deadline", lambda c: ((c["deadline"] or {}).get("end") is None, (c["deadline"] or {}).get("end") or "")),
    ("committee", lambda c: (not c["committee"], (c["committee"] or "").casefold())),
    ("status", lambda c: ["planned", "ongoing", "done"].index(c["status"])),
    ("verdict", lambda c: [v.code for v in sorted(VERDICT_TABLE, key=lambda v: v.rank)].index(c["verdict"])),
])
def test_the_list_sorts_by_deadline_status_verdict_and_committee(client, key, value):
    rows = client.get(f"/api/v1/commitments?sort={key}&limit=500").get_json()["commitments"]
    keys = [value(c) for c in rows]
    assert keys == sorted(keys)
    page = html(client.get(f"/ataganden?sort={key}"))
    assert re.search(rf'<strong aria-current="true">{ {"deadline": "Tidpunkt", "committee": "Nämnd", "status": "Status", "verdict": "Bedömning"}[key]}</strong>', page)


def test_the_csv_download_holds_the_current_filter(client):
    page = html(client.get("/ataganden?committee=Grundskolen%C3%A4mnden&sort=deadline"))
    link = re.search(r'<a class="button-small button-link" href="([^"]+)" download>', page).group(1)
    link = link.replace("&amp;", "&")
    assert urlsplit(link).path == "/ataganden.csv"
    response = client.get(link)
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    expected = client.get("/api/v1/commitments?committee=Grundskolen%C3%A4mnden").get_json()["total"]
    assert len(rows) == expected >= 2
    assert {r["committee"] for r in rows} == {"Grundskolenämnden"}
    assert all(r["document_title"] and r["document_date"] for r in rows)
    ends = [r["deadline_end"] for r in rows]
    assert ends == sorted(ends)


def test_the_csv_is_not_paged(client):
    text = client.get("/ataganden.csv").get_data(as_text=True)
    total = client.get("/api/v1/commitments").get_json()["total"]
    assert len(list(csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))) == total > 50


def test_date_fields_take_the_swedish_format(client):
    page = html(client.get("/ataganden"))
    for name in ("due_before", "as_of"):
        field = re.search(rf'<input [^>]*name="{name}"[^>]*>', page, re.S).group(0)
        assert 'type="text"' in field and 'placeholder="ÅÅÅÅ-MM-DD"' in field and "pattern=" in field
    assert client.get("/ataganden?due_before=2024-06-30").status_code == 200
    assert client.get("/ataganden?due_before=30/06/2024").status_code == 400


def test_follow_ups_are_explained_in_swedish_without_scores_or_file_names(client):
    cases = html(client.get("/sparning"))
    case_url = re.search(r'<a href="(/sparning/[^"]+)">Skolskjutsar</a>', cases).group(1)
    page = html(client.get(case_url + "?as_of=2025-01-01"))
    assert "poäng" not in page and ".txt" not in page and "Grund</dt>" not in page
    assert re.search(r"Varför:</span> samma rekommendation \(1\); gemensamma ord: [a-zåäö]", page)
    assert "Uppföljande yttrande om skolskjutsar</a>" in page
    assert re.search(r"<dt>Bedömning</dt><dd>Uppföljande yttrande om skolskjutsar, 12 juni 2024, avsnittet ”"
                     r"Rekommendation 1[^”]*” rapporterar om åtagandet \(samma rekommendation \(1\)", page)


def test_the_verdict_table_holds_every_verdict_tracing_gives():
    assert set(VERDICTS) == {"reported", "delayed", "not_done", "overdue", "pending", "no_report"}
    assert len({v.label for v in VERDICT_TABLE}) == 6


@pytest.mark.parametrize("verdict", ["delayed", "not_done", "pending"])
def test_every_verdict_filters_and_labels(client, verdict):
    response = client.get(f"/ataganden?verdict={verdict}")
    assert response.status_code == 200
    label = next(v.label for v in VERDICT_TABLE if v.code == verdict)
    assert f">{label} <span class=\"count\">0</span>" in html(response)  # the chosen tab, even at zero


def test_an_overdue_promise_says_when_its_time_ran_out():
    from datetime import date

    row = {"verdict": "overdue", "deadline": {"start": "2024-01-01", "end": "2024-03-31"}, "follow_ups": []}
    assert explain_verdict(row, date(2025, 1, 1)) == (
        "Tidpunkten (31 mars 2024) har passerat per 1 januari 2025, och inget senare dokument i ärendet "
        "rapporterar om åtagandet.")
    row = {"verdict": "no_report", "deadline": None, "follow_ups": []}
    assert explain_verdict(row, date(2025, 1, 1)).startswith("Ingen tidpunkt anges")
