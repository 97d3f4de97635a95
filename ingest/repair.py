"""OCR repair: restore å/ä/ö and other misread letters in damaged Swedish text, and only there.

An OCR engine without Swedish letters reads *nämnden* as *namnden*, *för* as *for* or *f6r*, *på*
as *p&*, drops a letter (*tgärder*) or splits one in two (*sakerstiiller*). The repair works word
by word against the lexicon (``ingest.lexicon``), with the confusions kept as data in
``tables/ocr.toml``, and it first asks whether there is any damage to repair:

1. **Damage, per block.** Each word is a sign: *damaged* when it is no word but a word is
   within the confusions (*namnden*), *suspect* when it is a web-only form of a far more
   frequent word (*tva*, *pa*), *healthy* when it holds å/ä/ö and is a word (*nämnden*).
   The damage rate of a block is damaged / (damaged + healthy), pulled towards the whole
   document's rate (a short heading says little on its own). A block below
   ``min_damage`` is left exactly as it is: born-digital text is never touched.
2. **Candidates.** Every lexicon word the scanned word could have been, given the confusions:
   all confusable letters fold into one class, so one lookup in the lexicon's skeleton index
   finds the words of the same shape, each then checked letter by letter against the table
   (multi-letter damage such as *ii* for *ä* is undone first, in variants; a dropped å/ä/ö, and
   in a longer word that is no word half of a double consonant, may be put back at a high cost).
3. **Choice.** The most frequent candidate (less likely the more letters it changes). A
   scanned word that is itself a word changes only when a candidate is far more frequent:
   how much more depends on how damaged the block is (in a block where every å/ä/ö is gone,
   *innebar* is *innebär*; in a block of mostly intact text, *akt* stays *akt*). A word
   that is no word is split as a compound into repaired known parts (*forskolenamnden* ->
   *förskolenämnden*), unless it already is a compound of known words (*feminitetsnormer*).
   Whatever is written is a lexicon word or a compound of lexicon words
   (:func:`is_known_word`); failing that, the scanned word stays.
4. **Names.** A capitalised word that Hunspell knows as a proper noun (*Pia*, *Ann*, *Åsa*)
   never changes; inside a sentence a capitalised word changes only when it is a damaged
   form of a lexicon word (*Namnden*, *Malmo*), never into a rare name. In a damaged block a
   capitalised word that is a name with its å/ä/ö lost (*Goran*, *Hakan*, *Stromberg*; the
   names are Hunspell's proper nouns) becomes that name, unless it is a name as scanned
   (*Pia*, *Marta*) or, as a word too, far more frequent than the name (*Bra*, *Person*).
5. **Context.** Words valid both ways (*vald*/*våld*, *ar*/*år*/*är*, *bor*/*bör*) are decided
   by their neighbours, from the rule table. A lone *1* between two words is *i*, except
   before a month or a counted word (*1 april 2024*, *1 procent*).

Everything else is kept exactly: whitespace, punctuation, numbers, e-mail addresses and URLs,
all-caps words (ASN, IFO) and the case pattern (*Namnden* -> *Nämnden*).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from ingest.lexicon import MIN_PART, MIN_PART_FREQ, Lexicon, SkeletonIndex, get_lexicon
from ingest.tables import load_table

_PROTECTED = (
    # Each alternative starts only where its run starts, so a long [\w.+-] run is not retried
    # from every position (a 40 KB hyphen chain: seconds -> milliseconds).
    r"(?:https?://|www\.)\S+|(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    r"|(?<![\w.-])\b(?:[\w-]+\.)+(?:se|nu|com|org|net|eu|info|io)\b"  # bare domains: kommun.se
)
_WORD = r"[{£&@]?[^\W_]+(?:[&{£@’§][^\W_]*)*"
_TOKENS = re.compile(f"(?P<skip>{_PROTECTED})|(?P<word>{_WORD})")
_MAX_MULTI = 2  # multi-letter damages undone per word
_MAX_VARIANTS = 64  # bounds the work on pathological tokens ("iiiiiiii...")
_MAX_WORD = 40  # longer tokens are not Swedish words (or are beyond repair): left alone
_MEMO_LIMIT = 300_000
_HEAD_BONUS = 10.0  # a Hunspell compound form is the likelier reading of a first part
_RARE_PART_LETTERS = 6  # an unchanged compound part this long may be a rare web-text word
_WEB_PART_WEIGHT = 0.05  # a web-only part as scanned is often itself damaged
_MIN_PART_WEIGHT = 1e-4  # a compound part needing more damage than two rare confusions is no reading
_SHORT_PART_FREQ = 5e-6  # a three-letter part of a valid compound: a common word (tid, hus, nöd)
_VALID_HUNSPELL_FREQ = 1e-7  # a short Hunspell form web text hardly uses may be junk (femö, färm)
_DROPPED_KNOWN_LETTERS = 4  # a word this short may be a word with a dropped letter (ver: över)
_SENTENCE_END = ".!?:\n"
_YEAR = re.compile(r"(?:19|20)\d\d")
_SWEDISH = frozenset("åäöÅÄÖ")
_HARD = frozenset("0123456789{£&@’")  # damage no Swedish word has: f6r, {6r, p&, m@jlighet, ing’r
# What may stand between a lone "1" and its neighbours when it is the preposition "i".
_GAP_BEFORE_ONE = re.compile(r"[ \t]*,?[ \t]*\n?[ \t]*")
_GAP_AFTER_ONE = re.compile(r"[ \t]*\n?[ \t]*[*\"“”'(]*")

_BARE_LETTERS = {"a": ("å", "ä"), "o": ("ö",)}  # å/ä/ö without their ring or dots


def lost_swedish_letters(scanned: str, written: str, misreadings: dict[str, tuple[str, ...]] | None = None) -> bool:
    """True when ``written`` is ``scanned`` with one or more of its letters read back as the
    å/ä/ö they were misread from and nothing else changed (*goran* / *göran*, *stromberg* /
    *strömberg*); both lower case. ``misreadings`` maps a scanned character to the letters it
    may stand for (the confusion table's common ones); by default only a bare a or o."""
    if len(scanned) != len(written) or scanned == written:
        return False
    table = _BARE_LETTERS if misreadings is None else misreadings
    return all(s == w or (w in _SWEDISH and w in table.get(s, ()))
               for s, w in zip(scanned, written, strict=True))


# The sign a word gives of its block's damage.
NEUTRAL, HEALTHY, DAMAGED, SUSPECT = 0, 1, 2, 3


@dataclass(frozen=True)
class ContextRule:
    """``word`` becomes ``to`` next to the given neighbours (see ocr.toml)."""

    word: str
    to: str
    before: frozenset[str]
    after: frozenset[str]
    before_number: bool = False
    after_year: bool = False
    before_suffix: tuple[str, ...] = ()
    after_suffix: tuple[str, ...] = ()

    def applies(self, before: str | None, after: str | None) -> bool:
        if before is not None:
            if before in self.before or (self.before_number and before.isdigit()):
                return True
            if self.before_suffix and before.isalpha() and before.endswith(self.before_suffix):
                return True
        if after is None:
            return False
        if self.after_suffix and after.isalpha() and after.endswith(self.after_suffix):
            return True
        return after in self.after or (self.after_year and _YEAR.fullmatch(after) is not None)


@dataclass(frozen=True)
class Confusions:
    """The OCR confusion table and the repair's limits (``tables/ocr.toml``)."""

    single: dict[str, tuple[str, ...]]
    rare: dict[str, tuple[str, ...]]
    multi: dict[str, tuple[str, ...]]
    initial: dict[str, tuple[str, ...]]
    dropped: tuple[str, ...]
    doubled: frozenset[str]
    max_changes: int
    ratio_curated: float
    ratio_web_only: float
    ratio_curated_damaged: float
    ratio_web_only_damaged: float
    change_penalty: float
    rare_penalty: float
    multi_penalty: float
    dropped_penalty: float
    min_freq: float
    max_compound_parts: int
    min_damage: float
    full_damage: float
    document_weight: float
    capital_target_freq: float
    name_min_freq: float
    name_ratio_inside: float
    name_ratio_start: float
    not_parts: frozenset[str]
    gazetteer: dict[str, str]
    lone_letters: dict[str, str]
    numbering_words: frozenset[str]
    counted_words: frozenset[str]
    context: tuple[ContextRule, ...]

    def fold_map(self) -> dict[str, str]:
        """Each character that takes part in a one-letter confusion -> its class character."""
        parent: dict[str, str] = {}

        def find(c: str) -> str:
            while parent.setdefault(c, c) != c:
                c = parent[c]
            return c

        for table in (self.single, self.rare):
            for damaged, originals in table.items():
                for original in originals:
                    parent[find(damaged)] = find(original)
        classes = sorted({find(c) for c in parent})
        mark = {root: chr(0xE000 + i) for i, root in enumerate(classes)}
        return {c: mark[find(c)] for c in parent}


def _tuple_map(table: dict) -> dict[str, tuple[str, ...]]:
    return {str(k): tuple(str(v) for v in values) for k, values in table.items()}


@cache
def load_confusions() -> Confusions:
    """Read the confusion table (tables/ocr.toml)."""
    data = load_table("ocr")
    limits = data.get("limits", {})
    gating = data.get("damage", {})
    name_limits = data.get("names", {})
    rules = tuple(
        ContextRule(
            word=word,
            to=r["to"],
            before=frozenset(r.get("before", ())),
            after=frozenset(r.get("after", ())),
            before_number=bool(r.get("before_number", False)),
            after_year=bool(r.get("after_year", False)),
            before_suffix=tuple(r.get("before_suffix", ())),
            after_suffix=tuple(r.get("after_suffix", ())),
        )
        for r in data.get("context", ())
        for word in ([r["word"]] if isinstance(r["word"], str) else r["word"])
    )
    names = data.get("gazetteer", {}).get("names", ())
    one = data.get("one_as_i", {})
    return Confusions(
        single=_tuple_map(data.get("single", {})),
        rare=_tuple_map(data.get("single_rare", {})),
        multi=_tuple_map(data.get("multi", {})),
        initial=_tuple_map(data.get("initial", {})),
        dropped=tuple(data.get("dropped", {}).get("letters", ())),
        doubled=frozenset(data.get("dropped", {}).get("doubled", ())),
        max_changes=int(limits.get("max_changes", 5)),
        ratio_curated=float(limits.get("ratio_curated", 20.0)),
        ratio_web_only=float(limits.get("ratio_web_only", 1.5)),
        ratio_curated_damaged=float(limits.get("ratio_curated_damaged", 0.75)),
        ratio_web_only_damaged=float(limits.get("ratio_web_only_damaged", 0.2)),
        change_penalty=float(limits.get("change_penalty", 0.2)),
        rare_penalty=float(limits.get("rare_penalty", 0.02)),
        multi_penalty=float(limits.get("multi_penalty", 0.001)),
        dropped_penalty=float(limits.get("dropped_penalty", 0.001)),
        min_freq=float(limits.get("min_freq", 1e-7)),
        max_compound_parts=int(limits.get("max_compound_parts", 3)),
        min_damage=float(gating.get("min_damage", 0.5)),
        full_damage=float(gating.get("full_damage", 0.9)),
        document_weight=float(gating.get("document_weight", 4.0)),
        capital_target_freq=float(limits.get("capital_target_freq", 1e-6)),
        name_min_freq=float(name_limits.get("min_freq", 1e-7)),
        name_ratio_inside=float(name_limits.get("ratio_inside", 0.02)),
        name_ratio_start=float(name_limits.get("ratio_start", 1.0)),
        not_parts=frozenset(data.get("compounds", {}).get("not_parts", ())),
        gazetteer={n.lower(): n for n in names if " " not in n},
        lone_letters={str(k): str(v) for k, v in data.get("lone_letters", {}).items()},
        numbering_words=frozenset(one.get("numbering_words", ())),
        counted_words=frozenset(one.get("counted_words", ())) | frozenset(one.get("months", ())),
        context=rules,
    )


@dataclass(frozen=True)
class Reading:
    """What the lexicon makes of one scanned lower-case word, before context and gating.

    ``best`` is the likeliest written word (``word`` itself when nothing is likelier) and
    ``score`` its frequency times its change weight; ``own`` is the scanned word's own
    frequency (a pseudo-frequency for a compound of known words, 0 for no word).
    """

    word: str
    best: str
    score: float
    own: float
    listed: bool  # the lexicon lists the scanned word (Hunspell, or web text often enough)
    known: bool  # the scanned word is a word: listed, or a compound of listed words
    curated: bool  # Hunspell lists the scanned word as a common word
    name: bool  # Hunspell lists the scanned word as a proper noun
    used_initial: bool  # best undoes an initial-capital confusion (Sterstar -> återstår)
    hard: bool  # characters no Swedish word has (f6r, p&)
    settled: bool = True  # False: a quick reading (WordRepairer.read) that a repair must read in full

    @property
    def changed(self) -> bool:
        return self.best != self.word


class WordRepairer:
    """Reads single lower-case words against a lexicon; memoized per distinct word."""

    def __init__(self, lexicon: Lexicon, confusions: Confusions):
        self.lex = lexicon
        self.conf = confusions
        self.skeleton: SkeletonIndex = lexicon.skeleton_index(confusions.fold_map())
        self._memo: dict[tuple[str, bool, bool], Reading] = {}
        self._known_memo: dict[str, bool] = {}
        self._candidates_memo: dict[tuple[str, bool], dict[str, float]] = {}
        self._suspects = frozenset(confusions.single) | frozenset(confusions.rare) | {k[0] for k in confusions.multi}

    # --- what counts as a word ----------------------------------------------------------------------

    def listed(self, word: str) -> bool:
        """Hunspell lists ``word`` (a common word or a name), or web text uses it often enough."""
        lex = self.lex
        return lex.in_hunspell(word) or lex.is_name(word) or lex.freq(word) >= self.conf.min_freq

    def is_compound(self, word: str) -> bool:
        """``word`` is a compound of at most ``max_compound_parts`` words the lexicon vouches for.

        Stricter than the parts repair may keep as scanned: each part is a Hunspell compound
        form, a Hunspell word that web text also uses (junk entries such as *femö* do not count),
        a common three-letter word (-tid, -hus) or a web-text word of at least
        :data:`ingest.lexicon.MIN_PART_FREQ`; a linking *s* may follow a non-final part.
        """
        n = len(word)
        if n < 2 * MIN_PART or not word.isalpha():
            return False
        reach = [0] * (n + 1)  # fewest parts reaching each position (0: not reached)
        reach[0] = 0
        ok = [False] * (n + 1)
        ok[0] = True
        for i in range(n):
            if not ok[i] or reach[i] >= self.conf.max_compound_parts:
                continue
            for j in range(i + MIN_PART, n + 1):
                last = j == n
                if last and i == 0:
                    continue
                piece = word[i:j]
                valid = self._valid_part(piece, last) or (
                    not last and piece.endswith("s") and self._valid_part(piece[:-1], False))
                if valid and (not ok[j] or reach[i] + 1 < reach[j]):
                    ok[j], reach[j] = True, reach[i] + 1
        return ok[n]

    def _valid_part(self, part: str, last: bool) -> bool:
        lex = self.lex
        n = len(part)
        if n < MIN_PART or part in self.conf.not_parts:
            return False
        if not last and lex.is_compound_head(part) and n > MIN_PART:
            return True
        freq = lex.freq(part)
        if n == MIN_PART:
            return lex.in_hunspell(part) and freq >= _SHORT_PART_FREQ
        if lex.in_hunspell(part) and (freq >= _VALID_HUNSPELL_FREQ or n >= _RARE_PART_LETTERS):
            return True
        return freq >= MIN_PART_FREQ

    def is_known(self, word: str) -> bool:
        """A word repair may write: listed, or a compound of listed parts; hyphenated words part by part."""
        hit = self._known_memo.get(word)
        if hit is None:
            parts = [p for p in word.split("-") if p]
            hit = bool(parts) and all(
                len(p) < 2 or not p.isalpha() or self.listed(p) or self.is_compound(p) for p in parts
            )
            if len(self._known_memo) > _MEMO_LIMIT:
                self._known_memo.clear()
            self._known_memo[word] = hit
        return hit

    # --- candidates -------------------------------------------------------------------------------

    def variants(self, word: str, initial_upper: bool) -> list[tuple[str, int]]:
        """The word with multi-letter (and initial-capital) damage undone: [(variant, changes)].

        Each undone multi-letter or initial-capital damage counts as one change.
        """
        out = [(word, 0)]
        if initial_upper and word[:1] in self.conf.initial:
            out += [(o + word[1:], 1) for o in self.conf.initial[word[:1]]]
        for key, originals in self.conf.multi.items():
            if key not in word:
                continue  # undoing one damage never makes another (the keys share no letters)
            grown = []
            for variant, changes in out:
                if changes >= _MAX_MULTI or len(out) + len(grown) >= _MAX_VARIANTS:
                    continue
                start = variant.find(key)
                while start != -1:
                    for original in originals:
                        grown.append((variant[:start] + original + variant[start + len(key):], changes + 1))
                    start = variant.find(key, start + 1)
            out += grown
        return out

    def _changes(self, variant: str, word: str) -> tuple[int, int] | None:
        """(common, rare) letters that differ, when each is a listed confusion; else None."""
        if len(variant) != len(word):
            return None
        common = rare = 0
        single, rare_table = self.conf.single, self.conf.rare
        for seen, printed in zip(variant, word, strict=True):
            if seen != printed:
                if printed in single.get(seen, ()):
                    common += 1
                elif printed in rare_table.get(seen, ()):
                    rare += 1
                else:
                    return None
        return common, rare

    def _lookup(self, variants, found: dict[str, float], extra_weight: float = 1.0) -> None:
        conf = self.conf
        for variant, extra in variants:
            for cand in self.skeleton.lookup(variant):
                counted = self._changes(variant, cand)
                if counted is None:
                    continue
                common, rare = counted
                if common + rare + extra > conf.max_changes:
                    continue
                weight = (conf.change_penalty**common * conf.rare_penalty**rare * conf.multi_penalty**extra
                          * extra_weight)
                if weight > found.get(cand, 0.0):
                    found[cand] = weight

    def candidates(self, word: str, initial_upper: bool = False) -> dict[str, float]:
        """Lexicon words (and compound heads) ``word`` may be damaged from -> likelihood weight.

        The weight is change_penalty per common change, rare_penalty per rare one and
        multi_penalty per undone multi-letter (or initial-capital) damage.
        """
        key = (word, initial_upper)
        found = self._candidates_memo.get(key)
        if found is None:
            found = {}
            self._lookup(self.variants(word, initial_upper), found)
            if len(self._candidates_memo) > _MEMO_LIMIT:
                self._candidates_memo.clear()
            self._candidates_memo[key] = found
        return dict(found)

    def doubled_candidates(self, word: str) -> dict[str, float]:
        """Words ``word`` may be with one half of a double consonant put back (*berets* ->
        *beretts*, *kuna* -> *kunna*); other confusions may come with it, as in every lookup."""
        found: dict[str, float] = {}
        doubled = self.conf.doubled
        grown = [(word[: i + 1] + c + word[i + 1 :], 0) for i, c in enumerate(word)
                 if c in doubled and word[i + 1 : i + 2] != c and word[i - 1 : i] != c]
        self._lookup(grown, found, self.conf.dropped_penalty)
        return found

    def dropped_candidates(self, word: str) -> dict[str, float]:
        """Words ``word`` may be with one dropped letter put back (*tgärder* -> *åtgärder*)."""
        found: dict[str, float] = {}
        grown = [(word[:i] + letter + word[i:], 0) for i in range(len(word) + 1) for letter in self.conf.dropped]
        self._lookup(grown, found, self.conf.dropped_penalty)
        return found

    def lost_name(self, word: str) -> str | None:
        """The name ``word`` is with its å/ä/ö lost or misread as a common confusion
        (*goran*, *sdren* -> *göran*, *sören*), or None.

        The names are Hunspell's proper nouns; a word that is itself one (*pia*, *marta*) is no
        lost name. With several, the most frequent; none rarer than the table's ``min_freq``.
        """
        lex = self.lex
        if lex.is_name(word):
            return None
        names = [c for c in self.candidates(word) if lost_swedish_letters(word, c, self.conf.single) and lex.is_name(c)]
        if not names:
            return None
        best = max(names, key=lambda c: (lex.freq(c), c))
        return best if lex.freq(best) >= self.conf.name_min_freq else None

    # --- reading a word -------------------------------------------------------------------------------

    def read(self, word: str, initial_upper: bool = False, quick: bool = False) -> Reading:
        """The :class:`Reading` of a lower-case scanned word (memoized).

        ``quick``: a word that is a compound of Hunspell words as written is taken as that
        compound without weighing repaired readings of its parts (enough to tell damage from
        health; :class:`TextRepairer` reads such words in full where it repairs).
        """
        key = (word, initial_upper, quick)
        hit = self._memo.get(key)
        if hit is None:
            hit = self._read(word, initial_upper, quick)
            if len(self._memo) > _MEMO_LIMIT:
                self._memo.clear()
            self._memo[key] = hit
        return hit

    def choose(self, word: str, initial_upper: bool = False) -> tuple[str, bool]:
        """The likeliest written word for a word of a fully damaged text, and whether the
        initial-capital rule was used (the decision :class:`TextRepairer` makes at full damage)."""
        reading = self.read(word, initial_upper)
        if reading.changed and self.replaces(reading, 1.0):
            return reading.best, reading.used_initial
        return word, False

    def replaces(self, reading: Reading, damage: float) -> bool:
        """Whether ``reading.best`` should replace a scanned word in a block with this damage rate."""
        if not reading.changed:
            return False
        if not reading.known:
            return True
        full = damage >= self.conf.full_damage
        if reading.curated or reading.name:
            ratio = self.conf.ratio_curated_damaged if full else self.conf.ratio_curated
        else:
            ratio = self.conf.ratio_web_only_damaged if full else self.conf.ratio_web_only
        return reading.score >= ratio * reading.own

    def _read(self, word: str, initial_upper: bool, quick: bool = False) -> Reading:
        lex = self.lex
        hard = any(c in _HARD for c in word) and any(c.isalpha() for c in word)
        curated = lex.in_hunspell(word)
        name = lex.is_name(word)
        listed = self.listed(word)
        suspicious = any(c in self._suspects for c in word) or (initial_upper and word[:1] in self.conf.initial)
        if not suspicious and listed and len(word) > _DROPPED_KNOWN_LETTERS:
            return Reading(word, word, 0.0, lex.freq(word), True, True, curated, name, False, hard)
        short = len(word) <= _DROPPED_KNOWN_LETTERS
        cands = self.candidates(word, initial_upper) if suspicious else {}
        cands.pop(word, None)
        plausible = {w: c for w, c in cands.items() if self.listed(w)}
        # Unlisted and no listed word within the confusions: the compound reading decides (fewest
        # parts, unchanged parts preferred), so a compound of known words as written
        # (feminitets|normer) is a word and stays one.
        split = None
        if not listed and not plausible and len(word) >= 2 * MIN_PART and word.isalnum():
            if quick and self._compound(word, False, changes=False, curated=True) == word:
                return Reading(word, word, 0.0, lex.compound_freq(word) or 1e-12, False, True, curated, name,
                               False, hard, settled=False)
            split = self._compound(word, initial_upper)
        known = listed or split == word
        own = lex.freq(word) if listed else (lex.compound_freq(word) or 1e-12 if known else 0.0)

        # A short word may be a longer one with a dropped letter (ver: över); only a repair needs
        # to know, so a quick reading leaves that to the full one.
        deferred = quick and listed and short

        def result(best: str = word, score: float = 0.0, used_initial: bool = False) -> Reading:
            return Reading(word, best, score, own, listed, known, curated, name, used_initial, hard,
                           settled=not deferred)

        if not name and not deferred and (short or not known):
            # a dropped letter put back gives a whole word: likelier than a repaired compound
            dropped = self.dropped_candidates(word)
            if not known and not short:
                dropped.update((w, c) for w, c in self.doubled_candidates(word).items() if c > dropped.get(w, 0.0))
            for w, c in dropped.items():
                if self.listed(w) and c > plausible.get(w, 0.0):
                    plausible[w] = c
        if plausible:
            gazetteer = [w for w in plausible if w in self.conf.gazetteer]
            pool = gazetteer if gazetteer and not curated else plausible
            best = max(pool, key=lambda w: (lex.freq(w) * plausible[w], w))
            return result(best, lex.freq(best) * plausible[best], self._used_initial(word, best, initial_upper))
        if known or split is None or not self.is_known(split):
            return result()
        return result(split, max(lex.compound_freq(split), 1e-12), self._used_initial(word, split, initial_upper))

    def _used_initial(self, word: str, best: str, initial_upper: bool) -> bool:
        return initial_upper and word[:1] in self.conf.initial and not best.startswith(word[:1])

    # --- compounds ------------------------------------------------------------------------------------

    def _part_ok(self, part: str, last: bool, changed: bool, curated: bool = False, first: bool = True) -> bool:
        """A compound part repair may build on.

        A changed part must be a curated word or compound form (web junk such as *femö* glues
        nothing); of three letters only as a first part (*nöd-*) or a genitive (*års-*). An
        unchanged part may also be a web-text word of at least
        :data:`ingest.lexicon.MIN_PART_FREQ`, or any web-text word of :data:`_RARE_PART_LETTERS`
        letters or more (*feminitet*, a spelling Hunspell lacks).
        """
        lex = self.lex
        n = len(part)
        if n < MIN_PART or part in self.conf.not_parts:
            return False
        if not last and lex.is_compound_head(part) and (not changed or n > MIN_PART):
            return True
        if n == MIN_PART:  # a changed one only as the first part (nöd-, not -nås for -nas)
            return lex.in_hunspell(part) and (not changed or (first and not last))
        if changed or curated:
            return lex.in_hunspell(part)
        freq = lex.freq(part)
        return lex.in_hunspell(part) or freq >= MIN_PART_FREQ or (freq > 0.0 and n >= _RARE_PART_LETTERS)

    def _best_part(self, segment: str, last: bool, initial_upper: bool, changes: bool,
                   curated: bool = False, first: bool = True) -> tuple[str, float] | None:
        """The likeliest repair of one compound part: (part, log score) or None.

        The score is frequency times the change weight; a non-final part that Hunspell marks
        as a compound form (stöd-, förskole-) gets :data:`_HEAD_BONUS`.
        """
        best = None
        options = self.candidates(segment, initial_upper) if changes else {}
        options.setdefault(segment, 1.0)
        for cand, weight in options.items():
            changed = cand != segment
            if weight < _MIN_PART_WEIGHT or not self._part_ok(cand, last, changed, curated, first):
                continue
            head = not last and self.lex.is_compound_head(cand)
            score = max(self._part_freq(cand, head), 1e-9) * weight
            if not changed and not self.lex.in_hunspell(cand):
                score *= _WEB_PART_WEIGHT  # a web-only part as scanned is often itself damaged
            if head:
                score *= _HEAD_BONUS
            if best is None or score > best[1]:
                best = (cand, score)
        return None if best is None else (best[0], math.log(best[1]))

    def _part_freq(self, part: str, head: bool) -> float:
        """How common ``part`` is as a compound part: a compound form with a linking s
        (*behovs-*, *stöds-*) is as common as its word (*behov*), which web text rarely
        writes alone; otherwise the part's own frequency."""
        freq = self.lex.freq(part)
        if head and part.endswith("s") and len(part) > MIN_PART + 1:
            freq = max(freq, self.lex.freq(part[:-1]) if self.lex.in_hunspell(part[:-1]) else 0.0)
        return freq

    def _compound(self, word: str, initial_upper: bool, changes: bool = True, curated: bool = False) -> str | None:
        """The likeliest reading of ``word`` as a compound of known parts, each repaired or not
        (``changes=False``: as written only; ``curated``: of Hunspell words and compound forms
        only); None when it does not split.

        Fewest parts first, then the likeliest parts (frequency times change weight, with a
        bonus for Hunspell compound forms: stod- -> stöd-). The result may be ``word`` itself.
        """
        n = len(word)
        # best[i] = (parts, -sum of log scores, text) for word[:i]
        best: list[tuple | None] = [None] * (n + 1)
        best[0] = (0, 0.0, "")
        for i in range(n):
            state = best[i]
            if state is None or state[0] >= self.conf.max_compound_parts:
                continue
            for j in range(i + MIN_PART, n + 1):
                last = j == n
                if last and i == 0:
                    continue  # a compound has two parts at least
                segment = word[i:j]
                options = []
                part = self._best_part(segment, last, initial_upper and i == 0, changes, curated, i == 0)
                if part is not None:
                    options.append(part)
                if not last and segment.endswith("s") and len(segment) > MIN_PART:
                    linked = self._best_part(segment[:-1], False, initial_upper and i == 0, changes, curated, i == 0)
                    if linked is not None:
                        options.append((linked[0] + "s", linked[1]))
                for text, log_score in options:
                    parts, neg_log, prefix = state
                    cand = (parts + 1, neg_log - log_score, prefix + text)
                    if best[j] is None or cand[:2] < best[j][:2]:
                        best[j] = cand
        final = best[n]
        return None if final is None else final[2]


# --- text level -------------------------------------------------------------------------------------


def _case_like(original: str, repaired: str, lowered_start: bool) -> str:
    """Give ``repaired`` the case pattern of ``original`` (lower or Capitalised)."""
    if original[:1].isupper() and not lowered_start:
        return repaired[:1].upper() + repaired[1:]
    return repaired


def _repairable(token: str, conf: Confusions) -> bool:
    if len(token) < 2 or len(token) > _MAX_WORD or token.isdigit():
        return False
    letters = sum(c.isalpha() for c in token)
    if letters == 0:
        return False
    if token.isupper() and letters >= 2:
        return False  # ASN, IFO, BBIC, NAMNDEN: all-caps words are left alone
    for c in token:
        if c.isdigit() and c not in conf.single:
            return False  # numbers, case numbers, dates
    inner = token[1:]
    if any(c.isupper() for c in inner):
        # interior capitals only when they are themselves confusions (fOr)
        return all(c.lower() in conf.single for c in inner if c.isupper())
    return True


@dataclass
class _Token:
    start: int
    end: int
    text: str
    reading: Reading | None  # None: not a repairable word
    sign: int
    out: str = ""
    lower: str = ""  # written, lower-case
    name: bool = False  # restored as a name: context rules leave it alone


class TextRepairer:
    """Repairs the blocks of a document: damage estimate, word choice, names, context rules."""

    def __init__(self, words: WordRepairer):
        self.words = words
        self.conf = words.conf
        self._rules: dict[str, list[ContextRule]] = {}
        for rule in self.conf.context:
            self._rules.setdefault(rule.word, []).append(rule)
        # token as written -> (reading or None, sign)
        self._memo: dict[str, tuple[Reading | None, int]] = {}

    # --- per token, memoized ----------------------------------------------------------------------

    def _token_info(self, token: str) -> tuple[Reading | None, int]:
        """The word repairer's reading of ``token`` and the damage sign it gives, once per token."""
        info = self._memo.get(token)
        if info is None:
            reading = None
            if _repairable(token, self.conf):
                reading = self.words.read(token.lower(), token[:1].isupper(), quick=True)
            info = (reading, self._sign(token, reading))
            if len(self._memo) > _MEMO_LIMIT:
                self._memo.clear()
            self._memo[token] = info
        return info

    def _sign(self, token: str, reading: Reading | None) -> int:
        if reading is None:
            return NEUTRAL
        if reading.known and not reading.hard:
            if any(c in _SWEDISH for c in token):
                return HEALTHY
            if reading.changed and not reading.listed:
                return DAMAGED  # a compound of known words as scanned, but a listed word repaired
            if reading.changed and not (reading.curated or reading.name) and self.words.replaces(reading, 0.0):
                return SUSPECT  # tva, pa, fran: web-only forms of far more frequent words
            return NEUTRAL
        if not reading.changed:
            return NEUTRAL
        if token[:1].isupper() and not reading.hard and not self.words.lex.in_hunspell(reading.best):
            return NEUTRAL  # an unknown capitalised word that reads as a name is likely a name
        return DAMAGED

    # --- the damage estimate ------------------------------------------------------------------------

    def damage_rates(self, blocks: Sequence[list[_Token]]) -> list[float]:
        """Each block's damage rate: damaged / (damaged + healthy) words, with the document's rate
        as a prior worth ``document_weight`` words (0 when nothing speaks either way)."""
        counts = []
        for tokens in blocks:
            damaged = sum(1.0 if t.sign == DAMAGED else 0.5 if t.sign == SUSPECT else 0.0 for t in tokens)
            healthy = sum(1 for t in tokens if t.sign == HEALTHY)
            counts.append((damaged, healthy))
        total_d = sum(d for d, _ in counts)
        total_h = sum(h for _, h in counts)
        prior = total_d / (total_d + total_h) if total_d + total_h else 0.0
        k = self.conf.document_weight
        return [(d + k * prior) / (d + h + k) for d, h in counts]

    # --- repairing ----------------------------------------------------------------------------------

    def _tokens(self, text: str) -> list[_Token]:
        tokens = []
        for match in _TOKENS.finditer(text):
            if match.group("skip") is not None:
                continue
            token = match.group()
            reading, sign = self._token_info(token)
            tokens.append(_Token(match.start(), match.end(), token, reading, sign, token, token.lower()))
        return tokens

    def repair_blocks(self, texts: Sequence[str]) -> list[str]:
        """Repair the blocks of one document; blocks without damage come back unchanged."""
        blocks = [self._tokens(text) for text in texts]
        rates = self.damage_rates(blocks)
        out = []
        for text, tokens, rate in zip(texts, blocks, rates, strict=True):
            out.append(self._repair(text, tokens, rate) if rate >= self.conf.min_damage else text)
        return out

    def repair(self, text: str) -> str:
        """Repair one text as a document of one block."""
        return self.repair_blocks([text])[0]

    def _repair(self, text: str, tokens: list[_Token], rate: float) -> str:
        for tok in tokens:
            if tok.reading is not None and not tok.reading.settled:
                tok.reading = self.words.read(tok.reading.word, tok.text[:1].isupper())
        for i, tok in enumerate(tokens):
            if tok.reading is None or self._restore_name(text, tokens, i):
                continue
            if tok.reading.changed:
                self._decide(text, tokens, i, rate)
        self._apply_context(text, tokens, rate)
        pieces = []
        last = 0
        for tok in tokens:
            if tok.out != tok.text:
                pieces.append(text[last : tok.start])
                pieces.append(tok.out)
                last = tok.end
        pieces.append(text[last:])
        return "".join(pieces)

    def _sentence_start(self, text: str, start: int) -> bool:
        i = start - 1
        while i >= 0 and text[i] in " \t\"'(“”‘-–•*":
            i -= 1
        return i < 0 or text[i] in _SENTENCE_END or (text[i].isdigit() and i + 1 < len(text) and text[i + 1] == ".")

    def _capital_allowed(self, text: str, tok: _Token, rate: float, title_case: bool = False) -> bool:
        """Name safety: may a capitalised scanned word change?

        Never a proper noun Hunspell knows (Pia, Ann, Åsa). Inside a sentence only a damaged
        form of a lexicon word: characters no word has (P&), a web-text form of a Hunspell word
        (Malmo, Goran, Annu), or no word at all (Namnden) written as a common word or a name
        in common use. A common word with a capital (Back, Lund) stays, and so does an unknown
        one that would become a rare name, unless every å/ä/ö of the block is gone and the
        name is at most two common confusions away (Sjélund -> Sjölund). Where every å/ä/ö is
        gone, a common word inside a run of capitalised words (``title_case``: Grona Garden, the
        name of a place or a body) may become the common word it is damaged from (Gården).
        """
        reading = tok.reading
        if reading.hard:
            return True
        if reading.name:
            return False
        if self._sentence_start(text, tok.start):
            return True
        lex = self.words.lex
        best = reading.best
        if best in self.conf.gazetteer:
            return True
        if reading.curated:
            if (title_case and rate >= self.conf.full_damage and best[:1] == reading.word[:1]
                    and lex.in_hunspell(best) and not lex.is_name(best)):
                return True  # a common word in a name of capitalised words (Grona Garden: Gröna Gården)
            # "Ar", "Atgarder": OCR without å/ä/ö writes them as a capital A or O; a common word
            # is then the reading (lower-cased by _decide), in a block that lost every å/ä/ö.
            return (rate >= self.conf.full_damage and reading.word[:1] in "ao"
                    and best[:1] != reading.word[:1] and lex.in_hunspell(best) and not lex.is_name(best))
        if reading.known:
            return lex.in_hunspell(best) or lex.is_name(best)
        if reading.used_initial or lex.in_hunspell(best) or lex.freq(best) >= self.conf.capital_target_freq:
            return True
        if not self.words.listed(best):
            return True  # a compound of known words (Sammantradesdatum -> Sammanträdesdatum)
        freq = lex.freq(best)
        return (rate >= self.conf.full_damage and freq > 0.0
                and reading.score >= freq * self.conf.change_penalty ** 2)

    def _restore_name(self, text: str, tokens: list[_Token], i: int) -> bool:
        """A capitalised word that is a name with its å/ä/ö lost (Goran, Hakan, Stromberg)
        becomes that name; only in a block being repaired (the caller's gate), never a word
        that is itself a name (Pia, Ann). When the scanned word is a word too (hakan, par), the
        name must be frequent enough against it: less so inside a sentence or next to another
        capitalised word (a capital there says name), more so alone at a sentence start."""
        tok = tokens[i]
        reading = tok.reading
        word = tok.text
        if reading.hard or reading.name or not (word[:1].isupper() and word[1:].islower()):
            return False
        name = self.words.lost_name(reading.word)
        if name is None:
            return False
        lex = self.words.lex
        own = lex.freq(reading.word)
        if own > 0.0:
            inside = not self._sentence_start(text, tok.start) or self._next_to_capital(text, tokens, i)
            ratio = self.conf.name_ratio_inside if inside else self.conf.name_ratio_start
            if lex.freq(name) < ratio * own:
                return False
        tok.out = name[:1].upper() + name[1:]
        tok.lower = name
        tok.name = True
        return True

    def _next_to_capital(self, text: str, tokens: list[_Token], i: int) -> bool:
        """The word after ``i`` in the same sentence is capitalised (a first name and a surname)."""
        if i + 1 >= len(tokens):
            return False
        nxt = tokens[i + 1]
        gap = text[tokens[i].end : nxt.start]
        return nxt.text[:1].isupper() and nxt.text[1:].islower() and gap.strip(" \t") == ""

    def _decide(self, text: str, tokens: list[_Token], i: int, rate: float) -> None:
        tok = tokens[i]
        reading = tok.reading
        if not self.words.replaces(reading, rate):
            return
        capital = tok.text[:1].isupper()
        inside = capital and not self._sentence_start(text, tok.start)
        # a capital that only starts the sentence says nothing about this word ("Den Svergripande")
        before_capital = inside and i > 0 and tokens[i - 1].out[:1].isupper() and not self._sentence_start(
            text, tokens[i - 1].start)
        title_case = inside and (before_capital or self._capitalised_next(text, tokens, i))
        if capital and not self._capital_allowed(text, tok, rate, title_case):
            return
        best = reading.best
        if best in self.conf.gazetteer:
            tok.out, tok.lower = self.conf.gazetteer[best], best
            return
        lowered = False
        if inside:
            # "Atgarder" in mid sentence is "åtgärder": the capital was the damaged letter, unless
            # the words around are capitalised too (a name: Ostra Goinge) or it is a name.
            # a common word: a Hunspell word, or a compound of known words whose capital A was a
            # small å/ä, which is as tall as a capital (Arsrakningar: årsräkningar); a compound
            # with another capital inside a sentence is more often a body (Overformyndarnamnden)
            common = self.words.lex.in_hunspell(best) or (
                reading.word[:1] == "a" and not self.words.listed(best))
            lowered = (not title_case and best[:1] != reading.word[:1] and common
                       and not self.words.lex.is_name(best))
            lowered = lowered or (reading.used_initial and not before_capital)
        tok.out = _case_like(tok.text, best, lowered)
        tok.lower = best

    def _capitalised_next(self, text: str, tokens: list[_Token], i: int) -> bool:
        """The next word in the same sentence has a capital that is not itself damage (Atgarder)."""
        if i + 1 >= len(tokens):
            return False
        nxt = tokens[i + 1]
        if not nxt.text[:1].isupper() or any(c in _SENTENCE_END for c in text[tokens[i].end : nxt.start]):
            return False
        reading = nxt.reading
        return not (reading is not None and reading.changed and reading.best[:1] != reading.word[:1])

    def _neighbour(
        self, text: str, tokens: list[_Token], i: int, step: int, gap_ok: re.Pattern | None = None
    ) -> str | None:
        """The next word to the left/right when only spaces (or one line break) separate them."""
        j = i + step
        if not 0 <= j < len(tokens):
            return None
        a, b = (tokens[j], tokens[i]) if step < 0 else (tokens[i], tokens[j])
        gap = text[a.end : b.start]
        if gap_ok is not None:
            if not gap_ok.fullmatch(gap):
                return None
        elif gap.strip() or gap.count("\n") > 1:
            return None
        return tokens[j].lower

    def _apply_context(self, text: str, tokens: list[_Token], rate: float) -> None:
        for i, tok in enumerate(tokens):
            if tok.text == "1":
                self._one_as_i(text, tokens, i)
                continue
            if tok.text in self.conf.lone_letters:
                self._lone_letter(text, tokens, i)
                continue
            if tok.reading is None or tok.name:
                continue
            if tok.reading.name and tok.text[:1].isupper() and not self._sentence_start(text, tok.start):
                continue  # a name (Per, Man) inside a sentence; at its start the capital says nothing (Tv av dem)
            rules = self._rules.get(tok.lower) or self._rules.get(tok.reading.word)
            if not rules:
                continue
            before = self._neighbour(text, tokens, i, -1)
            after = self._neighbour(text, tokens, i, +1)
            for rule in rules:
                if rule.applies(before, after):
                    if rule.to != tok.lower:
                        tok.lower = rule.to
                        tok.out = _case_like(tok.text, rule.to, False)
                    break

    def _lone_letter(self, text: str, tokens: list[_Token], i: int) -> None:
        """A lone letter between two lower-case words is a short word with its å/ä/ö dropped;
        where the context rules say which of its readings (a year: 20 r, per r., r 2016), also
        next to a number or before punctuation."""
        before = self._neighbour(text, tokens, i, -1)
        after = self._neighbour(text, tokens, i, +1)
        word = self.conf.lone_letters[tokens[i].text]
        for rule in self._rules.get(word, ()):
            if rule.to != word and rule.applies(before, after):
                tokens[i].out = tokens[i].lower = rule.to
                return
        if before and after and before.isalpha() and after.isalpha() and tokens[i + 1].text.islower():
            tokens[i].out = tokens[i].lower = word

    def _one_as_i(self, text: str, tokens: list[_Token], i: int) -> None:
        before = self._neighbour(text, tokens, i, -1, _GAP_BEFORE_ONE)
        after = self._neighbour(text, tokens, i, +1, _GAP_AFTER_ONE)
        if before is None or after is None or not (before.isalpha() and after.isalpha()):
            return
        if before in self.conf.numbering_words or after in self.conf.counted_words:
            return
        tok = tokens[i]
        line_start = not text[text.rfind("\n", 0, tok.start) + 1 : tok.start].strip()
        if line_start and tokens[i + 1].text[:1].isupper():
            return  # "1 Sammanfattning": a heading or list number
        tokens[i].out = "i"
        tokens[i].lower = "i"


_REPAIRER: TextRepairer | None = None


def get_repairer() -> TextRepairer:
    """The process-wide repairer (lexicon and skeleton index loaded once)."""
    global _REPAIRER
    if _REPAIRER is None:
        _REPAIRER = TextRepairer(WordRepairer(get_lexicon(), load_confusions()))
    return _REPAIRER


def repair_blocks(texts: Sequence[str]) -> list[str]:
    """Repair the blocks (paragraphs) of one document; undamaged blocks come back exactly as given.

    The damage estimate is per block with the whole document as its prior, so pass all of a
    document's blocks together (``ingest.document_builder`` does).
    """
    texts = list(texts)
    if not any(texts):
        return texts
    return get_repairer().repair_blocks(texts)


def repair_text(text: str) -> str:
    """Repair one text as a document of one block (see :func:`repair_blocks`)."""
    if not text:
        return text
    return get_repairer().repair(text)


def is_known_word(word: str) -> bool:
    """True for a word repair may write: a lexicon word (any case) or a compound of lexicon words."""
    return get_repairer().words.is_known(word.lower())
