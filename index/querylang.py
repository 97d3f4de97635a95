"""The query language staff type (sökfrågespråket), parsed into ``index.querytree``.

    barn förskola            both words (AND)
    "skyddat boende"         a phrase
    våld OR hot              either (also ELLER)
    NOT hot, -hot            without (also INTE)
    förskol*                 prefix
    (våld OR hot) barn       grouping
    år:2024  år:2023..2025  år:2023..  year:2024              year filter (clamped to 1900..2100)
    nämnd:förskolenämnden  committee:...                       committee
    typ:yttrande  typ:"uppföljande yttrande"  typ:revisionsrapport   document type (type:, doc_type:)
    rekommendation:3  rek:3  recommendation:3                  recommendation number
    kommun:malmö  municipality:malmö                           municipality
    dnr:SR-2023-81  dnr:"KS 2014/742"  case:                     case number (diarienummer): case,
                                                               spaces, hyphens, slashes and a
                                                               suffix (.912, -KS) do not matter

``parse_query`` never raises and does bounded work: input length, number of terms and
nesting depth are capped. A query it cannot read (unbalanced quotes or parentheses, a
filter with a bad value, a lone ``*``, ``OR OR`` ...) falls back to a search on its plain
words, keeps the filters that were valid on their own, and says so in ``notice``.
Filters always narrow the whole query, wherever they stand.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from index.querytree import And, Filters, Node, Not, Or, ParsedQuery, Phrase, Prefix, Word
from ingest.folding import fold_label
from ingest.tables import load_table

MAX_INPUT = 1000  # characters read from a query
MAX_TERMS = 64  # words, phrase words and prefixes
MAX_DEPTH = 8  # nested parentheses (and NOTs)
YEAR_MIN, YEAR_MAX = 1900, 2100
MAX_RECOMMENDATION = 999
MIN_PREFIX = 2  # letters before a *
NOTICE_WORDS = 12  # words a fallback notice lists

# ---------------------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------------------

#: Field names as typed (folded: case and diacritics ignored) -> Filters attribute.
FIELD_ALIASES = {
    "ar": "year", "year": "year", "artal": "year",
    "namnd": "committee", "committee": "committee",
    "typ": "doc_type", "type": "doc_type", "doc_type": "doc_type", "doctype": "doc_type",
    "dokumenttyp": "doc_type", "handlingstyp": "doc_type",
    "rekommendation": "recommendation", "rek": "recommendation", "recommendation": "recommendation",
    "rec": "recommendation",
    "kommun": "municipality", "municipality": "municipality",
    "dnr": "case_number", "case": "case_number", "diarienummer": "case_number",
}

#: Operators, as typed (upper case only: "och"/"eller" in lower case are words).
OPERATORS = {"OR": "or", "ELLER": "or", "|": "or", "AND": "and", "OCH": "and", "&": "and",
             "NOT": "not", "INTE": "not"}

#: English names of document types -> the Swedish names ingest gives them.
DOC_TYPE_ALIASES = {
    "statement": "yttrande",
    "follow-up statement": "uppföljande yttrande",
    "followup statement": "uppföljande yttrande",
    "referral response": "remissvar",
    "consultation response": "remissvar",
    "action plan": "handlingsplan",
    "action plan follow-up": "uppföljning av handlingsplan",
    "minutes": "protokoll",
    "audit report": "revisionsrapport",
    "audit letter": "revisionsrapport",
    "missiv": "revisionsrapport",
    "granskningsrapport": "revisionsrapport",
}

#: The document types ingest assigns (the source of truth for typ: values).

# ---------------------------------------------------------------------------------------
# Notices (Swedish, shown to staff)
# ---------------------------------------------------------------------------------------

FALLBACK = "Frågan kunde inte tolkas ({reason}); sökte på orden: {words}."
FALLBACK_NO_WORDS = "Frågan kunde inte tolkas ({reason}) och innehöll inga ord att söka på, så inget söktes."
NO_WORDS = "Frågan innehöll inga ord att söka på (bara tecken som {signs}), så inget söktes."
TRUNCATED = "Frågan var för lång; bara början användes."
YEAR_CLAMPED = "Årtalen begränsades till {lo}–{hi}."


class QuerySyntaxError(ValueError):
    """A query the grammar cannot read; ``reason`` is a short Swedish explanation."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _clean_value(value: str) -> str:
    return " ".join(unicodedata.normalize("NFC", value).casefold().split())


