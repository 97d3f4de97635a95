"""Parse tree (index.querytree) -> Whoosh query over the section text fields.

Words are analysed by the analyzer's query side (``index.analysis.analyze_query``): each word
matches its Snowball stem or its OCR-folded key ("nämnden" finds "nämndens" and the OCR reading
"namnden"), or, more weakly, all of its compound parts. Successive words must all occur (AND).
Phrases match the folded keys in order. Multi-word queries get an optional, boosted phrase
clause so passages where the words stand together rank first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from whoosh import query as wq

from index.analysis import QueryTerm, analyze_query, compound_first_part, prefix_key
from index.querytree import And, Node, Not, Or, Phrase, Prefix, Word
from index.schema import TEXT_FIELDS
from index.snippets import Marks

PHRASE_BOOST = 2.0
PROXIMITY_SLOP = 4
PROXIMITY_BOOST = 1.0
PAIR_BOOST = 2.0          # two neighbouring query words side by side (queries of 3+ words)
KEY_WEIGHT = 0.8          # the folded key counts a little less than the exact stem
PARTS_WEIGHT = 0.5        # all compound parts present: a weaker stand-in for the compound
# Query-time BM25F weight per text field. The title matches every section of its document, so it
# says which document, not which passage: weighted above the body it let one document's every
# section crowd out the passage that answers (held-out queries with 300 generated distractor
# documents: MRR 0.856 -> 0.891 with title 1.5 -> 0.5, no recall change; docs/search-quality.md).
FIELD_WEIGHTS = {**TEXT_FIELDS, "title": 0.5}
MAX_PREFIX_TERMS = 256
MIN_COMPOUND_REST = 4     # a sibling compound goes on at least this many letters past the first part
MIN_PREFIX_LENGTH = 2


@lru_cache(maxsize=50_000)
def analyse(text: str) -> tuple[QueryTerm, ...]:
    """The query terms of ``text``, one per word position (stop words gone), memoized."""
    return tuple(analyze_query(text))


def highlight_terms(terms: tuple[QueryTerm, ...]) -> set[str]:
    return {t for q in terms for t in (q.stem, q.key, *q.parts)}


def word_terms(terms: tuple[QueryTerm, ...]) -> set[str]:
    """The query words' own analysed forms (stem and OCR key), without compound parts."""
    return {t for q in terms for t in (q.stem, q.key)}


@dataclass
class Compiled:
    """A Whoosh query plus what a snippet should highlight."""

    query: wq.Query | None
    terms: set[str] = field(default_factory=set)       # analysed forms to highlight
    prefixes: set[str] = field(default_factory=set)    # lower-cased prefixes to highlight
    weak: set[str] = field(default_factory=set)        # terms that are only compound parts
    words: list[str] = field(default_factory=list)     # the positive plain words (for suggestions)
    conjunctive: bool = False                          # an AND of two or more words
    phrases: list[tuple[str, ...]] = field(default_factory=list)  # fold keys of each phrase, in order

    def marks(self) -> Marks:
        """What a snippet or a document marks for this query."""
        return Marks(frozenset(self.terms), frozenset(self.weak), tuple(sorted(self.prefixes)),
                     tuple(dict.fromkeys(self.phrases)))


def _term_any_field(term: str, weight: float = 1.0) -> wq.Query:
    return wq.Or([wq.Term(name, term, boost=boost * weight) for name, boost in FIELD_WEIGHTS.items()])


def _words_query(terms: tuple[QueryTerm, ...]) -> wq.Query | None:
    positions = []
    for term in terms:
        options = [_term_any_field(term.stem), _term_any_field(term.key, KEY_WEIGHT)]
        if len(term.parts) >= 2:
            options.append(wq.And([_term_any_field(p, PARTS_WEIGHT) for p in term.parts]))
        positions.append(wq.Or(options))
    if not positions:
        return None
    return positions[0] if len(positions) == 1 else wq.And(positions)


def _phrase_query(terms: tuple[QueryTerm, ...], slop: int = 1, boost: float = 1.0) -> wq.Query | None:
    if len(terms) <= 1:
        return _words_query(terms)
    keys = [t.key for t in terms]
    return wq.Or([wq.Phrase(name, keys, slop=slop, boost=boost * weight)
                  for name, weight in FIELD_WEIGHTS.items()])


