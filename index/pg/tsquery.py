"""Parse tree (index.querytree) -> tsquery text, the PostgreSQL twin of ``index.compile``.

The same query words give the same analysed terms (``index.compile.analyse``): a word matches its
stem or its OCR fold key, or all of its compound parts; words in a row must all occur; a phrase
matches the fold keys side by side (``<->``); ``förskol*`` is the fold key's prefix (``:*``);
NOT, AND, OR as written. Besides the match query, a multi-word query gets the ranking features
Whoosh gives it: the whole phrase, the words near each other, and neighbouring pairs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from index.analysis import QueryTerm, prefix_key
from index.compile import (
    KEY_WEIGHT,
    MIN_PREFIX_LENGTH,
    PARTS_WEIGHT,
    _plain_words,
    analyse,
    highlight_terms,
    loosen,
    word_terms,
)
from index.pg.rows import HEAD_MARK, quote_lexeme
from index.querytree import And, Node, Not, Or, Phrase, Prefix, Word


@dataclass
class TsCompiled:
    """A tsquery for the match set, its ranking features and what a snippet highlights
    (the same fields as ``index.compile.Compiled``, so the same hit builder serves both)."""

    query: str | None
    rank: str | None = None              # every positive alternative, OR-ed: ts_rank's terms
    head: str | None = None              # the same lexemes marked as heading words
    phrase: str | None = None            # all plain words side by side
    near: str | None = None              # all plain words present (ts_rank_cd rewards proximity)
    pairs: list[str] = field(default_factory=list)   # neighbouring plain words side by side
    terms: set[str] = field(default_factory=set)
    prefixes: set[str] = field(default_factory=set)
    weak: set[str] = field(default_factory=set)
    words: list[str] = field(default_factory=list)
    conjunctive: bool = False
    phrases: list[tuple[str, ...]] = field(default_factory=list)   # fold keys of each phrase (marks)
    lexemes: set[str] = field(default_factory=set)   # positive lexemes (for rank and head)
    # What ranking sums, per positive query word: (a tsquery the section must match for the
    # unit to count, or None; [(lexeme, weight)] whose BM25 terms are summed), as index.compile
    # builds its Or: the stem, the fold key at KEY_WEIGHT, all compound parts at PARTS_WEIGHT.
    units: list[tuple[str | None, list[tuple[str, float]]]] = field(default_factory=list)


def _any(options: list[str]) -> str:
    return options[0] if len(options) == 1 else "(" + " | ".join(options) + ")"


def _all(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else "(" + " & ".join(parts) + ")"


class _Compiler:
    def __init__(self):
        self.out = TsCompiled(query=None)
        self.strong: set[str] = set()

    def words(self, terms: tuple[QueryTerm, ...], positive: bool) -> str | None:
        positions = []
        for term in terms:
            options = [quote_lexeme(term.stem), quote_lexeme(term.key)]
            if len(term.parts) >= 2:
                options.append(_all([quote_lexeme(p) for p in term.parts]))
            if positive:
                self.out.lexemes |= {term.stem, term.key, *term.parts}
                self.out.units += [(None, [(term.stem, 1.0)]), (None, [(term.key, KEY_WEIGHT)])]
                if len(term.parts) >= 2:
                    self.out.units.append((options[-1], [(p, PARTS_WEIGHT) for p in term.parts]))
            positions.append(_any(options))
        return _all(positions) if positions else None

    def node(self, node: Node, positive: bool = True) -> str | None:
        if isinstance(node, Word):
            terms = analyse(node.text)
            if positive:
                self.out.terms |= highlight_terms(terms)
                self.strong |= word_terms(terms)
                self.out.words.append(node.text)
            return self.words(terms, positive)
        if isinstance(node, Phrase):
            terms = analyse(" ".join(node.words))
            if positive and len(terms) >= 2:  # marked as a phrase, never word by word
                self.out.phrases.append(tuple(t.key for t in terms))
            elif positive:
                self.out.terms |= highlight_terms(terms)
                self.strong |= word_terms(terms)
            if len(terms) <= 1:
                return self.words(terms, positive)
            if positive:
                self.out.lexemes |= {t.key for t in terms}
                self.out.units.append((phrase(terms), [(t.key, 1.0) for t in terms]))
            return phrase(terms)
        if isinstance(node, Prefix):
            return self.prefix(node.text, positive)
        if isinstance(node, Not):
            child = self.node(node.child, positive=not positive)
            return f"!{child}" if child is not None else None
        if isinstance(node, And | Or):
            parts = [p for p in (self.node(c, positive) for c in node.children) if p is not None]
            if not parts:
                return None
            return _all(parts) if isinstance(node, And) else _any(parts)
        raise TypeError(f"unknown query node {node!r}")

    def prefix(self, text: str, positive: bool) -> str | None:
        text = text.casefold().strip()
        key = prefix_key(text) if len(text) >= MIN_PREFIX_LENGTH else None
        if key is None or len(key) <= MIN_PREFIX_LENGTH:
            return None
        if positive:
            self.out.prefixes.add(text)
            self.out.lexemes.add(key)
            self.out.units.append((None, [(key + ":*", 1.0)]))
        return quote_lexeme(key) + ":*"


def phrase(terms) -> str:
    """The fold keys side by side: Whoosh's Phrase over the keys (slop 1)."""
    return "(" + " <-> ".join(quote_lexeme(t.key) for t in terms) + ")"


def compile_tree(tree: Node | None, *, lacking_a_word: bool = False) -> TsCompiled:
    """``tree`` as tsquery text plus ranking features; ``query`` is None when nothing is left to
    search (only stop words). ``lacking_a_word`` as in ``index.compile.compile_tree``."""
    compiler = _Compiler()
    out = compiler.out
    if tree is None:
        return out
    main = compiler.node(tree)
    out.weak = out.terms - compiler.strong
    if main is None:
        return out
    out.query = main
    if out.lexemes:
        ordered = sorted(out.lexemes)
        out.rank = " | ".join(quote_lexeme(t) for t in ordered)
        out.head = " | ".join(quote_lexeme(HEAD_MARK + t) for t in ordered)
    words = _plain_words(tree)
    if len(words) >= 2:
        terms = analyse(" ".join(words))
        out.conjunctive = isinstance(tree, And)
        if len(terms) >= 2 and not lacking_a_word:
            out.phrase = phrase(terms)
            out.near = " & ".join(quote_lexeme(t.key) for t in terms)
        if len(terms) >= 3:
            out.pairs = [phrase(pair) for pair in zip(terms, terms[1:], strict=False)]
    return out


def loosened(tree: Node) -> Node | None:
    """The some-words form of an AND of words (None when it has none)."""
    looser = loosen(tree)
    return None if looser is tree else looser


def at_least(tree: Or, count: int) -> str | None:
    """tsquery text for "at least ``count`` of the OR's words": an OR of ANDs over the
    combinations (None when there would be too many to be worth it)."""
    from itertools import combinations
    from math import comb

    children = tree.children
    if count <= 1 or count > len(children) or comb(len(children), count) > 35:
        return None
    compiled = [compile_tree(c).query for c in children]
    if any(c is None for c in compiled):
        return None
    return " | ".join(_all(list(group)) for group in combinations(compiled, count))
