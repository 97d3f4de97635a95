"""The vectorised match path (index.postings) against Whoosh's own matchers.

The decoder reads Whoosh's private W3 posting layout, so these tests fail loudly if a Whoosh
upgrade changes it: every posting list of a real index must decode (no silent fallback) to
exactly what Whoosh's matcher reads, and many queries must give the same matches, scores,
facet counts and top-10 order on both paths.
"""

from __future__ import annotations

import pickle
import random
import time
import zlib

import numpy as np
import pytest
from whoosh import query as wq
from whoosh.formats import Positions

from index import postings
from index.columns import ColumnArrays, generation_key
from index.compile import compile_tree
from index.facets import facet_counts
from index.schema import TEXT_FIELDS
from index.search import parse
from index.store import Store
from ingest.model import Document, Section

# Our own small Swedish vocabulary: compounds (split into parts), forms that stem together,
# and OCR-damaged spellings that fold onto the same key.
COMMON = ["nämnden", "nämndens", "förskolan", "barnen", "verksamheten", "uppföljning", "beslut",
          "ekonomiskt", "bistånd", "kommunen", "stöd", "insatser", "under", "året", "arbetet"]
MIDDLE = ["förskoleverksamhet", "socialtjänsten", "hemtjänst", "skyddat", "boende", "ungdomar",
          "namnden", "fårskolan", "trygghet", "budgeten", "handlingsplan", "rekommendation"]
RARE = ["brandskydd", "kulturskolan", "vattenledning", "idrottshall", "parkeringsnorm"]
COMMITTEES = ["Socialnämnden", "Förskolenämnden", "Kulturnämnden", None]
TYPES = ["yttrande", "remissvar", "handlingsplan", "uppföljning"]

QUERIES = [
    "nämnden", "barnen", "förskoleverksamhet", "stöd", "skyddat boende", "ekonomiskt bistånd",
    "förskolan barnen kommunen", '"skyddat boende"', '"ekonomiskt bistånd"', '"barnen under året"',
    "namnden", "fårskolan", "brandskydd", "kulturskolan OR idrottshall", "hemtjänst -ungdomar",
    "förskol*", "budget*", "(socialtjänsten OR hemtjänst) insatser", "vattenledning parkeringsnorm",
    "trygghet ungdomar boende", "rekommendation uppföljning", "saknasheltochhållet", "stöd -stöd",
    "barnen barnen", "(nämnden OR nämndens) (nämnden OR beslut)", "-ungdomar", "förskol* -barnen",
    "brandskydd nämnden", "nämnden kulturskolan barnen", "idrottshall (nämnden OR beslut) -ungdomar",
    'vattenledning "skyddat boende"', "parkeringsnorm förskol*",
]


def _text(rng: random.Random, n: int) -> str:
    words = []
    for _ in range(n):
        roll = rng.random()
        pool = COMMON if roll < 0.6 else MIDDLE if roll < 0.97 else RARE
        words.append(rng.choice(pool))
    return " ".join(words)


def _documents(seed: int, n: int, prefix: str = "d") -> list[Document]:
    rng = random.Random(seed)
    docs = []
    for i in range(n):
        year = rng.choice([2012, 2016, 2019, 2021, 2024, None])
        sections = [Section(number=s + 1, heading=_text(rng, rng.randint(0, 3)), kind="heading",
                            text=_text(rng, rng.randint(5, 60)), recommendation=rng.choice([None, 1, 2]))
                    for s in range(rng.randint(1, 4))]
        docs.append(Document(id=f"{prefix}{i}", source=f"{prefix}{i}.txt", path=f"/arkiv/{prefix}{i}.txt",
                             sha256="x", title=_text(rng, 3), year=year,
                             date=f"{year}-03-01" if year else None, committee=rng.choice(COMMITTEES),
                             doc_type=rng.choice(TYPES), municipality="Ystad", sections=sections))
    return docs


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    store = Store(tmp_path_factory.mktemp("postings"))
    store.write(_documents(3, 260), batch=200)             # several segments, one of them large
    store.write(_documents(5, 30), batch=30)               # the same ids again: deletions
    yield store
    store.close()


def _terms(searcher):
    reader = searcher.reader()
    for fieldname in TEXT_FIELDS:
        for btext in reader.lexicon(fieldname):
            yield fieldname, btext


def test_the_index_has_what_the_comparison_needs(store):
    searcher = store.searcher()
    leaves = searcher.reader().leaf_readers()
    assert len(leaves) >= 2
    assert any(r.has_deletions() for r, _ in leaves)
    longest = max(r.doc_frequency("body", "nämnd".encode()) for r, _ in leaves)
    assert longest > 2 * 128                               # lists of several blocks


