"""Promise tracing (spårning): what was promised, what later documents report, and the verdict
as of a date.

The follow-ups of each promise are ranked once per case (:mod:`kb.followups`, kept up to date
at ingest by :mod:`kb.tracestore`); a request only applies its ``as_of`` date, in time linear in
the number of promises it shows. The verdicts (bedömningar):

=============  =================================================================================
``reported``   a follow-up dated on or before ``as_of`` reports the promise done, or under way
               as promised
``delayed``    a follow-up reports it late or moved (``new_deadline`` where one is stated)
``not_done``   a follow-up reports it dropped or not done
``overdue``    the deadline has passed at ``as_of`` and no follow-up reports on it
``pending``    the deadline has not passed at ``as_of`` and no follow-up reports on it yet
``no_report``  the promise names no deadline and no follow-up reports on it
=============  =================================================================================

A follow-up that reports a promise done never yields ``overdue``; nor does a promise its own
document already reports done. ``evidence`` says in Swedish why.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from ingest.model import Document
from kb.cases import Case, group_cases
from kb.followups import commitment_row, trace_record

REPORTED, DELAYED, NOT_DONE, OVERDUE, PENDING, NO_REPORT = (
    "reported", "delayed", "not_done", "overdue", "pending", "no_report")
VERDICTS = (REPORTED, DELAYED, NOT_DONE, OVERDUE, PENDING, NO_REPORT)
VERDICT_HELP = {
    REPORTED: "a later document reports it done, or under way as promised",
    DELAYED: "a later document reports it late or moved (with the new deadline where one is stated)",
    NOT_DONE: "a later document reports it dropped or not done",
    OVERDUE: "the deadline has passed and no later document reports on it",
    PENDING: "the deadline has not passed and no later document reports on it yet",
    NO_REPORT: "it names no deadline and no later document reports on it",
}


def _published_by(follow_up: dict, as_of: dt.date) -> bool:
    """Was the follow-up's document there at ``as_of``? (A document without a date is.)"""
    when = str(follow_up.get("date") or "")
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", when):
        return when <= as_of.isoformat()
    if re.fullmatch(r"\d{4}", when):
        return int(when) <= as_of.year
    return True


def verdict(row: dict, as_of: dt.date) -> tuple[str, str, dict | None]:
    """(verdict, evidence in Swedish, the follow-up it rests on) of one traced promise."""
    reports = [u for u in row.get("follow_ups") or [] if u.get("reports") and _published_by(u, as_of)]
    deadline = row.get("deadline") or {}
    if reports:
        best = reports[0]
        where = f"{best['source']} § {best.get('heading') or best.get('section')}"
        status = best.get("status")
        if status == "delayed":
            new = best.get("new_deadline") or {}
            later = f"; ny tidpunkt {new['start']}–{new['end']}" if new else ""
            return DELAYED, f"{where}: försenat{later} ({best.get('why', '')})", best
        if status == "not_done":
            return NOT_DONE, f"{where}: inte genomfört ({best.get('why', '')})", best
        return REPORTED, f"{where}: {best.get('why', '')}", best
    if row.get("status") == "done":
        return REPORTED, "dokumentet självt rapporterar åtagandet som genomfört", None
    near = (row.get("follow_ups") or [None])[0]
    hint = f" (närmast: {near['source']}, poäng {near['score']:.2f})" if near else ""
    if deadline.get("end"):
        end = dt.date.fromisoformat(deadline["end"])
        if end < as_of:
            return OVERDUE, (f"tidpunkten {deadline['end']} har passerat per {as_of.isoformat()} och inget "
                             f"senare dokument rapporterar om åtagandet{hint}"), None
        return PENDING, (f"tidpunkten {deadline['end']} har inte passerat per {as_of.isoformat()}; inget senare "
                         f"dokument rapporterar om åtagandet än{hint}"), None
    return NO_REPORT, f"ingen tidpunkt och inget senare dokument rapporterar om åtagandet{hint}", None


