"""OCR repair: restore å/ä/ö and other misread letters in damaged Swedish words.

Scanned case documents come back from OCR with Swedish letters broken: *nimnden*
(nämnden), *f6r* (för), *6ver* (över), *torvaltningen* (förvaltningen), *verksambet*
(verksamhet), *Séikerstilla* (Säkerställa), *1* for the preposition *i*. The repair works
word by word, with the confusions kept as data in ``tables/ocr.toml``:

1. Candidates: every lexicon word the damaged word could have been, given the confusions.
   All confusable letters fold into one class, so one lookup in the lexicon's skeleton
   index finds the words of the same shape; each is then checked letter by letter against
   the table (multi-letter damage such as *éi* for *ä* is undone first, in variants).
2. Choice: the most frequent candidate (less likely the more letters it changes). A word
   the lexicon already knows changes only when a candidate is far more frequent: 20x for
   words in the curated Hunspell list (*akt*, *vart*, *årlig* stay), 1.5x for forms only
   web text knows (*malmo*, *tva*). Unknown words with no candidate are split as compounds
   into repaired known parts (*forskolenimnden* -> *förskolenämnden*); failing that they
   stay as they are.
3. Context: words valid both ways (*vald*/*våld*, *ar*/*år*/*är*, *stod*/*stöd*) are
   decided by their neighbours, from the rule table. A lone *1* between two words is *i*.

Everything else is kept exactly: whitespace, punctuation, numbers, e-mail addresses and
URLs, all-caps words (ASN, IFO) and the case pattern (*Nimnden* -> *Nämnden*).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache

from ingest.lexicon import MIN_PART, MIN_PART_FREQ, Lexicon, SkeletonIndex, get_lexicon
from ingest.tables import load_table

_PROTECTED = (
    # Each alternative starts only where its run starts, so a long [\w.+-] run is not retried
    # from every position (a 40 KB hyphen chain: seconds -> milliseconds).
    r"(?:https?://|www\.)\S+|(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    r"|(?<![\w.-])\b(?:[\w-]+\.)+(?:se|nu|com|org|net|eu|info|io)\b"  # bare domains: malmo.se
)
_WORD = r"[{£&]?[^\W_]+(?:[&{£][^\W_]+)*"
_TOKENS = re.compile(f"(?P<skip>{_PROTECTED})|(?P<word>{_WORD})")
_MAX_MULTI = 2  # multi-letter damages undone per word
_MAX_VARIANTS = 64  # bounds the work on pathological tokens ("iiiiiiii...")
_MAX_WORD = 40  # longer tokens are not Swedish words (or are beyond repair): left alone
_MEMO_LIMIT = 300_000
_HEAD_BONUS = 10.0  # a Hunspell compound form is the likelier reading of a first part
_SENTENCE_END = ".!?:\n"
_YEAR = re.compile(r"(?:19|20)\d\d")
# What may stand between a lone "1" and its neighbours when it is the preposition "i".
_GAP_BEFORE_ONE = re.compile(r"[ \t]*,?[ \t]*\n?[ \t]*")
_GAP_AFTER_ONE = re.compile(r"[ \t]*\n?[ \t]*[*\"“”'(]*")


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

    def applies(self, before: str | None, after: str | None) -> bool:
        if before is not None:
            if before in self.before or (self.before_number and before.isdigit()):
                return True
            if self.before_suffix and before.isalpha() and before.endswith(self.before_suffix):
                return True
        if after is None:
            return False
        return after in self.after or (self.after_year and _YEAR.fullmatch(after) is not None)


@dataclass(frozen=True)
class Confusions:
    """The OCR confusion table: damaged form -> the letters it may stand for."""

    single: dict[str, tuple[str, ...]]
    rare: dict[str, tuple[str, ...]]
    multi: dict[str, tuple[str, ...]]
    initial: dict[str, tuple[str, ...]]
    max_changes: int
    ratio_curated: float
    ratio_web_only: float
    change_penalty: float
    rare_penalty: float
    multi_penalty: float
    min_freq: float
    max_compound_parts: int
    gazetteer: dict[str, str]
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
    rules = tuple(
        ContextRule(
            word=r["word"],
            to=r["to"],
            before=frozenset(r.get("before", ())),
            after=frozenset(r.get("after", ())),
            before_number=bool(r.get("before_number", False)),
            after_year=bool(r.get("after_year", False)),
            before_suffix=tuple(r.get("before_suffix", ())),
        )
        for r in data.get("context", ())
    )
    names = data.get("gazetteer", {}).get("names", ())
    return Confusions(
        single=_tuple_map(data.get("single", {})),
        rare=_tuple_map(data.get("single_rare", {})),
        multi=_tuple_map(data.get("multi", {})),
        initial=_tuple_map(data.get("initial", {})),
        max_changes=int(limits.get("max_changes", 5)),
        ratio_curated=float(limits.get("ratio_curated", 20.0)),
        ratio_web_only=float(limits.get("ratio_web_only", 1.5)),
        change_penalty=float(limits.get("change_penalty", 0.5)),
        rare_penalty=float(limits.get("rare_penalty", 0.02)),
        multi_penalty=float(limits.get("multi_penalty", 0.001)),
        min_freq=float(limits.get("min_freq", 1e-7)),
        max_compound_parts=int(limits.get("max_compound_parts", 3)),
        gazetteer={n.lower(): n for n in names if " " not in n},
        numbering_words=frozenset(data.get("one_as_i", {}).get("numbering_words", ())),
        counted_words=frozenset(data.get("one_as_i", {}).get("counted_words", ())),
        context=rules,
    )


class WordRepairer:
    """Repairs single lower-case words against a lexicon; memoized per distinct word."""

    def __init__(self, lexicon: Lexicon, confusions: Confusions):
        self.lex = lexicon
        self.conf = confusions
        self.skeleton: SkeletonIndex = lexicon.skeleton_index(confusions.fold_map())
        self._memo: dict[tuple[str, bool], tuple[str, bool]] = {}
        self._suspects = frozenset(confusions.single) | frozenset(confusions.rare) | {k[0] for k in confusions.multi}

    # --- candidates -------------------------------------------------------------------------------

    def variants(self, word: str, initial_upper: bool) -> list[tuple[str, int]]:
        """The word with multi-letter (and initial-capital) damage undone: [(variant, changes)].

        Each undone multi-letter or initial-capital damage counts as one change.
        """
        out = [(word, 0)]
        if initial_upper and word[:1] in self.conf.initial:
            out += [(o + word[1:], 1) for o in self.conf.initial[word[:1]]]
        for key, originals in self.conf.multi.items():
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

    def candidates(self, word: str, initial_upper: bool = False) -> dict[str, float]:
        """Lexicon words (and compound heads) ``word`` may be damaged from -> likelihood weight.

        The weight is change_penalty per common change, rare_penalty per rare one and
        multi_penalty per undone multi-letter (or initial-capital) damage.
        """
        found: dict[str, float] = {}
        conf = self.conf
        for variant, extra in self.variants(word, initial_upper):
            for cand in self.skeleton.lookup(variant):
                counted = self._changes(variant, cand)
                if counted is None:
                    continue
                common, rare = counted
                if common + rare + extra > conf.max_changes:
                    continue
                weight = conf.change_penalty**common * conf.rare_penalty**rare * conf.multi_penalty**extra
                if weight > found.get(cand, 0.0):
                    found[cand] = weight
        return found

    # --- choosing -----------------------------------------------------------------------------------

    def _score(self, word: str, weight: float) -> float:
        return self.lex.freq(word) * weight

    def choose(self, word: str, initial_upper: bool = False) -> tuple[str, bool]:
        """The repaired lower-case word and whether the initial-capital rule was used."""
        key = (word, initial_upper)
        hit = self._memo.get(key)
        if hit is None:
            hit = self._choose(word, initial_upper)
            if len(self._memo) > _MEMO_LIMIT:
                self._memo.clear()
            self._memo[key] = hit
        return hit

    def _choose(self, word: str, initial_upper: bool) -> tuple[str, bool]:
        if not any(c in self._suspects for c in word) and not (initial_upper and word[:1] in self.conf.initial):
            return word, False
        lex = self.lex
        cands = self.candidates(word, initial_upper)
        cands.pop(word, None)
        used_initial = initial_upper and word[:1] in self.conf.initial
        known = {w: c for w, c in cands.items() if self._plausible(w)}
        own = lex.freq(word)
        curated = lex.in_hunspell(word)
        gazetteer = [w for w in known if w in self.conf.gazetteer]
        if gazetteer and not curated:
            best = max(gazetteer, key=lambda w: self._score(w, known[w]))
            return best, used_initial and not best.startswith(word[:1])
        if known:
            best = max(known, key=lambda w: self._score(w, known[w]))
            if own > 0.0:
                ratio = self.conf.ratio_curated if curated else self.conf.ratio_web_only
                if lex.freq(best) < ratio * own:
                    return word, False
            return best, used_initial and not best.startswith(word[:1])
        if own > 0.0 or len(word) < 2 * MIN_PART:
            return word, False
        split = self._compound(word, initial_upper)
        if split is None:
            return word, False
        return split, used_initial and not split.startswith(word[:1])

    def _plausible(self, word: str) -> bool:
        """A word worth offering as a repair: Hunspell lists it, or web text uses it enough."""
        return self.lex.in_hunspell(word) or self.lex.freq(word) >= self.conf.min_freq

    def _part_ok(self, part: str, last: bool) -> bool:
        lex = self.lex
        if len(part) < MIN_PART:
            return False
        if not last and lex.is_compound_head(part):
            return True
        if len(part) == MIN_PART:  # short parts: only real words, or genitive first parts (års-)
            return lex.in_hunspell(part) and (last or part.endswith("s"))
        return lex.in_hunspell(part) or lex.freq(part) >= MIN_PART_FREQ

    def _best_part(self, segment: str, last: bool, initial_upper: bool) -> tuple[str, float] | None:
        """The likeliest repair of one compound part: (part, log score) or None.

        The score is frequency times the change weight; a non-final part that Hunspell marks
        as a compound form (stöd-, förskole-) gets :data:`_HEAD_BONUS`.
        """
        best = None
        options = self.candidates(segment, initial_upper)
        options.setdefault(segment, 1.0)
        for cand, weight in options.items():
            if not self._part_ok(cand, last):
                continue
            score = max(self.lex.freq(cand), 1e-9) * weight
            head = not last and self.lex.is_compound_head(cand)
            if head:
                score *= _HEAD_BONUS
            if cand != segment and not head and len(cand) <= MIN_PART:
                continue  # a changed short part (-nås for -nas) is too easy a match
            if best is None or score > best[1]:
                best = (cand, score)
        return None if best is None else (best[0], math.log(best[1]))

    def _compound(self, word: str, initial_upper: bool) -> str | None:
        """Split the damaged word into repaired known parts.

        Fewest parts first, then the likeliest parts (frequency times change weight, with a
        bonus for Hunspell compound forms: stod- -> stöd-).
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
                    continue  # the whole word was already tried
                segment = word[i:j]
                options = []
                part = self._best_part(segment, last, initial_upper and i == 0)
                if part is not None:
                    options.append(part)
                if not last and segment.endswith("s") and len(segment) > MIN_PART:
                    linked = self._best_part(segment[:-1], False, initial_upper and i == 0)
                    if linked is not None:
                        options.append((linked[0] + "s", linked[1]))
                for text, log_score in options:
                    parts, neg_log, prefix = state
                    cand = (parts + 1, neg_log - log_score, prefix + text)
                    if best[j] is None or cand[:2] < best[j][:2]:
                        best[j] = cand
        final = best[n]
        if final is None or final[2] == word:
            return None
        return final[2]


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
        return False  # ASN, IFO, BBIC, NIMNDEN: all-caps words are left alone
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
    out: str
    lower: str  # repaired, lower-case


