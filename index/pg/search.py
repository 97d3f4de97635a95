"""Searching sections in PostgreSQL: the same contract as ``index.search``, in SQL.

One read-only snapshot per search:

1. the match set is ``tsv @@ tsquery`` over the GIN index (the query compiled from the same
   parse tree, see ``index.pg.tsquery``), narrowed by the filters as SQL conditions;
2. total, the number of documents and the facets (documents per value) come from one
   ``GROUP BY GROUPING SETS`` over the whole match set;
3. ranking: BM25's shape over ``ts_rank``'s field-weighted, saturating term frequency: per
   query word its idf (from PostgreSQL's lexeme statistics) times tf·(k1+1)/(tf + k1·(1-b+b·len/avg)),
   plus the phrase,
   proximity (``ts_rank_cd``) and neighbouring-pair boosts, then, as in Whoosh, the recency
   tie-break and collapsing by document (``index.search``'s own functions, in NumPy). A match
   set larger than ``RANK_LIMIT`` ranks its sections with a query word in the heading first
   and then the newest, up to ``RANK_LIMIT`` (reading every tsvector of 100,000 matches would
   take a second); the rest follows newest first;
4. when fewer than ``FILL_BELOW`` documents hold all the words, some-words hits follow in
   tiers (most words first); facets then count the first tier when it is not empty;
5. one result per document: the ranked sections grouped by ``index.grouping`` (the documents
   beyond the ranked ones, and every document when sorting by date, come newest first from SQL);
6. the page's hits come from the stored payloads, through the same hit builder and snippets;
   "menade du" from the vocabulary table (``index.pg.suggest``).
"""

from __future__ import annotations

import json
import math

import numpy as np

from index.compile import has_compound_word
from index.filters import merge_filters
from index.grouping import SHOWN, group_documents
from index.pg.rows import RANK_WEIGHTS, quote_lexeme
from index.pg.tsquery import TsCompiled, compile_tree, loosened
from index.querytree import Filters, ParsedQuery, Word
from index.search import (
    FILL_BELOW,
    RECENCY_WEIGHT,
    STOPWORDS_ONLY,
    SUGGEST_BELOW,
    _tiered_order,
    by_siblings,
    document_result,
    make_hit,
    parse,
)
from ingest.folding import fold_label as fold

RANK_LIMIT = 1000           # sections whose tsvectors are read to rank a large match set
PHRASE_BOOST = 2.0          # index.compile's boosts, on ts_rank's scale
PROXIMITY_BOOST = 1.0
PAIR_BOOST = 2.0
K1, B = 1.2, 0.75           # BM25's saturation and length normalisation (Whoosh's defaults)

LABELS = ("committee", "doc_type", "municipality")
FACET_SQL = """
SELECT GROUPING(year, committee, doc_type, municipality, recommendation) AS g,
       year, committee, doc_type, municipality, recommendation, count(*), count(DISTINCT doc_id)
FROM kb_sections WHERE {where}
GROUP BY GROUPING SETS ((), (year), (committee), (doc_type), (municipality), (recommendation))
"""
EMPTY_FACETS = {"year": {}, "committee": {}, "doc_type": {}, "municipality": {}, "recommendation": {}}
# GROUPING(...) bits, most significant first: which grouping set a row belongs to.
_SETS = {0b01111: "year", 0b10111: "committee", 0b11011: "doc_type", 0b11101: "municipality",
         0b11110: "recommendation", 0b11111: "total"}


