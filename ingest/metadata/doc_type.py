"""``doc_type``: what kind of handling the document is (yttrande, remissvar, handlingsplan, ...).

Weighted cues per type (doctypes.toml); hits in the document's first words weigh more. The
lead (the first lines) decides when it names a matter type; a protocol named there
("PROTOKOLLSUTDRAG") wins over the matter its § items handle, and so does a § item under a
protocol's words. A letter under the auditors' letterhead is a revisionsrapport. A carrier form
(tjänsteskrivelse, tjänsteutlåtande) only wins when no matter type scores, so a
tjänsteskrivelse carrying a yttrande is a "yttrande".
"""

from __future__ import annotations

import re
from collections import defaultdict

from ingest.metadata.lead import lead_end
from ingest.metadata.letterhead import Letterhead
from ingest.metadata.text import DocText, phrase_literal, phrase_pattern, skeleton
from ingest.tables import load_table


def _count_hits(pattern: re.Pattern[str], doc: DocText, weight: float, cap: int, factor: float) -> float:
    hits = [m.start() for m in pattern.finditer(doc.folded)][:cap]
    return sum(weight * (factor if h < doc.head_end else 1) for h in hits)


def _cue_matches(folded: str, skeletal: bool = False) -> list[tuple[int, int, int, float, str]]:
    """Every cue hit in ``folded`` (or in its :func:`skeleton`): (start, end, type order, weight, phrase)."""
    out = []
    for order, entry in enumerate(load_table("doctypes")["types"]):
        for cue in entry["cues"]:
            if not skeletal and phrase_literal(cue["phrase"]) not in folded:
                continue  # no hit possible
            out += [(m.start(), m.end(), order, cue["weight"], cue["phrase"])
                    for m in phrase_pattern(cue["phrase"], skeletal=skeletal).finditer(folded)]
    return out


def lead_doc_type(folded_lead: str) -> tuple[str, str] | None:
    """The type the lead names (see :func:`_lead_type`); when OCR dropped letters from its
    words ("Uppfljning av handlingsplan"), the reading without vowels may name it more strongly."""
    named = _lead_type(folded_lead)
    damaged = _lead_type(skeleton(folded_lead), skeletal=True)
    if damaged and (named is None or (damaged[0] != named[0] and damaged[2] > named[2])):
        return damaged[0], damaged[1] + " (read without vowels)"
    return (named[0], named[1]) if named else None


def _lead_type(folded_lead: str, skeletal: bool = False) -> tuple[str, str, float] | None:
    """The type the lead names, when it names a matter type.

    The first lines say what the document is, so their cues decide before any count over the
    body. A cue hit inside a longer hit of another type does not count: "Uppföljande yttrande
    avseende …" names an uppföljande yttrande, not a yttrande, and "Yttrande över motion om …"
    a remissvar. Overlapping hits of one type count once, with the strongest cue.
    """
    types = load_table("doctypes")["types"]
    hits = _cue_matches(folded_lead, skeletal)
    scores: dict[int, float] = defaultdict(float)
    best: dict[int, tuple[float, str]] = {}
    taken: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for s, e, order, weight, phrase in sorted(hits, key=lambda h: (-h[3], h[0])):
        if any(o != order and s2 <= s and e <= e2 and e2 - s2 > e - s for s2, e2, o, _, _ in hits):
            continue
        if any(s < e2 and s2 < e for s2, e2 in taken[order]):
            continue  # one stretch of text counts once for its type, with its strongest cue
        taken[order].append((s, e))
        scores[order] += weight
        if weight > best.get(order, (0, ""))[0]:
            best[order] = (weight, phrase)
    deciding = [o for o in scores if types[o].get("lead_decides")]
    matters = deciding or [o for o in scores if not types[o].get("carrier")]
    if not matters:
        return None
    order = max(matters, key=lambda o: (scores[o], -o))
    return types[order]["name"], f"doc_type: named in the first lines, '{best[order][1]}' (score {scores[order]:g})", scores[order]


_ITEM = re.compile(r"(?m)^[ \t]*§[ \t]*\d+[ \t]+\S")


def _protocol_items_with_cue(doc: DocText) -> str | None:
    """A protocol extract by its shape: a line opening with a § item ("§ 156 Svar på ...") and a
    protocol's words in the first part of the text (protokoll, sammanträde, justera...)."""
    head = doc.text[: 40 * load_table("doctypes")["scoring"]["head_words"] * 5]
    m = _ITEM.search(head)
    if not m:
        return None
    words = load_table("doctypes")["protocol_words"]
    folded = doc.folded[: len(head)]
    if any(phrase_pattern(w).search(folded) for w in words):
        return head[m.start(): m.start() + 40].strip().split("\n")[0]
    return None


def detect_doc_type(doc: DocText, letterhead: Letterhead | None = None) -> tuple[str, str]:
    """The type the first lines name, else the controlled-vocabulary type with the highest cue
    score over the whole text (see doctypes.toml); a letter the auditors' letterhead signs is a
    revisionsrapport (unless it is their protocol)."""
    doc_type, why = _detect(doc)
    author = letterhead.author if letterhead else None
    if author and author.mention.kind == "auditors" and doc_type not in ("protokoll", "revisionsrapport"):
        return "revisionsrapport", f"doc_type: the auditors wrote it (letterhead '{author.line}')"
    return doc_type, why


def _detect(doc: DocText) -> tuple[str, str]:
    named = lead_doc_type(doc.folded[:lead_end(doc)])
    if named:
        return named
    items = _protocol_items_with_cue(doc)
    if items:
        return "protokoll", f"doc_type: § items ('{items}') under a protocol's words"
    t = load_table("doctypes")
    scoring = t["scoring"]
    scores: list[tuple[float, int, str, bool, str]] = []
    for order, entry in enumerate(t["types"]):
        total, best, best_score = 0.0, "", 0.0
        for cue in entry["cues"]:
            if phrase_literal(cue["phrase"]) not in doc.folded:
                continue  # no hit possible: scores 0
            s = _count_hits(phrase_pattern(cue["phrase"]), doc, cue["weight"],
                            scoring["max_hits"], scoring["head_factor"])
            total += s
            if s > best_score:
                best, best_score = cue["phrase"], s
        scores.append((total, -order, entry["name"], bool(entry.get("carrier")), best))
    matters = [s for s in scores if not s[3] and s[0] > 0]
    pool = matters or [s for s in scores if s[0] > 0]
    if not pool:
        return scoring["fallback"], "doc_type: no cue found"
    total, _, name, _, best = max(pool)
    return name, f"doc_type: cues score {total:g}, strongest '{best}'"
