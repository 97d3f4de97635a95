"""Document metadata (handlingens metadata) from cleaned, OCR-repaired blocks.

Every rule reads tables under ``ingest/tables/`` (doctypes, municipalities, committees,
metadata, dates) and matches on *folded* text: lower case, diacritics dropped, every vowel
``a``, OCR digits inside words read as letters (``f6r`` = ``för``) and punctuation a space.
Folding keeps the length of the text, so a match on the folded text points straight at the
words of the repaired text, which is what the fields are built from. Each field records
the rule that decided it in ``evidence``.

Rules, field by field:

- ``doc_type``: weighted cues per type (doctypes.toml); hits in the document's first words
  weigh more. A carrier form (tjänsteskrivelse, tjänsteutlåtande) only wins when no matter
  type scores, so a tjänsteskrivelse carrying a yttrande is a "yttrande".
- ``municipality``: "X stad", "Xs kommun", "X stadsrevision", "Region X" (weight 5), e-mail
  and web domains such as malmo.se (4), postal lines "192 27 Stockholm" (3); evidence in
  the first blocks counts double. Names come from the table of all 290 municipalities.
- ``committee``: the authoring nämnd. Each mention of a nämnd scores: it decides
  ("Förskolenämnden godkänner", "... föreslås besluta") 6, it is the audited one
  ("granskning av ...nämndens arbete") 3, its own administration speaks
  (förskoleförvaltningen -> Förskolenämnden) 2, a plain mention 1, a receiver ("till
  kommunstyrelsen") 0. ``committees_mentioned`` lists every nämnd named.
- ``recipient``: a body named right after a receiver cue ("Beslutet skickas till",
  "skicka det till", "överlämnar det till", "Svar på remiss från", "yttrandet till"); a
  bare "revisionen" becomes the audit office the text names. None when nothing says so.
- ``date``: the document's own date: a "Datum" label, "Malmö 2024-03-14", or a date
  standing alone near the top or at the end; never a date inside Beslutsplanering.
  ``year`` from it.
- ``year`` when no own date is stated (``date_inferred`` true): each year mention gets a
  tense from the words around it (dates.toml/metadata.toml). A year spoken of in the present
  ("Under 2025 arbetar") is the current year; otherwise the latest year spoken of in the
  past or perfect ("Under 2024 har", "genomfördes 2024") is, moved on by one when the text
  also plans for the next year ("under 2025 kommer"). Plans for years before the latest
  past one are OCR noise (2020 for 2026) and are ignored; a registry number's year is a
  lower bound. Without any of this: the file's creation date.
- ``case_numbers``: registry-number patterns (ASN-2024-2039, KS 2025/181, "Dnr 2023/123"),
  spacing normalised; dates and § numbers are not case numbers.
- ``title``: the first short sentence-case line before the running prose that is not a
  letterhead label; else the document's own entry in the list of decision documents
  ("G-Tjänsteskrivelse - ..."); else the file's title property; else doc type + subject.
- ``subject``: the words after a subject cue ("granskning av ...s arbete mot", "Motion om",
  "Yttrande över"), looked for in the title first; a plan's subject is its title.
- ``people``: signature runs (short blocks of names and roles, "Louise Linde Enhetschef",
  "Ordförande Sedat Arif", "Katarina Odén Ryhede / Tf. Förvaltningsdirektör").
- ``recommendations`` / ``activities``: from segmentation (``ingest.sections``).
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from ingest import dates
from ingest.model import Block, Section

TABLES = Path(__file__).with_name("tables")
SEPARATOR = "\n\n"


@cache
def table(name: str) -> dict:
    with (TABLES / f"{name}.toml").open("rb") as fh:
        return tomllib.load(fh)


# ---------------------------------------------------------------- folding and phrases

_VOWELS = set("aeiouyåäöæøéèü")


@cache
def _fold_letters() -> dict[str, str]:
    return dict(table("metadata")["fold"]["letters"])


class _FoldTable(dict):
    """str.translate table that works out (and remembers) each character's fold on first use."""

    def __missing__(self, code: int) -> str:
        c = chr(code).lower()[:1] or " "
        c = _fold_letters().get(c, c) if not c.isdigit() else c
        base = unicodedata.normalize("NFKD", c)[:1]
        if c in _VOWELS or base in _VOWELS:
            out = "a"
        elif base.isascii() and base.isalnum():
            out = base
        elif c.isalpha():
            out = c
        else:
            out = " "
        self[code] = out
        return out


