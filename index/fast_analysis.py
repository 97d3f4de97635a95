"""The Swedish analyzer chain fused into one pass, memoized per distinct word.

``index.analysis`` stays the definition: its ``swedish_analyzer()`` and ``spelling_analyzer()``
chains say what the tokens are. This module gives exactly their token stream (text, pos,
startchar, endchar, boost, stopped, in every mode) faster: one regex ``finditer`` for the
tokenizer, and per distinct surface word (ordform) one memoized entry holding every output
text, so a token costs a dict lookup instead of nine generator steps.

Two stages look beyond the word and are done here as the chain does them:

* coordinated compounds (samordnade sammansättningar): a word ending in "-" waits, with the
  coordinators after it, for the next word, whose compound head completes it;
* the stop filter's renumbering: kept words count on from the first kept word's position.

The memo is module state, bounded (emptied when full) and never part of the analyzer object,
so a schema pickled into the index's table of contents unpickles with a fresh memo.
"""

from __future__ import annotations

import re
import unicodedata

from whoosh.analysis import Analyzer, Token

from index.analysis import (
    COORDINATORS,
    FOLD_MARK,
    SWEDISH_STOPWORDS_OCR,
    compound_head,
    compound_parts,
    fix_ocr_digits,
    spelling_analyzer,
    stem,
    swedish_analyzer,
)
from ingest.folding import fold_ocr_vowels

#: At most this many entries per memo; a full memo is emptied and fills again.
MEMO_LIMIT = 300_000

#: SwedishTokenizer's expression written without nested repetition (a word is a run of letters
#: and digits, with combining accents between them), so ``findall`` never backtracks; it matches
#: exactly what the tokenizer matches (tests compare the two on generated text).
_WORD = r"[^\W_]+(?:[\u0300-\u036f][^\W_]*)*"
_TOKENS = re.compile(rf"{_WORD}(?:[-./:]{_WORD})*(?:-(?=[\s,]))?")

# A word's entry: (real word, stopped, index-mode texts, query-mode texts, lower-case word); the
# texts are the chain's outputs at one position in order: stem, fold key, then each compound
# part's pair. A dangling "hälso-" has the entry (None, None, None, None, "hälso-").
_WORDS: dict[str, tuple] = {}
# A surface form (the tokenizer's match) -> the word entry of its NFC lower-case form.
_SURFACES: dict[str, tuple] = {}


def _outputs(forms: tuple[str, ...], stopped: bool) -> tuple[str, ...]:
    """Stem (unless stopped) and fold key of each form, as SwedishStemFilter | OcrFoldFilter."""
    out = []
    for form in forms:
        text = form if stopped else stem(form)
        out += (text, FOLD_MARK + fold_ocr_vowels(text))
    return tuple(out)


def word_entry(word: str) -> tuple:
    """What the chain makes of one lower-case word after coordination (memoized)."""
    entry = _WORDS.get(word)
    if entry is None:
        if word.endswith("-"):
            entry = (None, None, None, None, word)
        else:
            real = fix_ocr_digits(word)
            stopped = len(real) >= 1 and real in SWEDISH_STOPWORDS_OCR
            entry = (real, stopped, _outputs((real,) + compound_parts(real), stopped),
                     _outputs((real,), stopped), word)
        if len(_WORDS) >= MEMO_LIMIT:
            _WORDS.clear()
        _WORDS[word] = entry
    return entry


def _surface_entry(surface: str) -> tuple:
    """The word entry of one tokenizer match after NfcFilter | LowercaseFilter (memoized)."""
    text = surface
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    entry = word_entry(text.lower())
    if len(_SURFACES) >= MEMO_LIMIT:
        _SURFACES.clear()
    _SURFACES[surface] = entry
    return entry


def clear_memo() -> None:
    """Forget every memoized word (the lexicon changed, or a test wants a cold start)."""
    _WORDS.clear()
    _SURFACES.clear()


def _entries(surfaces: list[str]) -> list[tuple]:
    """The word entry of every token, dangling words completed as CoordinatedCompoundFilter does."""
    get = _SURFACES.get
    entries = [get(s) or _surface_entry(s) for s in surfaces]
    for entry in entries:
        if entry[0] is None:
            return _coordinated(entries)
    return entries