def filter_sql(filters: Filters, params: dict) -> list[str]:
    """SQL conditions for the active filters (index.filters' rules: a folded label that equals
    the value wins; otherwise every label containing it matches)."""
    parts = []
    if filters.year_from is not None:
        params["year_from"] = filters.year_from
        parts.append("year >= %(year_from)s")
    if filters.year_to is not None:
        params["year_to"] = filters.year_to
        parts.append("(year <= %(year_to)s AND year > 0)")
    if filters.recommendation is not None:
        params["recommendation"] = filters.recommendation
        parts.append("recommendation = %(recommendation)s")
    for name in LABELS:
        wanted = getattr(filters, name)
        if wanted:
            key = f"{name}_value"
            params[key] = fold(wanted)
            col = f"{name}_fold"
            parts.append(f"({col} = %({key})s OR ({col} <> '' AND %({key})s <> '' "
                         f"AND strpos({col}, %({key})s) > 0 AND NOT EXISTS "
                         f"(SELECT 1 FROM kb_documents d WHERE d.{col} = %({key})s)))")
    if filters.case_number:
        from index.records import normalise_case_number

        params["case_number"] = normalise_case_number(filters.case_number)
        parts.append("doc_id IN (SELECT doc_id FROM kb_documents "
                     "WHERE case_numbers @> ARRAY[%(case_number)s]::text[])")
    return parts


def _facets(conn, where: str, params: dict) -> tuple[int, int, dict]:
    """(matching sections, matching documents, documents per facet value)."""
    counts: dict[str, dict] = {name: {} for name in EMPTY_FACETS}
    total = documents = 0
    for g, year, committee, doc_type, municipality, recommendation, _sections, n in conn.execute(
            FACET_SQL.format(where=where), params):
        name = _SETS.get(g)
        if name == "total":
            total, documents = _sections, n
        elif name == "year" and year:
            counts["year"][year] = n
        elif name == "recommendation" and recommendation:
            counts["recommendation"][recommendation] = n
        elif name in LABELS:
            value = {"committee": committee, "doc_type": doc_type, "municipality": municipality}[name]
            if value:
                counts[name][value] = n
    out = {}
    for name, found in counts.items():
        if name in ("year", "recommendation"):
            out[name] = {str(k): found[k] for k in sorted(found)}
        else:
            out[name] = dict(sorted(found.items(), key=lambda p: (-p[1], p[0])))
    return total, documents, out


def idf(conn, lexemes: list[str]) -> dict[str, float]:
    """Whoosh's idf, log(N / (df + 1)) + 1, from PostgreSQL's own statistics of the tsvector
    column (ANALYZE keeps the most common lexemes with their frequencies, as the planner uses
    them); a lexeme not among them is rarer than the rarest listed, and gets half of that."""
    row = conn.execute(
        "SELECT most_common_elems::text::text[], most_common_elem_freqs, "
        "(SELECT reltuples FROM pg_class WHERE relname = 'kb_sections') "
        "FROM pg_stats WHERE tablename = 'kb_sections' AND attname = 'tsv'").fetchone()
    if not row or not row[0]:
        return {lexeme: 1.0 for lexeme in lexemes}
    elems, freqs, rows = row
    known = dict(zip(elems, freqs[:len(elems)], strict=False))
    floor = min(freqs[:len(elems)]) / 2
    n = max(float(rows or 0), 1.0)
    return {lexeme: math.log(1.0 / (known.get(lexeme, floor) + 1.0 / n)) + 1.0 for lexeme in lexemes}


