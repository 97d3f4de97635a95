"""``municipality``: the kommun or region the document comes from.

Evidence, by weight (municipalities.toml ``[weights]``):

- the sender's letterhead: "Västerås stad", "Region Skåne", "Landstinget Sörmland" in the lead's
  lines up to the author's, in a running header, or as the site name of a web page's title;
- a district organ ("Hässelby-Vällingby stadsdelsnämnd" is Stockholm's);
- "X stad", "Xs kommun", "X stadsrevision", "Xs socialnämnd", "Region X" in the text, e-mail and web domains such
  as malmo.se, postal lines "192 27 Stockholm", a place-and-date line "Uppsala den 12 februari
  2025", inhabitants ("Botkyrkabor"); evidence in the first words counts double.

A region is a partner or an addressee in a municipality's text, and a municipality a place in a
region's: when the author is a municipal organ, a region counts only from the letterhead, and
the other way round. Names come from the table of all 290 municipalities and 21 regions; a name
one OCR slip away from exactly one municipality ("Vdsteras kommun") counts as a near miss.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from functools import cache

from ingest.folding import fold_for_matching
from ingest.metadata.text import DocText, find_dates
from ingest.tables import load_table


def _slug(name: str) -> str:
    base = unicodedata.normalize("NFKD", name.lower())
    return "".join(c for c in base if c.isascii() and c.isalnum())


def _words(text: str) -> str:
    return " ".join(fold_for_matching(text).split())


@cache
def _municipalities() -> dict[str, tuple[str, ...]]:
    """Folded name -> the municipalities with that fold (Heby, Håbo and Habo share one)."""
    t = load_table("municipalities")
    out: dict[str, list[str]] = defaultdict(list)
    for names in t["counties"].values():
        for name in names:
            out[_words(name)].append(name)
    return {k: tuple(v) for k, v in out.items()}


def municipality_named(surface: str) -> str | None:
    """The municipality a written name stands for; exact spelling decides between folds."""
    names = _municipalities().get(_words(surface), ())
    if len(names) == 1:
        return names[0]
    plain = _slug(surface)
    exact = [n for n in names if n.lower() == surface.lower()] or [n for n in names if _slug(n) == plain]
    return exact[0] if len(exact) == 1 else None


# ---------------------------------------------------------------- regions and landsting


@cache
def _region_pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    """One pattern over folded text for every region and landsting name, and folded name -> name."""
    t = load_table("municipalities")["regions"]
    names: dict[str, str] = {}
    for region in t["prefixed"]:
        names[_words("region " + region)] = f"Region {region}"
    for named in t["named"]:
        names[_words(named)] = named
    for name in t["landsting"]:
        names[_words(name)] = name
    alternation = "|".join(r" +".join(re.escape(w) for w in k.split()) for k in sorted(names, key=len, reverse=True))
    return re.compile(r"(?<![a-z0-9])(?P<n>" + alternation + r")s?(?![a-z0-9])"), names


_LANDSTING = re.compile(r"(?<![\w-])(?:[Ll]andstinget|LANDSTINGET) (?:i )?([A-ZÅÄÖ][\w]+)")


def region_mentions(text: str, folded: str) -> list[tuple[int, int, str]]:
    """(start, end, name) for each region or landsting a text names, longest first where they overlap."""
    pattern, names = _region_pattern()
    found = [(m.start(), m.end(), names[" ".join(m.group("n").split())]) for m in pattern.finditer(folded)]
    for m in _LANDSTING.finditer(text):
        i = " i" if re.search(r"\si\s", m.group(0)) else ""
        found.append((m.start(), m.end(), f"Landstinget{i} {m.group(1).capitalize()}"))
    found.sort(key=lambda x: (x[0], -(x[1] - x[0])))
    kept: list[tuple[int, int, str]] = []
    for f in found:
        if kept and f[0] < kept[-1][1]:
            continue
        kept.append(f)
    return kept


def is_region(name: str | None) -> bool:
    return bool(name) and (name.startswith(("Region ", "Landsting")) or "landsting" in name or name.endswith("regionen"))


# ---------------------------------------------------------------- municipality evidence


@cache
def _body_pattern() -> re.Pattern[str]:
    names = sorted(_municipalities(), key=len, reverse=True)
    alternation = "|".join(r" +".join(re.escape(w) for w in folded.split()) for folded in names)
    organ = r"[a-z]*(?:namnd|styralsa|fallmaktaga|farvaltnang|ravasarar)[a-z]*"
    return re.compile(r"(?<![a-z0-9])(?P<n>" + alternation + r")(?:s? +(?:stad|kamman)(?:s|an|ans|sravasaan|sravasaanan|ravasaan|ravasaanan)?|s +"
                      + organ + r")(?![a-z0-9])")


@cache
def _municipality_slugs() -> dict[str, str]:
    return {_slug(n): n for names in _municipalities().values() for n in names}


def _resolve(m: re.Match[str], text: str) -> tuple[str | None, bool]:
    """The municipality a "X kommun" match names, and whether it is spelled exactly.

    A name is written with a capital and stands on the same line, in the same sentence, as
    its "kommun" or "stad": "… bland unga.\n\nKommunstyrelsen" folds like "Ånge kommun…" but
    names nothing. A spelling that only the fold equates ("Malmé stad") is not exact.
    """
    surface = text[m.start("n"): m.end("n")]
    if not surface[:1].isupper() or re.search(r"[\n.!?;:,]", text[m.end("n"): m.end()]):
        return None, False
    name = municipality_named(surface)
    return name, bool(name) and _slug(name) == _slug(surface)


def bodies_in(text: str, folded: str | None = None) -> list[tuple[int, int, str, bool]]:
    """(start, end, municipality or region, exact spelling) for each body a text names."""
    folded = fold_for_matching(text) if folded is None else folded
    regions = [(s, e, name, True) for s, e, name in region_mentions(text, folded)]
    out = []
    for m in _body_pattern().finditer(folded):
        name, exact = _resolve(m, text)
        # "Region Jämtland Härjedalens revisorer": the name belongs to the region's
        if name and not any(s < m.end() and m.start() < e for s, e, _, _ in regions):
            out.append((m.start(), m.end(), name, exact))
    return out + regions


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


@cache
def _demonyms() -> tuple[re.Pattern[str], dict[str, str]]:
    """A pattern for "<name>(s)bo(r/rna/rnas)" and the irregular forms, over folded text."""
    t = load_table("municipalities")["demonyms"]
    irregular = {_words(form): name for name, forms in t.items() if name != "examples" for form in forms}
    names = sorted((k for k in _municipalities() if len(k) >= 3 and " " not in k), key=len, reverse=True)
    alternation = "|".join(re.escape(n) for n in names)
    regular = r"(?P<n>" + alternation + r")(?:s|a)?bar(?:na|nas|s)?"
    extra = "|".join(re.escape(k) for k in sorted(irregular, key=len, reverse=True))
    return re.compile(r"(?<![a-z0-9])(?:" + regular + r"|(?P<i>" + extra + r"))(?![a-z0-9])"), irregular


def demonyms_in(folded: str) -> list[tuple[int, str]]:
    """(offset, municipality) for each inhabitant word ("Botkyrkabor", "göteborgare")."""
    pattern, irregular = _demonyms()
    out = []
    for m in pattern.finditer(folded):
        if m.group("i"):
            out.append((m.start(), irregular[m.group("i")]))
        else:
            names = _municipalities().get(m.group("n"), ())
            if len(names) == 1:
                out.append((m.start(), names[0]))
    return out


@cache
def _districts() -> dict[str, str]:
    """Folded district -> municipality, for districts only one municipality has."""
    t = load_table("municipalities")["districts"]
    seen: dict[str, set[str]] = defaultdict(set)
    for municipality, districts in t.items():
        for d in districts:
            seen[_words(d)].add(municipality)
    return {d: next(iter(m)) for d, m in seen.items() if len(m) == 1}


def district_municipality(district_key: str) -> str | None:
    """The municipality of a district organ's key ("stadsdel hassalby vallangby")."""
    return _districts().get(district_key.removeprefix("stadsdel ").strip())


