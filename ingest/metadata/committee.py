"""``committee``: the authoring nämnd, and ``committees_mentioned``: every nämnd named.

Each mention of a nämnd scores: named alone on a header line of the lead, or it decides
("Förskolenämnden godkänner", "... föreslås besluta") 6, it is the audited one ("granskning
av ...nämndens arbete") 3, its own administration speaks (förskoleförvaltningen ->
Förskolenämnden) 2, a plain mention 1, a receiver ("till kommunstyrelsen") 0. Weights and
cues are in committees.toml.
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import cache

from ingest.metadata.organs import Mention
from ingest.metadata.text import DocText, lead_end, phrase_pattern
from ingest.tables import load_table


@cache
def _cue_patterns(group: str, anchor: str) -> list[re.Pattern[str]]:
    return [phrase_pattern(p, anchor) for p in load_table("committees")["cues"][group]]


_REST_OF_LINE = re.compile(r"[^\w\n]*(?:\n|\Z)")
_WORD_CHAR = re.compile(r"\w")


def _alone_on_line(text: str, start: int, end: int) -> bool:
    """Whether the span is all its line says (punctuation aside): a letterhead line.

    Reads only up to the first word character on each side, so many mentions on one long line
    stay linear."""
    if not _REST_OF_LINE.match(text, end):
        return False
    i = start
    while i > 0 and text[i - 1] != "\n":
        if _WORD_CHAR.match(text, i - 1):
            return False
        i -= 1
    return True


def detect_committee(doc: DocText, mentions: list[Mention]) -> tuple[str | None, str]:
    """The authoring nämnd: named alone on a header line of the lead, or deciding ("X föreslås
    besluta"), outweighs any number of mentions, its administration's included."""
    w = load_table("committees")["weights"]
    scores: dict[str, float] = defaultdict(float)
    counted: dict[tuple[str, str], int] = defaultdict(int)
    reasons: dict[str, tuple[float, str]] = {}
    lead = lead_end(doc)
    for m in mentions:
        after = doc.folded[m.end: m.end + 40]
        before = doc.folded[max(0, m.start - 40): m.start]
        if m.start < lead and _alone_on_line(doc.text, m.start, m.end):
            kind, note = "header", f"named alone on a header line '{doc.text[m.start:m.end]}'"
        elif m.kind == "administration":
            kind, note = "administration", f"its administration '{doc.text[m.start:m.end]}'"
        elif any(p.search(" " + after) for p in _cue_patterns("decides", "^")):
            kind, note = "decides", f"'{doc.text[m.start:m.end]} {doc.text[m.end:m.end + 20].split(chr(10))[0].strip()}'"
        elif any(p.search(before) for p in _cue_patterns("audited", "$")):
            kind, note = "audited", f"audited: '{doc.text[m.start:m.end]}'"
        elif any(p.search(before) for p in _cue_patterns("receiver", "$")):
            continue
        else:
            kind, note = "mention", f"mentioned: '{doc.text[m.start:m.end]}'"
        counted[(m.name, kind)] += 1
        if kind not in ("decides", "header") and counted[(m.name, kind)] > w["max_mentions"]:
            continue
        value = w[kind] * (w["head_factor"] if m.start < doc.head_end else 1)
        scores[m.name] += value
        if value > reasons.get(m.name, (0, ""))[0]:
            reasons[m.name] = (value, note)
    if not scores:
        return None, "committee: no nämnd named"
    best = max(scores, key=lambda n: scores[n])
    return best, f"committee: {reasons[best][1]} (score {scores[best]:g})"


def committees_mentioned(mentions: list[Mention]) -> list[str]:
    seen: dict[str, None] = {}
    for m in mentions:
        if m.kind == "committee":
            seen.setdefault(m.name, None)
    return list(seen)
