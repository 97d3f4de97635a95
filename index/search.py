"""Searching sections: match set, filters, facets, ranking, collapsing, one page of hits.

One pass over the matcher collects every matching docnum with its BM25F score; everything
after that is NumPy over column arrays: filter masks, facet counts, a small tie-break
towards newer documents, and collapsing (at most ``PER_DOC`` hits per document ahead of the
others). When fewer than ``FILL_BELOW`` documents hold all the words in one section, sections
holding most of them follow, in tiers; every hit says its tier (0: all the words). The same
match set grouped by document (:mod:`index.grouping`) gives one result per document, and the
facets count documents, of the first tier when it is not empty. Stored fields are read for the
page only. Results of a query are cached per commit.
A hit's ``text`` is what a quote can be checked against: a stating heading first, the repaired
body, and the OCR reading after "[OCR]" when repair changed it (``hit_text``).
"""

from __future__ import annotations

import json
import time
from dataclasses import astuple, replace
from functools import lru_cache

import numpy as np

from index.compile import Compiled, by_first_parts, compile_tree, has_compound_word, loosen
from index.facets import facet_counts
from index.filters import filter_mask, merge_filters
from index.grouping import Grouping, group_documents
from index.lru import LRUCache
from index.querytree import And, Filters, Or, ParsedQuery, Word
from index.records import STATEMENT_KINDS
from index.schema import DOCUMENT, SPELL_FIELD
from index.snippets import Marks, make_snippet
from index.suggest import suggest

PER_DOC = 3                 # hits per document ahead of the rest (collapsing)
OVERFLOW_DECAY = 0.0        # score factor per extra hit of a document (0: strictly after the rest)
RECENCY_WEIGHT = 0.03       # newest document gets up to +3 % score (tie-break)
MATCH_TIME_LIMIT = 5.0      # seconds of matching before a query answers with what it has
FILL_BELOW = 10             # fewer all-words documents than this: follow with some-words hits
SUGGEST_BELOW = 3           # suggest a spelling when a query finds fewer hits than this
CACHE_SIZE = 128
RANKED_AHEAD = 200          # hits ordered up front; a page beyond them orders the rest

PARTIAL = "Sökningen tog för lång tid; resultatet är ofullständigt."
STOPWORDS_ONLY = "Frågan innehöll bara vanliga småord; inget att söka på."
FIRST_PART = ("Inga avsnitt innehöll sammansättningen; visar avsnitt med andra sammansättningar "
              "med samma förled ({words}).")


def sibling_list(words: list[str], shown: int = 5) -> str:
    """The first few stand-in compounds, for the notice."""
    return ", ".join(words[:shown]) + (" …" if len(words) > shown else "")


def by_siblings(parsed: ParsedQuery, vocabulary, unmatched) -> ParsedQuery | None:
    """``parsed`` with each compound word that finds nothing (``unmatched(word)``) replaced by
    the index's other compounds of the same first part (``index.compile.by_first_parts``), and
    a notice saying so; None when there are none. Both engines ask for it only when nothing
    matches the query whole."""
    if not has_compound_word(parsed.tree):
        return None
    tree = by_first_parts(parsed.tree, vocabulary, unmatched)
    if tree is None:
        return None
    asked = set(_words_of(parsed.tree))
    notice = FIRST_PART.format(words=sibling_list([w for w in _words_of(tree) if w not in asked]))
    return replace(parsed, tree=tree, notice=f"{parsed.notice} {notice}" if parsed.notice else notice)


def _words_of(tree) -> list[str]:
    if isinstance(tree, Word):
        return [tree.text]
    if isinstance(tree, And | Or):
        return [w for c in tree.children for w in _words_of(c)]
    return []


@lru_cache(maxsize=4096)
def parse(text: str) -> ParsedQuery:
    """The query language when it is available, plain words otherwise."""
    try:
        from index.querylang import parse_query
    except ImportError:
        words = tuple(Word(w) for w in text.split())
        tree = None if not words else words[0] if len(words) == 1 else And(words)
        return ParsedQuery(tree=tree, text=text)
    return parse_query(text)


