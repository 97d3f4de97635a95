"""What a follow-up says about a promise: its status words (statusord), read as a status.

Pure functions; the words are data in ``tables/status.toml``. Four statuses, checked in this
order: ``delayed`` (försenat, har skjutits upp, beräknas nu ...; with the new deadline where the
text names one after the delay words), ``not_done`` (har inte genomförts, har inte tagits fram, ej
påbörjad, har avbrutits ...), ``ongoing`` (pågår, enligt plan, har påbörjats ...) and ``done``
(genomfört, klart, fastställdes, redovisades ...). A denied delay ("inte försenat") is no delay;
a promise repeated ("ska vara klar i juni") is no report of it being done.

>>> read_status("Arbetet har försenats och beräknas nu vara klar i juni 2025.").status
'delayed'
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache

from ingest.deadlines import find_deadlines
from ingest.folding import fold_diacritics
from ingest.model import Deadline
from ingest.tables import load_table

DELAYED, NOT_DONE, ONGOING, DONE = "delayed", "not_done", "ongoing", "done"
ORDER = (DELAYED, NOT_DONE, ONGOING, DONE)


@dataclass(frozen=True)
class Reading:
    """A status (None: the text reports none), the words that say so, and a new deadline."""

    status: str | None
    words: str = ""
    new_deadline: Deadline | None = None


def _words(phrases) -> re.Pattern:
    alt = "|".join(sorted(phrases, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alt})(?![\w-])")


@cache
def _rx() -> dict[str, re.Pattern]:
    t = load_table("status")
    rx = {name: _words(t["status"][name]) for name in ORDER}
    rx["not_delayed"] = _words(t["status"]["not_delayed"])
    rx["planned"] = _words(t["status"]["planned"])
    rx["openers"] = re.compile(rf"^(?:{'|'.join(t['continuation']['openers'])})\b")
    return rx


def read_status(text: str, doc_date: dt.date | None = None, doc_year: int | None = None) -> Reading:
    """The status ``text`` reports (see the module docstring)."""
    folded = fold_diacritics(text)
    rx = _rx()
    folded = rx["not_delayed"].sub(" pagar ", folded)  # "inte försenat": under way
    planned = [m.span() for m in rx["planned"].finditer(folded)]
    for status in ORDER:
        for m in rx[status].finditer(folded):
            if status == DONE and any(a <= m.start() < b for a, b in planned):
                continue
            new = _new_deadline(text, m.end(), doc_date, doc_year) if status == DELAYED else None
            return Reading(status, text[m.start():m.end()], new)
    return Reading(None)


def _new_deadline(text: str, after: int, doc_date, doc_year) -> Deadline | None:
    found = find_deadlines(text, doc_date, doc_year)
    later = [f for f in found if f.start >= after] or [f for f in found if f.deadline.flag is None]
    return later[0].deadline if later else None


def continues(sentence: str) -> bool:
    """True when a sentence goes on about the work of the one before it ("Arbetet har ...")."""
    return bool(_rx()["openers"].match(fold_diacritics(sentence.strip())))


def combine(first: Reading, second: Reading) -> Reading:
    """The stronger of two readings of one report (a delay over a not-done, and so on)."""
    if second.status is None:
        return first
    if first.status is None or ORDER.index(second.status) < ORDER.index(first.status):
        return second
    return first
