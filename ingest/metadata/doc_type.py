"""``doc_type``: what kind of handling the document is (yttrande, remissvar, handlingsplan, ...).

Weighted cues per type (doctypes.toml); hits in the document's first words weigh more. The
lead (the first lines) decides when it names a matter type through a cue of some weight (a bare
"yttrande" or "granskning" there only mentions one); a protocol named there
("PROTOKOLLSUTDRAG") wins over the matter its § items handle, and so does a § item under a
protocol's words, but not "Analys av protokoll" (a matter's words). A protocol names itself at
its head, so over the body only its first words count. A form the letterhead names that is
only ever one type's ("REVISIONSRAPPORT", "MOTION") decides, and a letter under the auditors'
letterhead is a revisionsrapport; their running page header only counts when the first lines
name no type, since a reply that names itself ("Yttrande över ...") may carry the report it
answers. A carrier form (tjänsteskrivelse, tjänsteutlåtande) only wins when no matter type
scores, so a tjänsteskrivelse carrying a yttrande is a "yttrande".
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import cache

from ingest.folding import fold_for_matching
from ingest.metadata.lead import lead_end
from ingest.metadata.letterhead import Letterhead
from ingest.metadata.text import DocText, phrase_literal, phrase_pattern, skeleton
from ingest.tables import load_table


def _count_hits(pattern: re.Pattern[str], doc: DocText, weight: float, cap: int, factor: float,
                head_only: bool = False, not_after: re.Pattern[str] | None = None) -> float:
    """Weight × hits of a cue in the document's own text (after a web page's frame), at most
    ``cap`` hits; hits in the head count ``factor`` times; with ``head_only`` only they count."""
    end = doc.head_end if head_only else len(doc.folded)
    hits = [m.start() for m in pattern.finditer(doc.folded, doc.body_start, end)
            if not (not_after and not_after.search(doc.folded[max(0, m.start() - 30):m.start()]))][:cap]
    return sum(weight * (factor if h < doc.head_end else 1) for h in hits)


@cache
def _not_after(order: int, skeletal: bool) -> re.Pattern[str] | None:
    """Words right before a cue of type ``order`` that make the hit a matter's words, not the
    document's form ("Analys av protokoll")."""
    words = load_table("doctypes")["types"][order].get("not_after") or []
    if not words:
        return None
    phrases = [" ".join(fold_for_matching(w).split()) for w in words]
    if skeletal:
        phrases = [skeleton(p) for p in phrases if skeleton(p)]
    body = "|".join(r" +".join(re.escape(x) for x in p.split()) for p in sorted(phrases, key=len, reverse=True))
    # one genitive may stand between ("granskning av nämndernas protokoll")
    return re.compile(r"(?<![a-z0-9])(?:" + body + r") +(?:[a-z]+s +)?$")


def _cue_matches(folded: str, skeletal: bool = False) -> list[tuple[int, int, int, float, str]]:
    """Every cue hit in ``folded`` (or in its :func:`skeleton`): (start, end, type order, weight, phrase)."""
    out = []
    for order, entry in enumerate(load_table("doctypes")["types"]):
        not_after = _not_after(order, skeletal)
        for cue in entry["cues"]:
            if not skeletal and phrase_literal(cue["phrase"]) not in folded:
                continue  # no hit possible
            if skeletal and len(skeleton(phrase_literal(cue["phrase"]))) < 4:
                continue  # without vowels "sou" is "s": too short to name anything
            out += [(m.start(), m.end(), order, cue["weight"], cue["phrase"])
                    for m in phrase_pattern(cue["phrase"], skeletal=skeletal).finditer(folded)
                    if not (not_after and not_after.search(folded[max(0, m.start() - 30):m.start()]))]
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
    min_weight = load_table("doctypes")["scoring"]["lead_min_weight"]
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
    named = {o for o in scores if best[o][0] >= min_weight}  # a bare mention ("yttrande") names nothing
    deciding = [o for o in named if types[o].get("lead_decides")]
    matters = deciding or [o for o in named if not types[o].get("carrier")]
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


@cache
def _form_types() -> dict[str, str]:
    """Folded form word -> the one type it names (doctypes.toml ``[forms]``)."""
    forms = load_table("doctypes")["forms"]
    return {" ".join(fold_for_matching(w).split()): name for name, words in forms.items() if name != "examples" for w in words}


def detect_doc_type(doc: DocText, letterhead: Letterhead | None = None) -> tuple[str, str]:
    """The type the first lines name, else the controlled-vocabulary type with the highest cue
    score over the whole text (see doctypes.toml); a form the letterhead names that is only ever
    one type's decides, and a letter the auditors' letterhead signs is a revisionsrapport
    (unless it is their protocol; their running header only when the first lines name no type)."""
    doc_type, why, named_in_lead = _detect(doc)
    form_type = _form_types().get(letterhead.form) if letterhead else None
    if form_type and doc_type != form_type:
        return form_type, f"doc_type: the letterhead names its form '{letterhead.form}'"
    author = letterhead.author if letterhead else None
    if author is None and letterhead and not named_in_lead:
        # no author line in the lead and no type its first lines name: a running page header's
        # organ (a reply that names itself "Yttrande över ..." may carry the report it answers)
        author = next((o for o in letterhead.running_headers if o.mention.kind in ("committee", "auditors")), None)
    if author and author.mention.kind == "auditors" and doc_type not in ("protokoll", "revisionsrapport"):
        return "revisionsrapport", f"doc_type: the auditors wrote it (letterhead '{author.line}')"
    return doc_type, why


def _detect(doc: DocText) -> tuple[str, str, bool]:
    """The type, its evidence, and whether the first lines named it."""
    named = lead_doc_type(doc.folded[doc.body_start:lead_end(doc)])
    if named:
        return named[0], named[1], True
    items = _protocol_items_with_cue(doc)
    if items:
        return "protokoll", f"doc_type: § items ('{items}') under a protocol's words", False
    t = load_table("doctypes")
    scoring = t["scoring"]
    scores: list[tuple[float, int, str, bool, str]] = []
    for order, entry in enumerate(t["types"]):
        total, best, best_score = 0.0, "", 0.0
        for cue in entry["cues"]:
            if phrase_literal(cue["phrase"]) not in doc.folded:
                continue  # no hit possible: scores 0
            s = _count_hits(phrase_pattern(cue["phrase"]), doc, cue["weight"],
                            scoring["max_hits"], scoring["head_factor"], head_only=bool(entry.get("head_only")),
                            not_after=_not_after(order, False))
            total += s
            if s > best_score:
                best, best_score = cue["phrase"], s
        scores.append((total, -order, entry["name"], bool(entry.get("carrier")), best))
    carried = any(s[3] and s[0] > 0 for s in scores)
    # over a carrier the text names (a tjänsteskrivelse, a beslutsunderlag), a bare mention of a
    # matter ("särskilt yttrande") does not make the document that matter
    matters = [s for s in scores if not s[3] and s[0] >= (scoring["lead_min_weight"] if carried else 1e-9)]
    pool = matters or [s for s in scores if s[0] > 0]
    if not pool:
        return scoring["fallback"], "doc_type: no cue found", False
    total, _, name, _, best = max(pool)
    return name, f"doc_type: cues score {total:g}, strongest '{best}'", False