def test_every_posting_list_decodes_exactly_as_whoosh_reads_it(store):
    searcher = store.searcher()
    checked = 0
    for reader, _offset in searcher.reader().leaf_readers():
        live = np.ones(reader.doc_count_all(), dtype=bool)
        live[[d for d in range(reader.doc_count_all()) if reader.is_deleted(d)]] = False
        for fieldname, btext in _terms(searcher):
            try:
                info, raw = postings._posting_bytes(reader, fieldname, btext)
            except KeyError:
                continue
            assert raw is not None
            ids, weights = postings.decode_postings(raw)       # raises LayoutError on a new layout
            keep = live[ids]
            exact_ids, exact_weights = postings.whoosh_postings(reader, fieldname, btext)
            np.testing.assert_array_equal(ids[keep], exact_ids)
            np.testing.assert_array_equal(weights[keep], exact_weights)
            assert len(ids) == info.doc_frequency()
            checked += 1
    assert checked > 100


def test_positions_decode_as_whoosh_decodes_them(store):
    searcher = store.searcher()
    fmt = searcher.schema["body"].format
    for reader, _offset in searcher.reader().leaf_readers():
        for btext in ("nämnd".encode(), b"brandskydd", b"~skyddat"):
            try:
                ids, starts, flat = postings.segment_positions(reader, "body", btext)
            except KeyError:
                continue
            matcher = reader.postings("body", btext)
            while matcher.is_active():
                row = int(np.searchsorted(ids, matcher.id()))
                assert flat[starts[row]:starts[row + 1]].tolist() == fmt.decode_positions(matcher.value())
                matcher.next()


def _top(ids: np.ndarray, scores: np.ndarray, n: int = 10) -> list[int]:
    order = np.lexsort((ids, -np.round(scores, 9)))
    return ids[order[:n]].tolist()


@pytest.mark.parametrize("text", QUERIES)
def test_fast_path_matches_whoosh(store, text):
    searcher = store.searcher()
    arrays = ColumnArrays.load(searcher, generation_key(searcher))
    compiled = compile_tree(parse(text).tree, searcher.reader())
    assert compiled.query is not None, "every query here has a word to search for"
    query = postings.normalize(compiled.query)
    assert query == compiled.query.normalize()            # the copy-free normalize is Whoosh's
    far = time.monotonic() + 600
    exact_ids, exact_scores, _ = postings.whoosh_collect(searcher, compiled.query.normalize(), far)
    order = np.argsort(exact_ids, kind="stable")
    exact_ids, exact_scores = exact_ids[order], exact_scores[order]
    postings.TERM_CACHE.clear()
    for _ in range(2):                                     # cold, then from the term cache
        ids, scores, partial = postings.evaluate(searcher, query, far)
        assert not partial
        np.testing.assert_array_equal(ids, exact_ids)
        np.testing.assert_allclose(scores, exact_scores, rtol=1e-9, atol=1e-12)
        assert _top(ids, scores) == _top(exact_ids, exact_scores)
        live = arrays.live_sections
        assert facet_counts(arrays, ids[live[ids]]) == facet_counts(arrays, exact_ids[live[exact_ids]])


@pytest.mark.parametrize("text", ["förskolan barnen kommunen", "trygghet ungdomar boende",
                                  "skyddat boende", "nämnden beslut"])
def test_a_scope_keeps_every_match_and_score_inside_it(store, text):
    """Filters' scope: the phrase boosts are computed only inside it, nothing inside changes."""
    searcher = store.searcher()
    query = postings.normalize(compile_tree(parse(text).tree, searcher.reader()).query)
    assert isinstance(query, wq.AndMaybe)
    far = time.monotonic() + 600
    ids, scores, _ = postings.evaluate(searcher, query, far)
    scope = np.zeros(searcher.doc_count_all(), dtype=bool)
    scope[np.arange(0, len(scope), 3)] = True
    in_ids, in_scores, _ = postings.evaluate(searcher, query, far, scope)
    inside = scope[ids]
    np.testing.assert_array_equal(in_ids[scope[in_ids]], ids[inside])
    np.testing.assert_allclose(in_scores[scope[in_ids]], scores[inside], rtol=1e-12)
    assert inside.any() and not inside.all()
    assert len(in_ids) == inside.sum()                    # and what it leaves out is dropped


@pytest.mark.parametrize("text", ["förskolan barnen kommunen", "skyddat boende", "trygghet ungdomar boende",
                                  "hemtjänst insatser budgeten beslut"])