class TextRepairer:
    """Applies :class:`WordRepairer` to running text, then the context rules."""

    def __init__(self, words: WordRepairer):
        self.words = words
        self.conf = words.conf
        self._rules: dict[str, list[ContextRule]] = {}
        for rule in self.conf.context:
            self._rules.setdefault(rule.word, []).append(rule)
        # token as written -> (repairable, lower-case, repaired lower-case, initial rule used)
        self._memo: dict[str, tuple[bool, str, str, bool]] = {}

    def _token_info(self, token: str) -> tuple[bool, str, str, bool]:
        """What the word repairer makes of ``token``, worked out once per distinct token."""
        info = self._memo.get(token)
        if info is None:
            lower = token.lower()
            if _repairable(token, self.conf):
                repaired, used_initial = self.words.choose(lower, token[:1].isupper())
                info = (True, lower, repaired, used_initial)
            else:
                info = (False, lower, lower, False)
            if len(self._memo) > _MEMO_LIMIT:
                self._memo.clear()
            self._memo[token] = info
        return info

    def _sentence_start(self, text: str, start: int) -> bool:
        i = start - 1
        while i >= 0 and text[i] in " \t":
            i -= 1
        return i < 0 or text[i] in _SENTENCE_END

    def _repair_token(self, text: str, match: re.Match, previous: _Token | None) -> _Token:
        token = match.group()
        start, end = match.span()
        _, lower, repaired, used_initial = self._token_info(token)
        if repaired == lower:
            return _Token(start, end, token, token, lower)
        if repaired in self.conf.gazetteer:
            out = self.conf.gazetteer[repaired]
        else:
            # "Gver" in mid sentence is "över"; after a capitalised word it is a name part
            lowered_start = (
                used_initial
                and not self._sentence_start(text, start)
                and not (previous is not None and previous.text[:1].isupper())
            )
            out = _case_like(token, repaired, lowered_start)
        return _Token(start, end, token, out, repaired)

    def repair(self, text: str) -> str:
        tokens: list[_Token] = []
        for match in _TOKENS.finditer(text):
            if match.group("skip") is not None:
                continue
            tokens.append(self._repair_token(text, match, tokens[-1] if tokens else None))
        self._apply_context(text, tokens)
        pieces = []
        last = 0
        for tok in tokens:
            if tok.out != tok.text:
                pieces.append(text[last : tok.start])
                pieces.append(tok.out)
                last = tok.end
        pieces.append(text[last:])
        return "".join(pieces)

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

    def _apply_context(self, text: str, tokens: list[_Token]) -> None:
        for i, tok in enumerate(tokens):
            if tok.text == "1":
                self._one_as_i(text, tokens, i)
                continue
            repairable, original, _, _ = self._token_info(tok.text)
            if not repairable:
                continue
            rules = self._rules.get(tok.lower) or self._rules.get(original)
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

    def _one_as_i(self, text: str, tokens: list[_Token], i: int) -> None:
        before = self._neighbour(text, tokens, i, -1, _GAP_BEFORE_ONE)
        after = self._neighbour(text, tokens, i, +1, _GAP_AFTER_ONE)
        if before is None or after is None or not (before.isalpha() and after.isalpha()):
            return
        if before in self.conf.numbering_words or after in self.conf.counted_words:
            return
        tokens[i].out = "i"
        tokens[i].lower = "i"


_REPAIRER: TextRepairer | None = None


def get_repairer() -> TextRepairer:
    """The process-wide repairer (lexicon and skeleton index loaded once)."""
    global _REPAIRER
    if _REPAIRER is None:
        _REPAIRER = TextRepairer(WordRepairer(get_lexicon(), load_confusions()))
    return _REPAIRER


def repair_text(text: str) -> str:
    """Restore å/ä/ö and other OCR confusions in ``text``, keeping everything else as it is."""
    if not text:
        return text
    return get_repairer().repair(text)
