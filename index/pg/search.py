"""Searching sections in PostgreSQL: the same contract as ``index.search``, in SQL.

One read-only snapshot per search:

1. the match set is ``tsv @@ tsquery`` over the GIN index (the query compiled from the same
   parse tree, see ``index.pg.tsquery``), narrowed by the filters as SQL conditions;
2. total and facets come from one ``GROUP BY GROUPING SETS`` over the whole match set;
3. ranking: BM25's shape over ``ts_rank``'s field-weighted, saturating term frequency: per
   query word its idf (from PostgreSQL's lexeme statistics) times tf·(k1+1)/(tf + k1·(1-b+b·len/avg)),
   plus the phrase,
   proximity (``ts_rank_cd``) and neighbouring-pair boosts, then, as in Whoosh, the recency
   tie-break and collapsing by document (``index.search``'s own functions, in NumPy). A match
   set larger than ``RANK_LIMIT`` ranks its sections with a query word in the heading first
   and then the newest, up to ``RANK_LIMIT`` (reading every tsvector of 100,000 matches would
   take a second); the rest follows newest first;
4. few all-words hits are followed by some-words hits in tiers (most words first);
5. the page's hits come from the stored payloads, through the same hit builder and snippets;
   "menade du" from the vocabulary table (``index.pg.suggest``).
"""

from __future__ import annotations

import json
import math

import numpy as np

