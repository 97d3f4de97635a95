"""``municipality``: the kommun (or region) the document comes from.

"X stad", "Xs kommun", "X stadsrevision", "Region X" (weight 5), e-mail and web domains such
as malmo.se (4), postal lines "192 27 Stockholm" (3); evidence in the first blocks counts
double. Names come from the table of all 290 municipalities; a name one OCR slip away from
exactly one municipality ("Vdsteras kommun") counts as a near miss, and the running headers
cleaning removed count too.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from functools import cache

from ingest.folding import fold_for_matching
from ingest.metadata.text import DocText, find_dates, phrase_pattern
from ingest.tables import load_table


def _slug(name: str) -> str:
    base = unicodedata.normalize("NFKD", name.lower())
    return "".join(c for c in base if c.isascii() and c.isalnum())


@cache
def _municipalities() -> dict[str, tuple[str, ...]]:
    """Folded name -> the municipalities with that fold (Heby, Håbo and Habo share one)."""
    t = load_table("municipalities")
    out: dict[str, list[str]] = defaultdict(list)
    for names in t["counties"].values():
        for name in names:
            out[" ".join(fold_for_matching(name).split())].append(name)
    return {k: tuple(v) for k, v in out.items()}


def municipality_named(surface: str) -> str | None:
    """The municipality a written name stands for; exact spelling decides between folds."""
    names = _municipalities().get(" ".join(fold_for_matching(surface).split()), ())
    if len(names) == 1:
        return names[0]
    plain = _slug(surface)
    exact = [n for n in names if n.lower() == surface.lower()] or [n for n in names if _slug(n) == plain]
    return exact[0] if len(exact) == 1 else None


@cache
def _municipality_patterns() -> list[tuple[re.Pattern[str], str | None, str]]:
    """(pattern, name or None when group "n" must be resolved from the text, kind)."""
    t = load_table("municipalities")
    pats: list[tuple[re.Pattern[str], str | None, str]] = []
    names = sorted(_municipalities(), key=len, reverse=True)
    alternation = "|".join(r" +".join(re.escape(w) for w in folded.split()) for folded in names)
    pats.append((re.compile(r"(?<![a-z0-9])(?P<n>" + alternation + r")s? +(?:stad|kamman)[a-z]*(?![a-z0-9])"), None, "body"))
    for region in t["regions"]["prefixed"]:
        words = r" +".join(re.escape(w) for w in fold_for_matching(region).split())
        pats.append((re.compile(r"(?<![a-z0-9])ragaan +" + words + r"(?![a-z0-9])"), f"Region {region}", "body"))
    for named in t["regions"]["named"]:
        pats.append((phrase_pattern(named.lower() + "*"), named, "body"))
    return pats


@cache
def _municipality_slugs() -> dict[str, str]:
    return {_slug(n): n for names in _municipalities().values() for n in names}


def _resolve(pattern_name: str | None, m: re.Match[str], text: str) -> tuple[str | None, bool]:
    """The municipality a body match names, and whether it is spelled exactly.

    A name is written with a capital and stands on the same line, in the same sentence, as
    its "kommun" or "stad": "… bland unga.\n\nKommunstyrelsen" folds like "Ånge kommun…" but
    names nothing. A spelling that only the fold equates ("Malmé stad") is not exact.
    """
    if pattern_name:
        return pattern_name, True
    surface = text[m.start("n"): m.end("n")]
    if not surface[:1].isupper() or re.search(r"[\n.!?;:]", text[m.end("n"): m.end()]):
        return None, False
    name = municipality_named(surface)
    return name, bool(name) and _slug(name) == _slug(surface)


def _near_miss(word: str) -> str | None:
    """The one municipality whose folded name is a single edit away from an OCR-damaged
    ``word`` ("Vdsteras" for Västerås); None when none or several are."""
    f = "".join(fold_for_matching(word).split())
    if len(f) < 5:
        return None
    found = {name for key, names in _municipalities().items() for name in names
             if abs(len(key.replace(" ", "")) - len(f)) <= 1 and _one_edit(key.replace(" ", ""), f)}
    return found.pop() if len(found) == 1 else None


def _one_edit(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` differ by exactly one substitution, insertion or deletion."""
    if a == b:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long_ = sorted((a, b), key=len)
    i = next((k for k, (x, y) in enumerate(zip(short, long_, strict=False)) if x != y), len(short))
    return short[i:] == long_[i + 1:]


# "X kommun" / "Xs stad" on one line, for names no table entry spells (OCR damage).
_UNKNOWN_BODY = re.compile(r"(?<![\w-])([A-ZÅÄÖ][^\W\d_]{3,}) +(?:k\w{2}mun|stad)\b")