def test_the_some_words_tier_scores_as_with_every_boost(store, text):
    """Sections lacking a word can gain only the neighbouring pairs' boosts: compiling without
    the whole-phrase and proximity boosts changes no score there."""
    from index.compile import loosen

    searcher = store.searcher()
    tree = loosen(parse(text).tree)
    far = time.monotonic() + 600
    every = compile_tree(tree, searcher.reader()).query.normalize()
    pairs = compile_tree(tree, searcher.reader(), lacking_a_word=True).query.normalize()
    assert every != pairs
    all_words = compile_tree(parse(text).tree, searcher.reader()).query.normalize()
    holding_all = postings.evaluate(searcher, all_words, far)[0]
    ids, scores, _ = postings.evaluate(searcher, every, far)
    lean_ids, lean_scores, _ = postings.evaluate(searcher, pairs, far)
    np.testing.assert_array_equal(ids, lean_ids)
    lacking = ~np.isin(ids, holding_all)
    assert lacking.sum() > 20
    np.testing.assert_allclose(lean_scores[lacking], scores[lacking], rtol=1e-12)


def test_cached_position_blocks_read_back_the_same(store):
    searcher = store.searcher()
    postings.TERM_CACHE.clear()
    for reader, _offset in searcher.reader().leaf_readers():
        key = (reader.segment().segment_id(), "test")
        for btext in ("nämnd".encode(), b"~skyddat", b"barn"):
            try:
                plain = postings.segment_positions(reader, "body", btext)
            except KeyError:
                continue
            wanted = plain[0][::5]
            for _ in range(2):                             # decoded, then from the cache
                cached = postings.segment_positions(reader, "body", btext, wanted, key)
                for row in range(len(wanted)):
                    at = int(np.searchsorted(cached[0], wanted[row]))
                    assert cached[0][at] == wanted[row]
                    p = int(np.searchsorted(plain[0], wanted[row]))
                    assert (cached[2][cached[1][at]:cached[1][at + 1]].tolist()
                            == plain[2][plain[1][p]:plain[1][p + 1]].tolist())
    assert any(k[-2:-1] == ("block",) for k in postings.TERM_CACHE.keys())


def test_some_queries_match_many_sections(store):
    """Guard the comparison above against passing on empty match sets."""
    searcher = store.searcher()
    far = time.monotonic() + 600
    sizes = [len(postings.evaluate(searcher, compile_tree(parse(t).tree, searcher.reader()).query.normalize(),
                                   far)[0]) for t in ("nämnden", '"skyddat boende"', "hemtjänst -ungdomar")]
    assert sizes[0] > 300 and sizes[1] > 5 and sizes[2] > 5


# -- the block layout on hand-made blocks ------------------------------------------------------

def _block(deltas, weights, values) -> bytes:
    return zlib.compress(pickle.dumps((tuple(deltas), weights, tuple(values)), 2), 3)


@pytest.mark.parametrize("deltas", [[7], [3, 300], [1, 2, 70000], [5] * 200, [0, 1, 255, 256, 65535, 65536, 2]])
@pytest.mark.parametrize("kind", ["ones", "same", "varied"])
def test_decode_block_reads_ids_and_weights(deltas, kind):
    n = len(deltas)
    varied = tuple(float(1 + i % 4) for i in range(n))
    if n > 1 and len(set(varied)) == 1:
        varied = (1.0, 2.0)[:n]
    weights = {"ones": None, "same": 3.0, "varied": varied if n > 1 else 2.0}[kind]
    expected = {"ones": [1.0] * n, "same": [3.0] * n, "varied": list(varied) if n > 1 else [2.0]}[kind]
    values = [Positions().encode([i, i + 2]) for i in range(n)]
    ids, got = postings.decode_block(_block(deltas, weights, values), n, True)
    assert ids.tolist() == np.cumsum(deltas).tolist()
    assert got.tolist() == expected


def test_decode_block_refuses_another_layout():
    data = zlib.compress(pickle.dumps(([1, 2, 3, 4], None, ()), 2))  # a list, not a tuple
    with pytest.raises(postings.LayoutError):
        postings.decode_block(data, 4, True)


@pytest.mark.parametrize("lists", [
    [[0], [3, 5, 9], [1, 2]],                              # small deltas: read at a fixed stride
    [[4, 400], [0, 1], [70000]],                           # large ones: unpickled one by one
])
def test_values_positions(lists):
    fmt = Positions()
    counts, flat = postings.values_positions([fmt.encode(p) for p in lists])
    assert counts.tolist() == [len(p) for p in lists]
    assert flat.tolist() == [x for p in lists for x in p]