def collect(searcher, query, time_limit: float = MATCH_TIME_LIMIT,
            scope: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, bool]:
    """Every matching docnum with its score; stops (partial) after ``time_limit``.

    Vectorised over decoded posting lists (``index.postings``: the same matches and BM25F scores
    as Whoosh); a searcher that path cannot read is answered by Whoosh's matchers in one pass.
    ``scope``, a mask of the docnums the filters keep, lets ranking work skip the others (the
    caller still filters)."""
    from index.postings import Unsupported, evaluate, normalize, whoosh_collect

    query = normalize(query)
    deadline = time.monotonic() + time_limit
    try:
        return evaluate(searcher, query, deadline, scope)
    except Unsupported:
        return whoosh_collect(searcher, query, deadline)


def collapse_order(docnums: np.ndarray, scores: np.ndarray, doc_code: np.ndarray,
                   per_doc: int = PER_DOC, decay: float = OVERFLOW_DECAY) -> np.ndarray:
    """Positions in ranked order: best first, but a document's hits beyond ``per_doc`` are
    demoted. With ``decay`` 0 they go after every other document's first ``per_doc`` hits
    (still best first among themselves); with ``decay`` in (0, 1) the k-th extra hit counts
    ``decay**k`` of its score, so a strong extra hit still beats a weak hit elsewhere."""
    ranked = np.lexsort((docnums, -scores))          # score desc, docnum asc for ties
    occurrence = _occurrence(doc_code[docnums[ranked]])
    extra = np.maximum(0, occurrence - per_doc + 1)
    if decay <= 0:
        return ranked[np.lexsort((np.arange(len(ranked)), extra > 0))]
    damped = scores[ranked] * np.power(decay, extra.astype(np.float64))
    return ranked[np.lexsort((np.arange(len(ranked)), -damped))]


def _occurrence(codes: np.ndarray) -> np.ndarray:
    """For hits in ranked order with their documents' codes: how many hits of the same
    document come before each (0 for a document's best hit)."""
    by_doc = np.lexsort((np.arange(len(codes)), codes))
    sorted_codes = codes[by_doc]
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_codes)) + 1] if len(codes) else np.array([], int)
    run_start = np.repeat(starts, np.diff(np.r_[starts, len(codes)]))
    occurrence = np.empty(len(codes), dtype=np.int64)
    occurrence[by_doc] = np.arange(len(codes)) - run_start
    return occurrence


def collapse_prefix(docnums: np.ndarray, scores: np.ndarray, doc_code: np.ndarray, want: int,
                    per_doc: int = PER_DOC) -> np.ndarray | None:
    """The first ``want`` positions of ``collapse_order`` (decay 0) from the best-scored hits
    only, or None when they do not settle it (then order everything).

    The hits scoring at least the ``4 * want``-th best score are a prefix of the ranking, and a
    hit's rank within its document is the same among them as among all hits; so their hits
    within ``per_doc`` of their document's best, best first, are the ranking's first positions."""
    n = len(docnums)
    take = 4 * want
    if want <= 0 or n <= take:
        return None
    threshold = np.partition(scores, n - take)[n - take]
    top = np.flatnonzero(scores >= threshold)
    ranked = top[np.lexsort((docnums[top], -scores[top]))]
    leading = ranked[_occurrence(doc_code[docnums[ranked]]) < per_doc]
    return leading[:want] if len(leading) >= want else None


# Ordered match sets and facets per (commit, query, filters, sort), least recently used out.
_CACHE = LRUCache(CACHE_SIZE)


def _filtered(searcher, arrays, filters: Filters, docnums: np.ndarray, scores: np.ndarray):
    if not len(docnums):
        return docnums, scores
    mask = filter_mask(arrays, docnums, filters, searcher)
    return docnums[mask], scores[mask]


def _scope(searcher, arrays, filters: Filters) -> np.ndarray | None:
    """A mask over all docnums of what ``filters`` keep, or None when no filter is active."""
    if not filters.active():
        return None
    everything = np.arange(len(arrays.live_sections), dtype=np.int64)
    return filter_mask(arrays, everything, filters, searcher)