def score_sql(compiled: TsCompiled, params: dict, weights: dict[str, float]) -> str:
    """The ranking expression: per query word, its idf times the field-weighted ts_rank of its
    terms (normalised by the section's length); plus the whole phrase, the words near each
    other, and neighbouring pairs."""
    if not compiled.units:
        return "0.0"
    parts = []
    norm = f"{K1} * ({1 - B} + {B} * length / %(avg_length)s::float8)"
    for i, (gate, lexemes) in enumerate(compiled.units):
        terms = []
        for j, (lexeme, weight) in enumerate(lexemes):
            key = f"u{i}_{j}"
            params[key] = (quote_lexeme(lexeme[:-2]) + ":*") if lexeme.endswith(":*") else quote_lexeme(lexeme)
            tf = f"ts_rank('{RANK_WEIGHTS}', tsv, %({key})s::tsquery, 0)"
            factor = weight * weights.get(lexeme, 1.0)
            terms.append(f"{factor:.4f} * {tf} * {K1 + 1} / ({tf} + {norm})")
        summed = " + ".join(terms)
        if gate is not None:
            params[f"gate{i}"] = gate
            summed = f"CASE WHEN tsv @@ %(gate{i})s::tsquery THEN {summed} ELSE 0 END"
        parts.append(summed)
    if compiled.phrase:
        params["phrase"] = compiled.phrase
        parts.append(f"CASE WHEN tsv @@ %(phrase)s::tsquery THEN {PHRASE_BOOST} * "
                     f"ts_rank('{RANK_WEIGHTS}', tsv, %(phrase)s::tsquery, 1) ELSE 0 END")
    if compiled.near:
        params["near"] = compiled.near
        parts.append(f"{PROXIMITY_BOOST} * ts_rank_cd('{RANK_WEIGHTS}', tsv, %(near)s::tsquery, 1)")
    for i, pair in enumerate(compiled.pairs):
        params[f"pair{i}"] = pair
        parts.append(f"CASE WHEN tsv @@ %(pair{i})s::tsquery THEN {PAIR_BOOST} * "
                     f"ts_rank('{RANK_WEIGHTS}', tsv, %(pair{i})s::tsquery, 1) ELSE 0 END")
    return " + ".join(parts)


def _candidates(conn, where: str, params: dict, compiled: TsCompiled, count: int) -> str:
    """The condition that picks the sections to rank: all when few, else the heading matches
    and the newest up to RANK_LIMIT."""
    if count <= RANK_LIMIT:
        return where
    picked: list[int] = []
    if compiled.head:
        params["head"] = compiled.head
        picked = [r[0] for r in conn.execute(
            f"SELECT sid FROM kb_sections WHERE {where} AND tsv @@ %(head)s::tsquery "
            f"ORDER BY date_ord DESC, sid LIMIT {RANK_LIMIT}", params)]
    if len(picked) < RANK_LIMIT:
        params["picked"] = picked
        picked += [r[0] for r in conn.execute(
            f"SELECT sid FROM kb_sections WHERE {where} AND sid <> ALL(%(picked)s) "
            f"ORDER BY date_ord DESC, sid LIMIT {RANK_LIMIT - len(picked)}", params)]
    params["candidates"] = picked
    return "sid = ANY(%(candidates)s)"


def _ranked(conn, where: str, params: dict, compiled: TsCompiled, count: int, words: list | None = None):
    """(sid, doc_id, year, score, words present) of the sections to rank, by sid."""
    which = _candidates(conn, where, params, compiled, count)
    present = "0"
    if words:
        for i, word in enumerate(words):
            params[f"word{i}"] = word
        present = " + ".join(f"(tsv @@ %(word{i})s::tsquery)::int" for i in range(len(words)))
    weights = idf(conn, [lexeme for _, lexemes in compiled.units for lexeme, _ in lexemes])
    row = conn.execute("SELECT value FROM kb_meta WHERE key = 'avg_length'").fetchone()
    params["avg_length"] = max(1.0, float(row[0])) if row else 1.0
    return conn.execute(f"SELECT sid, doc_id, year, {score_sql(compiled, params, weights)}, {present} "
                        f"FROM kb_sections WHERE {which} ORDER BY sid", params).fetchall()


def _year_span(conn) -> tuple[int, int]:
    lo, hi = conn.execute("SELECT coalesce(min(year) FILTER (WHERE year > 0), 0), "
                          "coalesce(max(year), 0) FROM kb_documents").fetchone()
    return int(lo), int(hi)


