"""Follow-ups and verdicts on small cases written for the tests: a statement and the later
documents that report on it, in the layouts follow-ups use."""

from __future__ import annotations

import datetime as dt

import pytest

from ingest.document_builder import ingest_file
from kb.trace import trace

STATEMENT = """Lunds kommun
Kulturnämnden

Yttrande
Datum 2024-03-12
Diarienummer KN 2024/0101

Yttrande över revisorernas granskning av bibliotekens öppettider

Revisorerna rekommenderar nämnden att
1. utöka öppettiderna i stadsdelsbiblioteken,
2. följa upp besöksstatistiken varje kvartal.

Till rekommendation 1
Nämnden instämmer. Förvaltningen tar fram ett förslag till nya öppettider under hösten 2024.

Till rekommendation 2
En ny modell för besöksstatistik införs senast den 31 december 2024. Kulturförvaltningen kommer att
utbilda bibliotekarierna i registrering av besök under våren 2025.
"""

TABLE_FOLLOW_UP = """Lunds kommun
Kulturnämnden

Uppföljande yttrande
Datum 2025-04-02
Diarienummer KN 2025/0044

Uppföljning av nämndens åtgärder med anledning av revisorernas granskning

I nämndens yttrande den 12 mars 2024 redovisades åtgärder. Tabellen visar läget.

Rekommendation | Åtgärd | Status
1. Öppettider | Förslag till nya öppettider | Genomfört. Förslaget till nya öppettider antogs i november 2024.
2. Besöksstatistik | Ny modell för besöksstatistik | Försenat. Modellen för besöksstatistik beräknas nu vara införd i juni 2025.
"""

NOT_DONE_FOLLOW_UP = """Lunds kommun
Kulturnämnden

Uppföljande yttrande
Datum 2025-09-01
Diarienummer KN 2024/0101

Uppföljning av bibliotekens öppettider

Utbildning i registrering
Utbildningen av bibliotekarierna i registrering av besök har inte genomförts.
"""


@pytest.fixture()
def case(tmp_path):
    def build(*texts):
        docs = []
        for k, text in enumerate(texts):
            path = tmp_path / f"d{k}.txt"
            path.write_text(text, encoding="utf-8")
            docs.append(ingest_file(path))
        return docs
    return build


def promise(result, start):
    return next(c for case in result["cases"] for c in case["commitments"] if c["text"].startswith(start))


def test_a_table_row_reports_done_under_the_same_recommendation_without_a_shared_case_number(case):
    result = trace(case(STATEMENT, TABLE_FOLLOW_UP), as_of=dt.date(2025, 5, 1))
    p = promise(result, "Förvaltningen tar fram ett förslag")
    assert p["verdict"] == "reported"
    best = p["follow_ups"][0]
    assert best["source"] == "d1.txt" and "samma rekommendation (1)" in best["why"]
    assert "gemensamma ord:" in best["why"]


def test_a_delay_with_its_new_deadline(case):
    result = trace(case(STATEMENT, TABLE_FOLLOW_UP), as_of=dt.date(2025, 5, 1))
    p = promise(result, "En ny modell för besöksstatistik")
    assert p["verdict"] == "delayed"
    assert p["follow_ups"][0]["new_deadline"]["start"] == "2025-06-01"
    assert "ny tidpunkt 2025-06-01" in p["evidence"]


def test_not_done(case):
    result = trace(case(STATEMENT, TABLE_FOLLOW_UP, NOT_DONE_FOLLOW_UP), as_of=dt.date(2025, 10, 1))
    assert promise(result, "Kulturförvaltningen kommer att utbilda")["verdict"] == "not_done"


def test_a_follow_up_written_after_the_date_asked_about_does_not_count_yet(case):
    docs = case(STATEMENT, TABLE_FOLLOW_UP)
    assert promise(trace(docs, as_of=dt.date(2025, 1, 15)), "Förvaltningen tar fram ett förslag")["verdict"] == "overdue"
    assert promise(trace(docs, as_of=dt.date(2024, 10, 1)), "Förvaltningen tar fram ett förslag")["verdict"] == "pending"


