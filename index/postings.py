"""Match sets as NumPy arrays: Whoosh W3 posting blocks decoded to ids and term frequencies.

Whoosh stores a posting block as a zlib-compressed pickle ``(id deltas, weights, values)``,
where the values are the word positions (ordlägen). Term queries never need positions, so the
decoder inflates only the head of each block and reads the ids and frequencies straight from the
pickle opcodes; the positions are never unpickled. Scores are Whoosh's own BM25F formula, computed
over whole arrays, and the compiled query shapes (Term, Or, And, AndNot, AndMaybe, Not, Every,
boosts) combine arrays by sorted-array intersection and dense bincount unions.

The decoder depends on the codec's private layout. Every block is checked against its own block
header (count and last id); a term whose postings do not read back exactly is taken from Whoosh's
public matcher instead, and so is any query node without a vectorised form (phrases, say).
``tests/test_postings.py`` compares the whole path with Whoosh on many queries.

    evaluate(searcher, query, deadline) -> (docnums, scores, partial)
"""

from __future__ import annotations

import copy
import io
import pickle
import struct
import threading
import time
import weakref
import zlib
from math import log

import numpy as np
from whoosh import query as wq
from whoosh.reading import TermNotFound
from whoosh.scoring import BM25F
from whoosh.util.numeric import byte_to_length

from index.codec import is_packed
from index.lru import LRUCache

MAGIC = b"W3Bl"
CACHE_BYTES = 96 * 2**20          # decoded terms kept across queries
ENTRY_COST = 512                  # bytes a cached term costs besides its arrays
SPARSE_FRACTION = 8               # positions of a whole term when the candidates are 1/8 of it
DENSE_FRACTION = 16               # union by bincount when the parts exceed 1/16 of the index
_INT = struct.Struct(">i")
_FLOAT = struct.Struct(">d")
_OP_K, _OP_M, _OP_J = 0x4B, 0x4D, 0x4A                 # BININT1, BININT2, BININT
_OP_MARK, _OP_NONE, _OP_FLOAT = 0x28, 0x4E, 0x47       # MARK, NONE, BINFLOAT
_OP_TUPLE = {0x74, 0x85, 0x86, 0x87}                    # TUPLE, TUPLE1..3
_OP_BINPUT, _OP_LONG_BINPUT = 0x71, 0x72
_LENGTHS = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)

EMPTY_IDS = np.zeros(0, dtype=np.int64)
EMPTY_SCORES = np.zeros(0, dtype=np.float64)


class Unsupported(Exception):
    """The searcher cannot be served by the vectorised path (another codec or weighting)."""


class LayoutError(Exception):
    """A posting list does not read back as the W3 layout this module knows."""


_DECODE_ERRORS = (LayoutError, AttributeError, IndexError, ValueError, TypeError, struct.error,
                  zlib.error, pickle.UnpicklingError, EOFError)


# -- decoding ---------------------------------------------------------------------------------

def _parse_ids(data: bytes, pos: int, n: int) -> tuple[np.ndarray, int]:
    """``n`` pickled ints (delta-coded ids) from ``pos``; returns the ids and the offset of the
    opcode that closes their tuple.

    Each int is ``K`` (1 byte), ``M`` (2 bytes) or ``J`` (4 bytes). When all are ``K`` they are
    read at a fixed stride. Otherwise the tuple's end is searched for (its closing opcode and
    memo), and the C unpickler reads the head up to there; a candidate end counts only when
    that gives exactly ``n`` ints (the caller also checks the block's last id)."""
    if len(data) >= pos + 2 * n:
        ops = np.frombuffer(data, dtype=np.uint8, count=2 * n, offset=pos)
        if (ops[0::2] == _OP_K).all():                  # every delta below 256
            return np.cumsum(ops[1::2], dtype=np.int64), pos + 2 * n
    closer = b"tq\x00" if n > 3 else bytes((0x84 + n,)) + b"q\x00"
    limit = pos + 5 * n + len(closer)
    end = data.find(closer, pos + 2 * n, limit)
    while end != -1:
        try:
            ids = pickle.loads(data[:end + 1] + b".")
        except (pickle.UnpicklingError, EOFError, ValueError, IndexError):
            ids = None
        if isinstance(ids, tuple) and len(ids) == n:
            return np.cumsum(np.array(ids, dtype=np.int64)), end
        end = data.find(closer, end + 1, limit)
    raise LayoutError("ids tuple not found")


