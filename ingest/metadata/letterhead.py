"""The letterhead: which organs the lead's lines name, and in what role.

A line of the lead is an *organ line* when it starts with an organ (after a municipality's
name, "Till" or "För kännedom:") and the rest of it is furniture: form words, labels, dates,
page numbers ("Socialnämnden PROTOKOLL", "Revisorerna 2023-11-28", "Kommunstyrelsens
arbetsutskott 1 (9)"). Its role:

- ``author``: the first organ line, before any date, case number or label line;
- ``addressed``: after "Till" / "Mottagare" (on the line or the line before);
- ``copy``: after "För kännedom" / "Kopia";
- ``address``: any later organ line (an address block: "Kommunstyrelsen" after the date);
- ``author`` too after "från" ("Rapport från stadsrevisionen", "Från: Socialförvaltningen"):
  an organ line before it then names whom the document is for (``addressed``).

A page number alone ("(1)", "1") is no value line. An organ line that carries the number of a
later page ("Stadsrevisionen 2 (16) 2020-03-17") is that page's running header: read like the
running headers cleaning removed.

Running headers that cleaning removed (``furniture``) are read the same way; an organ there is
the author when the lead names none. Bodies that are not organs ("Socialdepartementet", "Region
Stockholm") count for the addressee roles.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from ingest.metadata.lead import Line, doc_text_of, folded_words, lead_end, lead_lines
from ingest.metadata.organs import Mention, find_bodies, find_committees
from ingest.metadata.text import DocText, find_dates, furniture_vocabulary
from ingest.tables import load_table

ORGAN_KINDS = ("committee", "administration", "auditors", "assembly")


@dataclass
class LeadOrgan:
    """An organ (or body) on a line of the lead, with its role there."""

    mention: Mention
    role: str  # author | addressed | address | copy
    line: str
    where: str = "lead"  # lead | running header


@dataclass
class Letterhead:
    organs: list[LeadOrgan] = field(default_factory=list)
    # Lines of the lead up to and including the author's line: where the sender stands.
    sender_lines: list[Line] = field(default_factory=list)

    # The form the lead names first ("tjänsteskrivelse", "yttrande"), folded; "" if none.
    form: str = ""

    @property
    def author(self) -> LeadOrgan | None:
        """The author line of the lead."""
        return next((o for o in self.organs if o.role == "author" and o.where == "lead"), None)

    @property
    def running_headers(self) -> list[LeadOrgan]:
        return [o for o in self.organs if o.where != "lead"]

    @property
    def letter(self) -> bool:
        """Whether the lead names a letter's form (a yttrande, remissvar, skrivelse): then an
        organ standing alone after its date and number is the addressee, not the owner."""
        return self.form in _letter_forms()

    @property
    def carrier(self) -> bool:
        """Whether the lead names a carrier form (a förvaltning's tjänsteskrivelse to its nämnd)."""
        return self.form in _carrier_forms()

    def in_role(self, *roles: str) -> list[LeadOrgan]:
        return [o for o in self.organs if o.role in roles]


@cache
def _carrier_forms() -> frozenset[str]:
    return frozenset(folded_words(p["phrase"]).rstrip("*").strip()
                     for t in load_table("doctypes")["types"] if t.get("carrier") for p in t["cues"])


@cache
def _letter_forms() -> frozenset[str]:
    return frozenset(folded_words(w) for w in load_table("metadata")["lead"]["letter_forms"])


@cache
def _form_words() -> frozenset[str]:
    return frozenset(folded_words(w) for w in load_table("metadata")["lead"]["forms"])


_ADDRESSED = frozenset(folded_words(w) for w in ("till", "mottagare", "adressat"))
_COPY = frozenset(folded_words(w) for w in ("för kännedom", "kopia", "kopia till"))
_PREFIX = re.compile(r"(?i)^(?P<p>till|mottagare|adressat|för kännedom|kopia(?: till)?|kopia för kännedom)\s*:?\s+")
_VALUE_LINE = re.compile(r"\d")


def _rest_is_furniture(rest: str) -> bool:
    vocab = furniture_vocabulary()
    for d in find_dates(rest)[::-1]:
        rest = rest[:d.start] + " " + rest[d.end:]
    return all(folded_words(w) in vocab or not re.search(r"[^\W\d_]", w) for w in rest.split())


_PLACE = re.compile(r"^\s*i\s+(?:[A-ZÅÄÖ][\w-]+s? (?:[Kk]ommun|[Ss]tad)|Region(?: [A-ZÅÄÖ]\w+){1,2}(?: län)?|[A-ZÅÄÖ][\w-]+(?: län)?)(?![\w-])")


def _without_place(rest: str) -> str:
    """The rest of an organ line without "i Umeå kommun" ("Till revisorerna i Umeå kommun")."""
    return _PLACE.sub("", rest)


@cache
def _value_labels() -> frozenset[str]:
    keep = set(load_table("metadata")["lead"]["labels"]) - {
        "till", "från", "för", "kännedom", "mottagare", "kopia", "organ", "enhet", "avdelning", "ordförande",
        "sekreterare", "plats", "tid", "klockan", "kl", "dag", "bilaga", "version"}
    return frozenset(folded_words(x) for x in keep)


_PAGE_ONLY = re.compile(r"(?i)^\s*(?:sida\s+)?\(?\d{1,3}\)?\s*(?:(?:av|/)\s*\d{1,3}|\(\d{1,3}\))?\s*$")
_LATER_PAGE = re.compile(r"(?i)(?<![\d(])(?:sida\s+)?([2-9]|[1-9]\d{1,2})\s*(?:\(\d{1,3}\)|av\s+\d{1,3})")


def _is_value_line(text: str) -> bool:
    """A line with a date, number or letterhead label ("Datum 2024-05-06", "Handläggare"); a
    page number alone ("(1)", "Sida 1 av 3") is not one."""
    if _PAGE_ONLY.match(text):
        return False
    words = folded_words(text).split()
    return bool(_VALUE_LINE.search(text)) or bool(words and words[0].rstrip(":") in _value_labels())


def _leading_furniture(text: str) -> int:
    """Length of form words and labels before an organ on its line ("PROTOKOLL Socialnämnden")."""
    vocab = furniture_vocabulary()
    n = 0
    for m in re.finditer(r"\S+\s+", text):
        word = m.group(0).strip(" ,:")
        if folded_words(word) not in vocab or folded_words(word) in _ADDRESSED or folded_words(word) in ("far", "kapaa"):
            break
        n = m.end()
    return n


def _strip_municipality(text: str) -> int:
    """Length of a municipality's or region's name at the start of a line ("VÄSTERÅS STAD ")."""
    m = re.match(r"(?:[A-ZÅÄÖ][\w-]+s? (?:[Kk]ommun|KOMMUN|[Ss]tad|STAD)|(?:Region|REGION) [A-ZÅÄÖ]\w+),?\s+", text)
    return m.end() if m else 0


def _organ_at(line: Line, offset: int, mentions: list[Mention]) -> Mention | None:
    for m in mentions:
        if m.start == offset and m.end <= line.end:
            return m
    return None


def read_letterhead(doc: DocText, mentions: list[Mention], furniture: list[str] | None = None) -> Letterhead:
    """The organ lines of the lead and of the running headers, with their roles."""
    out = Letterhead()
    end = lead_end(doc)
    candidates = [m for m in mentions if m.kind in ORGAN_KINDS and m.start < end]
    candidates += [m for m in find_bodies(doc) if m.start < end]
    author_seen = value_seen = False
    pending: str | None = None  # a "Till" line waiting for its value
    for line in lead_lines(doc):
        raw_line = doc.text[line.start:line.end]
        lead_ws = len(raw_line) - len(raw_line.lstrip())
        start = line.start + lead_ws
        text = line.text
        f = folded_words(text).rstrip(":")
        if f in _ADDRESSED or f in _COPY:
            pending = "addressed" if f in _ADDRESSED else "copy"
            continue
        role_prefix = None
        skip = _strip_municipality(text)
        furniture_end = skip + _leading_furniture(text[skip:])
        if re.search(r"(?i)(?:^|\s)från\s*:?\s*$", text[skip:furniture_end]):
            role_prefix = "sender"  # "Rapport från stadsrevisionen"
        skip = furniture_end
        pm = _PREFIX.match(text[skip:])
        if pm:
            role_prefix = "addressed" if pm.group("p").lower() in ("till", "mottagare", "adressat") else "copy"
            skip += pm.end()
        organ = _organ_at(line, start + skip, candidates)
        form_text = doc.text[organ.end:line.end] if organ else text if _rest_is_furniture(text) else ""
        if not out.form:  # the form a letterhead names ("YTTRANDE", "Socialnämnden PROTOKOLL"), not a title's words
            out.form = next((w for w in folded_words(form_text).split() if w in _form_words()), "")
        if organ is None or not _rest_is_furniture(_without_place(doc.text[organ.end:line.end])):
            if not author_seen and line.start < doc.head_end:  # a long lead's later lines are no sender's
                out.sender_lines.append(line)
            # a municipality's own line ("Malmö stad 2023-05-16") is the sender's, not a value block
            value_seen = value_seen or (_is_value_line(text) and not _strip_municipality(text + " "))
            pending = None
            continue
        role = role_prefix or pending
        if role is None and _LATER_PAGE.search(doc.text[organ.end:line.end]):
            out.organs.append(LeadOrgan(organ, "author", text, where="running header"))  # a later page's header
            pending = None
            continue
        if role is None and organ.kind == "body" and not (author_seen or value_seen):
            out.sender_lines.append(line)  # "VÄSTRA GÖTALANDSREGIONEN" over its organ: the sender
            continue
        if role == "sender":
            role = "author"
            for o in out.organs:  # the organ named before "Rapport från X" is whom it is for
                if o.role == "author" and o.where == "lead":
                    o.role = "addressed"
        if role is None:
            role = "address" if (author_seen or value_seen or organ.kind == "body") else "author"
        if role == "author":
            author_seen = True
            out.sender_lines.append(line)
        pending = None
        out.organs.append(LeadOrgan(organ, role, text))
    for line in furniture or []:
        text = line.strip()
        skip = _strip_municipality(text)
        for m in find_committees(doc_text_of(text[skip:])):
            if m.start == 0 and m.kind in ORGAN_KINDS and _rest_is_furniture(text[skip + m.end:]):
                out.organs.append(LeadOrgan(m, "author", text, where="running header"))
                break
    return out
