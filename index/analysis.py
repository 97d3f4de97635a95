"""The Swedish analyzer chain, the same at index and query time.

The module reads top to bottom as the pipeline; every stage is a small Whoosh filter
that can be tested alone:

    tokenize                 SwedishTokenizer: words, numbers, case numbers (SR-2023-81)
                             as one token, and a dangling "maskulinitets-" keeps its hyphen
  | NFC                      composed letters (a + combining diaeresis -> ä)
  | lowercase
  | coordinated compounds    "maskulinitets- och feminitetsnormer" -> maskulinitetsnormer ...
  | OCR digits               f6r -> för, 6ver -> över, 4r -> är (digits inside words)
  | stop words               Swedish list plus its OCR forms (for, fér, pa ...), renumbered
  | decompounding            förskolesocionomer -> + förskole, socionomer (index time only,
                             at the same position)
  | Snowball Swedish stem    memoized; the stemmer object lives in this module, never in a filter
  | OCR fold                 beside every stem, at the same position, a folded key
                             ("~" + ingest.folding.fold_ocr_vowels of the stem): nämnd and
                             namnd meet, stöd and stad do not.

Why both the stem and a folded key: the exact stem keeps "våld" apart from "vald" in
clean text and ranks exact spellings first; the folded key lets "nämnden" find the OCR
reading "namnden" and "förskolesocionomer" find "forskolesocionomer". A phrase query
uses the folded keys (every position carries exactly one at query time).

Stop words are removed with renumbered positions at index and at query time alike, so
a phrase "skyddat boende för pojkar" matches whatever single stop word stands between
"boende" and "pojkar" (the Whoosh trap, chosen deliberately and kept consistent).

``spelling_analyzer()`` is the chain without stemming and folding, for the separate
unstemmed field that fuzzy terms and "did you mean" need.

These chains are the definition. The schema and the snippets run ``index.fast_analysis``, the
same chains fused into one memoized pass. It shares the word functions (stem, fix_ocr_digits,
compound_parts, compound_head below, and ``ingest.folding.fold_ocr_vowels`` with its
OCR_VOWEL_CLASSES) but repeats how the filters use them, so a change to a filter or to the order
of the stages must be made there too; tests/test_fast_analyzer.py fails on any difference
between the two.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata

import snowballstemmer
from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer, StopFilter

from ingest.folding import fold_ocr_vowels

# Bump CHAIN_VERSION whenever the chain's output changes. The index stores ANALYZER_VERSION and
# rebuilds on a mismatch; it also names the word lists and the stemmer, since stems and compound
# splits change with them.
CHAIN_VERSION = "sv-6"  # sv-5: words over MAX_COMPOUND_LETTERS letters are not split; sv-6: with repair's compound parts
VERSIONED_SOURCES = ("snowballstemmer", "wordfreq", "hunspell-sv")


def _sources_version() -> str:
    versions = []
    for dist in VERSIONED_SOURCES:
        try:
            versions.append(f"{dist}-{metadata.version(dist)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{dist}-none")
    return "_".join(versions)


ANALYZER_VERSION = f"{CHAIN_VERSION}+{_sources_version()}"

# ---------------------------------------------------------------------------------------
# Tables (data, not code)
# ---------------------------------------------------------------------------------------

#: Snowball's Swedish stop list plus a few frequent function words of case documents.
SWEDISH_STOPWORDS = frozenset(
    """
    alla allt att av blev bli blir blivit de dem den denna dess dessa det detta dig din dina
    ditt du där då efter ej eller en er era ert ett från för ha hade han hans har henne hennes
    hon honom hur här i icke ingen inom inte jag ju kan kunde man med mellan men mig min mina
    mitt mot mycket ni nu när någon något några och om oss på samma sedan sig sin sina sitta
    själv skulle som så sådan sådana sådant till under upp ut utan vad var varför varit varje
    vars vart vem vi vid vilka vilkas vilken vilket vår vara våra vårt än är åt över
    också samt även ska skall
    """.split()
)

#: What OCR makes of å/ä/ö (seen in scanned case documents).
OCR_LETTER_CONFUSIONS = {"å": "ad", "ä": "aid", "ö": "oé"}

#: Digits that OCR reads for letters inside words: f6r, 6ver, 4r, st0d.
OCR_DIGITS = {"4": "ä", "6": "ö", "0": "o"}

#: Words that join a coordinated compound: "hög-, mellan- och lågstadiet".
COORDINATORS = frozenset({"och", "eller", "samt", "respektive", "resp", "som", "men", "&", "alternativt"})

#: Marks a folded key so it never collides with a real stem in the same field.
FOLD_MARK = "~"

#: Compound parts shorter than this are not split off (sam|verkan, kom|munen stay whole).
MIN_PART = 4
#: At most this many parts per compound; the rest stays joined in the last one.
MAX_PARTS = 3
#: Longer "words" are not split: no Swedish compound is this long, and trying every cut of a run of
#: letters without spaces (a 256 KB one) took quadratic time and gigabytes.
MAX_COMPOUND_LETTERS = 64
#: How frequent (wordfreq) a head must be; a four-letter head (kurs, våld) much more so.
MIN_HEAD_FREQ = 1e-7
MIN_SHORT_HEAD_FREQ = 1e-5
#: How frequent a first part must be: in a word the lexicon lists whole, and in any other.
MIN_MODIFIER_FREQ_KNOWN = 1e-6
MIN_MODIFIER_FREQ = 1e-8
#: Derivational endings that are also words of the web list; never a compound's head
#: (förvalt|ningen, utbildn|ingen, ensamkomm|ande are not compounds).
NOT_HEADS = frozenset(
    """
    ning ningen ningar ningarna ningens ing ingen ingar ingarna ande andet andes ende endet
    else elsen het heten heter tion tionen tioner sammans ering eringen eringar
    ring ringen ringar ringarna lig liga ligt
    """.split()
)
#: Linking letters (fogemorfem) between compound parts: heders|våld, förskole|lärare.
LINKING_LETTERS = frozenset("saeou")


def _ocr_stop_variants(words: Iterable[str]) -> frozenset[str]:
    """The OCR readings of the stop words (för -> for, fér; på -> pa, pd), one confusion each."""
    out = set()
    for word in words:
        for i, ch in enumerate(word):
            for wrong in OCR_LETTER_CONFUSIONS.get(ch, ""):
                out.add(word[:i] + wrong + word[i + 1 :])
    return frozenset(out - {"d", "in"})


SWEDISH_STOPWORDS_OCR = SWEDISH_STOPWORDS | _ocr_stop_variants(SWEDISH_STOPWORDS)

# ---------------------------------------------------------------------------------------
# Pure word functions (memoized per distinct token)
# ---------------------------------------------------------------------------------------

_stemmer = snowballstemmer.stemmer("swedish")  # module state: never referenced by a filter
_SEPARATORS = re.compile(r"[-./:]")


_HYPHENATED = re.compile(r"(?P<head>(?:[^\W\d_]+-)+)(?P<last>[^\W\d_]+)")


@lru_cache(maxsize=500_000)
def stem(word: str) -> str:
    """Snowball Swedish stem of a lower-case word. A hyphenated word is stemmed on its last
    part (e-arkivet -> e-arkiv, it-stödet -> it-stöd); other words with digits or signs stay
    as they are (sr-2023-81)."""
    if not word.isalpha():
        hyphenated = _HYPHENATED.fullmatch(word)
        if hyphenated is None:
            return word
        return hyphenated["head"] + stem(hyphenated["last"])
    stemmed = _stemmer.stemWord(word)
    if stemmed.endswith("an") and len(stemmed) >= 5:
        return _definite_an(stemmed)
    return stemmed


def _definite_an(stemmed: str) -> str:
    """Snowball keeps the definite -an (förskolan, kvinnan): strip it when the indefinite
    form in -a is a known word, so förskolan meets förskola and förskolor (but organ stays)."""
    lex = _lexicon()
    indefinite = stemmed[:-1]
    if lex is not None and lex.freq(indefinite) >= MIN_HEAD_FREQ:
        return _stemmer.stemWord(indefinite)
    return stemmed


def fold_key(stemmed: str) -> str:
    """The term indexed beside a stem: the marker plus its folded form."""
    return FOLD_MARK + fold_ocr_vowels(stemmed)


@lru_cache(maxsize=200_000)
def fix_ocr_digits(word: str) -> str:
    """f6r -> för, 6ver -> över, 4r -> är: digits inside a letter word were letters.

    Only words that mix letters with the confusable digits and nothing else are touched;
    "2024", "covid19", "b2b" and "sr-2023-81" stay as they are.
    """
    if word.isalpha() or word.isdigit() or not word.isalnum():
        return word
    if not any(c.isalpha() for c in word):
        return word
    if any(c.isdigit() and c not in OCR_DIGITS for c in word):
        return word
    return "".join(OCR_DIGITS.get(c, c) for c in word)


def _lexicon():
    """The shared lexicon (ingest.lexicon), loaded on first use; None while it is unavailable."""
    try:
        from ingest.lexicon import get_lexicon
    except ImportError:
        return None
    return get_lexicon()


def _known_head(lex, word: str) -> bool:
    """A head (huvudled) must be a common word: suffix-like junk of the web list (-ning, -tion,
    -dens, -kningen) and Hunspell's rare expansions glue nothing."""
    if word in NOT_HEADS or word in SWEDISH_STOPWORDS:
        return False
    floor = MIN_HEAD_FREQ if len(word) > MIN_PART else MIN_SHORT_HEAD_FREQ
    return lex.freq(word) >= floor