def _float_tuple_at(data: bytes, pos: int, n: int) -> bool:
    """True when ``n`` (2 or 3) pickled floats closed by TUPLE2/TUPLE3 stand at ``pos``."""
    end = pos + 9 * n
    return (2 <= n <= 3 and len(data) > end and data[end] == 0x84 + n
            and all(data[pos + 9 * k] == _OP_FLOAT for k in range(n)))


def _parse_weights(data: bytes, pos: int, n: int) -> np.ndarray:
    """Weights (term frequencies): None for all 1.0, one float for all, or a tuple of floats."""
    op = data[pos]
    if op == _OP_NONE:
        return np.ones(n)
    if op == _OP_FLOAT and not _float_tuple_at(data, pos, n):
        return np.full(n, _FLOAT.unpack_from(data, pos + 1)[0])
    if op == _OP_MARK:
        pos += 1
    elif op != _OP_FLOAT:
        raise LayoutError(f"unexpected opcode {op:#x} for weights")
    raw = np.frombuffer(data, dtype=np.uint8, count=9 * n, offset=pos).reshape(n, 9)
    if not (raw[:, 0] == _OP_FLOAT).all() or data[pos + 9 * n] not in _OP_TUPLE:
        raise LayoutError("weights are not a tuple of floats")
    return raw[:, 1:].copy().view(">f8").ravel().astype(np.float64)


def decode_block(payload: bytes, count: int, compressed: bool) -> tuple[np.ndarray, np.ndarray]:
    """Ids and weights of one block's data (the pickled triple), positions left unread."""
    head = 16 + 14 * count                    # ids (<= 5 bytes each) and weights (9 bytes each)
    data = zlib.decompressobj().decompress(payload, head) if compressed else payload[:head]
    if data[:2] != b"\x80\x02":
        raise LayoutError("block data is not a protocol-2 pickle")
    pos = 2
    if count > 3:
        if data[pos] != _OP_MARK:
            raise LayoutError("ids tuple does not open with MARK")
        pos += 1
    ids, pos = _parse_ids(data, pos, count)
    if data[pos] not in _OP_TUPLE:
        raise LayoutError("ids tuple not closed")
    pos += 1
    if data[pos] == _OP_BINPUT:
        pos += 2
    elif data[pos] == _OP_LONG_BINPUT:
        pos += 5
    return ids, _parse_weights(data, pos, count)


def decode_postings(raw: bytes) -> tuple[np.ndarray, np.ndarray]:
    """Ids and weights of a whole on-disk posting list (header, then length-prefixed blocks)."""
    ids, weights = [], []
    for count, max_id, compressed, data in _blocks(raw):
        block_ids, block_weights = decode_block(data, count, compressed)
        if len(block_ids) != count or int(block_ids[-1]) != max_id:
            raise LayoutError("block ids do not end at the block's last id")
        ids.append(block_ids)
        weights.append(block_weights)
    if not ids:
        raise LayoutError("posting list without blocks")
    return np.concatenate(ids), np.concatenate(weights)


def _posting_bytes(segment_reader, fieldname: str, btext: bytes):
    """The term's W3TermInfo and its on-disk posting list (None when inlined); KeyError if absent."""
    terms = segment_reader._terms                       # W3TermsReader (private)
    try:
        info = terms.term_info(fieldname, btext)
    except TermNotFound:
        raise KeyError(btext) from None
    if info.is_inlined():
        return info, None
    offset, length = info.extent()
    if isinstance(length, tuple):                       # W3TermInfo.from_bytes leaves a 1-tuple
        length = length[0]
    return info, terms._postfile.get(offset, length)


def segment_postings(segment_reader, fieldname: str, btext: bytes):
    """A term's (segment-local ids, term frequencies, document frequency) in one segment, or None
    when the segment lacks the term. Ids of deleted documents are included (the caller drops them),
    and the frequency counts them too, as Whoosh's idf does.

    The decoder is used when it reads the list back exactly; otherwise Whoosh's matcher."""
    try:
        info, raw = _posting_bytes(segment_reader, fieldname, btext)
    except KeyError:
        return None
    try:
        if raw is None:
            ids, weights, _values = info.inlined_postings()
            ids, weights = np.asarray(ids, dtype=np.int64), np.asarray(weights, dtype=np.float64)
        else:
            ids, weights = decode_postings(raw)
    except _DECODE_ERRORS:
        ids, weights = whoosh_postings(segment_reader, fieldname, btext)
    return ids, weights, info.doc_frequency()