@cache
def _building_pattern() -> re.Pattern[str]:
    names = "|".join(re.escape(b).replace(r"\ ", r"\s+") for b in load_table("municipalities")["places"]["buildings"])
    return re.compile(r"(?i:(?<![\w-])(?:" + names + r"))(?:,\s*|\s+i\s+)([A-ZÅÄÖ][\w-]+(?: [A-ZÅÄÖ][\w-]+)?)")


@cache
def _meeting_place() -> re.Pattern[str]:
    labels = "|".join(re.escape(x).replace(r"\ ", r"\s+") for x in load_table("municipalities")["places"]["meeting_labels"])
    return re.compile(r"(?i:(?<![\w-])(?:" + labels + r"))\s*:?\s+(?P<v>[^\n]{0,120})")


_PLACE_STOP = re.compile(r"(?i)(?<![\w-])(?:kl\.?|klockan|beslutande|närvarande|ledamöter)(?![\w-])|\d{1,2}[.:]\d{2}")


def places_in(text: str) -> list[tuple[int, str]]:
    """(offset, municipality) for each place written after a meeting building ("Kommunhuset,
    Oskarshamn", "Stadshuset i Sala"), or named in a meeting's place before its time ("Plats och
    tid Sammanträdesrummet, Kils bibliotek, kl. 13.00" names no place; "Plats och tid Sal 105,
    Ale Kulturhus, kl. 9.00" names Ale)."""
    out = []
    for m in _building_pattern().finditer(text):
        name = municipality_named(m.group(1)) or municipality_named(m.group(1).split()[0])
        if name:
            out.append((m.start(), name))
    for m in _meeting_place().finditer(text):
        if any(m.start() <= start < m.end() for start, _ in out):
            continue  # the building rule has read this place already
        value = m.group("v")
        stop = _PLACE_STOP.search(value)
        value = value[:stop.start()] if stop else value
        for w in re.finditer(r"(?<![\w-])[A-ZÅÄÖ][\w-]+(?: [A-ZÅÄÖ][\w-]+)?", value):
            name = municipality_named(w.group(0)) or municipality_named(w.group(0).split()[0])
            if name and name == w.group(0).split()[0] or (name and name == w.group(0)):
                out.append((m.start("v") + w.start(), name))
                break
    return out