def _known_modifier(lex, word: str, floor: float) -> bool:
    """A first part (förled) as written, or without its linking letter (fogemorfem), or with
    the -a it replaces (förskole- from förskola, hälso- from hälsa), at least ``floor`` frequent."""
    forms = [word]
    if word[-1] in LINKING_LETTERS and len(word) > MIN_PART:
        forms += [word[:-1], word[:-1] + "a"]
    return any(lex.freq(f) >= floor for f in forms)


@lru_cache(maxsize=200_000)
def split_compound(word: str) -> tuple[str, ...] | None:
    """Split a compound at its longest known head, then split the head again (up to
    MAX_PARTS parts): kvalitetsledningssystem -> kvalitets, lednings, system.

    Unlike repair's splitter this also splits words the lexicon lists whole, since
    indexing wants *socionomer* inside *förskolesocionomer* either way. None when no
    split into parts of at least MIN_PART letters exists.
    """
    if not word.isalpha() or not 2 * MIN_PART <= len(word) <= MAX_COMPOUND_LETTERS:
        return None
    lex = _lexicon()
    if lex is None:
        return None
    # A word the lexicon lists whole needs common parts to be split (rapport is not rapp|ort);
    # an unlisted word (feminitetsnormer) is split whenever its parts are known at all.
    floor = MIN_MODIFIER_FREQ_KNOWN if word in lex else MIN_MODIFIER_FREQ
    for cut in range(MIN_PART, len(word) - MIN_PART + 1):
        head = word[cut:]
        if not _known_head(lex, head):
            continue
        modifier = word[:cut]
        # Three equal consonants are written as two (process + stöd -> processtöd): the first
        # part keeps its letter when it is a known word that way.
        tripled = modifier + head[0]
        if head[0] == modifier[-1] and head[0] not in "aeiouyåäö" and _known_modifier(lex, tripled, floor):
            modifier = tripled
        elif not _known_modifier(lex, modifier, floor):
            continue
        rest = split_compound(head) if len(head) >= 2 * MIN_PART else None
        parts = (modifier,) + (rest or (head,))
        return parts[:MAX_PARTS - 1] + ("".join(parts[MAX_PARTS - 1:]),) if len(parts) > MAX_PARTS else parts
    return None