def test_done_work_is_never_overdue_whatever_the_date(case):
    docs = case(STATEMENT, TABLE_FOLLOW_UP, NOT_DONE_FOLLOW_UP)
    for as_of in (dt.date(2025, 4, 2), dt.date(2026, 1, 1), dt.date(2030, 1, 1)):
        for c in (c for r in trace(docs, as_of=as_of)["cases"] for c in r["commitments"]):
            reported_done = any(u["reports"] and u["status"] == "done" and u["date"] <= as_of.isoformat()
                                for u in c["follow_ups"][:1])
            assert not (reported_done and c["verdict"] == "overdue"), c["text"]


def test_a_promise_without_a_deadline_and_without_a_report_is_no_report(case):
    text = STATEMENT.replace("Förvaltningen tar fram ett förslag till nya öppettider under hösten 2024.",
                             "Förvaltningen kommer att se över skyltningen.")
    result = trace(case(text), as_of=dt.date(2025, 1, 1))
    assert promise(result, "Förvaltningen kommer att se över")["verdict"] == "no_report"


def test_at_most_three_follow_ups_one_per_section(case):
    result = trace(case(STATEMENT, TABLE_FOLLOW_UP, NOT_DONE_FOLLOW_UP), as_of=dt.date(2025, 10, 1))
    for c in (c for r in result["cases"] for c in r["commitments"]):
        places = [(u["doc_id"], u["section"]) for u in c["follow_ups"]]
        assert len(places) <= 3 and len(set(places)) == len(places)


STATUS_HEADING_FOLLOW_UP = """Lunds kommun
Kulturförvaltningen

Tjänsteskrivelse
Datum 2025-09-01
Diarienummer KN 2024/0101

Kulturnämnden

Delrapport om biblioteken

Förslag till nya öppettider – försenat
Arbetet har försenats eftersom personalen saknades under våren. Det beräknas nu vara klart i november 2025.
"""


def test_an_unnumbered_heading_with_a_status_reports_on_its_work(case):
    result = trace(case(STATEMENT, STATUS_HEADING_FOLLOW_UP), as_of=dt.date(2025, 9, 30))
    p = promise(result, "Förvaltningen tar fram ett förslag")
    assert p["verdict"] == "delayed"
    assert p["follow_ups"][0]["source"] == "d1.txt"


@pytest.mark.parametrize("heading, title, status", [
    ("Analys av responstider per kommun – försenad", "Analys av responstider per kommun", "delayed"),
    ("Uppföljning av avvikelser – pågår enligt plan", "Uppföljning av avvikelser", "ongoing"),
    ("Hälso- och sjukvård – en översikt", None, None),
    ("Bakgrund", None, None),
])
def test_status_heading(heading, title, status):
    from kb.followups import status_heading

    got = status_heading(heading)
    assert (got[0], got[1].status) == (title, status) if title else got is None


def test_a_promise_is_looked_for_in_the_next_documents_of_its_case_only(case, monkeypatch):
    """A case grouped too widely must not cost its size squared: each promise is compared with
    the next FOLLOW_UP_HORIZON documents that may report on it (24; 1 here)."""
    from kb import followups

    docs = case(STATEMENT, TABLE_FOLLOW_UP, NOT_DONE_FOLLOW_UP)
    as_of = dt.date(2025, 10, 1)
    assert {u["source"] for u in promise(trace(docs, as_of=as_of), "Kulturförvaltningen kommer att utbilda")["follow_ups"]} >= {"d2.txt"}
    monkeypatch.setattr(followups, "FOLLOW_UP_HORIZON", 1)
    p = promise(trace(docs, as_of=as_of), "Kulturförvaltningen kommer att utbilda")
    assert {u["source"] for u in p["follow_ups"]} <= {"d1.txt"} and p["verdict"] != "not_done"