@lru_cache(maxsize=1)
def _doc_types() -> dict[str, str]:
    """Folded name -> the document type name ingest uses (from ingest/tables/doctypes.toml)."""
    names = {}
    try:
        data = load_table("doctypes")
        names = {fold_label(t["name"]): t["name"] for t in data.get("types", [])}
    except (OSError, ModuleNotFoundError, tomllib.TOMLDecodeError, KeyError, TypeError):
        pass
    names.update({fold_label(k): v for k, v in DOC_TYPE_ALIASES.items()})
    return names


# ---------------------------------------------------------------------------------------
# Filter values
# ---------------------------------------------------------------------------------------

_YEAR = re.compile(r"(\d{4})?(?:(\.\.|–|-)(\d{4})?)?")


def parse_year(value: str) -> tuple[int | None, int | None, bool]:
    """"2024" -> (2024, 2024); "2023..2025" -> (2023, 2025); "2023.." -> (2023, None).

    Returns (from, to, clamped); years are clamped to YEAR_MIN..YEAR_MAX. Raises
    QuerySyntaxError for anything else (abc, 1..99999, a range wholly outside the bounds).
    """
    m = _YEAR.fullmatch(value.strip())
    if not m or not (m.group(1) or m.group(3)) or (m.group(2) is None and m.group(3)):
        raise QuerySyntaxError(f"år:{value} är inget årtal; skriv t.ex. år:2024 eller år:2023..2025")
    lo = int(m.group(1)) if m.group(1) else None
    hi = int(m.group(3)) if m.group(3) else None
    if m.group(2) is None:
        hi = lo
    if lo is not None and hi is not None and lo > hi:
        lo, hi = hi, lo
    if (lo is not None and lo > YEAR_MAX) or (hi is not None and hi < YEAR_MIN):
        raise QuerySyntaxError(f"år:{value} ligger utanför {YEAR_MIN}–{YEAR_MAX}")
    clamped_lo = max(lo, YEAR_MIN) if lo is not None else None
    clamped_hi = min(hi, YEAR_MAX) if hi is not None else None
    return clamped_lo, clamped_hi, (clamped_lo, clamped_hi) != (lo, hi)


def parse_recommendation(value: str) -> int:
    value = value.strip()
    if not value.isdigit() or not 1 <= int(value) <= MAX_RECOMMENDATION:
        raise QuerySyntaxError(f"rekommendation:{value} är inget nummer; skriv t.ex. rekommendation:3")
    return int(value)


def parse_doc_type(value: str) -> str:
    value = _clean_value(value)
    if not value:
        raise QuerySyntaxError("typ: saknar ett värde")
    return _doc_types().get(fold_label(value), value)


def parse_label(value: str, name: str) -> str:
    value = _clean_value(value)
    if not value:
        raise QuerySyntaxError(f"{name}: saknar ett värde")
    return value


def parse_case_number(value: str) -> str:
    value = "".join(value.split()).upper()
    if not any(c.isdigit() for c in value):
        raise QuerySyntaxError(f"dnr:{value} är inget diarienummer; skriv t.ex. dnr:SR-2023-81")
    return value