@lru_cache(maxsize=200_000)
def compound_parts(word: str) -> tuple[str, ...]:
    """The parts (sammansättningsled) of a compound or hyphenated word, or () for a simple word.

    IT-stöd -> (stöd,); förskolesocionomer -> (förskole, socionomer) when the lexicon
    splits it. A hyphenated word's last part is split too, and its first part kept with the
    hyphenated head, so that the shorter hyphenated compound finds the longer one:
    e-arkivsystemet -> (arkivsystemet, arkiv, systemet, e-arkiv). Parts shorter than MIN_PART
    letters and stop words are left out.
    """
    if _SEPARATORS.search(word):
        parts = [p for p in _SEPARATORS.split(word) if p]
        hyphenated = _HYPHENATED.fullmatch(word)
        inner = split_compound(hyphenated["last"]) if hyphenated else None
        if inner:
            parts += [*inner, hyphenated["head"] + inner[0]]
    elif word.isalpha() and len(word) >= 2 * MIN_PART:
        parts = list(split_compound(word) or ())
    else:
        parts = []
    keep = tuple(dict.fromkeys(
        p for p in parts if len(p) >= MIN_PART and p not in SWEDISH_STOPWORDS and p != word))
    return keep if len(keep) >= 1 and len(parts) >= 2 else ()