def _blocks(raw: bytes):
    """(count, last id, compressed, data) of every block of a posting list."""
    if raw[:4] != MAGIC:
        raise LayoutError("posting list lacks the W3 block magic")
    pos = 4
    while pos < len(raw):
        length = _INT.unpack_from(raw, pos)[0]
        pos += 4
        block = io.BytesIO(raw[pos:pos + abs(length)])
        count, max_id, _maxweight, compression = pickle.load(block)[:4]
        yield count, max_id, bool(compression), raw[pos + block.tell():pos + abs(length)]
        pos += abs(length)
        if length < 0:
            break


_VALUE_HEAD = b"\x80\x02]q\x00"           # protocol 2, an empty list, memoized


def _python_positions(values) -> tuple[np.ndarray, np.ndarray]:
    """Counts and concatenated positions of Positions-format values, one by one."""
    lists = [np.cumsum(pickle.loads(v[4:]), dtype=np.int64) for v in values]
    counts = np.fromiter((len(x) for x in lists), dtype=np.int64, count=len(lists))
    return counts, np.concatenate(lists) if lists else EMPTY_IDS


def values_positions(values) -> tuple[np.ndarray, np.ndarray]:
    """Word positions of a block's values: (count per posting, all positions concatenated)."""
    sizes = np.fromiter(map(len, values), dtype=np.int64, count=len(values))
    return joined_positions(sizes, b"".join(values))


def _split(joined: bytes, sizes: np.ndarray) -> list[bytes]:
    ends = np.cumsum(sizes).tolist()
    return [joined[a:b] for a, b in zip([0] + ends[:-1], ends, strict=True)]


def joined_positions(sizes: np.ndarray, joined: bytes) -> tuple[np.ndarray, np.ndarray]:
    """Word positions of values laid end to end (``sizes`` bytes each), as ``values_positions``.

    A value is a 4-byte count and a pickled list of position deltas. When every delta is below
    256 (one ``K`` opcode each) the lists are read at a fixed stride, for all postings at once;
    otherwise each value is unpickled."""
    n = len(sizes)
    if not n:
        return EMPTY_IDS, EMPTY_IDS
    buf = np.frombuffer(joined, dtype=np.uint8)
    starts = np.zeros(n, dtype=np.int64)
    np.cumsum(sizes[:-1], out=starts[1:])
    if sizes.min() < 11:
        return _python_positions(_split(joined, sizes))
    counts = ((buf[starts].astype(np.int64) << 24) | (buf[starts + 1].astype(np.int64) << 16)
              | (buf[starts + 2].astype(np.int64) << 8) | buf[starts + 3])
    many = counts > 1
    if (counts < 1).any() or not (sizes == 11 + many + 2 * counts).all():
        return _python_positions(_split(joined, sizes))
    head = np.frombuffer(_VALUE_HEAD, dtype=np.uint8)
    if not (buf[starts[:, None] + 4 + np.arange(5)] == head).all():
        return _python_positions(_split(joined, sizes))
    total = int(counts.sum())
    row = np.repeat(np.arange(n), counts)
    first = np.zeros(n, dtype=np.int64)
    np.cumsum(counts[:-1], out=first[1:])
    rank = np.arange(total) - first[row]
    at = starts[row] + 9 + many[row] + 2 * rank
    if not (buf[at] == _OP_K).all():
        return _python_positions(_split(joined, sizes))
    deltas = buf[at + 1].astype(np.int64)
    running = np.cumsum(deltas)
    return counts, running - np.repeat(running[first] - deltas[first], counts)


def _sized(values) -> tuple[np.ndarray, bytes]:
    """A block's values as (size of each, all end to end): packed (``index.codec``) or W3's tuple."""
    if is_packed(values):
        return np.frombuffer(values[1], dtype="<u4").astype(np.int64), values[2]
    return np.fromiter(map(len, values), dtype=np.int64, count=len(values)), b"".join(values)