def _fewer_words(searcher, arrays, tree, filters: Filters, exclude: np.ndarray, scope: np.ndarray | None):
    """Sections matching some but not all of the words of ``tree`` (not in ``exclude``), with
    their scores and a tier: 1 for all words but one, 2 for all but two, and so on."""
    looser_tree = loosen(tree)
    if looser_tree is tree:
        return None
    reader = searcher.reader()
    looser = compile_tree(looser_tree, reader, lacking_a_word=True)
    if looser.query is None:
        return None
    docnums, scores, partial = collect(searcher, looser.query, scope=scope)
    docnums, scores = _filtered(searcher, arrays, filters, docnums, scores)
    keep = ~np.isin(docnums, exclude)
    docnums, scores = docnums[keep], scores[keep]
    words = looser_tree.children
    tiers = np.ones(len(docnums), dtype=np.int64)
    if len(words) >= 3 and len(docnums):
        present = np.zeros(len(docnums), dtype=np.int64)
        for word in words:
            query = compile_tree(word, reader).query
            if query is not None:
                present += np.isin(docnums, collect(searcher, query)[0])
        tiers = np.maximum(1, len(words) - present)
    return docnums, scores, tiers, partial


def _tiered_order(docnums: np.ndarray, scores: np.ndarray, tiers: np.ndarray,
                  doc_code: np.ndarray) -> np.ndarray:
    """Positions in ranked order: tier by tier (all words first), each tier collapsed."""
    parts = [np.array([], dtype=np.int64)]
    for tier in np.unique(tiers):
        members = np.flatnonzero(tiers == tier)
        parts.append(members[collapse_order(docnums[members], scores[members], doc_code,
                                            PER_DOC, OVERFLOW_DECAY)])
    return np.concatenate(parts)


def _match(searcher, arrays, parsed: ParsedQuery, filters: Filters, sort: str, siblings: bool = False) -> dict:
    """The ordered, filtered match set with facets and notices (cacheable per commit).

    A query of several words ranks the sections holding all of them first; when fewer than
    ``FILL_BELOW`` documents do, sections holding fewer of the words follow (most words first), so a
    passage that says the same thing in other words is still on the first page. A query whose text
    held nothing to search for (``parsed.no_words``) matches nothing, never everything. A query
    nothing matches whole is tried once more with its compounds' siblings (:func:`by_siblings`)."""
    notices = [parsed.notice] if parsed.notice else []
    compiled = compile_tree(parsed.tree, searcher.reader())
    partial = False
    scope = _scope(searcher, arrays, filters)
    if parsed.no_words:
        docnums, scores = np.array([], dtype=np.int64), np.array([])
    elif parsed.tree is None:
        docnums = np.flatnonzero(arrays.live_sections)
        scores = np.zeros(len(docnums))
    elif compiled.query is None:
        docnums, scores = np.array([], dtype=np.int64), np.array([])
        notices.append(STOPWORDS_ONLY)
    else:
        docnums, scores, partial = collect(searcher, compiled.query, scope=scope)
    docnums, scores = _filtered(searcher, arrays, filters, docnums, scores)
    if not len(docnums) and compiled.query is not None and not siblings:
        # Nothing matches whole: other compounds of the same first part stand in (trappstegsmodell
        # -> trappstegsrutin), when the index has any and they match.
        reader = searcher.reader()

        def unmatched(word: str) -> bool:
            query = compile_tree(Word(word), reader).query
            found = collect(searcher, query, scope=scope)[0] if query is not None else np.array([], dtype=np.int64)
            return not len(_filtered(searcher, arrays, filters, found, np.zeros(len(found)))[0])

        stand_in = by_siblings(parsed, lambda prefix: (
            t.decode("utf-8") if isinstance(t, bytes) else t for t in reader.expand_prefix(SPELL_FIELD, prefix)),
            unmatched)
        if stand_in is not None:
            match = _match(searcher, arrays, stand_in, filters, sort, siblings=True)
            if match["total"]:
                return match
    tiers = np.zeros(len(docnums), dtype=np.int64)
    tiered = bool(compiled.conjunctive and parsed.tree is not None)
    if tiered and len(np.unique(arrays.doc_code[docnums])) < FILL_BELOW:
        more = _fewer_words(searcher, arrays, parsed.tree, filters, docnums, scope)
        if more is not None and len(more[0]):
            docnums = np.r_[docnums, more[0]]
            scores = np.r_[scores, more[1]]
            tiers = np.r_[tiers, more[2]]
            partial = partial or more[3]
    if partial:
        notices.append(PARTIAL)
    first_tier = docnums[tiers == 0] if tiered and (tiers == 0).any() else docnums
    facets, timed_out = facet_counts(arrays, first_tier)
    match = {"total": len(docnums), "facets": facets, "timed_out": timed_out,
             "notices": notices, "compiled": compiled, "tiered": tiered,
             "sections": (docnums, scores, tiers), "by_date": sort == "date" or parsed.tree is None}
    if sort == "date" or parsed.tree is None:
        order = np.lexsort((docnums, -scores, -arrays.date[docnums], tiers))
        return {**match, "docnums": docnums[order], "scores": scores[order], "tiers": tiers[order]}
    lo, hi = arrays.year_span
    if hi > lo:
        years = arrays.year[docnums].astype(np.float64)
        recency = np.where(years > 0, (years - lo) / (hi - lo), 0.0)
        scores = scores * (1.0 + RECENCY_WEIGHT * recency)
        match["sections"] = (docnums, scores, tiers)
    head = None if tiers.any() or OVERFLOW_DECAY > 0 else collapse_prefix(
        docnums, scores, arrays.doc_code, RANKED_AHEAD)
    if head is not None:  # the rest is ordered when a page beyond the head is asked for
        return {**match, "docnums": docnums[head], "scores": scores[head], "tiers": tiers[head],
                "unordered": (docnums, scores, tiers)}
    order = _tiered_order(docnums, scores, tiers, arrays.doc_code)
    return {**match, "docnums": docnums[order], "scores": scores[order], "tiers": tiers[order]}


