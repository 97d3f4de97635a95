"""Segments of the inverted index: how a writer's new postings join the rest.

Every write transaction adds one segment: a row per (term, field) its documents hold. Reading a
term reads one row per segment, so segments are merged as they accumulate: whenever
``MERGE_FACTOR`` segments share a level, one writer merges them into a single segment of the
next level (level L holds ``MERGE_FACTOR``^L documents or more, so a term has at most
``MERGE_FACTOR - 1`` rows per level: a few dozen at a million documents). Each posting is
rewritten once per level, as in Lucene's and Whoosh's tiered merging.

A merge is one statement in the server: per (term, field), the segments' packed lists
concatenated (``string_agg`` over bytea) in the order of their first section id, then the old
rows deleted, in one transaction. Concurrent writers only add new segments, so they never wait
for a merge; readers see the old segments or the merged one (MVCC), never both. One merge runs
at a time (an advisory lock; a writer that cannot take it leaves the merge to the one holding it).

Sections deleted since a segment was written (a replaced or removed document) keep their
postings there; readers drop them with the live-section mask, so they cost space and reading
time, never a wrong answer. Merges concatenate and do not reclaim them (yet).
"""

from __future__ import annotations

from index.pg import schema

MERGE_FACTOR = 10
MAX_MERGES_PER_CALL = 64        # a writer's share of merging after one document (bounded work)

_MERGE_SQL = """
INSERT INTO kb_postings (term, field, seg, n, ids, tfs, pos)
SELECT p.term, p.field, %(new)s, sum(p.n),
       string_agg(p.ids, ''::bytea ORDER BY s.min_sid, s.seg),
       CASE WHEN bool_and(p.tfs IS NULL) THEN NULL
            ELSE string_agg(coalesce(p.tfs, decode(repeat('0100', p.n), 'hex')), ''::bytea
                            ORDER BY s.min_sid, s.seg) END,
       string_agg(p.pos, ''::bytea ORDER BY s.min_sid, s.seg)
FROM kb_postings p JOIN kb_segments s ON s.seg = p.seg
WHERE p.seg = ANY(%(segs)s)
GROUP BY p.term, p.field
"""


def segment_level(docs: int) -> int:
    """The level of a segment of ``docs`` documents: the largest L with MERGE_FACTOR^L <= docs."""
    level = 0
    while docs >= MERGE_FACTOR ** (level + 1):
        level += 1
    return level


def due_level(conn) -> int | None:
    """The lowest level holding ``MERGE_FACTOR`` segments or more, or None."""
    row = conn.execute("SELECT level FROM kb_segments GROUP BY level HAVING count(*) >= %s "
                       "ORDER BY level LIMIT 1", (MERGE_FACTOR,)).fetchone()
    return None if row is None else int(row[0])


def merge_level(conn, level: int) -> bool:
    """Merge ``MERGE_FACTOR`` segments of ``level`` (lowest first sections first) into one of the
    next level, in one transaction; False when another process holds the merge lock or there is
    nothing to merge."""
    with conn.transaction():
        if not conn.execute("SELECT pg_try_advisory_xact_lock(%s)", (schema.MERGE_LOCK,)).fetchone()[0]:
            return False
        rows = conn.execute("SELECT seg, docs, postings, min_sid, max_sid FROM kb_segments WHERE level = %s "
                            "ORDER BY min_sid, seg LIMIT %s", (level, MERGE_FACTOR)).fetchall()
        if len(rows) < MERGE_FACTOR:
            return False
        segs = [r[0] for r in rows]
        new = conn.execute("SELECT nextval('kb_seg_seq')").fetchone()[0]
        conn.execute(_MERGE_SQL, {"new": new, "segs": segs})
        conn.execute("DELETE FROM kb_postings WHERE seg = ANY(%s)", (segs,))
        conn.execute("DELETE FROM kb_segments WHERE seg = ANY(%s)", (segs,))
        conn.execute("INSERT INTO kb_segments (seg, level, docs, postings, min_sid, max_sid) "
                     "VALUES (%s, %s, %s, %s, %s, %s)",
                     (new, level + 1, sum(r[1] for r in rows), sum(r[2] for r in rows),
                      min(r[3] for r in rows), max(r[4] for r in rows)))
    return True


def merge_due(conn, *, until_done: bool = False) -> int:
    """Merge while some level is full: once (after a document) or until none is (after a
    batch). Returns the number of merges made."""
    made = 0
    while made < MAX_MERGES_PER_CALL:
        level = due_level(conn)
        if level is None or not merge_level(conn, level):
            break
        made += 1
        if not until_done and due_level(conn) is None:
            break
    return made
