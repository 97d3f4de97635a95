"""Reading one snapshot of the database the way ``index.search`` reads a Whoosh searcher.

``index.search.run_search`` is the one search pipeline: match set, filters, facets, ranking,
collapsing, tiers, documents, hits. It asks a searcher for a few things, and ``PgSearcher``
answers them from one read-only snapshot:

* ``postings_state()``: the posting source ``index.postings`` evaluates a query over (Whoosh's
  vectorised BM25F, the same code for both engines): each (field, term)'s sections, term
  frequencies and positions come from ``kb_postings`` (all of a query's terms in one statement),
  the field lengths and the statistics BM25F needs (number of records, total field lengths)
  from the column arrays;
* ``arrays``: the column arrays (``index.columns.ColumnArrays``): per section its document,
  year, date, committee, document type, municipality, recommendation and field lengths, loaded
  once per committed generation (only the documents written since the last load are read);
* ``reader()``: prefix expansion over ``kb_postings``' terms, and the "menade du" reader
  (``index.pg.suggest``);
* ``stored_fields`` / ``document`` / ``document_numbers`` / ``docs_for_query``: a page's hit
  payloads (one statement per page), a section's document, a document's sections, dnr: filters.

Section ids (``sid``) are the docnums: arrays are indexed by them.
"""

from __future__ import annotations

import threading
from math import log

import numpy as np
from whoosh import query as wq
from whoosh.scoring import BM25F
from whoosh.util.numeric import _length_byte_cache

from index.columns import LABEL_COLUMNS, ColumnArrays
from index.pg.rows import FIELD_CODES, FIELD_NAMES, keeps_positions
from index.postings import EMPTY_IDS, EMPTY_SCORES, TERM_CACHE, bm25
from index.schema import DOCUMENT, SPELL_FIELD, build_schema

_SCHEMA = build_schema()
_BYTE_LENGTHS = np.array(_length_byte_cache, dtype=np.int64)
_DEFAULTS = BM25F()
EMPTY_STARTS = np.zeros(1, dtype=np.int64)


def byte_coded(lengths: np.ndarray) -> np.ndarray:
    """Field lengths as Whoosh scores them: stored as one byte (``length_to_byte``) and read
    back (``byte_to_length``), as floats."""
    codes = np.minimum(np.searchsorted(_BYTE_LENGTHS, lengths, side="left"), 255)
    return _BYTE_LENGTHS[codes].astype(np.float64)


# -- column arrays ------------------------------------------------------------------------------