def _grouping(match: dict, arrays) -> Grouping:
    """The match set grouped by document (computed once per cached match)."""
    grouping = match.get("grouping")
    if grouping is None:
        docnums, scores, tiers = match["sections"]
        dates = arrays.date[docnums] if match["by_date"] else None
        grouping = group_documents(arrays.doc_code[docnums], scores, tiers, docnums, dates)
        match["grouping"] = grouping
    return grouping


def _ordered_in_full(match: dict, arrays) -> dict:
    """``match`` with every hit ordered (for a page beyond the eagerly ordered head)."""
    docnums, scores, tiers = match["unordered"]
    order = _tiered_order(docnums, scores, tiers, arrays.doc_code)
    full = {k: v for k, v in match.items() if k != "unordered"}
    return {**full, "docnums": docnums[order], "scores": scores[order], "tiers": tiers[order]}


def _cached_match(searcher, arrays, parsed: ParsedQuery, filters: Filters, sort: str) -> tuple[tuple, dict]:
    key = (arrays.key, parsed.tree, astuple(filters), sort, parsed.notice, parsed.no_words)
    match = _CACHE.get(key)
    if match is None:
        match = _match(searcher, arrays, parsed, filters, sort)
        _CACHE.put(key, match)
    return key, match


def run_search(store, query: str | ParsedQuery, *, filters: Filters | None = None, page: int = 1,
               limit: int = 10, sort: str = "relevance") -> dict:
    """The `kb search --json` shape for ``query`` (text in the query language, or a parse tree).

    ``hits`` is page ``page`` of the matching sections (``limit`` per page), ``hit_tiers`` their
    tiers; ``documents`` is page ``page`` of the matching documents (``limit`` per page), each
    with its best sections (``sections``: hit ids, ``section_hits``: those hits) and how many of
    its sections matched. ``total`` counts sections, ``total_documents`` documents; ``tiers``
    counts the documents with all the words and the others (None for a query without tiers);
    ``facets`` count documents, of the first tier when it is not empty."""
    parsed = parse(query) if isinstance(query, str) else query
    text = query if isinstance(query, str) else (parsed.text or "")
    combined = merge_filters(parsed.filters, filters)
    searcher = store.searcher()
    arrays = store.arrays(searcher)
    key, match = _cached_match(searcher, arrays, parsed, combined, sort)
    page = max(1, page)
    start = (page - 1) * limit
    if "unordered" in match and start + max(limit, 0) > len(match["docnums"]):
        match = _ordered_in_full(match, arrays)
        _CACHE.replace(key, match)
    compiled: Compiled = match["compiled"]
    hits: list[dict] = []
    hit_tiers: list[int] = []
    documents: list[dict] = []
    grouping = _grouping(match, arrays)
    if limit > 0:
        read: dict[int, dict] = {}

        def hit(docnum: int, score: float) -> dict:
            if docnum not in read:
                read[docnum] = _hit(searcher, docnum, score, compiled)
            return read[docnum]

        window = slice(start, start + limit)
        docnums, scores, tiers = match["sections"]
        page_documents = grouping.page(start, limit)
        _prefetch(searcher, [*match["docnums"][window].tolist(),
                             *(int(docnums[p]) for positions, *_ in page_documents for p in positions)])
        hits = [hit(int(d), float(s)) for d, s in zip(match["docnums"][window], match["scores"][window],
                                                      strict=True)]
        hit_tiers = [int(t) for t in match["tiers"][window]]
        for positions, count, tier, score in page_documents:
            shown = [{**hit(int(docnums[p]), float(scores[p])), "tier": int(tiers[p])} for p in positions]
            documents.append(document_result(shown, count, tier, score))
    total = int(match["total"])
    suggestion = None
    if total < SUGGEST_BELOW and compiled.words:
        suggestion = suggest(searcher.reader(), text, compiled.words)
    notices = list(match["notices"])
    return {
        "query": text,
        "total": total,
        "page": page,
        "limit": limit,
        "hits": hits,
        "hit_tiers": hit_tiers,
        "total_documents": grouping.total,
        "documents": documents,
        "tiers": grouping.tier_counts() if match["tiered"] else None,
        "facets": match["facets"],
        "facets_timed_out": list(match["timed_out"]),
        "suggestion": suggestion,
        "notice": " ".join(notices) if notices else None,
        "filters": combined.active(),
    }