def apply_filter(filters: Filters, field: str, value: str, notices: list[str]) -> None:
    """Set one filter on ``filters`` (a later filter on the same field replaces an earlier one)."""
    if field == "year":
        lo, hi, clamped = parse_year(value)
        filters.year_from, filters.year_to = lo, hi
        if clamped:
            notices.append(YEAR_CLAMPED.format(lo=YEAR_MIN, hi=YEAR_MAX))
    elif field == "recommendation":
        filters.recommendation = parse_recommendation(value)
    elif field == "doc_type":
        filters.doc_type = parse_doc_type(value)
    elif field == "case_number":
        filters.case_number = parse_case_number(value)
    else:
        setattr(filters, field, parse_label(value, field))


# ---------------------------------------------------------------------------------------
# Lexer
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tok:
    kind: str  # word | phrase | filter | lparen | rparen | or | and | not
    text: str = ""
    field: str | None = None


def _filter_field(run: str) -> tuple[str, str] | None:
    """("year", "2024") for "år:2024" when the name is a known field, else None."""
    name, sep, value = run.partition(":")
    if not sep:
        return None
    field = FIELD_ALIASES.get(fold_label(name))
    return (field, value) if field else None


def lex(text: str) -> list[Tok]:
    """Split a query into tokens; raises QuerySyntaxError for an unclosed quote."""
    toks: list[Tok] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif c in "()":
            toks.append(Tok("lparen" if c == "(" else "rparen"))
            i += 1
        elif c == '"':
            end = text.find('"', i + 1)
            if end < 0:
                raise QuerySyntaxError("ett citattecken saknar sin avslutning")
            toks.append(Tok("phrase", text[i + 1 : end]))
            i = end + 1
        elif c == "-" and i + 1 < n and not text[i + 1].isspace() and text[i + 1] != "-":
            toks.append(Tok("not"))
            i += 1
        else:
            j = i
            while j < n and not text[j].isspace() and text[j] not in '()"':
                j += 1
            run = text[i:j]
            found = _filter_field(run)
            if found and not found[1] and j < n and text[j] == '"':
                end = text.find('"', j + 1)
                if end < 0:
                    raise QuerySyntaxError("ett citattecken saknar sin avslutning")
                toks.append(Tok("filter", text[j + 1 : end], found[0]))
                j = end + 1
            elif found:
                toks.append(Tok("filter", found[1], found[0]))
            elif run in OPERATORS:
                toks.append(Tok(OPERATORS[run]))
            else:
                toks.append(Tok("word", run))
            i = j
    return toks


# ---------------------------------------------------------------------------------------
# Parser (recursive descent, depth-bounded)
# ---------------------------------------------------------------------------------------