# "Kils kommunfastighet AB", "Göteborgs kommunfullmäktige": a municipality's name on a compound of kommun-.
_COMPOUND = re.compile(r"(?<![\w-])([A-ZÅÄÖ][\w-]+) kommun(?!en\b|ens\b|er\b|erna\b|s\b)[a-zåäö]{3,}")


def site_name(title: str | None) -> str | None:
    """The site's name at the end of a web page's title ("Sammanträde – Borås Stad")."""
    if not title:
        return None
    parts = re.split(r"\s+[-–—|]\s+", title.strip())
    return parts[-1] if len(parts) > 1 else None


def detect_municipality(doc: DocText, furniture: list[str] | None = None, *, sender_lines: list[str] | None = None,
                        site: str | None = None, district_keys: list[str] | None = None,
                        author_kind: str | None = None) -> tuple[str | None, str]:
    """Weighted evidence for the municipality (see the module docstring).

    ``furniture`` holds running headers cleaning removed, ``sender_lines`` the lead's lines up to
    the author's, ``site`` a web page's site name, ``district_keys`` the district organs named,
    ``author_kind`` "regional" or "municipal" when the author organ says which.
    """
    t = load_table("municipalities")["weights"]
    scores: dict[str, float] = defaultdict(float)
    why: dict[str, tuple[float, str]] = {}

    def add(name: str, weight: float, note: str) -> None:
        if author_kind == "municipal" and is_region(name) and not note.startswith("letterhead"):
            return
        if author_kind == "regional" and not is_region(name) and not note.startswith("letterhead"):
            weight /= 3
        scores[name] += weight
        if weight > why.get(name, (0, ""))[0]:
            why[name] = (weight, note)

    letterhead_seen: set[str] = set()
    for kind, lines in (("letterhead", sender_lines or []), ("running header", furniture or []),
                        ("site name", [site] if site else [])):
        for line in lines:
            for _, _, name, exact in bodies_in(line):
                if name not in letterhead_seen:
                    letterhead_seen.add(name)
                    add(name, t["letterhead"] * (1 if kind == "letterhead" else 0.75) * (1 if exact else 0.6),
                        f"letterhead: {kind} '{line.strip()}'")
            for name, _, surface in _near_misses(line):
                add(name, t["near_miss"], f"letterhead: {kind}, near miss '{surface}'")

    def head(offset: int) -> float:
        return t["head_factor"] if offset < doc.head_end else 1

    for s, e, name, exact in bodies_in(doc.text, doc.folded):
        weight = (t["body"] if exact else t["folded"]) * head(s)
        if is_region(name) and author_kind != "regional":
            weight = t["bare"] * head(s)  # a municipality's partner; a region's own organ writes of it as itself
        add(name, weight, f"municipality: '{doc.text[s:e].strip()}'")
    for name, start, surface in _near_misses(doc.text):
        add(name, t["near_miss"] * head(start), f"municipality: near miss '{surface}'")
    for key in district_keys or []:
        name = district_municipality(key)
        if name:
            add(name, t["district"], f"municipality: district organ '{key.removeprefix('stadsdel ')}'")
    for start, name in places_in(doc.text):
        add(name, t["postal"] * head(start), f"municipality: the meeting's place '{doc.text[start:start + 40].splitlines()[0]}'")
    for m in _COMPOUND.finditer(doc.text):
        word = m.group(1)
        name = municipality_named(word) or (municipality_named(word[:-1]) if word.endswith("s") else None)
        if name and word in (name, name + "s"):
            add(name, t["compound"] * head(m.start()), f"municipality: '{m.group(0)}'")
    for start, name in demonyms_in(doc.folded):
        add(name, t["demonym"], f"municipality: inhabitants '{doc.text[start:start + 20].split()[0]}'")
    by_slug = _municipality_slugs()
    for m in re.finditer(r"(?:@|www\.|https?://)([\w.-]+?)\.se\b", doc.text + " " + doc.raw, re.IGNORECASE):
        label = m.group(1).split(".")[-1]
        name = by_slug.get(_slug(label))
        if name:
            add(name, t["domain"] * head(m.start() if m.start() < len(doc.text) else len(doc.text)),
                f"municipality: domain '{m.group(0)}'")
    for m in re.finditer(r"(?<!\d)\d{3} ?\d{2} +([A-ZÅÄÖ][\w-]+)", doc.text):
        name = municipality_named(m.group(1))
        if name:
            add(name, t["postal"] * head(m.start()), f"municipality: postal line '{m.group(0)}'")
    for d in find_dates(doc.text):
        line_start = doc.text.rfind("\n", max(0, d.start - 60), d.start) + 1
        if line_start == 0 and d.start > 60:
            continue
        place = re.fullmatch(r"\s*([A-ZÅÄÖ][\w-]+(?: [A-ZÅÄÖ][\w-]+)?),?\s*(?:den\s*)?", doc.text[line_start:d.start])
        name = municipality_named(place.group(1)) if place else None
        if name:
            add(name, t["postal"] * head(line_start), f"municipality: place and date '{doc.text[line_start:d.end]}'")
    for line in furniture or []:
        for m in re.finditer(r"(?<!\d)\d{3} ?\d{2} +([A-ZÅÄÖ][\w-]+)", line):
            name = municipality_named(m.group(1))
            if name:
                add(name, t["postal"], f"municipality: running postal line '{line.strip()}'")
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
                add(name, t["bare"] * head(m.start()), f"municipality: named in the text '{m.group(0)}'")
    if not scores:
        return None, "municipality: not stated"
    best = max(scores, key=lambda n: (scores[n], -len(n)))
    return best, f"{why[best][1]} (score {scores[best]:g})"