def matching_sections(store, query: str | ParsedQuery, doc_id: str, *, filters: Filters | None = None,
                      sort: str = "relevance") -> list[str]:
    """The ids of every section of document ``doc_id`` that ``query`` matches (all tiers), in
    the document's order: what "N fler träffar i dokumentet" leads to."""
    parsed = parse(query) if isinstance(query, str) else query
    combined = merge_filters(parsed.filters, filters)
    searcher = store.searcher()
    arrays = store.arrays(searcher)
    _key, match = _cached_match(searcher, arrays, parsed, combined, sort)
    mine = list(searcher.document_numbers(doc_id=doc_id))
    if not mine:
        return []
    docnums = match["sections"][0]
    ours = docnums[arrays.doc_code[docnums] == arrays.doc_code[mine[0]]]
    ids = [searcher.stored_fields(int(d))["id"] for d in ours]
    return sorted(ids, key=lambda i: int(i.rpartition("#")[2]) if i.rpartition("#")[2].isdigit() else 0)


def query_marks(query: str) -> Marks:
    """What a query marks in a text (its words, phrases and prefixes), without an index."""
    return compile_tree(parse(query or "").tree, None).marks()


DOCUMENT_FIELDS = ("doc_id", "title", "source", "date", "year", "committee", "doc_type", "municipality")


def document_result(shown: list[dict], matching: int, tier: int, score: float) -> dict:
    """One result per document: its metadata (from its best section's hit) and best sections.
    Every engine builds its ``documents`` with it."""
    best = shown[0]
    return {
        **{k: best[k] for k in DOCUMENT_FIELDS},
        "score": round(score, 4),
        "tier": tier,
        "sections": [h["id"] for h in shown],
        "matching_sections": matching,
        "section_hits": shown,
    }