class _Parser:
    """or := and (OR and)* ; and := unary+ ; unary := (NOT|-) unary | primary ;
    primary := "(" or ")" | phrase | word | prefix* | field:value"""

    def __init__(self, toks: list[Tok]):
        self.toks = toks
        self.i = 0
        self.filters = Filters()
        self.notices: list[str] = []

    def peek(self) -> str | None:
        return self.toks[self.i].kind if self.i < len(self.toks) else None

    def take(self) -> Tok:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def parse(self) -> Node | None:
        node = self.or_expr(0)
        if self.peek() is not None:  # only a stray ")" stops or_expr early
            raise QuerySyntaxError("parenteserna går inte jämnt ut")
        return node

    def or_expr(self, depth: int) -> Node | None:
        parts = [self.and_expr(depth, first=True)]
        while self.peek() == "or":
            self.take()
            if self.peek() in (None, "or", "rparen", "and"):
                raise QuerySyntaxError("OR saknar ett ord efter sig")
            parts.append(self.and_expr(depth))
        kept = tuple(p for p in parts if p is not None)
        if not kept:
            return None
        return kept[0] if len(kept) == 1 else Or(kept)

    def and_expr(self, depth: int, first: bool = False) -> Node | None:
        if first and self.peek() in ("or", "and"):
            raise QuerySyntaxError(f"{self.take().kind.upper()} saknar ett ord före sig")
        items: list[Node] = []
        while self.peek() not in (None, "rparen", "or"):
            if self.peek() == "and":
                self.take()
                if self.peek() in (None, "rparen", "or", "and"):
                    raise QuerySyntaxError("AND saknar ett ord efter sig")
                continue
            node = self.unary(depth)
            if node is not None:
                items.append(node)
        if not items:
            return None
        return items[0] if len(items) == 1 else And(tuple(items))

    def unary(self, depth: int) -> Node | None:
        if self.peek() == "not":
            self.take()
            if depth + 1 > MAX_DEPTH:
                raise QuerySyntaxError("frågan är för djupt nästlad")
            if self.peek() in (None, "rparen", "or", "and", "not"):
                raise QuerySyntaxError("NOT saknar ett ord efter sig")
            if self.peek() == "filter":
                raise QuerySyntaxError("ett fältfilter kan inte uteslutas")
            child = self.unary(depth + 1)
            if child is None:
                return None
            return child.child if isinstance(child, Not) else Not(child)
        return self.primary(depth)

    def primary(self, depth: int) -> Node | None:
        tok = self.take()
        if tok.kind == "lparen":
            if depth + 1 > MAX_DEPTH:
                raise QuerySyntaxError("frågan är för djupt nästlad")
            if self.peek() == "rparen":
                raise QuerySyntaxError("tomma parenteser")
            node = self.or_expr(depth + 1)
            if self.peek() != "rparen":
                raise QuerySyntaxError("parenteserna går inte jämnt ut")
            self.take()
            return node
        if tok.kind == "rparen":
            raise QuerySyntaxError("parenteserna går inte jämnt ut")
        if tok.kind == "filter":
            apply_filter(self.filters, tok.field, tok.text, self.notices)
            return None
        if tok.kind == "phrase":
            words = tuple(w for w in tok.text.split() if any(c.isalnum() for c in w))  # '"("' holds no word
            if not words:
                return None
            return Word(words[0]) if len(words) == 1 else Phrase(words)
        return word_node(tok.text)


def word_node(run: str) -> Node | None:
    """A bare word, or a prefix for a trailing *; None for a run with no letters or digits."""
    if "*" in run:
        stem = run[:-1]
        if not run.endswith("*") or "*" in stem:
            raise QuerySyntaxError("* fungerar bara i slutet av ett ord (förskol*)")
        if sum(c.isalnum() for c in stem) < MIN_PREFIX:
            raise QuerySyntaxError(f"ett * behöver minst {MIN_PREFIX} bokstäver före sig")
        return Prefix(stem)
    if not any(c.isalnum() for c in run):
        return None
    return Word(run)


def count_terms(toks: list[Tok]) -> int:
    return sum(len(t.text.split()) if t.kind == "phrase" else t.kind == "word" for t in toks)


# ---------------------------------------------------------------------------------------
# Fallback: plain words plus the filters that are valid on their own
# ---------------------------------------------------------------------------------------

_FILTER_RUN = re.compile(r'(?<![^\s(])-?([^\W\d_]+):("[^"]*"|[^\s()"]*)')
_PLAIN_WORD = re.compile(r"[^\W_]+(?:[-./][^\W_]+)*")


def fallback(text: str, reason: str, notices: list[str]) -> ParsedQuery:
    """Search the plain words of ``text``; keep each filter that is valid by itself."""
    filters = Filters()
    kept: list[str] = []

    def take_filter(m: re.Match) -> str:
        field = FIELD_ALIASES.get(fold_label(m.group(1)))
        if field is None:
            return m.group(0)
        if m.group(0).startswith("-"):
            return " "  # a negated filter is dropped, not searched for
        value = m.group(2).strip('"')
        try:
            apply_filter(filters, field, value, kept)
            return " "
        except QuerySyntaxError:
            return " " + value + " "

    rest = _FILTER_RUN.sub(take_filter, text).replace("*", "")
    words = [w for w in _PLAIN_WORD.findall(rest) if w not in OPERATORS][:MAX_TERMS]
    tree: Node | None = None
    if words:
        nodes = tuple(Word(w) for w in words)
        tree = nodes[0] if len(nodes) == 1 else And(nodes)
    shown = " ".join(words[:NOTICE_WORDS]) + (" …" if len(words) > NOTICE_WORDS else "")
    notice = (FALLBACK.format(reason=reason, words=shown) if words
              else FALLBACK_NO_WORDS.format(reason=reason))
    return ParsedQuery(tree=tree, filters=filters, notice=" ".join([*notices, notice, *kept]), text=text,
                       no_words=not words)