_FOLD = _FoldTable()
# A digit stands for a letter when a letter touches it ("f6r", "{6r", "6ver"), not in "2024a".
_OCR_DIGIT = re.compile(r"(?<=[^\W\d_{£])\d|(?<=[{£])\d|(?<!\d)\d(?=[^\W\d_])")


def fold(text: str) -> str:
    """Length-preserving fold: lower case, no diacritics, vowels ``a``, OCR digits as letters.

    >>> fold("Nimnden f6r Malmö-stad")
    'namndan far malma stad'
    """
    letters = _fold_letters()
    text = _OCR_DIGIT.sub(lambda m: letters.get(m.group(0), m.group(0)), text)
    return text.translate(_FOLD)


@cache
def phrase_literal(phrase: str) -> str:
    """The longest folded word piece every match of ``phrase_pattern(phrase)`` contains: a quick
    ``in`` test that skips the regex for texts that cannot match."""
    pieces = [c for word in phrase.split() if word != "…" for c in fold(word.rstrip("*")).split()]
    return max(pieces, key=len, default="")


@cache
def phrase_pattern(phrase: str, anchor: str = "") -> re.Pattern[str]:
    """Compile a table phrase: words folded, ``*`` = any ending, ``…`` = up to four words.

    ``anchor`` is ``"$"`` to require the phrase to end the text, ``"^"`` to start it.
    """
    parts = []
    for word in phrase.split():
        if word == "…":
            parts.append(r"(?:[a-z0-9]+ +){0,4}")
            continue
        star = word.endswith("*")
        core = fold(word.rstrip("*")).split()
        body = r" +".join(re.escape(c) for c in core)
        parts.append(body + (r"[a-z0-9]*" if star else "") + " +")
    regex = "".join(parts)
    regex = regex[:-2] if regex.endswith(" +") else regex
    regex = r"(?<![a-z0-9])" + regex + r"(?![a-z0-9])"
    if anchor == "$":
        regex += r" *$"
    elif anchor == "^":
        regex = r"^ *" + regex
    return re.compile(regex)


# ---------------------------------------------------------------- the document as one text