def _coordinated(entries: list[tuple]) -> list[tuple]:
    """Completes "maskulinitets- och feminitetsnormer": each dangling word waits, with the
    coordinators after it, for the next other word, whose compound head it takes ("" at the end)."""
    out = list(entries)
    pending: list[int] = []
    for i, entry in enumerate(entries):
        if entry[0] is None or (pending and entry[4] in COORDINATORS):
            pending.append(i)
            continue
        if pending:
            _complete(out, pending, compound_head(entry[4]) or "")
            pending = []
    _complete(out, pending, "")
    return out


def _complete(out: list[tuple], pending: list[int], head: str) -> None:
    for i in pending:
        if out[i][0] is None:
            out[i] = word_entry(out[i][4][:-1] + head)


class FusedSwedishAnalyzer(Analyzer):
    """``swedish_analyzer()`` (``stemmed=True``) or ``spelling_analyzer()`` in one pass.

    Called as Whoosh calls an analyzer: ``(value, positions=, chars=, mode=, removestops=, ...)``;
    like Whoosh's tokenizers it yields one Token object over and over with new attributes.
    """

    def __init__(self, stemmed: bool = True):
        self.stemmed = stemmed

    def __repr__(self):
        return f"{self.__class__.__name__}(stemmed={self.stemmed!r})"

    def chain(self):
        """The chain this analyzer stands for (the definition)."""
        return swedish_analyzer() if self.stemmed else spelling_analyzer()

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", no_morph=False, **kwargs):
        assert isinstance(value, str), f"{value!r} is not unicode"
        if not tokenize:  # the whole value as one token: rare, so the chain does it
            return self.chain()(value, positions=positions, chars=chars, keeporiginal=keeporiginal,
                                removestops=removestops, start_pos=start_pos, start_char=start_char,
                                tokenize=False, mode=mode, **kwargs)
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        spans = None
        if chars or keeporiginal:
            matches = list(_TOKENS.finditer(value))
            surfaces = [m.group() for m in matches]
            spans = [(start_char + m.start(), start_char + m.end()) for m in matches]
        else:
            surfaces = _TOKENS.findall(value)
        entries = _entries(surfaces)
        if self.stemmed:
            return _stemmed(token, entries, surfaces, spans, positions, chars, keeporiginal,
                            removestops, start_pos, mode)
        return _spelling(token, entries, surfaces, spans, positions, chars, keeporiginal, start_pos)


def _stemmed(t, entries, surfaces, spans, positions, chars, keeporiginal, removestops, start_pos,
             mode):
    """The stemmed field's tokens: stop words dropped or marked, kept words renumbered."""
    texts_at = 3 if mode == "query" else 2
    renumbered = None
    for i, entry in enumerate(entries):
        if entry[1]:
            if removestops:
                continue
            t.stopped = True
            if positions:
                t.pos = start_pos + i
        else:
            t.stopped = False
            if positions:
                renumbered = start_pos + i if renumbered is None else renumbered + 1
                t.pos = renumbered
        t.boost = 1.0
        if chars:
            t.startchar, t.endchar = spans[i]
        if keeporiginal:
            t.original = surfaces[i]
        for text in entry[texts_at]:
            t.text = text
            yield t


def _spelling(t, entries, surfaces, spans, positions, chars, keeporiginal, start_pos):
    """The spelling field's tokens: real words, no stop filter, tokenizer positions."""
    t.stopped = False
    for i, entry in enumerate(entries):
        t.text = entry[0]
        t.boost = 1.0
        if positions:
            t.pos = start_pos + i
        if chars:
            t.startchar, t.endchar = spans[i]
        if keeporiginal:
            t.original = surfaces[i]
        yield t


def fused_swedish_analyzer() -> FusedSwedishAnalyzer:
    """The stemmed text fields' analyzer: ``swedish_analyzer()`` in one pass."""
    return FusedSwedishAnalyzer(stemmed=True)


def fused_spelling_analyzer() -> FusedSwedishAnalyzer:
    """The spelling field's analyzer: ``spelling_analyzer()`` in one pass."""
    return FusedSwedishAnalyzer(stemmed=False)
