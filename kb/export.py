"""CSV export of commitments and of a trace, for auditors' spreadsheets (with the verdict of
each commitment and, in a trace, the follow-up it rests on and its new deadline if delayed).

The text starts with a byte-order mark (U+FEFF) and uses ``;`` as the separator, which is what
Excel with Swedish settings expects; cells that a spreadsheet would run as a formula
(starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return, as OWASP lists them) are
prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import io

BOM = "\ufeff"
DELIMITER = ";"

COMMITMENT_COLUMNS = ["id", "doc_id", "source", "recommendation", "activity", "actor", "status",
                      "deadline_start", "deadline_end", "deadline_text", "deadline_flag", "text",
                      "verdict", "evidence"]
TRACE_COLUMNS = ["case_id", "case_subject"] + COMMITMENT_COLUMNS + [
    "follow_up_source", "follow_up_heading", "follow_up_score", "follow_up_status", "follow_up_why",
    "new_deadline_start", "new_deadline_end", "follow_up_text"]


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _safe(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _commitment_cells(row: dict) -> dict:
    d = row.get("deadline") or {}
    cells = {k: row.get(k) for k in COMMITMENT_COLUMNS}
    cells.update(deadline_start=d.get("start"), deadline_end=d.get("end"),
                 deadline_text=d.get("text"), deadline_flag=d.get("flag"))
    return cells


def _write(columns: list[str], rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, delimiter=DELIMITER, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _safe(row.get(k)) for k in columns})
    return BOM + out.getvalue()


def table_csv(columns: list[str], rows: list[dict]) -> str:
    """Any table as the same spreadsheet-safe CSV (BOM, ``;``, formulas defused)."""
    return _write(columns, rows)


def commitments_csv(rows: list[dict]) -> str:
    """One line per commitment (the `kb commitments` rows)."""
    return _write(COMMITMENT_COLUMNS, [_commitment_cells(r) for r in rows])


def trace_csv(trace: dict) -> str:
    """One line per traced commitment, with its verdict and best follow-up."""
    rows = []
    for case in trace.get("cases", []):
        for c in case.get("commitments", []):
            cells = _commitment_cells(c)
            ups = c.get("follow_ups") or []
            best = next((u for u in ups if u.get("reports")), ups[0] if ups else {})
            new = best.get("new_deadline") or {}
            cells.update(case_id=case.get("id"), case_subject=case.get("subject"),
                         follow_up_source=best.get("source"), follow_up_heading=best.get("heading"),
                         follow_up_score=best.get("score"), follow_up_status=best.get("status"),
                         follow_up_why=best.get("why"), new_deadline_start=new.get("start"),
                         new_deadline_end=new.get("end"), follow_up_text=best.get("text"))
            rows.append(cells)
    return _write(TRACE_COLUMNS, rows)