@lru_cache(maxsize=100_000)
def compound_first_part(word: str) -> str | None:
    """The first part (förled) of a compound query word, which other compounds may share:
    trappstegsmodell -> trappstegs, e-arkivplanen -> e-arkiv; None for a simple word.

    The search falls back on it when nothing matches the whole word (trappstegsmodell ->
    documents about a trappstegsrutin, ranked after any whole match).
    """
    hyphenated = _HYPHENATED.fullmatch(word)
    if hyphenated:
        inner = split_compound(hyphenated["last"])
        return hyphenated["head"] + inner[0] if inner else None
    if not word.isalpha():
        return None
    parts = split_compound(word)
    if not parts or len(parts) < 2 or len(parts[0]) < MIN_PART or parts[0] in SWEDISH_STOPWORDS:
        return None
    return parts[0]


@lru_cache(maxsize=100_000)
def compound_head(word: str) -> str | None:
    """The head (huvudled) of a compound: feminitetsnormer -> normer; None when not a compound."""
    parts = split_compound(word)
    if parts and len(parts) >= 2 and len(parts[-1]) >= MIN_PART:
        return parts[-1]
    return None


# ---------------------------------------------------------------------------------------
# The filters, in pipeline order
# ---------------------------------------------------------------------------------------


def SwedishTokenizer() -> RegexTokenizer:  # noqa: N802 (reads like the other chain stages)
    """Words of letters and digits; inner - . / : keep SR-2023-81 and IT-stöd whole.

    A trailing hyphen before a space or comma is kept ("maskulinitets-"), so the next
    filter can complete a coordinated compound.
    """
    word = r"(?:[^\W_][\u0300-\u036f]*)+"  # letters and digits, with any combining accents
    return RegexTokenizer(rf"{word}(?:[-./:]{word})*(?:-(?=[\s,]))?")


class NfcFilter(Filter):
    """Composed letters: an "ä" written as a + combining diaeresis (some PDFs) becomes "ä"."""

    def __call__(self, tokens):
        for t in tokens:
            if not t.text.isascii() and not unicodedata.is_normalized("NFC", t.text):
                t.text = unicodedata.normalize("NFC", t.text)
            yield t


class CoordinatedCompoundFilter(Filter):
    """Completes a coordinated compound: "maskulinitets- och feminitetsnormer" indexes
    maskulinitetsnormer och feminitetsnormer (samordnade sammansättningar).

    The head is taken from the last word's compound split; without one the hyphen is dropped.
    """

    def __call__(self, tokens):
        pending = []
        for t in tokens:
            if t.text.endswith("-"):
                pending.append(t.copy())
                continue
            if pending and t.text in COORDINATORS:
                pending.append(t.copy())
                continue
            if pending:
                head = compound_head(t.text) or ""
                yield from _complete(pending, head)
                pending = []
            yield t
        yield from _complete(pending, "")


def _complete(pending, head):
    for p in pending:
        if p.text.endswith("-"):
            p.text = p.text[:-1] + head
        yield p