def judged(record: dict, as_of: dt.date, *, doc: str | None = None) -> dict:
    """A case record with each promise's verdict as of ``as_of`` (``doc``: only its promises)."""
    commitments = []
    for row in record["commitments"]:
        if doc and row["doc_id"] != doc:
            continue
        v, evidence, _best = verdict(row, as_of)
        commitments.append({**row, "verdict": v, "evidence": evidence})
    return {"id": record["id"], "subject": record["subject"], "documents": record["documents"],
            "commitments": commitments,
            "context": [c for c in record.get("context", []) if not doc or c["doc_id"] == doc]}


def trace_records(docs: list[Document]) -> list[dict]:
    """One record per case of ``docs`` (computed afresh; :mod:`kb.tracestore` keeps them)."""
    return [trace_record(case) for case in group_cases(docs)]


def trace(docs: list[Document], *, doc: str | None = None, as_of: dt.date | None = None) -> dict:
    """``{cases: [...]}``: every case (or the one holding ``doc``) with its traced commitments."""
    return judge_all(trace_records(docs), doc=doc, as_of=as_of)


def judge_all(records: Iterable[dict], *, doc: str | None = None, as_of: dt.date | None = None) -> dict:
    as_of = as_of or dt.date.today()
    cases = [r for r in records if not doc or any(d["doc_id"] == doc for d in r["documents"])]
    return {"cases": [judged(r, as_of, doc=doc) for r in cases]}


def list_commitments(docs: list[Document], *, doc: str | None = None, status: str | None = None,
                     due_before: dt.date | None = None) -> list[dict]:
    """Commitments as rows, filtered by document, status and deadline end (before ``due_before``)."""
    rows = [commitment_row(c, d) for d in docs if not doc or d.id == doc for c in d.commitments]
    return filter_rows(rows, status=status, due_before=due_before)


def filter_rows(rows: Iterable[dict], *, status: str | None = None, due_before: dt.date | None = None) -> list[dict]:
    out = []
    for r in rows:
        if status and r.get("status") != status:
            continue
        end = (r.get("deadline") or {}).get("end")
        if due_before and not (end and end < due_before.isoformat()):
            continue
        out.append(r)
    return out


def label_order(label: str) -> list[tuple[int, int, str]]:
    """Sort key of a recommendation or activity label ("2", "1.10", "3:b", "A"): its parts in
    order, numbers by value before letters; any mix of parts compares (1.a, 1.2, ²)."""
    return [(0, int(part), "") if part.isascii() and part.isdigit() else (1, 0, part.casefold())
            for part in re.split(r"[.:]", label)]


def case_matrix(case: Case, docs: list[Document] | None = None) -> dict:
    """The Spårning grid: recommendations (or plan activities) as rows, documents as columns.

    ``cells[row][doc_id]`` is what that document says under that recommendation.
    """
    by_id = {d.id: d for d in docs or []}
    documents = [by_id.get(d.id, d) for d in case.documents]
    use_activities = not any(s.recommendation is not None for d in documents for s in d.sections)
    rows: dict[str, str] = {}
    cells: dict[str, dict[str, str]] = {}
    for d in documents:
        labels = d.activities if use_activities else d.recommendations
        for r in labels or []:
            if isinstance(r, dict):
                rows.setdefault(str(r.get("number")), r.get("text") or "")
        for s in d.sections:
            row = s.activity if use_activities else s.recommendation
            if row is None or not s.text.strip():
                continue
            rows.setdefault(str(row), "")
            cell = cells.setdefault(str(row), {})
            cell[d.id] = (cell.get(d.id, "") + "\n\n" + s.text).strip()
    order = sorted(rows, key=label_order)
    return {
        "kind": "activity" if use_activities else "recommendation",
        "recommendations": [{"number": n, "text": rows[n]} for n in order],
        "documents": [{"doc_id": d.id, "source": d.source, "date": d.date, "year": d.year, "doc_type": d.doc_type}
                      for d in documents],
        "cells": {n: cells.get(n, {}) for n in order},
    }