def _near_misses(text: str) -> list[tuple[str, int, str]]:
    """(municipality, offset, words) for each "X kommun" whose X no table entry spells but one
    municipality's name is a single letter from."""
    out = []
    for m in _UNKNOWN_BODY.finditer(text):
        word = m.group(1)
        if municipality_named(word) is None and municipality_named(word.removesuffix("s")) is None:
            name = _near_miss(word) or (_near_miss(word[:-1]) if word.endswith("s") else None)
            if name:
                out.append((name, m.start(), m.group(0).strip()))
    return out


_PLACE_BEFORE_DATE = re.compile(r"\s*([A-ZÅÄÖ][\w-]+(?: [A-ZÅÄÖ][\w-]+)?),?\s*(?:den\s*)?")
PLACE_WINDOW = 120  # characters before a date read for "Malmö den" / "Upplands Väsby,"


def detect_municipality(doc: DocText, furniture: list[str] | None = None) -> tuple[str | None, str]:
    """Weighted evidence for the municipality; ``furniture`` holds running headers cleaning removed."""
    t = load_table("municipalities")["weights"]
    scores: dict[str, float] = defaultdict(float)
    why: dict[str, str] = {}

    def add(name: str, kind: str, offset: int, note: str) -> None:
        w = t[kind] * (t["head_factor"] if offset < doc.head_end else 1)
        scores[name] += w
        why.setdefault(name, note)

    for pattern, pname, kind in _municipality_patterns():
        for m in pattern.finditer(doc.folded):
            name, exact = _resolve(pname, m, doc.text)
            if name:
                add(name, kind if exact else "folded", m.start(), f"municipality: '{doc.text[m.start():m.end()].strip()}'")
    for name, start, surface in _near_misses(doc.text):
        add(name, "near_miss", start, f"municipality: near miss '{surface}'")
    by_slug = _municipality_slugs()
    for m in re.finditer(r"(?:@|www\.|https?://)([\w.-]+?)\.se\b", doc.text + " " + doc.raw, re.IGNORECASE):
        label = m.group(1).split(".")[-1]
        name = by_slug.get(_slug(label))
        if name:
            add(name, "domain", m.start() if m.start() < len(doc.text) else len(doc.text), f"municipality: domain '{m.group(0)}'")
    for m in re.finditer(r"(?<!\d)\d{3} ?\d{2} +([A-ZÅÄÖ][\w-]+)", doc.text):
        name = municipality_named(m.group(1))
        if name:
            add(name, "postal", m.start(), f"municipality: postal line '{m.group(0)}'")
    if not scores:
        for m in re.finditer(r"\b[A-ZÅÄÖ][a-zåäöé]{3,}(?:-[A-ZÅÄÖ][a-zåäöé]+)?\b", doc.text):
            name = municipality_named(m.group(0))
            if name != m.group(0):
                continue
            before = doc.text[max(0, m.start() - 30): m.start()].rstrip(" ")
            after = doc.text[m.end(): m.end() + 30].lstrip(" ")
            mid_sentence = bool(before) and (before[-1].isalpha() or before[-1] == ",")
            prev_word = before.split()[-1] if before.split() else ""
            if mid_sentence and not prev_word[:1].isupper() and not after[:1].isupper():
                add(name, "bare", m.start(), f"municipality: named in the text '{m.group(0)}'")
    for d in find_dates(doc.text):
        # Only a short stretch before each date: searching back to the line start was quadratic
        # on one long line of dates. A place and "den" never take more.
        low = max(0, d.start - PLACE_WINDOW)
        line_start = doc.text.rfind("\n", low, d.start) + 1
        if line_start == 0 and low > 0:
            continue
        place = _PLACE_BEFORE_DATE.fullmatch(doc.text, line_start, d.start)
        name = municipality_named(place.group(1)) if place else None
        if name:
            add(name, "postal", line_start, f"municipality: place and date '{doc.text[line_start:d.end]}'")
    for line in furniture or []:
        for pattern, pname, kind in _municipality_patterns():
            m = pattern.search(fold_for_matching(line))
            name, exact = _resolve(pname, m, line) if m else (None, False)
            if name:
                scores[name] += t[kind if exact else "folded"]
                why.setdefault(name, f"municipality: running header '{line.strip()}'")
        for name, _, surface in _near_misses(line):
            scores[name] += t["near_miss"]
            why.setdefault(name, f"municipality: running header, near miss '{surface}'")
    if not scores:
        return None, "municipality: not stated"
    best = max(scores, key=lambda n: scores[n])
    return best, why[best]
