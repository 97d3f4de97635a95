"""Åtaganden and Spårning for auditors: every document named by its title, date and section,
every verdict and every match explained in Swedish, lists in the order asked for.

Pure functions over the service's plain data (commitment rows, follow-ups, documents); the pages
and their JSON twins render what these return. The words come from :mod:`web.labels`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from web.labels import REPORTING_VERDICTS, STATUS_ORDER, VERDICTS_BY_CODE, swedish_date, verdict_rank


def document_ref(doc, section: int | None = None, heading: str | None = None) -> dict:
    """How a page names a document: ``{doc_id, title, date, doc_type, section, heading, label}``.

    ``doc`` is what the stored trace holds of a document (a dict with ``doc_id``, ``title``,
    ``date``, ``year``, ``doc_type``, ``source``), an :class:`ingest.model.Document`, or None for one
    the index no longer holds; ``heading`` names the section (read from a Document when not
    given). ``label`` reads "Uppföljande yttrande om X, 12 juni 2024" and never shows a file name
    unless the document has no title at all."""
    if doc is None:
        return {"doc_id": None, "title": None, "date": None, "doc_type": None, "section": section,
                "heading": None, "label": "okänt dokument"}
    if isinstance(doc, dict):
        doc_id, doc_type, source = doc.get("doc_id"), doc.get("doc_type"), doc.get("source")
        title_, date_, year = doc.get("title"), doc.get("date"), doc.get("year")
    else:
        doc_id, doc_type, source = doc.id, doc.doc_type, doc.source
        title_, date_, year = doc.title, doc.date, doc.year
        if heading is None and section:
            heading = next((s.heading for s in doc.sections if s.number == section), None)
    title = title_ or _capfirst(doc_type or "") or source
    when = date_ or (str(year) if year else None)
    return {
        "doc_id": doc_id, "title": title, "date": when, "doc_type": doc_type, "section": section,
        "heading": heading or None,
        "label": f"{title}, {swedish_date(when)}" if when else title,
    }


def _capfirst(text: str) -> str:
    return text[:1].upper() + text[1:]


def explain_verdict(row: dict, as_of: date) -> str:
    """Why the commitment has its verdict, in a sentence an auditor can check."""
    verdict = row.get("verdict")
    deadline = row.get("deadline") or {}
    end = deadline.get("end")
    ups = row.get("follow_ups") or []
    best = ups[0] if ups else None
    when = f"per {swedish_date(as_of.isoformat())}"
    if verdict in REPORTING_VERDICTS and best:
        ref = best.get("document") or {}
        where = ref.get("label") or "ett senare dokument"
        section = f", avsnittet ”{best['heading']}”" if best.get("heading") else ""
        why = f" ({best['why']})" if best.get("why") else ""
        told = {"reported": "rapporterar om åtagandet", "delayed": "säger att arbetet är försenat",
                "not_done": "säger att åtagandet inte har genomförts"}.get(verdict, "tar upp åtagandet")
        return f"{where}{section} {told}{why}."
    if verdict == "overdue" and end:
        return (f"Tidpunkten ({swedish_date(end)}) har passerat {when}, och inget senare dokument i "
                "ärendet rapporterar om åtagandet.")
    if end and verdict in ("pending", "no_report") and date.fromisoformat(end) >= as_of:
        return (f"Tidpunkten ({swedish_date(end)}) har inte passerat {when}; inget senare dokument i "
                "ärendet rapporterar om åtagandet än.")
    if verdict in ("pending", "no_report", "overdue"):
        return "Ingen tidpunkt anges, och inget senare dokument i ärendet rapporterar om åtagandet."
    meaning = VERDICTS_BY_CODE.get(verdict or "")
    return meaning.meaning if meaning else ""


def named(row: dict, docs: Mapping[str, object], as_of: date) -> dict:
    """A commitment row (``kb commitments`` / tracing shape) with its document and each follow-up's
    named, each follow-up's match explained, and the verdict explained."""
    out = dict(row)
    out["document"] = document_ref(docs.get(row["doc_id"]), row.get("section"), row.get("section_heading"))
    follow_ups = []
    for f in row.get("follow_ups") or []:
        follow_ups.append({**f, "document": document_ref(docs.get(f.get("doc_id")), f.get("section"), f.get("heading")),
                           "why": f.get("why") or ""})
    out["follow_ups"] = follow_ups
    out["reported_by_follow_ups"] = row.get("verdict") in REPORTING_VERDICTS
    out["explanation"] = explain_verdict(out, as_of) if row.get("verdict") else ""
    return out


def _deadline_key(row: dict) -> tuple:
    end = (row.get("deadline") or {}).get("end")
    return (end is None, end or "")


def _text_key(value: str | None) -> tuple:
    return (not value, (value or "").casefold())


SORT_KEYS = {
    "document": None,
    "deadline": _deadline_key,
    "status": lambda r: STATUS_ORDER.get(r.get("status") or "", len(STATUS_ORDER)),
    "verdict": lambda r: verdict_rank(r.get("verdict")),
    "committee": lambda r: _text_key(r.get("committee")),
}


def sort_rows(rows: Iterable[dict], key: str) -> list[dict]:
    """The rows in the order asked for; ties (and "document") keep the documents' own order."""
    rows = list(rows)
    sort_key = SORT_KEYS.get(key)
    return sorted(rows, key=sort_key) if sort_key else rows


CSV_COLUMNS = ["id", "document_title", "document_date", "doc_type", "committee", "section_heading",
               "recommendation", "activity", "actor", "status", "deadline_start", "deadline_end",
               "deadline_text", "verdict", "verdict_label", "explanation", "follow_up_title",
               "follow_up_date", "follow_up_heading", "follow_up_why", "text", "doc_id"]


def csv_rows(rows: Iterable[dict]) -> list[dict]:
    """Named commitment rows flattened into the Åtaganden download's columns."""
    out = []
    for r in rows:
        doc = r.get("document") or {}
        deadline = r.get("deadline") or {}
        best = (r.get("follow_ups") or [None])[0] if r.get("reported_by_follow_ups") else None
        best_doc = (best or {}).get("document") or {}
        verdict = VERDICTS_BY_CODE.get(r.get("verdict") or "")
        out.append({
            "id": r.get("id"), "doc_id": r.get("doc_id"), "document_title": doc.get("title"),
            "document_date": doc.get("date"), "doc_type": doc.get("doc_type"), "committee": r.get("committee"),
            "section_heading": doc.get("heading"), "recommendation": r.get("recommendation"),
            "activity": r.get("activity"), "actor": r.get("actor"), "status": r.get("status"),
            "deadline_start": deadline.get("start"), "deadline_end": deadline.get("end"),
            "deadline_text": deadline.get("text"), "verdict": r.get("verdict"),
            "verdict_label": verdict.label if verdict else None, "explanation": r.get("explanation"),
            "follow_up_title": best_doc.get("title"), "follow_up_date": best_doc.get("date"),
            "follow_up_heading": (best or {}).get("heading"), "follow_up_why": (best or {}).get("why"),
            "text": r.get("text"),
        })
    return out
