"""Parse tree (index.querytree) -> Whoosh query over the section text fields.

Words are analysed exactly as the indexed text was (the Swedish analyzer, query mode), so
"nämnden" finds "nämndens". Tokens the analyzer puts at one position are alternatives (OR);
tokens at successive positions must all occur (AND). Multi-word queries get an optional,
boosted phrase clause so passages where the words stand together rank first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from whoosh import query as wq

from index.querytree import And, Node, Not, Or, Phrase, Prefix, Word
from index.schema import SPELL_FIELD, TEXT_FIELDS, build_schema

PHRASE_BOOST = 2.0
PROXIMITY_SLOP = 4
PROXIMITY_BOOST = 1.0
MAX_PREFIX_TERMS = 256
MIN_PREFIX_LENGTH = 2

_ANALYZER = build_schema()["body"].analyzer


@lru_cache(maxsize=50_000)
def analyse(text: str) -> tuple[tuple[str, ...], ...]:
    """Analysed tokens of ``text``, grouped by position: (("nämnd",), ("barn", "barnavård")...)."""
    groups: dict[int, list[str]] = {}
    for token in _ANALYZER(text, positions=True, mode="query"):
        bucket = groups.setdefault(token.pos, [])
        if token.text not in bucket:
            bucket.append(token.text)
    return tuple(tuple(groups[pos]) for pos in sorted(groups))


@dataclass
class Compiled:
    """A Whoosh query plus what a snippet should highlight."""

    query: wq.Query | None
    terms: set[str] = field(default_factory=set)       # analysed forms to highlight
    prefixes: set[str] = field(default_factory=set)    # lower-cased prefixes to highlight
    words: list[str] = field(default_factory=list)     # the positive plain words (for suggestions)
    conjunctive: bool = False                          # an AND of two or more words


def _term_any_field(term: str) -> wq.Query:
    return wq.Or([wq.Term(name, term, boost=boost) for name, boost in TEXT_FIELDS.items()])


def _group_query(groups: tuple[tuple[str, ...], ...]) -> wq.Query | None:
    parts = []
    for alternatives in groups:
        options = [_term_any_field(t) for t in alternatives]
        parts.append(options[0] if len(options) == 1 else wq.Or(options))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else wq.And(parts)


def _phrase_query(groups: tuple[tuple[str, ...], ...], slop: int = 1, boost: float = 1.0) -> wq.Query | None:
    if not groups:
        return None
    if len(groups) == 1:
        return _group_query(groups)
    words = [alternatives[0] for alternatives in groups]
    return wq.Or([wq.Phrase(name, words, slop=slop, boost=boost * weight)
                  for name, weight in TEXT_FIELDS.items()])


class _Compiler:
    def __init__(self, reader):
        self.reader = reader
        self.out = Compiled(query=None)

    def node(self, node: Node, positive: bool = True) -> wq.Query | None:
        if isinstance(node, Word):
            groups = analyse(node.text)
            if positive:
                self.out.terms.update(t for g in groups for t in g)
                self.out.words.append(node.text)
            return _group_query(groups)
        if isinstance(node, Phrase):
            groups = analyse(" ".join(node.words))
            if positive:
                self.out.terms.update(t for g in groups for t in g)
            return _phrase_query(groups)
        if isinstance(node, Prefix):
            return self.prefix(node.text, positive)
        if isinstance(node, Not):
            child = self.node(node.child, positive=not positive)
            return wq.Not(child) if child is not None else None
        if isinstance(node, And):
            return self.combine(wq.And, node.children, positive)
        if isinstance(node, Or):
            return self.combine(wq.Or, node.children, positive)
        raise TypeError(f"unknown query node {node!r}")

    def combine(self, kind, children, positive: bool) -> wq.Query | None:
        parts = [q for q in (self.node(c, positive) for c in children) if q is not None]
        if not parts:
            return None
        if all(isinstance(p, wq.Not) for p in parts):
            # "-a -b" alone means everything except those: Every() AND NOT ...
            parts = [wq.Every(), *parts]
        return parts[0] if len(parts) == 1 else kind(parts)

    def prefix(self, text: str, positive: bool) -> wq.Query | None:
        """prefix*: expand against the unstemmed and stemmed vocabularies, a bounded number of terms."""
        text = text.casefold().strip()
        if len(text) < MIN_PREFIX_LENGTH:
            return None
        stems = {t for g in analyse(text) for t in g} | {text}
        terms: list[wq.Query] = []
        for name in TEXT_FIELDS:
            seen: set[str] = set()
            for stem in stems:
                for btext in self.reader.expand_prefix(name, stem):
                    seen.add(btext.decode("utf-8") if isinstance(btext, bytes) else btext)
                    if len(seen) >= MAX_PREFIX_TERMS:
                        break
            terms.extend(wq.Term(name, t) for t in sorted(seen))
        spelled = []
        for btext in self.reader.expand_prefix(SPELL_FIELD, text):
            spelled.append(btext.decode("utf-8") if isinstance(btext, bytes) else btext)
            if len(spelled) >= MAX_PREFIX_TERMS:
                break
        if positive:
            self.out.prefixes.add(text)
        # The unstemmed forms, analysed, reach the stemmed text fields too.
        for word in spelled:
            for group in analyse(word):
                terms.extend(wq.Term(name, t) for t in group for name in TEXT_FIELDS)
        if not terms:
            return wq.NullQuery
        return wq.Or(list(dict.fromkeys(terms)))


def compile_tree(tree: Node | None, reader) -> Compiled:
    """Compile ``tree`` against ``reader`` (prefixes expand against its vocabulary)."""
    compiler = _Compiler(reader)
    if tree is None:
        return compiler.out
    main = compiler.node(tree)
    if main is None:
        return compiler.out
    if isinstance(main, wq.Not):
        main = wq.And([wq.Every(), main])
    words = _plain_words(tree)
    if len(words) >= 2:
        groups = analyse(" ".join(words))
        compiler.out.conjunctive = isinstance(tree, And)
        if len(groups) >= 2:
            boost = [_phrase_query(groups, slop=1, boost=PHRASE_BOOST),
                     _phrase_query(groups, slop=PROXIMITY_SLOP, boost=PROXIMITY_BOOST)]
            main = wq.AndMaybe(main, wq.Or(boost))
    compiler.out.query = main
    return compiler.out


def loosen(tree: Node) -> Node:
    """AND of words -> OR of the same words (the fallback when all words together find nothing)."""
    if isinstance(tree, And) and all(isinstance(c, Word | Phrase | Prefix) for c in tree.children):
        return Or(tree.children)
    return tree


def _plain_words(tree: Node) -> list[str]:
    if isinstance(tree, Word):
        return [tree.text]
    if isinstance(tree, And | Or) and all(isinstance(c, Word) for c in tree.children):
        return [c.text for c in tree.children]
    if isinstance(tree, And):
        return [c.text for c in tree.children if isinstance(c, Word)]
    return []
