"""``recipient``: the body the document is addressed to.

In order:

1. a protocol is addressed to no one; a motion to its assembly ("Motion till kommunfullmäktige");
2. the letterhead: the organ or body after "Till" ("Till revisorerna i Umeå kommun", "Till\\n
   Kommunstyrelsen"), else one standing in the lead's address block ("Socialdepartementet" after
   the date) — never the author itself;
3. cues in the text (metadata.toml ``[recipient]``): a body right after "Beslutet skickas till",
   "överlämnar det till", "svar på remiss från", "beretts tillfälle att till", or after an
   address's "Till" (with its capital) inside a flattened line; the sender of the remiss the document answers
   ("Region Norrbotten har i remiss ..."); the auditors whose report it answers ("svar på
   revisorernas granskning");
4. a yttrande or follow-up that names no addressee answers the auditors it names.

A bare "revisionen" becomes the audit office the text names ("Malmö stadsrevision" ->
Stadsrevisionen). None when nothing says so.
"""

from __future__ import annotations

import re
from collections import Counter

from ingest.metadata.lead import lead_end
from ingest.metadata.letterhead import Letterhead
from ingest.metadata.organs import Mention, find_bodies, organ_key, resolve_auditors
from ingest.metadata.text import DocText, phrase_pattern
from ingest.tables import load_table

_NAMED_KINDS = ("committee", "auditors", "assembly", "body")


def _surface_name(surface: str) -> str:
    """An administration as written, capitalised, genitive dropped ("förskoleförvaltningens")."""
    s = re.sub(r"\s+", " ", surface.strip())
    s = re.sub(r"(?<=en)s$", "", s)
    return s[:1].upper() + s[1:]


def _resolve_generic(name: str, doc: DocText) -> str:
    return resolve_auditors(name, doc)


# "Till" with its capital, not opening a sentence: a letter's address written inside a flattened
# line ("DNR 313-24/2031 2031-03-13 Till Servicenämnden Revisorerna för ..."), or on a line of its own.
_ADDRESS_TILL = re.compile(r"(?:^|\n|[\d)]\s+|[a-zåäö]\s+)Till\s*:?\s+$")


def detect_recipient(doc: DocText, mentions: list[Mention], letterhead: Letterhead | None = None,
                     doc_type: str | None = None, committee: str | None = None) -> tuple[str | None, str]:
    letterhead = letterhead or Letterhead()
    if doc_type == "protokoll":
        return None, "recipient: a protocol is addressed to no one"
    author_key = organ_key(committee) if committee else ""
    if doc_type == "motion":
        named = [m for m in mentions if m.kind == "assembly"]
        if named:
            return named[0].name, f"recipient: a motion goes to its assembly '{named[0].surface}'"
        return committee, "recipient: a motion goes to its assembly"
    for role in ("addressed", "address"):
        for o in letterhead.in_role(role):
            m = o.mention
            if m.kind not in _NAMED_KINDS or m.key == author_key or (committee and m.name == committee):
                continue
            if role == "address" and m.kind == "committee" and not letterhead.letter and doc_type != "revisionsrapport":
                continue  # a tjänsteskrivelse's or a plan's own nämnd, not an addressee (an audit letter's is)
            label = "after 'Till'" if role == "addressed" else "in the address block"
            return _resolve_generic(m.name, doc), f"recipient: letterhead, {label} '{o.line}'"
    name, why = _from_cues(doc, mentions, author_key, committee)
    if name is None and doc_type in ("yttrande", "uppföljande yttrande"):
        auditors = [m for m in mentions if m.kind == "auditors"]
        if auditors:
            counts = Counter(_resolve_generic(m.name, doc) for m in auditors)
            name = counts.most_common(1)[0][0]
            return name, f"recipient: a {doc_type} answers the auditors it names ('{auditors[0].surface}')"
    return name, why


def _from_cues(doc: DocText, mentions: list[Mention], author_key: str, committee: str | None) -> tuple[str | None, str]:
    t = load_table("metadata")["recipient"]
    bodies = [m for m in mentions if m.kind in _NAMED_KINDS] + find_bodies(doc)
    bodies += [Mention(_surface_name(m.surface), m.start, m.end, "administration", key="administration " + m.surface.lower(),
                       surface=m.surface) for m in mentions if m.kind == "administration"]
    best: tuple[float, int, str, str] | None = None

    def consider(weight: float, start: int, name: str, why: str) -> None:
        nonlocal best
        cand = (weight, -start, name, why)
        if best is None or cand > best:
            best = cand

    for m in bodies:
        if m.key == author_key or (committee and m.name == committee):
            continue
        if m.kind == "administration" and m.start < lead_end(doc):
            continue  # the letterhead's förvaltning writes, it does not receive
        before = doc.folded[max(0, m.start - 60): m.start]
        after = doc.folded[m.end: m.end + 80]
        if _ADDRESS_TILL.search(doc.text, max(0, m.start - 40), m.start):
            consider(t["address_till_weight"], m.start, m.name, f"an address line's 'Till {m.surface}'")
        for cue in t["cues"]:
            if phrase_pattern(cue["phrase"], "$").search(before):
                consider(cue["weight"], m.start, m.name, f"after '{cue['phrase']}'")
                break
        for cue in t["sender_cues"]:
            if phrase_pattern(cue["phrase"], "^").search(after):
                consider(cue["weight"], m.start, m.name, f"'{m.surface} {cue['phrase']}'")
                break
        if m.kind == "auditors":
            for cue in t["auditor_cues"]:
                if phrase_pattern(cue["phrase"], "$").search(before):
                    consider(cue["weight"], m.start, m.name, f"answers the auditors: '{cue['phrase']} {m.surface}'")
                    break
    if best is None:
        return None, "recipient: none stated"
    return _resolve_generic(best[2], doc), f"recipient: {best[3]}"
