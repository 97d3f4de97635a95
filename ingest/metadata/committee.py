"""``committee``: the authoring organ, and ``committees_mentioned``: every nämnd named.

In order:

1. a motion belongs to its authors' assembly (Kommunfullmäktige, Regionfullmäktige), not to the
   nämnd it wants to give a task;
2. an audit report (revisionsrapport) belongs to the auditors: those of its letterhead or
   running header, else the ones it names;
3. the letterhead's author line decides: a nämnd, styrelse, utskott, the auditors
   ("Revisorerna 2023-11-28") or an assembly;
4. otherwise the evidence adds up (committees.toml ``[weights]``): when a förvaltning wrote the
   letterhead, or the lead names a carrier form (a tjänsteskrivelse to its nämnd), the nämnd its
   text is addressed to ("Till X", or X alone in the lead); X alone in a lead that names no
   letter form (a handlingsplan's owner) — in a yttrande's letterhead that line is the
   addressee and counts nothing; the nämnd the förvaltning serves; a running header's
   nämnd (repeated on every page); a nämnd that decides ("Förskolenämnden godkänner", "... föreslås besluta"), that
   stands alone on a line of the lead, that is audited ("granskning av ...nämndens arbete"), whose
   administration speaks, whose initials the case number carries (BUN 2024/12), or that is
   mentioned at all. A receiver ("till kommunstyrelsen") counts nothing.

A mention without its district ("socialnämnden") counts for the one district nämnd the text
names ("Socialnämnden Nordost").
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import cache

from ingest.folding import fold_diacritics, fold_for_matching
from ingest.metadata.lead import lead_end, line_span
from ingest.metadata.letterhead import Letterhead
from ingest.metadata.organs import Mention, organ_key, resolve_auditors
from ingest.metadata.text import DocText, phrase_pattern
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


def _initials(name: str) -> set[str]:
    """Abbreviations of an organ's name as registries write them: "Barn- och ungdomsnämnden" ->
    bun; "Omsorgsnämnden" -> on, omn; "Kommunstyrelsen" -> ks."""
    words = [w for w in re.split(r"[\s-]+", fold_diacritics(name)) if w and w not in ("och", "samt")]
    parts: list[str] = []
    for w in words:
        for tail in ("namnden", "namnd", "styrelsen", "styrelse", "utskottet", "utskott"):
            if w.endswith(tail) and len(w) > len(tail):
                parts += [w[: -len(tail)], tail]
                break
        else:
            parts.append(w)
    base = "".join(p[0] for p in parts)
    out = {base}
    for i, p in enumerate(parts):
        if len(p) > 1:
            out.add("".join(q[:2] if j == i else q[0] for j, q in enumerate(parts)))
    return out


@cache
def _organ_label() -> re.Pattern[str]:
    labels = "|".join(re.escape(" ".join(fold_for_matching(x).split())).replace(r"\ ", " +")
                      for x in load_table("committees")["organ_labels"])
    return re.compile(r"(?:^|\n)[ \t]*(?:" + labels + r")[ \t:]*$")


@cache
def _organ_label_in_line() -> re.Pattern[str]:
    """The label written with its capital inside a flattened line ("... genom anslag. Organ
    Kommunstyrelsens arbetsutskott Datum ...")."""
    labels = "|".join(re.escape(x[:1].upper() + x[1:]).replace(r"\ ", r"\s+") for x in load_table("committees")["organ_labels"])
    return re.compile(r"(?:^|\s)(?:" + labels + r")\s*:?\s+$")


def _after_organ_label(doc: DocText, start: int) -> bool:
    """"Organ Kommunstyrelsen", "Nämnd/Styrelse Kommunfullmäktige": a protocol's own label."""
    before = doc.text[max(0, start - 40):start]
    return bool(_organ_label().search(_folded_lines(before)) or _organ_label_in_line().search(before))


_BARE_UTSKOTT = re.compile(r"\s*:?\s+(?:[Aa]rbetsutskott(?:et)?|AU|[Uu]tskott(?:et)?)(?![\w-])")


def _labelled_bare_utskott(doc: DocText) -> str | None:
    """The label's value when it is a bare utskott ("Beslutsinstans: Arbetsutskottet 2029-2032"):
    the text around it names whose."""
    label = _organ_label_in_line().pattern.removesuffix(r"\s*:?\s+$")
    for m in re.finditer(label, doc.text[:doc.head_end + 2000]):
        value = _BARE_UTSKOTT.match(doc.text, m.end())
        if value:
            return value.group(0)
    return None


def _folded_lines(text: str) -> str:
    return "\n".join(fold_for_matching(part) for part in text.split("\n"))


def _line_of(doc: DocText, m: Mention) -> str:
    s, e = line_span(doc.text, m.start)
    return doc.text[s:e].strip()[:80]


def _registry_prefixes(case_numbers: list[str]) -> set[str]:
    out = set()
    for c in case_numbers:
        for m in re.finditer(r"(?<![A-Za-zÅÄÖåäö])([A-ZÅÄÖ]{2,5})(?![A-Za-zÅÄÖåäö])", c):
            out.add(fold_diacritics(m.group(1)))
    return out


def motion_assembly(mentions: list[Mention], regional: bool) -> tuple[str, str]:
    """The assembly a motion belongs to: the one it names, else the kind its municipality has."""
    named = [m for m in mentions if m.kind == "assembly"]
    if named:
        return named[0].name, f"committee: a motion belongs to its authors' assembly '{named[0].surface}'"
    t = load_table("committees")["assemblies"]
    name = t["regional"] if regional else t["municipal"]
    return name, f"committee: a motion belongs to its authors' assembly ({name})"


def detect_committee(doc: DocText, mentions: list[Mention], letterhead: Letterhead | None = None,
                     doc_type: str | None = None, case_numbers: list[str] | None = None) -> tuple[str | None, str]:
    """The authoring organ (see the module docstring), with its evidence."""
    letterhead = letterhead or Letterhead()
    if doc_type == "motion":
        return motion_assembly(mentions, regional=False)
    author = letterhead.author
    if doc_type == "revisionsrapport":
        return _auditors(doc, mentions, letterhead)
    if author and author.mention.kind in ("committee", "auditors", "assembly"):
        return author.mention.name, f"committee: letterhead line '{author.line}'"
    return _scored(doc, mentions, letterhead, case_numbers or [])


def _auditors(doc: DocText, mentions: list[Mention], letterhead: Letterhead) -> tuple[str | None, str]:
    """An audit report's author: the auditors of its letterhead or running header, else the
    auditors it names first."""
    author = letterhead.author
    if author and author.mention.kind == "auditors":
        return resolve_auditors(author.mention.name, doc), f"committee: letterhead line '{author.line}'"
    for o in letterhead.running_headers:
        if o.mention.kind == "auditors":
            return resolve_auditors(o.mention.name, doc), f"committee: running header '{o.line}' of an audit report"
    named = [m for m in mentions if m.kind == "auditors" and m.name != "Revisionen"] or \
        [m for m in mentions if m.kind == "auditors"]
    if named:
        return named[0].name, f"committee: an audit report by '{named[0].surface}'"
    return "Revisorerna", "committee: an audit report (by the auditors)"


def _scored(doc: DocText, mentions: list[Mention], letterhead: Letterhead, case_numbers: list[str]) -> tuple[str | None, str]:
    w = load_table("committees")["weights"]
    scores: dict[str, float] = defaultdict(float)
    best_piece: dict[str, tuple[float, str, str]] = {}  # key -> (value, name, note)
    counted: dict[tuple[str, str], int] = defaultdict(int)

    def add(key: str, name: str, value: float, note: str) -> None:
        if not key or not name:
            return
        scores[key] += value
        if value > best_piece.get(key, (0, "", ""))[0]:
            best_piece[key] = (value, name, note)

    author = letterhead.author
    by_administration = bool(author and author.mention.kind == "administration")
    if by_administration and author.mention.name:
        add(author.mention.key, author.mention.name, w["derived"], f"the letterhead's förvaltning '{author.mention.surface}' serves it")
    addressed_spans = set()
    for o in letterhead.in_role("addressed", "address", "copy"):
        addressed_spans.add(o.mention.start)
        owner = by_administration or letterhead.carrier or (o.role == "address" and not letterhead.letter)
        if o.mention.kind == "committee" and o.role != "copy" and owner:
            add(o.mention.key, o.mention.name, w["addressed"], f"the nämnd the lead is written for '{o.line}'")
    for o in letterhead.running_headers:
        if o.mention.kind in ("committee", "assembly"):
            add(o.mention.key, o.mention.name, w["running_header"], f"running header '{o.line}'")
    for m in mentions:
        if m.kind in ("committee", "assembly", "auditors") and _after_organ_label(doc, m.start):
            add(m.key, m.name, w["organ_label"], f"the protocol's organ label '{_line_of(doc, m)}'")
    bare = _labelled_bare_utskott(doc)
    if bare:  # "Beslutsinstans: Arbetsutskottet": the one utskott the text names in full
        utskott = {m.key: m for m in mentions if m.kind == "committee" and "utskott" in m.key}
        if len(utskott) == 1:
            m = next(iter(utskott.values()))
            add(m.key, m.name, w["organ_label"], f"the protocol's organ label '{bare.strip()}' and '{m.surface}'")
    lead = lead_end(doc)
    for m in mentions:
        if m.kind not in ("committee", "administration"):
            continue
        after = doc.folded[m.end: m.end + 40]
        before = doc.folded[max(0, m.start - 40): m.start]
        surface = doc.text[m.start:m.end]
        if m.start in addressed_spans:
            continue  # counted above as the letterhead's addressee, or a receiver
        if m.kind == "administration":
            if not m.name:
                continue
            kind, note = "administration", f"its administration '{surface}'"
        elif m.start < lead and _alone_on_line(doc.text, m.start, m.end):
            kind, note = "header", f"named alone on a line of the lead '{surface}'"
        elif any(p.search(" " + after) for p in _cue_patterns("decides", "^")):
            kind, note = "decides", f"'{surface} {doc.text[m.end:m.end + 20].split(chr(10))[0].strip()}'"
        elif any(p.search(before) for p in _cue_patterns("audited", "$")):
            kind, note = "audited", f"audited: '{surface}'"
        elif any(p.search(before) for p in _cue_patterns("receiver", "$")):
            continue
        else:
            kind, note = "mention", f"mentioned: '{surface}'"
        counted[(m.key, kind)] += 1
        limit = {"mention": w["max_mentions"], "decides": w["max_decides"]}.get(kind, w["max_mentions"])
        if kind != "header" and counted[(m.key, kind)] > limit:
            continue
        add(m.key, m.name, w[kind] * (w["head_factor"] if m.start < doc.head_end else 1), note)
    prefixes = _registry_prefixes(case_numbers)
    if prefixes:
        names = {m.key: m.name for m in mentions if m.kind == "committee"}
        for key, name in names.items():
            if _initials(name) & prefixes:
                add(key, name, w["registry"], f"the case number's prefix abbreviates '{name}'")
    _merge_districts(scores, best_piece)
    if not scores:
        return None, "committee: no nämnd named"
    best = max(scores, key=lambda k: (scores[k], best_piece[k][0]))
    return best_piece[best][1], f"committee: {best_piece[best][2]} (score {scores[best]:g})"


def _merge_districts(scores: dict[str, float], best_piece: dict[str, tuple[float, str, str]]) -> None:
    """Mentions of "socialnämnden" count for the one "Socialnämnden Nordost" the text names."""
    for key in list(scores):
        qualified = [k for k in scores if k != key and k.startswith(key + " ") and "utskott" not in k]
        if len(qualified) == 1:
            scores[qualified[0]] += scores.pop(key)
            best_piece.pop(key, None)


def committees_mentioned(mentions: list[Mention]) -> list[str]:
    seen: dict[str, None] = {}
    for m in mentions:
        if m.kind == "committee":
            seen.setdefault(m.name, None)
    return list(seen)


def is_same_organ(a: str | None, b: str | None) -> bool:
    return bool(a and b and organ_key(a) == organ_key(b))