class Columns:
    """Per store: what is known of the database's documents and sections, and the column arrays of
    the last generation a search asked for. Section data never changes once written (a new
    version of a document gets new sections), so a new generation reads only what is new."""

    def __init__(self):
        self._lock = threading.Lock()
        self.arrays: ColumnArrays | None = None
        self.epoch: str | None = None
        self._reset()

    def _reset(self) -> None:
        self.doc_code_of_seq: dict[int, int] = {}
        self.doc_ids: list[str] = []
        self.doc_year = np.zeros(0, dtype=np.int32)
        self.doc_date = np.zeros(0, dtype=np.int32)
        self.doc_labels: dict[str, list[int]] = {name: [] for name in LABEL_COLUMNS}
        self.label_tables: dict[str, dict[str, int]] = {name: {"": 0} for name in LABEL_COLUMNS}
        self.known = np.zeros(0, dtype=bool)                  # by sid
        self.section_doc = np.zeros(0, dtype=np.int32)        # by sid: document code
        self.recommendation = np.zeros(0, dtype=np.int32)
        self.lengths = np.zeros((len(FIELD_NAMES), 0), dtype=np.int64)
        self.coded_lengths = np.zeros((len(FIELD_NAMES), 0), dtype=np.float64)

    def current(self, conn, epoch: str, generation: int) -> ColumnArrays:
        """The column arrays of this snapshot's generation (loading what is new)."""
        arrays = self.arrays
        if arrays is not None and arrays.key == ("pg", epoch, generation):
            return arrays
        with self._lock:
            if self.arrays is None or self.arrays.key != ("pg", epoch, generation):
                if self.epoch != epoch:
                    self._reset()
                    self.epoch = epoch
                self.arrays = self._load(conn, epoch, generation)
            return self.arrays

    def empty(self) -> ColumnArrays:
        """The arrays of a database with nothing stored."""
        arrays = self._load(None, "", 0)
        return arrays

    def _grow(self, size: int) -> None:
        old = len(self.known)
        if size <= old:
            return
        size = max(size, old + old // 2)
        self.known = np.resize(self.known, size)
        self.known[old:] = False
        for name in ("section_doc", "recommendation"):
            grown = np.zeros(size, dtype=np.int32)
            grown[:old] = getattr(self, name)
            setattr(self, name, grown)
        lengths = np.zeros((len(FIELD_NAMES), size), dtype=np.int64)
        lengths[:, :old] = self.lengths
        self.lengths = lengths
        coded = np.zeros((len(FIELD_NAMES), size), dtype=np.float64)
        coded[:, :old] = self.coded_lengths
        self.coded_lengths = coded

    def _load(self, conn, epoch: str, generation: int) -> ColumnArrays:
        raw = None if conn is None else conn.execute(
            "SELECT string_agg(int8send(seq), ''::bytea) FROM kb_documents").fetchone()[0]
        live_seqs = np.frombuffer(raw or b"", dtype=">i8").astype(np.int64)
        new = [int(s) for s in live_seqs if int(s) not in self.doc_code_of_seq]
        if new:
            self._add_documents(conn, new)
        live_docs = np.zeros(len(self.doc_ids), dtype=bool)
        if len(live_seqs):
            live_docs[[self.doc_code_of_seq[int(s)] for s in live_seqs]] = True
        size = len(self.known)
        # Copies: a later load writes new sections into the shared arrays (a section id a slow
        # writer took earlier can be lower than ones already seen).
        doc_code = self.section_doc[:size].copy()
        live = self.known[:size] & live_docs[doc_code] if len(live_docs) else np.zeros(size, dtype=bool)
        labels = {}
        for name in LABEL_COLUMNS:
            table = self.label_tables[name]
            codes = np.array(self.doc_labels[name], dtype=np.int32)
            labels[name] = ((codes[doc_code] if len(codes) else np.zeros(size, dtype=np.int32)), list(table))
        year = self.doc_year[doc_code] if len(self.doc_year) else np.zeros(size, dtype=np.int32)
        date = self.doc_date[doc_code] if len(self.doc_date) else np.zeros(size, dtype=np.int32)
        known_years = self.doc_year[live_docs] if len(live_docs) else self.doc_year
        known_years = known_years[known_years > 0]
        span = (int(known_years.min()), int(known_years.max())) if len(known_years) else (0, 0)
        arrays = ColumnArrays(key=("pg", epoch, generation), size=size, live_sections=live,
                              doc_code=doc_code, year=year,
                              date=date, recommendation=self.recommendation[:size].copy(), labels=labels,
                              year_span=span)
        # BM25F's statistics, as Whoosh counts them: every record (sections and documents) and
        # every field's total length; the byte-coded lengths of each section.
        arrays.records = int(live.sum()) + int(live_docs.sum())
        arrays.total_lengths = self.lengths[:, :size][:, live].sum(axis=1) if size else np.zeros(len(FIELD_NAMES))
        arrays.coded_lengths = self.coded_lengths[:, :size]   # a view: a later load only adds sections
                                                              # this generation does not hold
        arrays.doc_ids = self.doc_ids
        return arrays

    def _add_documents(self, conn, seqs: list[int]) -> None:
        rows = conn.execute("SELECT seq, doc_id, year, date_ord, committee, doc_type, municipality "
                            "FROM kb_documents WHERE seq = ANY(%s)", (seqs,)).fetchall()
        first = len(self.doc_ids)
        years, dates = [], []
        ids = []
        for seq, doc_id, year, date_ord, committee, doc_type, municipality in rows:
            self.doc_code_of_seq[int(seq)] = first + len(ids)
            ids.append(doc_id)
            years.append(year)
            dates.append(date_ord)
            for name, value in (("committee", committee), ("doc_type", doc_type),
                                ("municipality", municipality)):
                table = self.label_tables[name]
                self.doc_labels[name].append(table.setdefault(value or "", len(table)))
        self.doc_ids = self.doc_ids + ids
        self.doc_year = np.r_[self.doc_year, np.array(years, dtype=np.int32)]
        self.doc_date = np.r_[self.doc_date, np.array(dates, dtype=np.int32)]
        parts = conn.execute(
            "SELECT string_agg(int4send(sid), ''::bytea ORDER BY sid), "
            "string_agg(int8send(doc_seq), ''::bytea ORDER BY sid), "
            "string_agg(int4send(recommendation), ''::bytea ORDER BY sid), "
            + ", ".join(f"string_agg(int4send(len_{name}), ''::bytea ORDER BY sid)" for name in FIELD_NAMES)
            + " FROM kb_sections WHERE doc_id = ANY(%s)", (ids,)).fetchone()
        if parts[0] is None:
            return
        sids = np.frombuffer(parts[0], dtype=">i4").astype(np.int64)
        doc_seqs = np.frombuffer(parts[1], dtype=">i8")
        self._grow(int(sids.max()) + 1)
        self.known[sids] = True
        self.section_doc[sids] = [self.doc_code_of_seq[int(s)] for s in doc_seqs]
        self.recommendation[sids] = np.frombuffer(parts[2], dtype=">i4")
        for i, raw in enumerate(parts[3:]):
            values = np.frombuffer(raw, dtype=">i4").astype(np.int64)
            self.lengths[i, sids] = values
            self.coded_lengths[i, sids] = byte_coded(values)


# -- the posting source -----------------------------------------------------------------------

def _decode(rows: list[tuple], with_positions: bool):
    """One (field, term)'s rows (n, ids, tfs, pos), segment by segment, as arrays: ids, term
    frequencies, and (with_positions) each posting's position count and all positions."""
    ids = [np.frombuffer(r[1], dtype="<i4") for r in rows]
    tfs = [np.ones(r[0], dtype=np.int64) if r[2] is None else np.frombuffer(r[2], dtype="<u2") for r in rows]
    ids = np.concatenate(ids).astype(np.int64) if len(ids) > 1 else ids[0].astype(np.int64)
    tfs = np.concatenate(tfs).astype(np.int64) if len(tfs) > 1 else tfs[0].astype(np.int64)
    flat = None
    if with_positions:
        parts = [np.frombuffer(r[3], dtype="<i4") for r in rows if r[3] is not None]
        flat = np.concatenate(parts).astype(np.int64) if parts else EMPTY_IDS
    return ids, tfs, flat


def _reorder(ids: np.ndarray, counts: np.ndarray, flat: np.ndarray | None, keep: np.ndarray):
    """Postings ``keep`` (positions into ``ids``), with their positions when given."""
    if flat is None:
        return ids[keep], counts[keep], None
    starts = np.zeros(len(ids) + 1, dtype=np.int64)
    np.cumsum(counts, out=starts[1:])
    chosen = counts[keep]
    first = np.zeros(len(keep), dtype=np.int64)
    np.cumsum(chosen[:-1], out=first[1:])
    at = np.repeat(starts[keep] - first, chosen) + np.arange(int(chosen.sum()))
    return ids[keep], chosen, flat[at]


class PgPostings:
    """The posting source ``index.postings`` evaluates queries over (see ``_State`` there)."""

    schema = _SCHEMA
    K1, B = _DEFAULTS.K1, _DEFAULTS.B

    def __init__(self, conn, arrays: ColumnArrays):
        self.conn = conn
        self.arrays = arrays
        self.key = arrays.key
        self.size = arrays.size
        self.live = arrays.live_sections
        self.records = max(arrays.records, 1)
        self._rows: dict[tuple[int, str], list[tuple]] = {}
        self._positions_read: set[tuple[int, str]] = set()

    # what the evaluator asks for
    def term_scores(self, fieldname: str, text) -> tuple[np.ndarray, np.ndarray]:
        text = text.decode("utf-8") if isinstance(text, bytes) else text
        code = FIELD_CODES.get(fieldname)
        if code is None:
            return EMPTY_IDS, EMPTY_SCORES
        key = (self.key, fieldname, text.encode("utf-8"))
        cached = TERM_CACHE.get(key)
        if cached is not None:
            return cached
        ids, tfs, _flat, _counts = self._postings(code, text, positions=False)
        value = EMPTY_IDS, EMPTY_SCORES
        if len(ids):
            idf = log(self.records / (len(ids) + 1)) + 1
            avgfl = float(self.arrays.total_lengths[code]) / self.records or 1
            value = ids, bm25(tfs.astype(np.float64), self.arrays.coded_lengths[code][ids], idf, avgfl,
                              self.K1, self.B)
        TERM_CACHE.put(key, value)
        return value

    def term_positions(self, fieldname: str, btext, wanted: np.ndarray):
        text = btext.decode("utf-8") if isinstance(btext, bytes) else btext
        code = FIELD_CODES.get(fieldname)
        key = (self.key, fieldname, text.encode("utf-8"), "positions")
        cached = TERM_CACHE.get(key)
        if cached is not None:
            return cached
        if code is None or not keeps_positions(text):
            return EMPTY_IDS, EMPTY_STARTS, EMPTY_IDS
        ids, _tfs, flat, counts = self._postings(code, text, positions=True)
        starts = np.zeros(len(ids) + 1, dtype=np.int64)
        np.cumsum(counts, out=starts[1:])
        value = (ids, starts, flat if flat is not None else EMPTY_IDS)
        TERM_CACHE.put(key, value)
        return value

    # reading the rows
    def prepare(self, query) -> None:
        """Read every (field, term) ``query`` names in one statement (phrase words with their
        positions), before the evaluator asks for them one by one."""
        terms: set[tuple[int, str]] = set()
        positional: set[tuple[int, str]] = set()
        for leaf in _leaves(query):
            if isinstance(leaf, wq.Term):
                code = FIELD_CODES.get(leaf.fieldname)
                if code is not None and isinstance(leaf.text, str):
                    if TERM_CACHE.get((self.key, leaf.fieldname, leaf.text.encode("utf-8"))) is None:
                        terms.add((code, leaf.text))
            elif isinstance(leaf, wq.Phrase):
                code = FIELD_CODES.get(leaf.fieldname)
                if code is not None:
                    for word in leaf.words:
                        if word is None:
                            continue
                        if TERM_CACHE.get((self.key, leaf.fieldname, word.encode("utf-8"), "positions")) is None:
                            positional.add((code, word))
        self._read(terms - set(self._rows), positional - self._positions_read)

    def _read(self, terms: set[tuple[int, str]], positional: set[tuple[int, str]]) -> None:
        wanted = terms | positional
        if not wanted:
            return
        if self.conn is None:
            self._rows.update({key: [] for key in wanted})
            self._positions_read |= positional
            return
        texts = sorted({t for _, t in wanted})
        with_positions = sorted({t for _, t in positional})
        rows = self.conn.execute(
            "SELECT term, field, n, ids, tfs, CASE WHEN term = ANY(%s::text[]) THEN pos END "
            "FROM kb_postings WHERE term = ANY(%s::text[]) ORDER BY term, field, seg",
            (with_positions, texts)).fetchall()
        fresh: dict[tuple[int, str], list[tuple]] = {}
        for term, field, n, ids, tfs, pos in rows:
            fresh.setdefault((field, term), []).append((n, ids, tfs, pos))
        for key in {(f, t) for f in range(len(FIELD_NAMES)) for t in texts}:
            self._rows[key] = fresh.get(key, [])
            if key[1] in with_positions:
                self._positions_read.add(key)

    def _postings(self, code: int, text: str, positions: bool):
        """Live postings of one (field, term), ascending: ids, tfs, positions, position counts."""
        key = (code, text)
        if key not in self._rows or (positions and key not in self._positions_read):
            self._read({key}, {key} if positions else set())
        rows = self._rows[key]
        if not rows:
            return EMPTY_IDS, EMPTY_IDS, (EMPTY_IDS if positions else None), EMPTY_IDS
        ids, tfs, flat = _decode(rows, positions)
        counts = tfs
        keep = np.flatnonzero((ids < self.size) & self.live[np.minimum(ids, self.size - 1)]) \
            if self.size else np.zeros(0, dtype=np.int64)
        if len(keep) and len(ids) > 1 and not (np.diff(ids[keep]) > 0).all():
            keep = keep[np.argsort(ids[keep], kind="stable")]
        if len(keep) != len(ids) or not (keep == np.arange(len(ids))).all():
            ids, counts, flat = _reorder(ids, counts, flat, keep)
        return ids, counts, flat, counts


def _leaves(query):
    """Every Term and Phrase in a (normalized) Whoosh query."""
    stack = [query]
    while stack:
        q = stack.pop()
        if isinstance(q, wq.Term | wq.Phrase):
            yield q
        elif isinstance(q, wq.AndMaybe | wq.AndNot):
            stack += [q.a, q.b]
        elif isinstance(q, wq.Not):
            stack.append(q.query)
        elif hasattr(q, "subqueries"):
            stack += list(q.subqueries)


# -- the searcher ------------------------------------------------------------------------------

class PgReader:
    """The reader calls ``index.compile`` (prefixes) and ``index.suggest`` (menade du) make."""

    def __init__(self, conn):
        self.conn = conn
        self._spelling = None

    def expand_prefix(self, fieldname: str, prefix):
        """Terms of ``fieldname`` starting with ``prefix``, in Whoosh's (UTF-8 byte) order. The
        spell field's are the vocabulary's words (a compound's siblings, ``index.search.by_siblings``)."""
        prefix = prefix.decode("utf-8") if isinstance(prefix, bytes) else prefix
        if self.conn is None:
            return
        pattern = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        if fieldname == SPELL_FIELD:
            yield from self._words(pattern)
            return
        code = FIELD_CODES.get(fieldname)
        if code is None:
            return
        last = None
        batch = 512
        while True:
            rows = self.conn.execute(
                "SELECT DISTINCT term FROM kb_postings WHERE term LIKE %s AND field = %s "
                "AND (%s::text IS NULL OR term > %s::text) ORDER BY term LIMIT %s",
                (pattern, code, last, last, batch)).fetchall()
            for (term,) in rows:
                yield term.encode("utf-8")
            if len(rows) < batch:
                return
            last = rows[-1][0]

    def _words(self, pattern: str):
        """Vocabulary words matching the LIKE ``pattern``, in order, a batch at a time."""
        last = None
        batch = 512
        while True:
            rows = self.conn.execute(
                "SELECT word FROM kb_vocabulary WHERE word LIKE %s AND (%s::text IS NULL OR word > %s::text) "
                "ORDER BY word LIMIT %s", (pattern, last, last, batch)).fetchall()
            for (word,) in rows:
                yield word.encode("utf-8")
            if len(rows) < batch:
                return
            last = rows[-1][0]

    def _speller(self):
        if self._spelling is None:
            from index.pg.suggest import VocabularyReader

            self._spelling = VocabularyReader(self.conn)
        return self._spelling

    def doc_frequency(self, fieldname: str, word: str) -> int:
        return 0 if self.conn is None else self._speller().doc_frequency(fieldname, word)

    def terms_within(self, fieldname: str, word: str, maxdist: int, prefix: int = 0):
        return iter(()) if self.conn is None else self._speller().terms_within(fieldname, word, maxdist, prefix)


class PgSearcher:
    """The part of Whoosh's searcher API ``index.search`` uses, over one snapshot."""

    def __init__(self, conn, columns: Columns, epoch: str | None, generation):
        """``conn`` is in the snapshot's transaction; ``epoch`` and ``generation`` say which
        committed state it sees (None: no tables yet, the empty index's answers)."""
        self.conn = conn
        self.empty = epoch is None
        if self.empty:
            self.arrays = Columns().empty()
        else:
            self.arrays = columns.current(conn, epoch, int(generation))
        self._postings: PgPostings | None = None
        self._stored: dict[int, dict] = {}

    def postings_state(self) -> PgPostings:
        if self._postings is None:
            self._postings = PgPostings(None if self.empty else self.conn, self.arrays)
        return self._postings

    def reader(self) -> PgReader:
        return PgReader(None if self.empty else self.conn)

    def prefetch_stored(self, docnums) -> None:
        """Read the hit payloads of ``docnums`` in one statement."""
        todo = sorted({int(d) for d in docnums} - set(self._stored))
        if not todo:
            return
        for sid, doc_id, number, payload in self.conn.execute(
                "SELECT sid, doc_id, number, payload FROM kb_sections WHERE sid = ANY(%s)", (todo,)):
            self._stored[sid] = {"id": f"{doc_id}#{number}", "payload": payload}

    def stored_fields(self, docnum: int) -> dict:
        docnum = int(docnum)
        if docnum not in self._stored:
            self.prefetch_stored([docnum])
        return self._stored.get(docnum, {})

    def document(self, *, id: str, record: str = DOCUMENT) -> dict | None:  # noqa: A002 (Whoosh's keyword)
        row = self.conn.execute("SELECT payload FROM kb_documents WHERE doc_id = %s", (id,)).fetchone()
        return {"id": id, "payload": bytes(row[0])} if row else None

    def document_numbers(self, *, doc_id: str):
        rows = self.conn.execute("SELECT sid FROM kb_sections WHERE doc_id = %s ORDER BY number", (doc_id,))
        return [r[0] for r in rows]

    def docs_for_query(self, query):
        """Sections of the documents with a case number (``dnr:``, a Term on case_numbers)."""
        if not (isinstance(query, wq.Term) and query.fieldname == "case_numbers"):
            raise TypeError(f"the PostgreSQL engine answers only case-number terms here, not {query!r}")
        rows = self.conn.execute("SELECT s.sid FROM kb_sections s JOIN kb_documents d USING (doc_id) "
                                 "WHERE d.case_numbers @> ARRAY[%s]::text[]", (query.text,))
        return [r[0] for r in rows]
