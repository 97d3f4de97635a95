"""The Swedish words the pages use for the service's English codes: tables, not branches.

A new verdict or status is one more row here; the pages, the filters and the tabs follow.
``VERDICT_TABLE`` already holds every verdict tracing gives or will give (issue 13's
``reported / delayed / not_done / overdue / pending / no_report``), so a change there flows
through as data.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Verdict:
    """One bedömning: its label, what it means (shown as help text) and how urgent it is
    (``rank``: the order of the tabs and of "sortera på bedömning", most urgent first)."""

    code: str
    label: str
    meaning: str
    rank: int
    reports: bool  # a later document reports on the promise (its follow-ups are listed)


VERDICT_TABLE: tuple[Verdict, ...] = (
    Verdict("overdue", "Förfallet utan rapport",
            "Tidpunkten har passerat och inget senare dokument rapporterar om åtagandet.", 0, False),
    Verdict("not_done", "Ej genomfört",
            "Ett senare dokument säger att åtagandet inte har genomförts eller har strukits.", 1, True),
    Verdict("delayed", "Försenat",
            "Ett senare dokument säger att arbetet är försenat eller flyttat till en ny tidpunkt.", 2, True),
    Verdict("pending", "Ej förfallet",
            "Tidpunkten har inte passerat och inget senare dokument rapporterar om åtagandet än.", 3, False),
    Verdict("no_report", "Ingen rapport",
            "Inget senare dokument rapporterar om åtagandet, och ingen passerad tidpunkt finns.", 4, False),
    Verdict("reported", "Rapporterat",
            "Ett senare dokument rapporterar att åtagandet är genomfört eller pågår som utlovat.", 5, True),
)
VERDICTS_BY_CODE = {v.code: v for v in VERDICT_TABLE}
VERDICTS = tuple(v.code for v in VERDICT_TABLE)
VERDICT_LABELS = {v.code: v.label for v in VERDICT_TABLE}
REPORTING_VERDICTS = frozenset(v.code for v in VERDICT_TABLE if v.reports)

STATUS_LABELS = {"planned": "Planerat", "ongoing": "Pågår", "done": "Genomfört"}
STATUS_ORDER = {"planned": 0, "ongoing": 1, "done": 2}

SEARCH_SORT_LABELS = {"relevance": "Relevans", "date": "Datum"}
VIEW_LABELS = {"dokument": "Dokument", "avsnitt": "Avsnitt"}
COMMITMENT_SORT_LABELS = {"document": "Dokument", "deadline": "Tidpunkt", "status": "Status",
                          "verdict": "Bedömning", "committee": "Nämnd"}

MONTHS = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september",
          "oktober", "november", "december")


def verdict_rank(code: str | None) -> int:
    """Sort key of a verdict (unknown codes last)."""
    verdict = VERDICTS_BY_CODE.get(code or "")
    return verdict.rank if verdict else len(VERDICT_TABLE)


def swedish_date(iso: str | None) -> str:
    """"2024-05-03" -> "3 maj 2024"; a bare year or anything else stays as it is."""
    text = str(iso or "")
    parts = text.split("-")
    if len(parts) == 3 and all(p.isdigit() for p in parts):
        year, month, day = (int(p) for p in parts)
        if 1 <= month <= 12:
            return f"{day} {MONTHS[month - 1]} {year}"
    return text