class _Compiler:
    def __init__(self, reader):
        self.reader = reader
        self.out = Compiled(query=None)
        self.strong: set[str] = set()   # the query words' own forms, to tell parts from words

    def finish(self, query: wq.Query | None) -> Compiled:
        self.out.query = query
        self.out.weak = self.out.terms - self.strong
        return self.out

    def node(self, node: Node, positive: bool = True) -> wq.Query | None:
        if isinstance(node, Word):
            terms = analyse(node.text)
            if positive:
                self.out.terms |= highlight_terms(terms)
                self.strong |= word_terms(terms)
                self.out.words.append(node.text)
            return _words_query(terms)
        if isinstance(node, Phrase):
            terms = analyse(" ".join(node.words))
            if positive and len(terms) >= 2:  # marked as a phrase, never word by word
                self.out.phrases.append(tuple(t.key for t in terms))
            elif positive:
                self.out.terms |= highlight_terms(terms)
                self.strong |= word_terms(terms)
            return _phrase_query(terms)
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
        if len(parts) > 1 and all(isinstance(p, wq.Not) for p in parts):
            # "-a -b" alone means everything except those (Whoosh normalises And([Every, Not])
            # to Every, so say it with AndNot).
            return everything_but(wq.Or([p.query for p in parts]))
        return parts[0] if len(parts) == 1 else kind(parts)

    def prefix(self, text: str, positive: bool) -> wq.Query | None:
        """prefix*: the folded-key prefix against the text fields, a bounded number of terms."""
        text = text.casefold().strip()
        key = prefix_key(text) if len(text) >= MIN_PREFIX_LENGTH else None
        if key is None or len(key) <= MIN_PREFIX_LENGTH:
            return None
        if positive:
            self.out.prefixes.add(text)
        if self.reader is None:  # compiled for its marks only
            return None
        expanded: set[str] = set()
        for name in FIELD_WEIGHTS:
            for i, btext in enumerate(self.reader.expand_prefix(name, key)):
                if i >= MAX_PREFIX_TERMS:
                    break
                expanded.add(btext.decode("utf-8") if isinstance(btext, bytes) else btext)
        if not expanded:
            return wq.NullQuery
        return wq.Or([_term_any_field(t) for t in sorted(expanded)])


def everything_but(query: wq.Query) -> wq.Query:
    """Every section except those ``query`` matches: what "-word" alone means."""
    return wq.AndNot(wq.Every(), query)


def compile_tree(tree: Node | None, reader, *, lacking_a_word: bool = False) -> Compiled:
    """Compile ``tree`` against ``reader`` (prefixes expand against its vocabulary; with no
    reader the result is good for its marks only).

    ``lacking_a_word``: the caller keeps only sections that lack at least one of the words (the
    some-words tier after the all-words hits), where a phrase or proximity boost over all the
    words can never match; only the neighbouring pairs' boosts are built (same scores, less work).
    """
    compiler = _Compiler(reader)
    if tree is None:
        return compiler.finish(None)
    main = compiler.node(tree)
    if main is None:
        return compiler.finish(None)
    if isinstance(main, wq.Not):
        main = everything_but(main.query)
    words = _plain_words(tree)
    if len(words) >= 2:
        terms = analyse(" ".join(words))
        compiler.out.conjunctive = isinstance(tree, And)
        boost = []
        if len(terms) >= 2 and not lacking_a_word:
            boost = [_phrase_query(terms, slop=1, boost=PHRASE_BOOST),
                     _phrase_query(terms, slop=PROXIMITY_SLOP, boost=PROXIMITY_BOOST)]
        if len(terms) >= 3:
            boost += [_phrase_query(pair, slop=1, boost=PAIR_BOOST) for pair in zip(terms, terms[1:], strict=False)]
        if boost:
            main = wq.AndMaybe(main, wq.Or(boost))
    return compiler.finish(main)



def loosen(tree: Node) -> Node:
    """AND of words -> OR of the same words (the fallback when all words together find nothing)."""
    if isinstance(tree, And) and all(isinstance(c, Word | Phrase | Prefix) for c in tree.children):
        return Or(tree.children)
    return tree


#: At most this many other compounds stand in for one compound query word.
MAX_SIBLINGS = 64


def has_compound_word(tree: Node | None) -> bool:
    """Whether a plain word of the query is a compound with a first part (cheap, no index)."""
    if isinstance(tree, Word):
        return compound_first_part(tree.text.casefold()) is not None
    if isinstance(tree, And | Or):
        return any(has_compound_word(c) for c in tree.children)
    return False


def by_first_parts(tree: Node | None, vocabulary, unmatched=lambda word: True) -> Node | None:
    """The query with each compound word replaced by the other compounds of the index's vocabulary
    that share its first part (förled): trappstegsmodell -> trappstegsrutin OR
    trappstegsplanen; e-arkivplan -> e-arkivsystemet. None when no word has such siblings.

    ``vocabulary(prefix)`` yields the index's unstemmed words starting with ``prefix``. Only
    compounds count: a word that is the first part itself, inflected (trappsteget), is not one.
    ``unmatched(word)`` says whether a query word finds nothing on its own: only those are replaced.
    The search's last resort when no section matches the query whole (nor its parts).
    """
    if isinstance(tree, Word):
        word = tree.text.casefold()
        first = compound_first_part(word)
        if not first or not unmatched(tree.text):
            return None
        siblings = []
        for candidate in vocabulary(first):
            if len(siblings) >= MAX_SIBLINGS:
                break
            if candidate != word and len(candidate) - len(first) >= MIN_COMPOUND_REST \
                    and compound_first_part(candidate) == first:
                siblings.append(Word(candidate))
        if not siblings:
            return None
        return siblings[0] if len(siblings) == 1 else Or(tuple(siblings))
    if isinstance(tree, And | Or) and all(isinstance(c, Word | Phrase | Prefix) for c in tree.children):
        children = [by_first_parts(c, vocabulary, unmatched) if isinstance(c, Word) else None
                    for c in tree.children]
        if all(c is None for c in children):
            return None
        return type(tree)(tuple(new or old for new, old in zip(children, tree.children, strict=True)))
    return None


def _plain_words(tree: Node) -> list[str]:
    if isinstance(tree, Word):
        return [tree.text]
    if isinstance(tree, And | Or) and all(isinstance(c, Word) for c in tree.children):
        return [c.text for c in tree.children]
    if isinstance(tree, And):
        return [c.text for c in tree.children if isinstance(c, Word)]
    return []
