"""The packed codec: W3 with a block's word positions in one piece, read back exactly."""

from __future__ import annotations

import pickle
import zlib

import pytest
from hypothesis import given
from hypothesis import strategies as st
from whoosh import fields, index
from whoosh.codec.whoosh3 import W3Codec

from index.codec import PACKED, PackedCodec, pack_values, unpack_values

SCHEMA = fields.Schema(id=fields.ID(stored=True), body=fields.TEXT(phrase=True))
WORDS = "nämnden beslutar om stöd till förskolan och uppföljning av planen".split()


@given(st.lists(st.binary(max_size=40), max_size=300))
def test_values_pack_and_unpack(values):
    packed = pack_values(values)
    assert packed[0] == PACKED
    assert unpack_values(packed) == tuple(values)


def test_a_w3_tuple_of_values_is_not_taken_for_a_packed_one():
    assert unpack_values((b"ab", b"cd", b"ef")) is None
    assert unpack_values(None) is None


def _build(path, codec, n=700):
    path.mkdir()
    ix = index.create_in(str(path), SCHEMA)
    writer = ix.writer(codec=codec)
    for i in range(n):                       # every 7th text repeats a word: positions vary
        words = [WORDS[(i * 3 + k) % len(WORDS)] for k in range(5 + i % 7)]
        writer.add_document(id=str(i), body=" ".join(words))
    writer.commit()
    return ix


@pytest.mark.parametrize("blocklimit", [4, 128, 512])
def test_whoosh_reads_the_same_postings_and_phrases_from_both_codecs(tmp_path, blocklimit):
    plain = _build(tmp_path / "w3", W3Codec(blocklimit=blocklimit))
    packed = _build(tmp_path / "packed", PackedCodec(blocklimit=blocklimit))
    with plain.searcher() as a, packed.searcher() as b:
        for word in WORDS:
            term = word.encode()
            ma, mb = a.reader().postings("body", term), b.reader().postings("body", term)
            assert list(ma.items_as("positions")) == list(mb.items_as("positions"))
        from whoosh import query
        phrase = query.Phrase("body", ["stöd", "till"])
        assert [h["id"] for h in a.search(phrase, limit=None)] == [h["id"] for h in b.search(phrase, limit=None)]
        assert len(b.search(phrase, limit=None)) > 10


def test_the_packed_blocks_hold_two_objects_not_one_per_posting(tmp_path):
    ix = _build(tmp_path / "packed", PackedCodec(blocklimit=128))
    reader = ix.reader()
    segment = next(iter(reader.leaf_readers()))[0]
    info = segment._terms.term_info("body", "nämnden".encode())
    offset, length = info.extent()
    raw = segment._terms._postfile.get(offset, length[0] if isinstance(length, tuple) else length)
    from index.postings import _blocks

    count, _last, compressed, data = next(_blocks(raw))
    _ids, _weights, values = pickle.loads(zlib.decompress(data) if compressed else data)
    assert values[0] == PACKED and len(unpack_values(values)) == count == 128