def _boosted(rows: list[tuple], span: tuple[int, int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(sids, document codes, scores with the recency tie-break) of ranked rows."""
    sids = np.array([r[0] for r in rows], dtype=np.int64)
    codes: dict[str, int] = {}
    doc_code = np.array([codes.setdefault(r[1], len(codes)) for r in rows], dtype=np.int64)
    years = np.array([r[2] for r in rows], dtype=np.float64)
    scores = np.array([float(r[3]) for r in rows], dtype=np.float64)
    lo, hi = span
    if hi > lo and len(rows):
        recency = np.where(years > 0, (years - lo) / (hi - lo), 0.0)
        scores = scores * (1.0 + RECENCY_WEIGHT * recency)
    return sids, doc_code, scores


def _order(rows: list[tuple], tiers: np.ndarray, span: tuple[int, int]) -> list[tuple[int, float]]:
    """(sid, score) in ranked order: recency tie-break, then tier by tier collapsed by document."""
    if not rows:
        return []
    sids, doc_code, scores = _boosted(rows, span)
    positions = np.arange(len(rows), dtype=np.int64)
    order = _tiered_order(positions, scores, tiers, doc_code)
    return [(int(sids[i]), float(scores[i])) for i in order]


def _vocabulary(conn, prefix: str):
    """The unstemmed indexed words starting with ``prefix`` (for ``index.search.by_siblings``)."""
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    rows = conn.execute("SELECT word FROM kb_vocabulary WHERE word LIKE %s ORDER BY word LIMIT 1000",
                        (escaped + "%",)).fetchall()
    return (r[0] for r in rows)


def _stand_in(store, parsed: ParsedQuery, combined: Filters) -> ParsedQuery | None:
    """The query with its compounds' siblings when nothing matches it whole, as the Whoosh engine
    does (``index.search.by_siblings``); None otherwise."""
    if parsed.tree is None or parsed.no_words or not has_compound_word(parsed.tree):
        return None
    compiled = compile_tree(parsed.tree)
    if compiled.query is None:
        return None
    params: dict = {}
    conditions = ["tsv @@ %(q)s::tsquery", *filter_sql(combined, params)]
    params["q"] = compiled.query
    with store.snapshot() as conn:
        conn.execute("SET LOCAL enable_seqscan = off")
        if conn.execute(f"SELECT 1 FROM kb_sections WHERE {' AND '.join(conditions)} LIMIT 1", params).fetchone():
            return None

        def unmatched(word: str) -> bool:
            query = compile_tree(Word(word)).query
            if query is None:
                return True
            params["w"] = query
            where = " AND ".join(["tsv @@ %(w)s::tsquery", *conditions[1:]])
            return conn.execute(f"SELECT 1 FROM kb_sections WHERE {where} LIMIT 1", params).fetchone() is None

        return by_siblings(parsed, lambda prefix: _vocabulary(conn, prefix), unmatched)


def run_search(store, query: str | ParsedQuery, *, filters: Filters | None = None, page: int = 1,
               limit: int = 10, sort: str = "relevance") -> dict:
    """The `kb search --json` shape for ``query``, as ``index.search.run_search`` gives it."""
    parsed = parse(query) if isinstance(query, str) else query
    text = query if isinstance(query, str) else (parsed.text or "")
    stand_in = _stand_in(store, parsed, merge_filters(parsed.filters, filters))
    if stand_in is not None:
        result = _run_search(store, stand_in, text, filters, page, limit, sort)
        if result["total"]:
            return result
    return _run_search(store, parsed, text, filters, page, limit, sort)


def _run_search(store, parsed: ParsedQuery, text: str, filters: Filters | None, page: int, limit: int,
                sort: str) -> dict:
    combined = merge_filters(parsed.filters, filters)
    compiled = compile_tree(parsed.tree)
    notices = [parsed.notice] if parsed.notice else []
    params: dict = {}
    conditions = filter_sql(combined, params)
    page = max(1, page)
    start = (page - 1) * limit
    tiered = bool(compiled.conjunctive and parsed.tree is not None)
    if parsed.no_words:   # the text held nothing to search for: nothing, never everything
        return _result(text, 0, page, limit, [], dict(EMPTY_FACETS), None, notices, combined)
    with store.snapshot() as conn:
        conn.execute("SET LOCAL enable_seqscan = off")   # the GIN index, never every tsvector
        if parsed.tree is not None and compiled.query is None:
            notices.append(STOPWORDS_ONLY)
            return _result(text, 0, page, limit, [], dict(EMPTY_FACETS), None, notices, combined,
                           tiers={"all_words": 0, "some_words": 0} if tiered else None)
        if parsed.tree is not None:
            params["q"] = compiled.query
            conditions.insert(0, "tsv @@ %(q)s::tsquery")
        where = " AND ".join(conditions) or "TRUE"
        total, documents, facets = _facets(conn, where, params)
        strict_total, strict_documents = total, documents
        order: list[tuple[int, float]] = []
        ranked_all = parsed.tree is None or sort == "date"
        fill = None
        if tiered and documents < FILL_BELOW:
            fill = _fill(conn, parsed, params, conditions, total)
            if fill is not None:
                total, documents = fill["total"], fill["documents"]
                if not strict_total:   # facets count the first tier when it is not empty
                    facets = fill["facets"]
        tier_of: dict[int, int] = {}
        rows: list[tuple] = []
        tiers = np.zeros(0, dtype=np.int64)
        span = _year_span(conn)
        if not ranked_all:
            rows = _ranked(conn, where, params, compiled, strict_total)
            tiers = np.zeros(len(rows), dtype=np.int64)
            if fill is not None:
                rows += fill["rows"]
                tiers = np.r_[tiers, fill["tiers"]]
            order = _order(rows, tiers, span)
            tier_of = {int(r[0]): int(t) for r, t in zip(rows, tiers, strict=True)}
        elif fill is not None:   # by date: the all-words hits first, then the rest, newest first
            order = _by_date(conn, where, params, 0, strict_total)
            tier_of = dict.fromkeys((sid for sid, _ in order), 0)
            params["seen"] = [sid for sid, _ in order]
            order += _by_date(conn, fill["where"] + " AND sid <> ALL(%(seen)s)", params, 0, total)
        all_where = fill["where"] if fill else where
        window = order[start:start + limit] if limit > 0 else []
        if limit > 0 and start + limit > len(order) and total > len(order):
            params["ranked"] = [sid for sid, _ in order]
            rest_where = all_where + " AND sid <> ALL(%(ranked)s)"
            skip = max(0, start - len(order))
            window += _by_date(conn, rest_where, params, skip, limit - len(window))
        hits = _hits(conn, window, compiled)
        hit_tiers = [tier_of.get(sid, 0 if fill is None else 1) for sid, _ in window][:len(hits)]
        page_documents = []
        if limit > 0:
            page_documents = _documents(conn, compiled, rows, tiers, span, where, all_where, params,
                                        strict_documents if fill else documents, start, limit,
                                        by_date=ranked_all, filled=fill is not None)
        suggestion = None
        if total < SUGGEST_BELOW and compiled.words:
            from index.pg.suggest import VocabularyReader
            from index.suggest import suggest

            suggestion = suggest(VocabularyReader(conn), text, compiled.words)
    return _result(text, total, page, limit, hits, facets, suggestion, notices, combined,
                   hit_tiers=hit_tiers, total_documents=documents, documents=page_documents,
                   tiers={"all_words": strict_documents, "some_words": documents - strict_documents}
                   if tiered else None)


def _documents(conn, compiled: TsCompiled, rows: list[tuple], tiers: np.ndarray, span: tuple[int, int],
               where: str, all_where: str, params: dict, first_tier: int, start: int, limit: int, *,
               by_date: bool, filled: bool) -> list[dict]:
    """Page ``start // limit`` of the matching documents, each with its best sections: the ranked
    sections grouped by document first, then the documents without a ranked section, newest
    first (sorted by date: the documents of the first tier newest first, then the others)."""
    picked: list[tuple[str, list[tuple[int, float]], int, int, float]] = []  # doc, sections, count, tier, score
    ranked_docs: list[str] = []
    if rows:
        sids, doc_code, scores = _boosted(rows, span)
        grouping = group_documents(doc_code, scores, tiers, sids)
        ranked_docs = [None] * int(doc_code.max() + 1)
        for r, code in zip(rows, doc_code.tolist(), strict=True):
            ranked_docs[code] = r[1]
        for positions, count, tier, score in grouping.page(start, limit):
            doc = ranked_docs[int(doc_code[positions[0]])]
            picked.append((doc, [(int(sids[p]), float(scores[p])) for p in positions], count, tier, score))
        ranked_docs = [d for d in ranked_docs if d is not None]
        start = max(0, start - grouping.total)
    missing = limit - len(picked)
    if missing > 0 and by_date and filled:
        # The first tier's documents (fewer than FILL_BELOW) newest first, then the others.
        firsts = _docs_by_date(conn, where, params, 0, first_tier)
        params["first_tier"] = firsts
        rest = _docs_by_date(conn, all_where + " AND doc_id <> ALL(%(first_tier)s::text[])", params,
                             max(0, start - len(firsts)), missing)
        chosen = [(d, 0) for d in firsts][start:start + missing] + [(d, 1) for d in rest]
        picked += [(d, [], 0, tier, 0.0) for d, tier in chosen[:missing]]
    elif missing > 0:
        params["grouped"] = ranked_docs
        more = _docs_by_date(conn, all_where + " AND doc_id <> ALL(%(grouped)s::text[])", params, start, missing)
        picked += [(d, [], 0, 1 if filled else 0, 0.0) for d in more]
    unranked = [doc for doc, sections, *_ in picked if not sections]
    if unranked:
        params["page_docs"] = unranked
        found: dict[str, list[int]] = {}
        for sid, doc in conn.execute(f"SELECT sid, doc_id FROM kb_sections WHERE {all_where} "
                                     "AND doc_id = ANY(%(page_docs)s::text[]) ORDER BY doc_id, sid", params):
            found.setdefault(doc, []).append(sid)
        picked = [(doc, sections or [(sid, 0.0) for sid in found.get(doc, [])[:SHOWN]],
                   count or len(found.get(doc, [])), tier, score)
                  for doc, sections, count, tier, score in picked]
    hits = {h["id"]: h for h in _hits(conn, [s for _, sections, *_ in picked for s in sections], compiled)}
    sid_ids = dict(conn.execute("SELECT sid, id FROM kb_sections WHERE sid = ANY(%s)",
                                ([sid for _, sections, *_ in picked for sid, _ in sections],)).fetchall())
    out = []
    for _doc, sections, count, tier, score in picked:
        shown = [{**hits[sid_ids[sid]], "tier": tier} for sid, _ in sections if sid_ids.get(sid) in hits]
        if shown:
            out.append(document_result(shown, count, tier, score))
    return out


def _docs_by_date(conn, where: str, params: dict, offset: int, count: int) -> list[str]:
    if count <= 0:
        return []
    return [r[0] for r in conn.execute(
        f"SELECT doc_id FROM kb_sections WHERE {where} GROUP BY doc_id ORDER BY max(date_ord) DESC, doc_id "
        f"OFFSET {int(offset)} LIMIT {int(count)}", params)]


def match_where(conn, parsed: ParsedQuery, combined: Filters, params: dict) -> str | None:
    """The SQL condition of the whole match set of a query (its some-words tier included when
    the search fills one), or None when it matches nothing."""
    compiled = compile_tree(parsed.tree)
    if parsed.no_words or (parsed.tree is not None and compiled.query is None):
        return None
    conditions = filter_sql(combined, params)
    if parsed.tree is not None:
        params["q"] = compiled.query
        conditions.insert(0, "tsv @@ %(q)s::tsquery")
    where = " AND ".join(conditions) or "TRUE"
    if compiled.conjunctive and parsed.tree is not None:
        total, documents, _ = _facets(conn, where, params)
        if documents < FILL_BELOW:
            fill = _fill(conn, parsed, params, conditions, total)
            if fill is not None:
                return fill["where"]
    return where


def matching_sections(store, query: str | ParsedQuery, doc_id: str, *, filters: Filters | None = None) -> list[str]:
    """The ids of every section of ``doc_id`` the query matches (all tiers), in document order."""
    parsed = parse(query) if isinstance(query, str) else query
    combined = merge_filters(parsed.filters, filters)
    parsed = _stand_in(store, parsed, combined) or parsed
    params: dict = {}
    with store.snapshot() as conn:
        conn.execute("SET LOCAL enable_seqscan = off")
        where = match_where(conn, parsed, combined, params)
        if where is None:
            return []
        params["doc"] = doc_id
        ids = [r[0] for r in conn.execute(f"SELECT id FROM kb_sections WHERE {where} AND doc_id = %(doc)s",
                                          params)]
    return sorted(ids, key=lambda i: int(i.rpartition("#")[2]) if i.rpartition("#")[2].isdigit() else 0)


def _by_date(conn, where: str, params: dict, offset: int, count: int) -> list[tuple[int, float]]:
    if count <= 0:
        return []
    rows = conn.execute(f"SELECT sid FROM kb_sections WHERE {where} ORDER BY date_ord DESC, sid "
                        f"OFFSET {int(offset)} LIMIT {int(count)}", params).fetchall()
    return [(r[0], 0.0) for r in rows]


def _fill(conn, parsed: ParsedQuery, params: dict, conditions: list[str], strict: int) -> dict | None:
    """Some-words hits after few all-words hits: the loosened query's match set (minus the
    all-words hits), each section's tier = words missing (1 for all but one)."""
    looser = loosened(parsed.tree)
    if looser is None:
        return None
    loose = compile_tree(looser, lacking_a_word=True)
    if loose.query is None:
        return None
    params["loose"] = loose.query
    loose_where = " AND ".join(["tsv @@ %(loose)s::tsquery", *conditions[1:]]) or "TRUE"
    total, documents, facets = _facets(conn, loose_where, params)
    if total <= strict:
        return None
    words = [compile_tree(w).query for w in looser.children]
    words = [w for w in words if w is not None]
    params["some"] = f"({loose.query}) & !({params['q']})"   # one GIN condition, no tsvector read
    some_where = " AND ".join(["tsv @@ %(some)s::tsquery", *conditions[1:]])
    rows = _ranked(conn, some_where, params, loose, total - strict, words if len(words) >= 3 else None)
    present = np.array([r[4] for r in rows], dtype=np.int64)
    tiers = np.maximum(1, len(words) - present) if len(words) >= 3 else np.ones(len(rows), dtype=np.int64)
    return {"total": total, "documents": documents, "facets": facets, "rows": rows, "tiers": tiers,
            "strict": strict, "where": loose_where}


def _hits(conn, window: list[tuple[int, float]], compiled: TsCompiled) -> list[dict]:
    if not window:
        return []
    stored = {sid: (section_id, payload) for sid, section_id, payload in conn.execute(
        "SELECT sid, id, payload FROM kb_sections WHERE sid = ANY(%s)", ([sid for sid, _ in window],))}
    hits = []
    for sid, score in window:
        if sid not in stored:
            continue
        section_id, payload = stored[sid]
        shown = json.loads(payload)
        hits.append(make_hit(section_id, shown, shown.get("raw_text") or "", score, compiled))
    return hits


def _result(text, total, page, limit, hits, facets, suggestion, notices, combined: Filters, *,
            hit_tiers: list[int] | None = None, total_documents: int = 0, documents: list[dict] | None = None,
            tiers: dict | None = None) -> dict:
    return {
        "query": text,
        "total": int(total),
        "page": page,
        "limit": limit,
        "hits": hits,
        "hit_tiers": list(hit_tiers or []),
        "total_documents": int(total_documents),
        "documents": documents or [],
        "tiers": tiers,
        "facets": facets,
        "facets_timed_out": [],
        "suggestion": suggestion,
        "notice": " ".join(notices) if notices else None,
        "filters": combined.active(),
    }
