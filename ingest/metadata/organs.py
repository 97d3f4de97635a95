"""The names of organs (nämnder, förvaltningar, other bodies) and where a text mentions them.

An organ's name is matched in all its forms (nämnd/nämnden/nämndens, styrelsen/styrelsens);
a nämnd's administration (förskoleförvaltningen -> Förskolenämnden) counts as a mention of
the nämnd. Beside the table of names (committees.toml), any "...nämnden" and any
"Stadsdelsnämnden X" is a mention. The committee, recipient, title and people rules read
these mentions and patterns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from ingest.folding import fold_for_matching
from ingest.metadata.text import DocText
from ingest.tables import load_table


@dataclass
class Mention:
    """One mention of an organ: the nämnd it stands for and its span in the text."""

    name: str
    start: int
    end: int
    kind: str = "committee"  # committee | administration | body


def name_pattern(name: str) -> re.Pattern[str]:
    """All forms of an organ's name: nämnd/nämnden/nämndens, styrelsen/styrelsens, -en/-ens."""
    words = fold_for_matching(name).split()
    last = words[-1]
    if last.endswith("namndan"):
        last_re = re.escape(last[:-2]) + r"(?:an|ans|s)?"
    elif last.endswith("an") and len(last) > 4:
        last_re = re.escape(last[:-2]) + r"(?:an|ans|a|s)?"
    elif last.endswith("n") and len(last) > 4:
        last_re = re.escape(last[:-1]) + r"(?:n|ns|s)?"
    else:
        last_re = re.escape(last) + r"(?:an|ans|s|n|ns)?"
    body = r" +".join([re.escape(w) for w in words[:-1]] + [last_re])
    return re.compile(r"(?<![a-z0-9])" + body + r"(?![a-z0-9])")


def _administrations(name: str) -> list[str]:
    t = load_table("committees")
    out = list(t["offices"].get(name, []))
    if name.endswith("nämnden"):
        out.append(name[: -len("nämnden")] + "förvaltningen")
    return out


def _literal_key(name: str) -> str:
    """A piece of the folded name every form contains, for a quick ``in`` test before the regex."""
    words = fold_for_matching(name).split()
    return max(words, key=len)[:-2]


@cache
def committee_patterns() -> list[tuple[re.Pattern[str], str, str, str]]:
    """(pattern, nämnd, "committee" or "administration", literal) for every nämnd in the table."""
    pats = []
    for name in load_table("committees")["names"]:
        if name == "Stadsdelsnämnden":
            continue
        pats.append((name_pattern(name), name, "committee", _literal_key(name)))
        for admin in _administrations(name):
            pats.append((name_pattern(admin), name, "administration", _literal_key(admin)))
    return pats


_COMPOUND_BEFORE = re.compile(r"[-–—]\s*,?\s*(?:och|samt)\s+$|[-–—],\s*$")
_GENERIC = re.compile(r"(?<![a-z0-9])((?:[a-z]+ +ach +)?[a-z]{3,}namnd(?:an|ans|s)?)(?![a-z0-9])")
_DISTRICT = re.compile(
    r"\b[Ss]tadsdelsn\w{1,2}mnd(?:en)?\s+(?:i\s+)?([A-ZÅÄÖ][\w-]+)|\b([A-ZÅÄÖ][\w-]+?)s\s+stadsdelsn\w{1,2}mnd\b"
)


def _generic_name(surface: str) -> str:
    s = re.sub(r"\s+", " ", surface.strip())
    s = re.sub(r"(n\w{1,2}mnd)(?:ens|en|s)?$", "nämnden", s)
    return s[:1].upper() + s[1:]


def find_committees(doc: DocText) -> list[Mention]:
    """Every committee or administration mention, longest first where they overlap."""
    found: list[Mention] = []
    for pattern, name, kind, key in committee_patterns():
        if key not in doc.folded:
            continue
        for m in pattern.finditer(doc.folded):
            if _COMPOUND_BEFORE.search(doc.text[max(0, m.start() - 12): m.start()]):
                continue  # "... - och socialnämnden": part of a longer name
            found.append(Mention(name, m.start(), m.end(), kind))
    known = list(found)
    for m in _GENERIC.finditer(doc.folded):
        s, e = m.start(1), m.end(1)
        if " ach " in doc.folded[s:e] and not re.match(r"\w+\s*[-–—]", doc.text[s:e]):
            s = doc.folded.index(" ach ", s) + 5  # "arbete och socialnämnden": only the last word
        surface = doc.text[s:e]
        if any(s < k.end and k.start < e for k in known):
            continue
        if _COMPOUND_BEFORE.search(doc.text[max(0, s - 12): s]) or fold_for_matching(surface).strip().startswith("stadsdels"):
            continue
        found.append(Mention(_generic_name(surface), s, e, "committee"))
    for m in _DISTRICT.finditer(doc.text):
        district = m.group(1) or m.group(2)
        if district and district[0].isupper() and not district.lower().startswith("stadsdel"):
            found.append(Mention(f"Stadsdelsnämnden {district}", m.start(), m.end(), "committee"))
    found.sort(key=lambda x: (x.start, -(x.end - x.start)))
    kept: list[Mention] = []
    for mention in found:
        if kept and mention.start < kept[-1].end:
            continue
        kept.append(mention)
    return kept


@cache
def body_patterns() -> list[tuple[re.Pattern[str], str]]:
    """(pattern, name) for the other bodies a document speaks to (kommunstyrelsen, revisionen, ...)."""
    return [(name_pattern(b), b) for b in load_table("metadata")["recipient"]["bodies"]]


@cache
def body_keys() -> list[tuple[re.Pattern[str], str, str]]:
    """The body patterns with a literal every match contains (see :func:`_literal_key`)."""
    return [(pattern, name, _literal_key(name)) for pattern, name in body_patterns()]


def is_organ(text: str) -> bool:
    """A line that only names a nämnd or förvaltning (a letterhead line, not a title)."""
    f = " ".join(fold_for_matching(text).split())
    if len(f.split()) <= 4 and f.endswith(("farvaltnang", "farvaltnangan", "kantar", "kantarat", "namnd", "namndan")):
        return True
    return bool(_GENERIC.fullmatch(f)) or any(p.fullmatch(f) for p, _, _, _ in committee_patterns())