@dataclass
class DocText:
    """Blocks joined into one text, with its fold and where each block starts."""

    text: str
    folded: str
    starts: list[int]
    blocks: list[str]
    head_end: int  # offset where the document's head (first words) ends
    raw: str = ""

    def block_at(self, offset: int) -> int:
        lo, hi = 0, len(self.starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.starts[mid] <= offset:
                lo = mid
            else:
                hi = mid - 1
        return lo


def doc_text(blocks: list[Block]) -> DocText:
    texts = [b.text for b in blocks]
    starts, pos = [], 0
    for t in texts:
        starts.append(pos)
        pos += len(t) + len(SEPARATOR)
    text = SEPARATOR.join(texts)
    head_words = table("doctypes")["scoring"]["head_words"]
    words = list(re.finditer(r"\w+", text))
    head_end = words[head_words - 1].end() if len(words) >= head_words else len(text)
    raw = SEPARATOR.join(b.raw or b.text for b in blocks)
    return DocText(text, fold(text), starts, texts, head_end, raw)


def _count_hits(pattern: re.Pattern[str], doc: DocText, weight: float, cap: int, factor: float) -> float:
    hits = [m.start() for m in pattern.finditer(doc.folded)][:cap]
    return sum(weight * (factor if h < doc.head_end else 1) for h in hits)


# ---------------------------------------------------------------- doc_type


def _cue_matches(folded: str) -> list[tuple[int, int, int, float, str]]:
    """Every cue hit in ``folded``: (start, end, type order, weight, phrase)."""
    out = []
    for order, entry in enumerate(table("doctypes")["types"]):
        for cue in entry["cues"]:
            if phrase_literal(cue["phrase"]) not in folded:
                continue  # no hit possible
            out += [(m.start(), m.end(), order, cue["weight"], cue["phrase"])
                    for m in phrase_pattern(cue["phrase"]).finditer(folded)]
    return out


_SENTENCE_END = re.compile(r"[.!?]\s*$")


def lead_end(doc: DocText) -> int:
    """Where the document's lead ends: its letterhead, form, title and subtitle lines, up to the
    first block of running prose (a long block, or a sentence of several words), and never
    past the head's first words."""
    prose_words = table("metadata")["title"]["prose_words"]
    for start, block in zip(doc.starts, doc.blocks, strict=True):
        if start >= doc.head_end:
            return doc.head_end
        n = len(block.split())
        if n > prose_words or (n >= 6 and _SENTENCE_END.search(block)):
            return start
    return doc.head_end


def _lead_doc_type(doc: DocText) -> tuple[str, str] | None:
    """The type the lead names, when it names a matter type.

    The first lines say what the document is, so their cues decide before any count over the
    body. A cue hit overlapping a longer hit of another type does not count: "Uppföljande
    yttrande avseende …" names an uppföljande yttrande, not a yttrande, and "Uppföljning av
    handlingsplan för …" a follow-up, not a plan.
    """
    types = table("doctypes")["types"]
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
    t = table("doctypes")
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


# ---------------------------------------------------------------- municipality


def _slug(name: str) -> str:
    base = unicodedata.normalize("NFKD", name.lower())
    return "".join(c for c in base if c.isascii() and c.isalnum())


@cache
def _municipalities() -> dict[str, tuple[str, ...]]:
    """Folded name -> the municipalities with that fold (Heby, Håbo and Habo share one)."""
    t = table("municipalities")
    out: dict[str, list[str]] = defaultdict(list)
    for names in t["counties"].values():
        for name in names:
            out[" ".join(fold(name).split())].append(name)
    return {k: tuple(v) for k, v in out.items()}


def municipality_named(surface: str) -> str | None:
    """The municipality a written name stands for; exact spelling decides between folds."""
    names = _municipalities().get(" ".join(fold(surface).split()), ())
    if len(names) == 1:
        return names[0]
    plain = _slug(surface)
    exact = [n for n in names if n.lower() == surface.lower()] or [n for n in names if _slug(n) == plain]
    return exact[0] if len(exact) == 1 else None


@cache
def _municipality_patterns() -> list[tuple[re.Pattern[str], str | None, str]]:
    """(pattern, name or None when group "n" must be resolved from the text, kind)."""
    t = table("municipalities")
    pats: list[tuple[re.Pattern[str], str | None, str]] = []
    names = sorted(_municipalities(), key=len, reverse=True)
    alternation = "|".join(r" +".join(re.escape(w) for w in folded.split()) for folded in names)
    pats.append((re.compile(r"(?<![a-z0-9])(?P<n>" + alternation + r")s? +(?:stad|kamman)[a-z]*(?![a-z0-9])"), None, "body"))
    for region in t["regions"]["prefixed"]:
        words = r" +".join(re.escape(w) for w in fold(region).split())
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
    f = "".join(fold(word).split())
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


def detect_municipality(doc: DocText, furniture: list[str] | None = None) -> tuple[str | None, str]:
    """Weighted evidence for the municipality; ``furniture`` holds running headers cleaning removed."""
    t = table("municipalities")["weights"]
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
    for d in _find_dates(doc.text):
        line_start = doc.text.rfind("\n", 0, d.start) + 1
        place = re.fullmatch(r"\s*([A-ZÅÄÖ][\w-]+(?: [A-ZÅÄÖ][\w-]+)?),?\s*(?:den\s*)?", doc.text[line_start:d.start])
        name = municipality_named(place.group(1)) if place else None
        if name:
            add(name, "postal", line_start, f"municipality: place and date '{doc.text[line_start:d.end]}'")
    for line in furniture or []:
        for pattern, pname, kind in _municipality_patterns():
            m = pattern.search(fold(line))
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


# ---------------------------------------------------------------- committees


@dataclass
class Mention:
    name: str
    start: int
    end: int
    kind: str = "committee"  # committee | administration | body


def _name_pattern(name: str) -> re.Pattern[str]:
    """All forms of an organ's name: nämnd/nämnden/nämndens, styrelsen/styrelsens, -en/-ens."""
    words = fold(name).split()
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
    t = table("committees")
    out = list(t["offices"].get(name, []))
    if name.endswith("nämnden"):
        out.append(name[: -len("nämnden")] + "förvaltningen")
    return out


def _literal_key(name: str) -> str:
    """A piece of the folded name every form contains, for a quick ``in`` test before the regex."""
    words = fold(name).split()
    return max(words, key=len)[:-2]


@cache
def _committee_patterns() -> list[tuple[re.Pattern[str], str, str, str]]:
    pats = []
    for name in table("committees")["names"]:
        if name == "Stadsdelsnämnden":
            continue
        pats.append((_name_pattern(name), name, "committee", _literal_key(name)))
        for admin in _administrations(name):
            pats.append((_name_pattern(admin), name, "administration", _literal_key(admin)))
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


def _surface_name(surface: str) -> str:
    """An administration as written, capitalised, genitive dropped ("förskoleförvaltningens")."""
    s = re.sub(r"\s+", " ", surface.strip())
    s = re.sub(r"(?<=en)s$", "", s)
    return s[:1].upper() + s[1:]


def find_committees(doc: DocText) -> list[Mention]:
    """Every committee or administration mention, longest first where they overlap."""
    found: list[Mention] = []
    for pattern, name, kind, key in _committee_patterns():
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
        if _COMPOUND_BEFORE.search(doc.text[max(0, s - 12): s]) or fold(surface).strip().startswith("stadsdels"):
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
def _cue_patterns(group: str, anchor: str) -> list[re.Pattern[str]]:
    return [phrase_pattern(p, anchor) for p in table("committees")["cues"][group]]


def _alone_on_line(text: str, start: int, end: int) -> bool:
    """Whether the span is all its line says (punctuation aside): a letterhead line."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    return not re.search(r"\w", text[line_start:start] + text[end:line_end])


def detect_committee(doc: DocText, mentions: list[Mention]) -> tuple[str | None, str]:
    """The authoring nämnd: named alone on a header line of the lead, or deciding ("X föreslås
    besluta"), outweighs any number of mentions, its administration's included."""
    w = table("committees")["weights"]
    scores: dict[str, float] = defaultdict(float)
    counted: dict[tuple[str, str], int] = defaultdict(int)
    reasons: dict[str, tuple[float, str]] = {}
    lead = lead_end(doc)
    for m in mentions:
        after = doc.folded[m.end: m.end + 40]
        before = doc.folded[max(0, m.start - 40): m.start]
        if m.start < lead and _alone_on_line(doc.text, m.start, m.end):
            kind, note = "header", f"named alone on a header line '{doc.text[m.start:m.end]}'"
        elif m.kind == "administration":
            kind, note = "administration", f"its administration '{doc.text[m.start:m.end]}'"
        elif any(p.search(" " + after) for p in _cue_patterns("decides", "^")):
            kind, note = "decides", f"'{doc.text[m.start:m.end]} {doc.text[m.end:m.end + 20].split(chr(10))[0].strip()}'"
        elif any(p.search(before) for p in _cue_patterns("audited", "$")):
            kind, note = "audited", f"audited: '{doc.text[m.start:m.end]}'"
        elif any(p.search(before) for p in _cue_patterns("receiver", "$")):
            continue
        else:
            kind, note = "mention", f"mentioned: '{doc.text[m.start:m.end]}'"
        counted[(m.name, kind)] += 1
        if kind not in ("decides", "header") and counted[(m.name, kind)] > w["max_mentions"]:
            continue
        value = w[kind] * (w["head_factor"] if m.start < doc.head_end else 1)
        scores[m.name] += value
        if value > reasons.get(m.name, (0, ""))[0]:
            reasons[m.name] = (value, note)
    if not scores:
        return None, "committee: no nämnd named"
    best = max(scores, key=lambda n: scores[n])
    return best, f"committee: {reasons[best][1]} (score {scores[best]:g})"


def committees_mentioned(mentions: list[Mention]) -> list[str]:
    seen: dict[str, None] = {}
    for m in mentions:
        if m.kind == "committee":
            seen.setdefault(m.name, None)
    return list(seen)


# ---------------------------------------------------------------- recipient


@cache
def _body_patterns() -> list[tuple[re.Pattern[str], str]]:
    return [(_name_pattern(b), b) for b in table("metadata")["recipient"]["bodies"]]


@cache
def _body_keys() -> list[tuple[re.Pattern[str], str, str]]:
    """The body patterns with a literal every match contains (see :func:`_literal_key`)."""
    return [(pattern, name, _literal_key(name)) for pattern, name in _body_patterns()]


def detect_recipient(doc: DocText, mentions: list[Mention]) -> tuple[str | None, str]:
    t = table("metadata")["recipient"]
    bodies = [(m.start, m.end, m.name) for m in mentions if m.kind == "committee"]
    bodies += [(m.start, m.end, _surface_name(doc.text[m.start:m.end]))
               for m in mentions if m.kind == "administration"]
    for pattern, name, key in _body_keys():
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
            if _name_pattern(office).search(doc.folded):
                name = office
                break
    return name, f"recipient: after '{best[3]}'"


# ---------------------------------------------------------------- date and year


@cache
def _folded_set(names: tuple[str, ...]) -> frozenset[str]:
    return frozenset(" ".join(fold(n).split()) for n in names)


def _is_heading_of(text: str, names: list[str]) -> bool:
    return " ".join(fold(text).split()) in _folded_set(tuple(names))


_DIGIT = re.compile(r"\d")  # every date form has digits (any script: \d as in ingest.dates)


def _find_dates(text: str) -> list[dates.DateMatch]:
    return dates.find_dates(text) if _DIGIT.search(text) else []


def _parse_date(text: str) -> str | None:
    return dates.parse_date(text) if _DIGIT.search(text) else None


def detect_date(blocks: list[Block]) -> tuple[str | None, str]:
    """The document's own date (see module docstring), or None."""
    t = table("metadata")["date"]
    label_names = {" ".join(fold(x).split()): x.capitalize() for x in t["labels"]}
    labels = list(label_names)
    all_headings = table("metadata")["title"]["labels"]
    candidates: list[tuple[int, int, str, str]] = []
    skipping = False
    n = len(blocks)
    for i, block in enumerate(blocks):
        text = block.text.strip()
        if _is_heading_of(text, t["skip_sections"]):
            skipping = True
            continue
        if skipping and (_is_heading_of(text, all_headings) or block.heading):
            skipping = False
        if skipping:
            continue
        folded = " ".join(fold(text).split())
        raw = block.raw or text
        for source in (text,) if raw == text else (text, raw):  # the same text gives the same candidates
            if folded in labels and i + 1 < n:
                found = _find_dates(blocks[i + 1].text) or _find_dates(blocks[i + 1].raw or "")
                if found and found[0].start < 3:
                    candidates.append((10, -i, found[0].iso, f"date: '{label_names[folded]}' label"))
            for d in _find_dates(source):
                prefix = " ".join(fold(source[: d.start]).split())
                label = next((lab for lab in labels if prefix == lab or prefix.endswith(" " + lab)), None)
                if label:
                    candidates.append((10, -i, d.iso, f"date: '{label_names[label]}' label"))
                elif re.fullmatch(r"\s*[A-ZÅÄÖ][\w-]+,?\s*(?:den\s*)?", source[source.rfind("\n", 0, d.start) + 1: d.start]) and not source[d.end:].split("\n")[0].strip(" .,"):
                    line = source[source.rfind("\n", 0, d.start) + 1: d.end].strip()
                    candidates.append((9, -i, d.iso, f"date: place and date '{line}'"))
            iso = _parse_date(source)
            if iso and (i < t["head_blocks"] or i >= n - t["tail_blocks"]):
                where = "near the top" if i < t["head_blocks"] else "at the end"
                candidates.append((8 if i < t["head_blocks"] else 6, -i, iso, f"date: standing alone {where}"))
    if not candidates:
        return None, "date: none stated"
    best = max(candidates)
    return best[2], best[3]


# Possessive and anchored at a run's start: linear on long runs without a full stop
# (the plain form retried from every position: 20 KB took 17 s).
_SENTENCE = re.compile(r"(?<![^.!?\n])[^.!?\n]++(?:[.!?]+|$)")


def classify_years(text: str) -> list[tuple[int, str]]:
    """``(year, tense)`` for each year mention; tense is past, present, future or neutral."""
    t = table("metadata")["year"]
    past = {fold(w).strip() for w in t["past"]}
    future = {fold(w).strip() for w in t["future"]}
    present = {fold(w).strip() for w in t["present_after_under"]}
    out = []
    for sentence in _SENTENCE.finditer(text.replace("\n\n", ".\n")):
        s = sentence.group(0)
        words = [(m.start(), fold(m.group(0))) for m in re.finditer(r"[\w:]+", s)]
        for year, start, _ in dates.find_years(s):
            idx = next((k for k, (p, _) in enumerate(words) if p >= start), len(words))
            window = {w for _, w in words[max(0, idx - t["window"]): idx + t["window"] + 1]}
            nxt = words[idx + 1][1] if idx + 1 < len(words) else ""
            prev = words[idx - 1][1] if idx > 0 else ""
            prev2 = words[idx - 2][1] if idx > 1 else ""
            under = prev == "andar" or prev2 == "andar"
            if under and nxt in present:
                tense = "present"
            elif under and nxt in past:
                tense = "past"
            elif window & future:
                tense = "future"
            elif window & past:
                tense = "past"
            else:
                tense = "neutral"
            out.append((year, tense))
    return out


def infer_year(text: str, case_numbers: list[str], properties: dict) -> tuple[int | None, str]:
    mentions = classify_years(text)
    present = [y for y, t in mentions if t == "present"]
    past = [y for y, t in mentions if t == "past"]
    planned = {y for y, t in mentions if t in ("future", "present")}
    year, note = None, ""
    if present:
        year = max(max(present), max(past, default=0))
        note = f"year: inferred from the present tense 'under {max(present)}'"
    elif past:
        latest = max(past)
        if latest + 1 in planned:
            year, note = latest + 1, f"year: inferred from latest past year {latest} and plans for {latest + 1}"
        else:
            year, note = latest, f"year: inferred from latest past-tense year {latest}"
    elif mentions:
        counts: dict[int, int] = defaultdict(int)
        for y, _ in mentions:
            counts[y] += 1
        year = max(counts, key=lambda y: (counts[y], y))
        note = f"year: inferred as the year most spoken of ({year})"
    case_years = [int(m.group(0)) for c in case_numbers for m in re.finditer(r"(?<!\d)(?:19|20)\d{2}(?!\d)", c)]
    if case_years and (year is None or max(case_years) > year):
        year, note = max(case_years), f"year: inferred from registry number year {max(case_years)}"
    if year is None and properties.get("created"):
        created = str(properties["created"])[:4]
        low, high = dates.year_range()
        if created.isdigit() and low <= int(created) <= high:  # not Word's empty 1601-01-01
            year, note = int(created), "year: from the file's creation date"
    return year, note or "year: unknown"


# ---------------------------------------------------------------- case numbers


@cache
def _case_patterns() -> list[re.Pattern[str]]:
    return [re.compile(p) for p in table("metadata")["case_numbers"]["patterns"]]


def find_case_numbers(text: str) -> list[str]:
    """Registry numbers in reading order, spacing normalised, without duplicates."""
    prefix = table("metadata")["case_numbers"]["label_prefix"]
    found: list[tuple[int, str]] = []
    spans: list[tuple[int, int]] = []
    for pattern in _case_patterns():
        for m in pattern.finditer(text):
            s, e = m.span("num")
            if any(s < b and a < e for a, b in spans):
                continue
            num = re.sub(r"\s+", " ", m.group("num")).strip()
            if re.fullmatch(r"[A-ZÅÄÖ]+[ -]\d{4}-\d{2}-\d{2}", num) or dates.parse_date(num):
                continue  # "KS 2024-03-14" is a date after an abbreviation
            if num[0].isdigit():
                num = f"{prefix} {num}"
            spans.append((s, e))
            found.append((s, num))
    out: dict[str, None] = {}
    for _, num in sorted(found):
        out.setdefault(num, None)
    return list(out)


# ---------------------------------------------------------------- title and subject


def _is_organ(text: str) -> bool:
    """A line that only names a nämnd or förvaltning (a letterhead line, not a title)."""
    f = " ".join(fold(text).split())
    if len(f.split()) <= 4 and f.endswith(("farvaltnang", "farvaltnangan", "kantar", "kantarat", "namnd", "namndan")):
        return True
    return bool(_GENERIC.fullmatch(f)) or any(p.fullmatch(f) for p, _, _, _ in _committee_patterns())


def _looks_like_title(text: str, labels: set[str], max_words: int) -> bool:
    words = text.split()
    if not 2 <= len(words) <= max_words or text.rstrip().endswith((".", ":", ",", ";")):
        return False
    if " ".join(fold(text).split()) in labels or "@" in text:
        return False
    if _find_dates(text) or re.fullmatch(r"[\W\d]+", text) or _is_organ(text):
        return False
    if re.fullmatch(r"[A-ZÅÄÖ][\w-]+s? (?:stad|kommun)", text.strip()):
        return False
    return any(w[:1].islower() and len(w) >= 3 and w.isalpha() for w in words[1:])


def _tidy(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip(" -–—:;,.")
    text = re.sub(r"\s+[-–—]\s+", " – ", text)
    return text


def detect_title(blocks: list[Block], case_numbers: list[str]) -> tuple[str | None, str]:
    t = table("metadata")["title"]
    labels = {" ".join(fold(x).split()) for x in t["labels"]}
    for block in blocks:
        text = block.text.strip()
        for line in text.splitlines() or [text]:  # lines cleaning kept apart are letterhead lines
            line = re.sub(r"^§\s*\d+\s*", "", line.strip())
            if _looks_like_title(line, labels, t["max_words"]):
                for c in case_numbers:
                    line = line.replace(c, "")
                return _tidy(line), "title: first title line"
        if len(text.split()) > t["prose_words"]:
            break
    for block in blocks:
        f = fold(block.text)
        for ref in t["self_reference"]:
            m = phrase_pattern(ref).search(f)
            if m and m.start() < 4:
                rest = block.text[m.end():]
                if len(rest.split()) >= 3:
                    return _tidy(rest)[:1].upper() + _tidy(rest)[1:], "title: the document's own entry in Beslutsunderlag"
    return None, "title: no title line"


def _subject_at(doc_text: str, folded: str) -> str | None:
    t = table("metadata")["subject"]
    for phrase in t["after"]:
        m = phrase_pattern(phrase).search(folded)
        if not m:
            continue
        rest = doc_text[m.end():]
        rest = re.split(r"[.;:!?\n(]|\s[-–—]\s", rest, maxsplit=1)[0]
        frest = fold(rest)
        cut = len(rest)
        for stop in t["stop_words"]:
            sm = phrase_pattern(stop).search(frest)
            if sm:
                cut = min(cut, sm.start())
        words = rest[:cut].split()
        while words and words[0].lower() in t["drop_leading"]:
            words = words[1:]
        subject = re.sub(r"\s+(?:för\s+)?\d{4}(?:\s*[-–]\s*\d{4})?$", "", _tidy(" ".join(words)))
        if 1 <= len(subject.split()) <= 14:
            return subject
    return None


def detect_subject(doc: DocText, title: str | None, doc_type: str) -> tuple[str | None, str]:
    if title:
        s = _subject_at(title, fold(title))
        if s:
            return s, "subject: from the title"
        if doc_type in ("handlingsplan", "uppföljning av handlingsplan"):
            return title, "subject: the plan's name (its title)"
    s = _subject_at(doc.text, doc.folded)
    if s:
        return s, "subject: from the text"
    if title:
        f = fold(title)
        for prefix in table("metadata")["subject"]["title_prefixes"]:
            m = phrase_pattern(prefix, "^").search(f)
            if m:
                return _tidy(title[m.end():]), "subject: the title without its form"
        return title, "subject: the title"
    return None, "subject: not found"


# ---------------------------------------------------------------- people


@cache
def _roles() -> tuple[dict[str, str], set[str]]:
    t = table("metadata")["people"]
    return ({" ".join(fold(r).split()): r for r in t["roles"]},
            {" ".join(fold(p).split()) for p in t["prefixes"]})


@cache
def _people_labels() -> frozenset[str]:
    meta = table("metadata")
    return frozenset(" ".join(fold(x).split()) for x in meta["people"]["labels"] + meta["title"]["labels"])


@cache
def _role_suffixes() -> tuple[str, ...]:
    return tuple(fold(x).strip() for x in table("metadata")["people"]["role_suffixes"])


_NAME_WORD = re.compile(r"[A-ZÅÄÖÉ][a-zåäöéüè]+(?:-[A-ZÅÄÖ][a-zåäöéüè]+)?")
_ORG_ENDINGS = ("farvaltnangan", "namndan", "kantarat", "avdalnangan", "anhatan", "stad", "kamman")


def _tokens(text: str) -> list[tuple[str, str]] | None:
    """Classify a short run's words as role, name, org or skip; None if it is prose."""
    roles, prefixes = _roles()
    labels = _people_labels()
    words = text.replace("/", " ").split()
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(words):
        w = words[i]
        f = " ".join(fold(w).split())
        two = " ".join(fold(" ".join(words[i:i + 2])).split())
        prefix = ""
        if f in prefixes and i + 1 < len(words):
            prefix, i = w, i + 1
            w = words[i]
            f = " ".join(fold(w).split())
            two = " ".join(fold(" ".join(words[i:i + 2])).split())
        if two in roles or two in labels:
            role = roles.get(two)
            out.append(("role", _role(prefix, role)) if role else ("label", two))
            i += 2
            continue
        if f in roles:
            out.append(("role", _role(prefix, roles[f])))
        elif f.endswith(_role_suffixes()) and w[:1].isupper() and w.isalpha():
            out.append(("role", _role(prefix, w.lower())))
        elif f in labels:
            out.append(("label", f))
        elif "@" in w or _parse_date(w):
            out.append(("skip", w))
        elif f.endswith(_ORG_ENDINGS) or any(p.fullmatch(f) for p, _ in _body_patterns()):
            out.append(("org", w))
        elif _NAME_WORD.fullmatch(w):
            out.append(("name", w))
        else:
            return None
        i += 1
    return out


def _role(prefix: str, role: str) -> str:
    role = role[:1].upper() + role[1:]
    if prefix:
        p = prefix if prefix.endswith(".") or fold(prefix).strip() == "vaca" else prefix + "."
        return f"{p[:1].upper()}{p[1:]} {role}"
    return role


def find_people(blocks: list[Block]) -> list[dict[str, str]]:
    """People with roles from runs of short blocks made only of names, roles and labels."""
    people: list[dict[str, str]] = []
    run: list[tuple[str, str]] = []

    def emit(words: list[str], role: str | None) -> None:
        if role and 2 <= len(words) <= 4:
            people.append({"name": " ".join(words), "role": role})

    def parse(segment: list[tuple[str, str]]) -> None:
        """One stretch between labels: "Name Role Name Role" or "Role Name Role Name"."""
        role_first = bool(segment) and segment[0][0] == "role"
        pending_role: str | None = None
        name_words: list[str] = []
        for kind, value in segment:
            if kind == "name":
                name_words.append(value)
            elif role_first:
                if pending_role:
                    emit(name_words, pending_role)
                name_words, pending_role = [], value
            else:
                emit(name_words, value)
                name_words = []
        if role_first:
            emit(name_words, pending_role)

    def flush() -> None:
        segment: list[tuple[str, str]] = []
        for kind, value in run + [("label", "")]:
            if kind == "label":
                parse(segment)
                segment = []
            elif kind in ("name", "role"):
                segment.append((kind, value))
        run.clear()

    for block in blocks:
        text = block.text.strip()
        tokens = None
        if len(text.split()) <= 24:
            tokens = _tokens(text)
            if tokens is None and block.raw:
                tokens = _tokens(block.raw.strip())  # repair may have damaged a title ("Tf.")
        if tokens is None:
            flush()
            continue
        run.extend(tokens)
    flush()
    unique = {(p["name"], p["role"]): p for p in people}
    return list(unique.values())


# ---------------------------------------------------------------- the interface


def extract_metadata(blocks: list[Block], sections: list[Section], properties: dict) -> dict[str, Any]:
    """The Document's metadata fields with ``evidence`` saying which rule decided each."""
    from ingest import sections as segmentation

    properties = properties or {}
    doc = doc_text(blocks)
    evidence: dict[str, str] = {}

    doc_type, evidence["doc_type"] = detect_doc_type(doc)

    municipality, evidence["municipality"] = detect_municipality(doc, properties.get("furniture"))
    mentions = find_committees(doc)
    committee, evidence["committee"] = detect_committee(doc, mentions)
    recipient, evidence["recipient"] = detect_recipient(doc, mentions)
    case_numbers = find_case_numbers(doc.text)
    for extra in find_case_numbers(doc.raw):
        if extra not in case_numbers and extra.replace(" ", "") not in {c.replace(" ", "") for c in case_numbers}:
            case_numbers.append(extra)
    evidence["case_numbers"] = "case_numbers: registry-number patterns"

    date, evidence["date"] = detect_date(blocks)
    if date:
        year, date_inferred = int(date[:4]), False
        evidence["year"] = "year: from the document's date"
    else:
        year, evidence["year"] = infer_year(doc.text, case_numbers, properties)
        date_inferred = True

    title, evidence["title"] = detect_title(blocks, case_numbers)
    if not title and properties.get("title") and not re.search(r"\.(docx?|pdf|odt)\b|microsoft", str(properties["title"]), re.I):
        title, evidence["title"] = str(properties["title"]).strip(), "title: the file's title property"
    subject, evidence["subject"] = detect_subject(doc, title, doc_type)
    if not title and subject:
        title, evidence["title"] = f"{doc_type[:1].upper()}{doc_type[1:]} – {subject}", "title: composed from doc type and subject"

    people = find_people(blocks)
    evidence["people"] = "people: signature blocks" if people else "people: no signature block"

    return {
        "title": title,
        "doc_type": doc_type,
        "municipality": municipality,
        "committee": committee,
        "committees_mentioned": committees_mentioned(mentions),
        "recipient": recipient,
        "date": date,
        "year": year,
        "date_inferred": date_inferred,
        "case_numbers": case_numbers,
        "subject": subject,
        "recommendations": segmentation.recommendation_statements(sections),
        "activities": segmentation.activity_list(sections),
        "people": people,
        "evidence": evidence,
    }


__all__ = [
    "extract_metadata", "fold", "phrase_pattern", "doc_text", "detect_doc_type", "detect_municipality",
    "find_committees", "detect_committee", "detect_recipient", "detect_date", "infer_year",
    "classify_years", "find_case_numbers", "detect_title", "detect_subject", "find_people",
]