class OcrDigitFilter(Filter):
    """f6r -> för: OCR digits inside words become the letters they stand for."""

    def __call__(self, tokens):
        for t in tokens:
            t.text = fix_ocr_digits(t.text)
            yield t


def SwedishStopFilter() -> StopFilter:  # noqa: N802
    """Swedish stop words and their OCR forms; positions renumbered at index and query time."""
    return StopFilter(stoplist=SWEDISH_STOPWORDS_OCR, minsize=1, renumber=True)


class DecompoundFilter(Filter):
    """Adds a compound's parts at the compound's own position (index time only), so that
    *socionomer* finds *förskolesocionomer* and *stöd* finds *IT-stöd*.

    At query time a compound stays whole: a query for "förskolesocionomer" must not match
    every text about förskolor (``analyze_query`` offers the parts separately).
    """

    def __call__(self, tokens):
        for t in tokens:
            parts = compound_parts(t.text) if t.mode != "query" else ()
            yield t
            for part in parts:  # Whoosh's idiom: the same token object, re-yielded with new text
                t.text = part
                yield t


class SwedishStemFilter(Filter):
    """Snowball Swedish stemming via the memoized module function (nothing pickled)."""

    def __call__(self, tokens):
        for t in tokens:
            if not t.stopped:
                t.text = stem(t.text)
            yield t


class OcrFoldFilter(Filter):
    """Adds beside every term, at the same position, its OCR-folded key (~namnd for nämnd)."""

    def __call__(self, tokens):
        for t in tokens:
            key = fold_key(t.text)
            yield t
            t.text = key
            yield t


# ---------------------------------------------------------------------------------------
# The analyzers
# ---------------------------------------------------------------------------------------


def surface_analyzer():
    """Tokenize | lowercase | coordinated compounds | OCR digits | stop words: real words."""
    return (
        SwedishTokenizer()
        | NfcFilter()
        | LowercaseFilter()
        | CoordinatedCompoundFilter()
        | OcrDigitFilter()
        | SwedishStopFilter()
    )


def swedish_analyzer():
    """The stemmed text field's analyzer, the same at index and query time."""
    return surface_analyzer() | DecompoundFilter() | SwedishStemFilter() | OcrFoldFilter()


def spelling_analyzer():
    """For the unstemmed spelling field: real words (OCR digits fixed), no stem, no fold key."""
    return (SwedishTokenizer() | NfcFilter() | LowercaseFilter() | CoordinatedCompoundFilter()
            | OcrDigitFilter())


# ---------------------------------------------------------------------------------------
# The query side: what the search builds its Whoosh terms from
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueryTerm:
    """One analysed query word.

    ``stem`` and ``key`` are alternatives (match either; both match for an exact spelling);
    ``parts`` are the fold keys of its compound parts, which together may stand for it
    (a weaker match: all parts present, e.g. föräldrakurser ~ kurser för föräldrar).
    """

    word: str
    stem: str
    key: str
    parts: tuple[str, ...] = ()


@lru_cache(maxsize=1)
def _query_surface():
    """One surface chain for all queries (Whoosh analyzers keep no state between calls)."""
    return surface_analyzer()


def analyze_query(text: str) -> list[QueryTerm]:
    """The terms of a query string, one per word position, with stop words removed."""
    out = []
    for t in _query_surface()(text, mode="query"):
        s = stem(t.text)
        parts = tuple(fold_key(stem(p)) for p in compound_parts(t.text))
        out.append(QueryTerm(word=t.text, stem=s, key=fold_key(s), parts=parts))
    return out


def phrase_keys(text: str) -> list[str]:
    """The folded keys of a phrase, in order: a Whoosh Phrase over them tolerates OCR."""
    return [q.key for q in analyze_query(text)]


def prefix_key(text: str) -> str | None:
    """The folded-key prefix for ``text*`` (förskol* -> ~farskal), or None for an empty stem."""
    words = list(_query_surface()(text.rstrip("*"), mode="query", removestops=False))
    if not words:
        return None
    word = words[-1].text
    return fold_key(stem(word) if len(word) > 4 else word)