# ---------------------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------------------


def parse_query(text: str) -> ParsedQuery:
    """Parse what staff typed. Never raises; a malformed query becomes a plain-words search."""
    original = text if isinstance(text, str) else ""
    notices: list[str] = []
    text = original.replace("\x00", " ")
    if len(text) > MAX_INPUT:
        text = text[:MAX_INPUT]
        notices.append(TRUNCATED)
    try:
        toks = lex(text)
        if count_terms(toks) > MAX_TERMS:
            raise QuerySyntaxError(f"för många ord, högst {MAX_TERMS}")
        parser = _Parser(toks)
        tree = parser.parse()
    except QuerySyntaxError as err:
        return fallback(text, err.reason, notices)
    except RecursionError:
        return fallback(text, "frågan är för djupt nästlad", notices)
    notices.extend(parser.notices)
    no_words = tree is None and _has_signs(toks)
    if no_words:
        notices.append(NO_WORDS.format(signs=_signs(text)))
    notice = " ".join(dict.fromkeys(notices)) or None
    return ParsedQuery(tree=tree, filters=parser.filters, notice=notice, text=original, no_words=no_words)


def _has_signs(toks: list[Tok]) -> bool:
    """True when the query has tokens besides its filters (they then searched for nothing)."""
    return any(t.kind != "filter" for t in toks)


def _signs(text: str) -> str:
    """The first few non-space characters a query held, quoted, for the notice."""
    signs = "".join(dict.fromkeys(c for c in text if not c.isspace() and not c.isalnum()))[:8]
    return " ".join(f"”{c}”" for c in signs) or "dessa"


# ---------------------------------------------------------------------------------------
# Filters as typed: where they stand in the text (for chips that remove them)
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TypedFilter:
    """A field filter as it stands in the query text: ``år:2023..2025`` at ``start``–``end``.

    ``field`` is the Filters attribute it sets (``year`` for a year or a range), ``value`` the
    value as typed, ``filters`` what it sets (``{"year_from": 2023, "year_to": 2025}``)."""

    field: str
    value: str
    start: int
    end: int
    filters: tuple[tuple[str, object], ...]


_QUOTED = re.compile(r'"[^"]*"')


def typed_filters(text: str) -> list[TypedFilter]:
    """The valid field filters typed in ``text``, in order (not those inside a phrase, not the
    negated ones, which the parser drops, and not those with a bad value, which it searches as words)."""
    text = text or ""
    quoted = [m.span() for m in _QUOTED.finditer(text)]
    found = []
    for m in _FILTER_RUN.finditer(text):
        if m.group(0).startswith("-") or any(a < m.start() < b for a, b in quoted):
            continue
        field = FIELD_ALIASES.get(fold_label(m.group(1)))
        if field is None:
            continue
        value = m.group(2)
        scratch = Filters()
        try:
            apply_filter(scratch, field, value.strip('"'), [])
        except QuerySyntaxError:
            continue
        found.append(TypedFilter(field, value.strip('"'), m.start(), m.end(), tuple(scratch.active().items())))
    return found


def without_filters(text: str, remove: list[TypedFilter]) -> str:
    """``text`` with the typed filters ``remove`` taken out (spaces tidied)."""
    out, last = [], 0
    for f in sorted(remove, key=lambda f: f.start):
        out.append(text[last:f.start])
        last = f.end
    out.append(text[last:])
    return " ".join("".join(out).split())
