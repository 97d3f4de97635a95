"""``doc_type``: what kind of handling the document is (yttrande, remissvar, handlingsplan, ...).

Weighted cues per type (doctypes.toml); hits in the document's first words weigh more. The
lead (the first lines) decides when it names a matter type. A carrier form
(tjänsteskrivelse, tjänsteutlåtande) only wins when no matter type scores, so a
tjänsteskrivelse carrying a yttrande is a "yttrande".
"""

from __future__ import annotations

import re
from collections import defaultdict

from ingest.metadata.text import DocText, lead_end, phrase_literal, phrase_pattern
from ingest.tables import load_table


def _count_hits(pattern: re.Pattern[str], doc: DocText, weight: float, cap: int, factor: float) -> float:
    hits = [m.start() for m in pattern.finditer(doc.folded)][:cap]
    return sum(weight * (factor if h < doc.head_end else 1) for h in hits)


def _cue_matches(folded: str) -> list[tuple[int, int, int, float, str]]:
    """Every cue hit in ``folded``: (start, end, type order, weight, phrase)."""
    out = []
    for order, entry in enumerate(load_table("doctypes")["types"]):
        for cue in entry["cues"]:
            if phrase_literal(cue["phrase"]) not in folded:
                continue  # no hit possible
            out += [(m.start(), m.end(), order, cue["weight"], cue["phrase"])
                    for m in phrase_pattern(cue["phrase"]).finditer(folded)]
    return out


def _lead_doc_type(doc: DocText) -> tuple[str, str] | None:
    """The type the lead names, when it names a matter type.

    The first lines say what the document is, so their cues decide before any count over the
    body. A cue hit overlapping a longer hit of another type does not count: "Uppföljande
    yttrande avseende …" names an uppföljande yttrande, not a yttrande, and "Uppföljning av
    handlingsplan för …" a follow-up, not a plan.
    """
    types = load_table("doctypes")["types"]
    end = lead_end(doc)
    hits = _cue_matches(doc.folded[:end])
    scores: dict[int, float] = defaultdict(float)
    best: dict[int, tuple[float, str]] = {}
    for s, e, order, weight, phrase in hits:
        if any(o != order and s < e2 and s2 < e and e2 - s2 > e - s for s2, e2, o, _, _ in hits):
            continue
        scores[order] += weight
        if weight > best.get(order, (0, ""))[0]:
            best[order] = (weight, phrase)
    matters = [o for o in scores if not types[o].get("carrier")]
    if not matters:
        return None
    order = max(matters, key=lambda o: (scores[o], -o))
    return types[order]["name"], f"doc_type: named in the first lines, '{best[order][1]}' (score {scores[order]:g})"


def detect_doc_type(doc: DocText) -> tuple[str, str]:
    """The type the first lines name, else the controlled-vocabulary type with the highest cue
    score over the whole text (see doctypes.toml)."""
    named = _lead_doc_type(doc)
    if named:
        return named
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
