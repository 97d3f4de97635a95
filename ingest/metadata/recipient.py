"""``recipient``: the body the document is addressed to.

A body named right after a receiver cue ("Beslutet skickas till", "skicka det till",
"överlämnar det till", "Svar på remiss från", "yttrandet till"); a bare "revisionen" becomes
the audit office the text names. None when nothing says so.
"""

from __future__ import annotations

import re

from ingest.metadata.organs import Mention, body_keys, name_pattern
from ingest.metadata.text import DocText, phrase_pattern
from ingest.tables import load_table


def _surface_name(surface: str) -> str:
    """An administration as written, capitalised, genitive dropped ("förskoleförvaltningens")."""
    s = re.sub(r"\s+", " ", surface.strip())
    s = re.sub(r"(?<=en)s$", "", s)
    return s[:1].upper() + s[1:]


def detect_recipient(doc: DocText, mentions: list[Mention]) -> tuple[str | None, str]:
    t = load_table("metadata")["recipient"]
    bodies = [(m.start, m.end, m.name) for m in mentions if m.kind == "committee"]
    bodies += [(m.start, m.end, _surface_name(doc.text[m.start:m.end]))
               for m in mentions if m.kind == "administration"]
    for pattern, name, key in body_keys():
        if key in doc.folded:
            bodies += [(m.start(), m.end(), name) for m in pattern.finditer(doc.folded)]
    best: tuple[float, int, str, str] | None = None
    for start, _end, name in bodies:
        before = doc.folded[max(0, start - 60): start]
        for cue in t["cues"]:
            if phrase_pattern(cue["phrase"], "$").search(before):
                cand = (cue["weight"], -start, name, cue["phrase"])
                if best is None or cand > best:
                    best = cand
                break
    if best is None:
        return None, "recipient: none stated"
    name = best[2]
    if name == t["audit_generic"]:
        for office in t["audit_offices"]:
            if name_pattern(office).search(doc.folded):
                name = office
                break
    return name, f"recipient: after '{best[3]}'"