OCR_MARKER = "[OCR]"


def _same_words(a: str, b: str) -> bool:
    return a.split() == b.split()


def hit_text(heading: str | None, kind: str | None, text: str, raw_text: str | None = None) -> str:
    """A hit's full text: the heading first when it states something (rekommendation,
    aktivitet, inriktningsmål), then the repaired body, then, when OCR repair changed the
    section, the original OCR reading after a line "[OCR]" (quotes from the scan stay findable)."""
    out = text
    if heading and kind in STATEMENT_KINDS and heading.strip():
        out = f"{heading.strip()}\n\n{text}" if text else heading.strip()
    if raw_text and raw_text.strip() and not _same_words(raw_text, text):
        out = f"{out}\n\n{OCR_MARKER}\n{raw_text}"
    return out


@lru_cache(maxsize=64)
def _raw_texts(payload: bytes) -> dict[int, str]:
    """Section number -> OCR reading, from a stored whole-document record."""
    from index.records import decode_document

    return {s.number: s.raw_text for s in decode_document(payload).sections}


def _raw_text(searcher, shown: dict, section_id: str) -> str:
    """The section's OCR reading: from the hit payload when it holds one, else from the
    stored document record (indexes written before payloads carried it)."""
    if "raw_text" in shown:
        return shown["raw_text"] or ""
    number = section_id.rpartition("#")[2]
    if not number.isdigit():
        return ""
    fields = searcher.document(id=shown["doc_id"], record=DOCUMENT)
    if not fields:
        return ""
    return _raw_texts(fields["payload"]).get(int(number), "")


def _prefetch(searcher, docnums) -> None:
    """Let a searcher that reads over a network (PostgreSQL) fetch a page's records at once."""
    prefetch = getattr(searcher, "prefetch_stored", None)
    if prefetch is not None and len(docnums):
        prefetch(docnums)


def _hit(searcher, docnum: int, score: float, compiled: Compiled) -> dict:
    stored = searcher.stored_fields(docnum)
    shown = json.loads(stored["payload"])
    return make_hit(stored["id"], shown, _raw_text(searcher, shown, stored["id"]), score, compiled)


def make_hit(section_id: str, shown: dict, raw: str, score: float, compiled) -> dict:
    """One hit of the search JSON from a section's stored payload (``index.records``), its OCR
    reading and its score; ``compiled`` says what the snippet highlights. Every engine uses it."""
    shown = _readable_payload(shown)  # an older index may hold anything
    return {
        "id": section_id,
        "doc_id": shown["doc_id"],
        "source": shown["source"],
        "title": shown["title"],
        "heading": shown["heading"],
        "kind": shown["kind"],
        "recommendation": shown["recommendation"],
        "activity": shown["activity"],
        "page_number": shown["page_number"],
        "text": hit_text(shown["heading"], shown["kind"], shown["text"], raw),
        "snippet": make_snippet(shown["text"] if shown["text"].strip() else shown["heading"] or "",
                                compiled.terms, compiled.prefixes, weak=compiled.weak,
                                phrases=compiled.phrases),
        "score": round(score, 4),
        "date": shown["date"],
        "year": shown["year"],
        "committee": shown["committee"],
        "doc_type": shown["doc_type"],
        "municipality": shown["municipality"],
    }


_PAYLOAD_TEXT = ("doc_id", "source", "title", "heading", "kind", "activity", "date", "committee",
                 "doc_type", "municipality")


def _readable_payload(shown: dict) -> dict:
    """A hit's stored payload with every value of its kind: an index written before metadata was
    checked may hold a list for a committee or a 20-digit year (shown as nothing instead)."""
    out = dict(shown)
    for key in _PAYLOAD_TEXT:
        if not isinstance(out.get(key), str):
            out[key] = "" if key in ("doc_id", "source") else None
    for key, high in (("recommendation", 9999), ("page_number", 10**6), ("year", 2100)):
        value = out.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= high:
            out[key] = None
    if out["year"] is not None and out["year"] < 1900:
        out["year"] = None
    if not isinstance(out.get("text"), str):
        out["text"] = ""
    return out