from index.compile import by_first_parts
from index.filters import merge_filters
from index.pg.rows import RANK_WEIGHTS, quote_lexeme
from index.pg.tsquery import TsCompiled, compile_tree, loosened
from index.querytree import Filters, ParsedQuery
from index.search import (
    FILL_BELOW,
    FILLED,
    FIRST_PART,
    LOOSENED,
    RECENCY_WEIGHT,
    STOPWORDS_ONLY,
    SUGGEST_BELOW,
    _tiered_order,
    make_hit,
    parse,
    sibling_list,
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
       year, committee, doc_type, municipality, recommendation, count(*)
FROM kb_sections WHERE {where}
GROUP BY GROUPING SETS ((), (year), (committee), (doc_type), (municipality), (recommendation))
"""
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


def _facets(conn, where: str, params: dict) -> tuple[int, dict]:
    counts: dict[str, dict] = {"year": {}, "committee": {}, "doc_type": {}, "municipality": {},
                               "recommendation": {}}
    total = 0
    for g, year, committee, doc_type, municipality, recommendation, n in conn.execute(
            FACET_SQL.format(where=where), params):
        name = _SETS.get(g)
        if name == "total":
            total = n
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
    return total, out


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


def _order(rows: list[tuple], tiers: np.ndarray, span: tuple[int, int]) -> list[tuple[int, float]]:
    """(sid, score) in ranked order: recency tie-break, then tier by tier collapsed by document."""
    if not rows:
        return []
    sids = np.array([r[0] for r in rows], dtype=np.int64)
    codes: dict[str, int] = {}
    doc_code = np.array([codes.setdefault(r[1], len(codes)) for r in rows], dtype=np.int64)
    years = np.array([r[2] for r in rows], dtype=np.float64)
    scores = np.array([float(r[3]) for r in rows], dtype=np.float64)
    lo, hi = span
    if hi > lo:
        recency = np.where(years > 0, (years - lo) / (hi - lo), 0.0)
        scores = scores * (1.0 + RECENCY_WEIGHT * recency)
    positions = np.arange(len(rows), dtype=np.int64)
    order = _tiered_order(positions, scores, tiers, doc_code)
    return [(int(sids[i]), float(scores[i])) for i in order]


def run_search(store, query: str | ParsedQuery, *, filters: Filters | None = None, page: int = 1,
               limit: int = 10, sort: str = "relevance") -> dict:
    """The `kb search --json` shape for ``query``, as ``index.search.run_search`` gives it."""
    parsed = parse(query) if isinstance(query, str) else query
    text = query if isinstance(query, str) else (parsed.text or "")
    combined = merge_filters(parsed.filters, filters)
    compiled = compile_tree(parsed.tree)
    notices = [parsed.notice] if parsed.notice else []
    params: dict = {}
    conditions = filter_sql(combined, params)
    page = max(1, page)
    start = (page - 1) * limit
    with store.snapshot() as conn:
        conn.execute("SET LOCAL enable_seqscan = off")   # the GIN index, never every tsvector
        if parsed.tree is not None and compiled.query is None:
            notices.append(STOPWORDS_ONLY)
            return _result(text, 0, page, limit, [], _facets(conn, "FALSE", {})[1], None, notices, combined)
        if parsed.tree is not None:
            params["q"] = compiled.query
            conditions.insert(0, "tsv @@ %(q)s::tsquery")
        where = " AND ".join(conditions) or "TRUE"
        total, facets = _facets(conn, where, params)
        order: list[tuple[int, float]] = []
        ranked_all = parsed.tree is None or sort == "date"
        fill = None
        whole = total
        if compiled.conjunctive and parsed.tree is not None and total < FILL_BELOW:
            fill = _fill(conn, parsed, params, conditions, total)
            if fill is not None:
                notices.append(FILLED.format(n=total) if total else LOOSENED)
                total, facets = fill["total"], fill["facets"]
        first = None
        if parsed.tree is not None and whole == 0:
            first = _first_part(conn, parsed, params, conditions, fill["where"] if fill else where)
            if first is not None:
                notices.append(FIRST_PART.format(words=sibling_list(first["compiled"].words)))
                compiled.terms |= first["compiled"].terms
                total, facets = first["total"], first["facets"]
        if not ranked_all:
            rows = _ranked(conn, where, params, compiled, total if fill is None and first is None
                           else fill["strict"] if fill is not None else first["before"])
            tiers = np.zeros(len(rows), dtype=np.int64)
            if fill is not None:
                rows += fill["rows"]
                tiers = np.r_[tiers, fill["tiers"]]
            if first is not None:
                rows += first["rows"]
                tiers = np.r_[tiers, np.full(len(first["rows"]), int(tiers.max(initial=0)) + 1, dtype=np.int64)]
            order = _order(rows, tiers, _year_span(conn))
        elif fill is not None or first is not None:   # by date: all-words hits, then the rest, newest first
            order = _by_date(conn, where, params, 0, fill["strict"] if fill else first["before"])
            for later in (fill, first):
                if later is not None:
                    params["seen"] = [sid for sid, _ in order]
                    order += _by_date(conn, later["where"] + " AND sid <> ALL(%(seen)s)", params, 0, total)
        window = order[start:start + limit] if limit > 0 else []
        if limit > 0 and start + limit > len(order) and total > len(order):
            params["ranked"] = [sid for sid, _ in order]
            rest_where = (first["where"] if first else fill["where"] if fill else where) + " AND sid <> ALL(%(ranked)s)"
            skip = max(0, start - len(order))
            window += _by_date(conn, rest_where, params, skip, limit - len(window))
        hits = _hits(conn, window, compiled)
        suggestion = None
        if total < SUGGEST_BELOW and compiled.words:
            from index.pg.suggest import VocabularyReader
            from index.suggest import suggest

            suggestion = suggest(VocabularyReader(conn), text, compiled.words)
    return _result(text, total, page, limit, hits, facets, suggestion, notices, combined)


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
    total, facets = _facets(conn, loose_where, params)
    if total <= strict:
        return None
    words = [compile_tree(w).query for w in looser.children]
    words = [w for w in words if w is not None]
    params["some"] = f"({loose.query}) & !({params['q']})"   # one GIN condition, no tsvector read
    some_where = " AND ".join(["tsv @@ %(some)s::tsquery", *conditions[1:]])
    rows = _ranked(conn, some_where, params, loose, total - strict, words if len(words) >= 3 else None)
    present = np.array([r[4] for r in rows], dtype=np.int64)
    tiers = np.maximum(1, len(words) - present) if len(words) >= 3 else np.ones(len(rows), dtype=np.int64)
    return {"total": total, "facets": facets, "rows": rows, "tiers": tiers, "strict": strict,
            "where": loose_where}


def _first_part(conn, parsed: ParsedQuery, params: dict, conditions: list[str], seen_where: str) -> dict | None:
    """After few hits: the sections matching the query with each compound word replaced by the
    vocabulary's other compounds of the same first part (förled), minus those already found, as
    ``index.search._shared_first_part`` does."""
    def vocabulary(prefix: str):
        escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        rows = conn.execute("SELECT word FROM kb_vocabulary WHERE word LIKE %s ORDER BY word LIMIT 1000",
                            (escaped + "%",)).fetchall()
        return (r[0] for r in rows)

    first = by_first_parts(parsed.tree, vocabulary)
    if first is None:
        return None
    compiled = compile_tree(first)
    if compiled.query is None:
        return None
    before, _ = _facets(conn, seen_where, params)
    params["first"] = compiled.query
    where = " AND ".join([f"(({seen_where}) OR tsv @@ %(first)s::tsquery)", *conditions[1:]])
    total, facets = _facets(conn, where, params)
    if total <= before:
        return None
    only_first = " AND ".join([f"tsv @@ %(first)s::tsquery AND NOT ({seen_where})", *conditions[1:]])
    rows = _ranked(conn, only_first, params, compiled, total - before)
    return {"total": total, "facets": facets, "rows": rows, "before": before, "where": where,
            "compiled": compiled}


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


def _result(text, total, page, limit, hits, facets, suggestion, notices, combined: Filters) -> dict:
    return {
        "query": text,
        "total": int(total),
        "page": page,
        "limit": limit,
        "hits": hits,
        "facets": facets,
        "facets_timed_out": [],
        "suggestion": suggestion,
        "notice": " ".join(notices) if notices else None,
        "filters": combined.active(),
    }
