"""The index's Whoosh codec: W3, with each posting block's word positions packed in one piece.

Whoosh's W3 codec stores a posting block as a pickled triple (ids, weights, values), where the
values of a positional field are one bytes object per posting (its word positions). Pickle
protocol 2, which W3 uses, writes every bytes object as a call to ``codecs.encode``, so a block
of 128 postings costs 128 calls to write and 128 to read back. ``PackedCodec`` is W3 in every
other respect; it writes a block's variable-size values as ``(PACKED, lengths, joined)``: the
little-endian uint32 length of each value and all values end to end. Two objects per block
instead of 128: faster to write at ingest and to read at search, where ``index.postings`` takes
positions straight from ``joined`` with NumPy. Whoosh's own matchers read both layouts.

Segments remember their codec (it is pickled with them in the table of contents), so an index
written with this codec needs this module to be importable; the schema version names it.
"""

from __future__ import annotations

import secrets
import struct

from whoosh.codec import whoosh3
from whoosh.matching import ListMatcher

PACKED = "kb-packed"             # first item of a packed values triple


def pack_values(values: list[bytes]) -> tuple[str, bytes, bytes]:
    """A block's values as (PACKED, uint32 little-endian lengths, the values end to end)."""
    return PACKED, struct.pack(f"<{len(values)}I", *map(len, values)), b"".join(values)


def is_packed(values) -> bool:
    """True for a block's values as ``pack_values`` wrote them, False for W3's tuple of values."""
    return isinstance(values, tuple) and len(values) == 3 and values[0] == PACKED


def unpack_values(packed) -> tuple[bytes, ...] | None:
    """The values of a packed triple, or None when ``packed`` is not one (a W3 tuple of values)."""
    if not is_packed(packed):
        return None
    _, lengths, joined = packed
    out = []
    start = 0
    for size in struct.unpack(f"<{len(lengths) // 4}I", lengths):
        out.append(joined[start:start + size])
        start += size
    return tuple(out)


class PackedPostingsWriter(whoosh3.W3PostingsWriter):
    def _mini_values(self):
        fixed = self._format.fixed_value_size()
        if (fixed is None or fixed < 0) and self._values:
            return pack_values(self._values)
        return super()._mini_values()


class PackedLeafMatcher(whoosh3.W3LeafMatcher):
    def _read_values(self):
        if self._data is None:
            self._read_data()
        values = unpack_values(self._data[2])
        if values is None:
            super()._read_values()
        else:
            self._values = values


class PackedCodec(whoosh3.W3Codec):
    """W3 with packed block values (see the module docstring)."""

    def postings_writer(self, dbfile, byteids=False):
        return PackedPostingsWriter(dbfile, blocklimit=self._blocklimit, byteids=byteids,
                                    compression=self._compression, inlinelimit=self._inlinelimit)

    def new_segment(self, storage, indexname):
        """A segment whose id comes from the system's randomness: Whoosh draws it from the global
        ``random``, which a caller may have seeded (Hypothesis does, per example), so two indexes
        in one process could share segment ids, and caches keyed by them (index.columns) mix up."""
        segment = super().new_segment(storage, indexname)
        segment.segid = secrets.token_hex(8)
        return segment

    def postings_reader(self, dbfile, terminfo, format_, term=None, scorer=None):
        if terminfo.is_inlined():
            ids, weights, values = terminfo.inlined_postings()
            return ListMatcher(ids, weights, values, format_, scorer=scorer, term=term, terminfo=terminfo)
        offset, length = terminfo.extent()
        return PackedLeafMatcher(dbfile, offset, length, format_, term=term, scorer=scorer)