def segment_positions(segment_reader, fieldname: str, btext: bytes,
                      wanted: np.ndarray | None = None,
                      cache_key: tuple | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A term's segment-local ids, the start of each id's positions, and all positions; with
    ``wanted`` (ascending local ids), only the blocks that hold one of them are unpickled.

    With ``cache_key`` (the segment's identity) each decoded block is kept in ``TERM_CACHE``,
    so the next query that needs the same block (the same word, its phrase and proximity
    boosts, other candidates) reads arrays instead of unpickling again."""
    info, raw = _posting_bytes(segment_reader, fieldname, btext)
    if raw is None:
        ids, _weights, values = info.inlined_postings()
        decoded = [(np.asarray(ids, dtype=np.int64), *values_positions(values))]
    else:
        decoded: list = []
        fresh: list = []                     # (slot, cache key, ids, value sizes, values joined)
        low = 0
        for number, (_count, max_id, compressed, data) in enumerate(_blocks(raw)):
            if wanted is not None:
                first = np.searchsorted(wanted, low)
                low = max_id + 1
                if first == len(wanted):
                    break
                if wanted[first] > max_id:
                    continue
            key = None if cache_key is None else (cache_key, fieldname, btext, "block", number)
            block = TERM_CACHE.get(key) if key is not None else None
            if block is None:
                deltas, _weights, values = pickle.loads(zlib.decompress(data) if compressed else data)
                fresh.append((len(decoded), key, np.cumsum(deltas, dtype=np.int64), *_sized(values)))
            decoded.append(block)
        if fresh:  # the positions of every newly read block in one vectorised pass
            counts, flat = joined_positions(np.concatenate([f[3] for f in fresh]),
                                            b"".join(f[4] for f in fresh))
            ends = np.cumsum([len(f[3]) for f in fresh])
            at = np.zeros(len(counts) + 1, dtype=np.int64)
            np.cumsum(counts, out=at[1:])
            start = 0
            for (slot, key, ids, _sizes, _joined), end in zip(fresh, ends, strict=True):
                block = (ids, counts[start:end], flat[at[start]:at[end]])
                decoded[slot] = block
                if key is not None:
                    TERM_CACHE.put(key, block)
                start = end
        if not decoded:
            return EMPTY_IDS, np.zeros(1, dtype=np.int64), EMPTY_IDS
    ids = np.concatenate([d[0] for d in decoded]) if len(decoded) > 1 else decoded[0][0]
    counts = np.concatenate([d[1] for d in decoded]) if len(decoded) > 1 else decoded[0][1]
    starts = np.zeros(len(ids) + 1, dtype=np.int64)
    np.cumsum(counts, out=starts[1:])
    flat = np.concatenate([d[2] for d in decoded]) if len(decoded) > 1 else decoded[0][2]
    return ids, starts, flat


def whoosh_postings(segment_reader, fieldname: str, btext: bytes) -> tuple[np.ndarray, np.ndarray]:
    """The exact path: ids and weights through Whoosh's public matcher (deleted documents left out)."""
    ids, weights = [], []
    matcher = segment_reader.postings(fieldname, btext)
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    return np.array(ids, dtype=np.int64), np.array(weights, dtype=np.float64)


# -- per-searcher state -----------------------------------------------------------------------

class _Segment:
    """One leaf reader: its offset, deleted documents and field lengths (loaded when first used)."""

    def __init__(self, reader, offset: int):
        self.reader = reader
        self.offset = offset
        self.size = reader.doc_count_all()
        self.live = None
        if reader.has_deletions():
            self.live = np.zeros(self.size, dtype=bool)
            self.live[np.fromiter(reader.all_doc_ids(), dtype=np.int64)] = True
        self.lengths: dict[str, np.ndarray] = {}
        segment = getattr(reader, "segment", lambda: None)()
        self.key = (segment and segment.segment_id(), self.size, reader.doc_count())

    def field_lengths(self, fieldname: str) -> np.ndarray:
        """Whoosh's byte-coded field length of every document, as floats (BM25's ``fl``)."""
        lengths = self.lengths.get(fieldname)
        if lengths is None:
            column = self.reader._perdoc._cached_reader(f"_{fieldname}_len", _lengths_column())
            codes = np.zeros(self.size, dtype=np.uint8)
            if column is not None:
                try:
                    raw = column._dbfile.get(column._basepos, min(column._count, self.size))
                    codes[:len(raw)] = np.frombuffer(raw, dtype=np.uint8)
                except AttributeError:
                    codes[:] = np.fromiter((column[i] for i in range(self.size)), np.uint8, self.size)
            lengths = self.lengths[fieldname] = _LENGTHS[codes]
        return lengths


def _lengths_column():
    from whoosh.codec.whoosh3 import LENGTHS_COLUMN

    return LENGTHS_COLUMN


class _State:
    """Per-searcher: segments, and the BM25F statistics Whoosh takes from the top searcher.

    What the evaluator asks of a posting source (another engine gives its own, see ``_state``):
    ``schema``, ``size`` (docnums), ``live`` (bool per docnum), ``key`` (the committed state),
    ``K1``/``B``, ``term_scores(field, text)`` and ``term_positions(field, btext, wanted)``."""

    def __init__(self, searcher):
        weighting = searcher.weighting
        if type(weighting) is not BM25F or weighting._field_B:
            raise Unsupported("only plain BM25F is vectorised")
        self.reader = searcher.reader()
        self.schema = searcher.schema
        self.B, self.K1 = weighting.B, weighting.K1
        self.size = searcher.doc_count_all()
        self.segments = []
        for reader, offset in searcher.reader().leaf_readers():
            if type(getattr(reader, "_terms", None)).__name__ != "W3TermsReader":
                raise Unsupported("not the W3 codec")
            self.segments.append(_Segment(reader, offset))
        self.live = np.ones(self.size, dtype=bool)
        for seg in self.segments:
            if seg.live is not None:
                self.live[seg.offset:seg.offset + seg.size] = seg.live
        self.key = tuple(s.key for s in self.segments)

    def term_scores(self, fieldname: str, text) -> tuple[np.ndarray, np.ndarray]:
        return term_scores(self, fieldname, text)

    def term_positions(self, fieldname: str, btext: bytes, wanted: np.ndarray):
        return term_positions(self, fieldname, btext, wanted)


# A state lives as long as its searcher (it holds no reference back to it), so a searcher the
# store has replaced is not kept open here.
_STATES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_STATES_LOCK = threading.Lock()


def _state(searcher) -> _State:
    """The searcher's posting source: its own (``searcher.postings_state()``, the PostgreSQL
    engine's) or, for a Whoosh searcher, one ``_State`` per searcher."""
    own = getattr(searcher, "postings_state", None)
    if own is not None:
        return own()
    with _STATES_LOCK:
        state = _STATES.get(searcher)
    if state is None:
        state = _State(searcher)
        with _STATES_LOCK:
            _STATES[searcher] = state
    return state


def _cost(value: tuple[np.ndarray, ...]) -> int:
    return sum(a.nbytes for a in value) + ENTRY_COST


# Scored postings of terms (absent ones too) per index state, least recently used out.
TERM_CACHE = LRUCache(CACHE_BYTES, cost=_cost)


# -- normalizing ------------------------------------------------------------------------------

_RANGES = (wq.Every, wq.TermRange, wq.NumericRange)


def normalize(q):
    """``q.normalize()`` as Whoosh does it, without its deep copies for the shapes compile.py
    builds (Whoosh deep-copies a subtree to change one boost: a third of a warm query's time).
    Other node types are normalized by Whoosh itself."""
    kind = type(q)
    if kind is wq.Term or q is wq.NullQuery:
        return q
    if kind is wq.And or kind is wq.Or:
        return _normalize_compound(q)
    if kind is wq.AndMaybe or kind is wq.AndNot:
        a, b = normalize(q.a), normalize(q.b)
        if a is wq.NullQuery:
            return wq.NullQuery
        return a if b is wq.NullQuery else kind(a, b)
    return q.normalize()


def _with_boost(q, boost: float):
    if type(q) in (wq.Term, wq.And, wq.Or, wq.Phrase):
        copied = copy.copy(q)                           # children are never changed in place
        copied.boost = boost
        return copied
    return q.with_boost(boost)


def _normalize_compound(q):
    kind = type(q)
    subs = []
    for sub in q.subqueries:
        sub = normalize(sub)
        if isinstance(sub, kind):
            subs += [_with_boost(s, s.boost * sub.boost) for s in sub.subqueries]
        else:
            subs.append(sub)
    if any(isinstance(s, _RANGES) for s in subs):       # Whoosh merges these: let it
        return q.normalize()
    seen: set = set()
    unique = []
    for sub in subs:
        if sub is wq.NullQuery or sub in seen:
            continue
        seen.add(sub)
        unique.append(sub)
    if not unique:
        return wq.NullQuery
    if len(unique) == 1:
        sub = unique[0]
        sub_boost = getattr(sub, "boost", 1.0)
        if not (q.boost == 1.0 and sub_boost == 1.0):
            sub = _with_boost(sub, sub_boost * q.boost)
        return sub
    out = kind(unique, boost=q.boost)
    if kind is wq.Or:
        out.minmatch, out.scale = q.minmatch, q.scale
    return out


# -- evaluation -------------------------------------------------------------------------------

def term_scores(state: _State, fieldname: str, text) -> tuple[np.ndarray, np.ndarray]:
    """Global docnums and unboosted BM25F scores of one term, exactly as Whoosh scores them."""
    schema = state.schema
    if fieldname not in schema:
        return EMPTY_IDS, EMPTY_SCORES
    field = schema[fieldname]
    try:
        btext = field.to_bytes(text)
    except ValueError:
        return EMPTY_IDS, EMPTY_SCORES
    key = (state.key, fieldname, btext)
    cached = TERM_CACHE.get(key)
    if cached is not None:
        return cached
    if not field.scorable:
        raise Unsupported(f"{fieldname} is not scorable")
    found = []
    doc_frequency = 0
    for seg in state.segments:
        postings = segment_postings(seg.reader, fieldname, btext)
        if postings is not None:
            found.append((seg, postings[0], postings[1]))
            doc_frequency += postings[2]
    value = EMPTY_IDS, EMPTY_SCORES
    if found:
        idf = bm25_idf(state.size, doc_frequency)
        avgfl = state.reader.field_length(fieldname) / (state.size or 1) or 1
        ids_parts, score_parts = [], []
        for seg, ids, tf in found:
            if seg.live is not None:
                keep = seg.live[ids]
                ids, tf = ids[keep], tf[keep]
            fl = seg.field_lengths(fieldname)[ids]
            ids_parts.append(ids + seg.offset)
            score_parts.append(bm25(tf, fl, idf, avgfl, state.K1, state.B))
        value = (np.concatenate(ids_parts), np.concatenate(score_parts))
    TERM_CACHE.put(key, value)
    return value


def bm25(tf: np.ndarray, fl: np.ndarray, idf: float, avgfl: float, K1: float, B: float) -> np.ndarray:  # noqa: N803
    """Whoosh's BM25F term score (``whoosh.scoring.bm25``) over whole arrays: term frequencies
    ``tf`` in fields of (byte-coded) lengths ``fl``. Every engine scores with it."""
    return idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl)))


def bm25_idf(doc_count: int, doc_frequency: int) -> float:
    """Whoosh's idf (``WeightingModel.idf``): deleted documents count, as they do there."""
    return log(doc_count / (doc_frequency + 1)) + 1


def _union(state: _State, parts: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    parts = [p for p in parts if len(p[0])]
    if not parts:
        return EMPTY_IDS, EMPTY_SCORES
    if len(parts) == 1:
        return parts[0]
    ids = np.concatenate([p[0] for p in parts])
    scores = np.concatenate([p[1] for p in parts])
    if len(ids) * DENSE_FRACTION > state.size:
        counts = np.bincount(ids, minlength=state.size)
        total = np.bincount(ids, weights=scores, minlength=state.size)
        hit = np.flatnonzero(counts)
        return hit, total[hit]
    hit, inverse = np.unique(ids, return_inverse=True)
    return hit, np.bincount(inverse, weights=scores, minlength=len(hit))


def _intersect(parts: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    parts = sorted(parts, key=lambda p: len(p[0]))
    ids, scores = parts[0]
    for other_ids, other_scores in parts[1:]:
        if not len(ids):
            break
        where = np.searchsorted(other_ids, ids)
        where[where == len(other_ids)] = 0
        hit = other_ids[where] == ids if len(other_ids) else np.zeros(len(ids), bool)
        ids, scores = ids[hit], scores[hit] + other_scores[where[hit]]
    return ids, scores


def _in_sorted(values: np.ndarray, sorted_array: np.ndarray) -> np.ndarray:
    """Mask of ``values`` found in ``sorted_array`` (ascending): a binary search each, no sort."""
    if not len(sorted_array):
        return np.zeros(len(values), dtype=bool)
    where = np.searchsorted(sorted_array, values)
    where[where == len(sorted_array)] = 0
    return sorted_array[where] == values


def _without(ids: np.ndarray, scores: np.ndarray, excluded: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if not len(excluded) or not len(ids):
        return ids, scores
    keep = ~np.isin(ids, excluded, assume_unique=True)
    return ids[keep], scores[keep]


def _complement(state: _State, ids: np.ndarray, score: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    mask = state.live.copy()
    mask[ids] = False
    hit = np.flatnonzero(mask)
    return hit, np.full(len(hit), score)


def _position_keys(postings, ids: np.ndarray) -> np.ndarray:
    """(candidate number << 32) + position for every position of the term in ``ids``, sorted."""
    term_ids, starts, flat = postings
    rows = np.searchsorted(term_ids, ids)
    counts = starts[rows + 1] - starts[rows]
    owner = np.repeat(np.arange(len(ids), dtype=np.int64), counts)
    first = np.zeros(len(ids), dtype=np.int64)
    np.cumsum(counts[:-1], out=first[1:])
    at = np.repeat(starts[rows] - first, counts) + np.arange(int(counts.sum()))
    return (owner << 32) + flat[at]


def term_positions(state: _State, fieldname: str, btext: bytes, wanted: np.ndarray):
    """Global docnums (live documents), position starts and positions of one term, covering at
    least the docnums ``wanted``: the whole term (and cached) when they are many, otherwise
    only the blocks that hold them."""
    key = (state.key, fieldname, btext, "positions")
    cached = TERM_CACHE.get(key)
    if cached is not None:
        return cached
    postings = term_scores(state, fieldname, btext)[0]
    whole = len(wanted) * SPARSE_FRACTION >= len(postings)
    parts = []
    for seg in state.segments:
        local = None
        if not whole:
            lo, hi = np.searchsorted(wanted, [seg.offset, seg.offset + seg.size])
            if lo == hi:
                continue
            local = wanted[lo:hi] - seg.offset
        try:
            ids, starts, flat = segment_positions(seg.reader, fieldname, btext, local, seg.key)
        except KeyError:
            continue
        if seg.live is not None:
            keep = np.flatnonzero(seg.live[ids])
            counts = starts[keep + 1] - starts[keep]
            first = np.zeros(len(keep), dtype=np.int64)
            np.cumsum(counts[:-1], out=first[1:])
            flat = flat[np.repeat(starts[keep] - first, counts) + np.arange(int(counts.sum()))]
            ids, starts = ids[keep], np.r_[0, np.cumsum(counts)]
        parts.append((ids + seg.offset, starts, flat))
    if not parts:
        value = (EMPTY_IDS, np.zeros(1, dtype=np.int64), EMPTY_IDS)
    else:
        shift = np.cumsum([0] + [len(p[2]) for p in parts[:-1]])
        value = (np.concatenate([p[0] for p in parts]),
                 np.concatenate([parts[0][1][:1]] + [p[1][1:] + d for p, d in zip(parts, shift, strict=True)]),
                 np.concatenate([p[2] for p in parts]))
    if whole:
        TERM_CACHE.put(key, value)
    return value


class _Evaluator:
    def __init__(self, searcher, state: _State, deadline: float, scope: np.ndarray | None = None):
        self.searcher = searcher
        self.state = state
        self.deadline = deadline
        self.scope = scope                        # docnums outside it are dropped by the caller
        self.within: np.ndarray | None = None     # an AndMaybe's matches: the optional part's scope
        self.partial = False

    def node(self, q) -> tuple[np.ndarray, np.ndarray]:
        if q is wq.NullQuery or isinstance(q, wq.NullQuery.__class__):
            return EMPTY_IDS, EMPTY_SCORES
        kind = type(q)
        if kind is wq.Term:
            ids, scores = self.state.term_scores(q.fieldname, q.text)
            return (ids, scores * q.boost) if q.boost != 1.0 else (ids, scores)
        if kind is wq.Or and not q.scale:
            parts = [self.node(s) for s in q.subqueries if not isinstance(s, wq.Not)]
            for s in q.subqueries:
                if isinstance(s, wq.Not):
                    parts.append(_complement(self.state, self.node(s.query)[0]))
            return self._boost(_union(self.state, parts), q.boost)
        if kind is wq.And:
            positive = [s for s in q.subqueries if not isinstance(s, wq.Not)]
            negative = [s.query for s in q.subqueries if isinstance(s, wq.Not)]
            if not positive:
                return self.fallback(q)
            ids, scores = _intersect([self.node(s) for s in positive])
            for s in negative:                # Whoosh's inverse matcher scores 1.0 where it matches
                ids, scores = _without(ids, scores, self.node(s)[0])
                scores = scores + 1.0
            return self._boost((ids, scores), q.boost)
        if kind is wq.AndNot:
            ids, scores = self.node(q.a)
            return _without(ids, scores, self.node(q.b)[0])
        if kind is wq.AndMaybe:
            ids, scores = self.node(q.a)
            if self.scope is not None and len(ids):  # no optional scores for what filters drop
                keep = self.scope[ids]
                ids, scores = ids[keep], scores[keep]
            if len(ids):
                outer, self.within = self.within, ids
                try:
                    extra_ids, extra = self.node(q.b)
                finally:
                    self.within = outer
                if len(extra_ids):
                    where = np.searchsorted(extra_ids, ids)
                    where[where == len(extra_ids)] = 0
                    hit = extra_ids[where] == ids
                    scores = scores.copy()
                    scores[hit] += extra[where[hit]]
            return ids, scores
        if kind is wq.Phrase:
            return self.phrase(q)
        if kind is wq.Every and q.fieldname in (None, "", "*"):
            ids = np.flatnonzero(self.state.live)
            return ids, np.full(len(ids), q.boost or 1.0)
        if kind is wq.Not:
            return _complement(self.state, self.node(q.query)[0])
        return self.fallback(q)

    def phrase(self, q) -> tuple[np.ndarray, np.ndarray]:
        """Whoosh's ordered SpanNear2 (each next word 1..slop positions after the previous one),
        scored as the sum of the words' BM25F scores: candidates by intersection, then the
        positions of the candidates, all at once."""
        state = self.state
        field = state.schema[q.fieldname] if q.fieldname in state.schema else None
        if field is None or not field.format or not field.format.supports("positions"):
            return self.fallback(q)
        words = [w for w in q.words if w is not None]
        try:
            btexts = [field.to_bytes(w) for w in words]
        except ValueError:
            return EMPTY_IDS, EMPTY_SCORES
        ids, scores = _intersect([state.term_scores(q.fieldname, b) for b in btexts])
        if self.within is not None:                     # only these can gain the phrase's score
            inside = _in_sorted(ids, self.within)
            ids, scores = ids[inside], scores[inside]
        if not len(ids):
            return ids, scores
        try:
            keys = [_position_keys(state.term_positions(q.fieldname, b, ids), ids) for b in btexts]
        except _DECODE_ERRORS:
            return self.fallback(q)
        ends = keys[0]                                  # sorted: (candidate << 32) + position
        for following in keys[1:]:
            reached = [ends + step for step in range(1, q.slop + 1)]
            reached = [r[_in_sorted(r, following)] for r in reached]
            ends = reached[0] if len(reached) == 1 else np.unique(np.concatenate(reached))
            if not len(ends):
                return EMPTY_IDS, EMPTY_SCORES
        keep = np.unique(ends >> 32)
        return ids[keep], scores[keep] * q.boost

    @staticmethod
    def _boost(result, boost: float):
        return result if boost == 1.0 else (result[0], result[1] * boost)

    def fallback(self, q) -> tuple[np.ndarray, np.ndarray]:
        """Any other node: Whoosh's own matchers, segment by segment."""
        if not hasattr(self.searcher, "leaf_searchers"):
            raise TypeError(f"no vectorised form for {q!r} and no Whoosh matchers to fall back on")
        ids, scores, partial = whoosh_collect(self.searcher, q, self.deadline)
        self.partial = self.partial or partial
        return ids, scores


def whoosh_collect(searcher, query, deadline: float) -> tuple[np.ndarray, np.ndarray, bool]:
    """The exact path: every match of ``query`` with its score through Whoosh's matchers, in
    one pass; stops (partial) at ``deadline`` (``time.monotonic()``)."""
    context = searcher.context()
    ids: list[int] = []
    scores: list[float] = []
    partial = False
    for sub, offset in searcher.leaf_searchers():
        matcher = query.matcher(sub, context)
        n = 0
        while matcher.is_active():
            ids.append(matcher.id() + offset)
            scores.append(matcher.score())
            matcher.next()
            n += 1
            if not n & 4095 and time.monotonic() > deadline:
                partial = True
                break
        if partial:
            break
    return np.array(ids, dtype=np.int64), np.array(scores, dtype=np.float64), partial


def evaluate(searcher, query, deadline: float,
             scope: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, bool]:
    """Every matching docnum (ascending) with its BM25F score; ``query`` already normalized.

    ``scope`` (a boolean mask over docnums) says which matches the caller will keep (its
    filters): the optional part of an AndMaybe (phrase and proximity boosts) is computed only
    for those, and matches outside it may be left out. Raises ``Unsupported`` when the searcher
    is not one this module can read."""
    state = _state(searcher)
    prepare = getattr(state, "prepare", None)
    if prepare is not None:  # a source that reads the query's terms at once (PostgreSQL)
        prepare(query)
    evaluator = _Evaluator(searcher, state, deadline, scope)
    ids, scores = evaluator.node(query)
    return ids.astype(np.int64, copy=False), scores.astype(np.float64, copy=False), evaluator.partial

