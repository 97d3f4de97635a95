"""Tracing kept up to date at ingest, so that a request only applies its ``as_of`` date.

Each write (``kb ingest``, ``kb reindex``, a removal) hands the documents of its commit to
:func:`deriver`'s function, which updates, in the same commit, two kinds of derived data in the
store (through ``Store.write(derive=...)`` and ``Store.derived``, which any engine can keep):

- ``tracedir``, one record per municipality: each document's :class:`kb.cases.LinkFeatures`,
  its sha256, its timeline key and the case it is in;
- ``tracecase``, one record per case: :func:`kb.followups.trace_record` (its documents, each
  promise with its ranked follow-ups and their status, the plans of others kept as context).

Only what a commit touches is recomputed: the new documents are linked to the documents that
share a case number, a date or a word of their subject, title or recommendations with them (one
municipality's postings), the cases that lost or changed a member are regrouped, and the trace
of a case is rebuilt only when its members or their contents changed. A request reads the case
records (``load``), checks them against the stored documents (a record made from other bytes,
an older ``TRACE_VERSION`` or a document no record covers is recomputed in memory), and judges
them as of its date (:func:`kb.trace.judge_all`): time linear in the promises shown.
"""

from __future__ import annotations

import json
import logging
import zlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from ingest.model import Document
from kb.cases import (
    MAX_SHARED,
    LinkFeatures,
    evidence,
    is_link,
    link_features,
    link_tokens,
    make_case,
    timeline_key,
)
from kb.followups import trace_record

# Bump when commitments, follow-ups or their ranking change: stored records are then rebuilt.
TRACE_VERSION = "trace-3"
DIRECTORY, CASES = "tracedir", "tracecase"
log = logging.getLogger(__name__)


def encode(data) -> bytes:
    return zlib.compress(json.dumps(data, ensure_ascii=False).encode("utf-8"), 6)


def decode(payload: bytes):
    return json.loads(zlib.decompress(payload).decode("utf-8"))


@dataclass
class Entry:
    """One document in the directory."""

    features: LinkFeatures
    sha256: str
    timeline: tuple
    case: str | None = None

    def to_dict(self) -> dict:
        return {"features": self.features.to_dict(), "sha256": self.sha256, "timeline": list(self.timeline),
                "case": self.case}

    @classmethod
    def from_dict(cls, data: dict) -> Entry:
        return cls(LinkFeatures.from_dict(data["features"]), data["sha256"], tuple(data["timeline"]), data.get("case"))


def entry_of(doc: Document) -> Entry:
    return Entry(link_features(doc), doc.sha256, timeline_key(doc))


def read_directory(store) -> dict[str, Entry]:
    """doc id -> Entry, from the store (entries of another TRACE_VERSION are left out)."""
    out: dict[str, Entry] = {}
    for payload in store.derived(DIRECTORY).values():
        data = decode(payload)
        if data.get("version") != TRACE_VERSION:
            continue
        for doc_id, entry in data["entries"].items():
            out[doc_id] = Entry.from_dict(entry)
    return out


def read_cases(store) -> dict[str, dict]:
    """case id -> record, from the store (records of another TRACE_VERSION are left out)."""
    out = {}
    for case_id, payload in store.derived(CASES).items():
        record = decode(payload)
        if record.get("version") == TRACE_VERSION:
            out[case_id] = record
    return out


# --- grouping, incrementally ------------------------------------------------------------------

def regroup(entries: dict[str, Entry], changed: set[str], previous: dict[str, list[str]]) -> list[list[str]]:
    """Cases (lists of doc ids) after ``changed`` documents were added, replaced or removed.

    ``previous``: case id -> member ids before. A case none of whose members changed stays as it
    was; the others are taken apart, and their remaining members and the new documents are linked
    afresh to every document that shares a token with them (same municipality, or one unknown).
    """
    parent: dict[str, str] = {d: d for d in entries}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[rb] = ra

    loose: set[str] = {d for d in changed if d in entries}
    for members in previous.values():
        alive = [m for m in members if m in entries]
        if any(m in changed for m in members):
            loose.update(alive)
        else:
            for m in alive[1:]:
                union(alive[0], m)
    loose |= {d for d, e in entries.items() if e.case is None}
    if loose:
        places = {entries[d].features.place for d in loose}
        postings: dict[tuple[str, str], list[str]] = defaultdict(list)
        for doc_id, e in entries.items():
            p = e.features.place
            if "" in places or p in places or p == "":
                for token in link_tokens(e.features):
                    postings[(p, token)].append(doc_id)
        for d in loose:
            f = entries[d].features
            scope = {f.place, ""} if f.place else {p for p, _ in postings}
            seen: set[str] = set()
            for token in link_tokens(f):
                for p in scope:
                    others = postings.get((p, token), ())
                    if len(others) > MAX_SHARED:
                        continue
                    for o in others:
                        if o == d or o in seen:
                            continue
                        seen.add(o)
                        if find(o) != find(d) and is_link(evidence(f, entries[o].features)):
                            union(d, o)
    groups: dict[str, list[str]] = defaultdict(list)
    for d in entries:
        groups[find(d)].append(d)
    return [sorted(g, key=lambda d: entries[d].timeline) for g in groups.values()]


# --- the derive function for Store.write -----------------------------------------------------

Fetch = Callable[[str], Document | None]


def update(entries: dict[str, Entry], cases: dict[str, dict], docs: list[Document], removed: list[str],
           fetch: Fetch) -> tuple[dict[str, Entry], dict[str, dict], set[str], set[str]]:
    """The directory and case records after a commit of ``docs`` and ``removed``; and the places
    and case ids whose stored records changed (a case id of a case gone is among them)."""
    previous: dict[str, list[str]] = defaultdict(list)
    for doc_id, e in entries.items():
        if e.case:
            previous[e.case].append(doc_id)
    entries = dict(entries)
    touched_places: set[str] = set()
    changed: set[str] = set()
    for doc_id in removed:
        gone = entries.pop(doc_id, None)
        if gone is not None:
            touched_places.add(gone.features.place)
            changed.add(doc_id)
    pending = {d.id: d for d in docs}
    for d in docs:
        old = entries.get(d.id)
        entries[d.id] = entry_of(d)
        touched_places.add(entries[d.id].features.place)
        if old is not None:
            touched_places.add(old.features.place)
        changed.add(d.id)
    groups = regroup(entries, changed, previous)
    new_cases: dict[str, dict] = {}
    dirty_cases: set[str] = set()
    for group in groups:
        case_id = f"case-{group[0]}"
        old = cases.get(case_id)
        members = [[d, entries[d].sha256] for d in group]
        if old is not None and old.get("members") == members and not (set(group) & changed):
            new_cases[case_id] = old
        else:
            documents = [pending.get(d) or fetch(d) for d in group]
            documents = [x for x in documents if x is not None]
            record = trace_record(make_case(documents)) if documents else None
            if record is None:
                continue
            record["version"] = TRACE_VERSION
            record["order"] = list(entries[group[0]].timeline)
            new_cases[case_id] = record
            dirty_cases.add(case_id)
        for d in group:
            if entries[d].case != case_id:
                entries[d] = Entry(entries[d].features, entries[d].sha256, entries[d].timeline, case_id)
                touched_places.add(entries[d].features.place)
    dirty_cases |= set(cases) - set(new_cases)
    return entries, new_cases, touched_places, dirty_cases


def deriver(store) -> Callable[[list[Document], list[str], bool], dict[str, dict[str, bytes | None]]]:
    """The ``derive`` function of :meth:`index.store.Store.write` that keeps tracing up to date."""

    def derive(docs: list[Document], removed: list[str], fresh: bool) -> dict[str, dict[str, bytes | None]]:
        try:
            return _derive(store, docs, removed, fresh)
        except Exception:  # derived data: a failure must not cost the documents (requests recompute)
            log.exception("tracing could not be updated at ingest; it is recomputed when asked for")
            return {}

    return derive


def _derive(store, docs: list[Document], removed: list[str], fresh: bool) -> dict[str, dict[str, bytes | None]]:
    entries = {} if fresh else read_directory(store)
    cases = {} if fresh else read_cases(store)
    stored_places = set() if fresh else set(store.derived(DIRECTORY))
    if not fresh:
        # documents the directory does not know (an index written before tracing was stored, or
        # by another TRACE_VERSION): bring them in once
        incoming = {d.id for d in docs} | set(removed)
        known = {doc_id: sha for doc_id, sha in store.sources().values()}
        missing = [d for d in known if d not in incoming and (d not in entries or entries[d].sha256 != known[d])]
        if missing:
            # (also what other writers of a PostgreSQL store committed and have not derived yet).
            # Only the cases these documents join are rebuilt: a stored record whose members and
            # their bytes are unchanged is what trace_record would make of them again.
            older = [x for x in (store.document(d) for d in missing) if x is not None]
            docs = older + list(docs)
    entries, new_cases, places, dirty = update(entries, cases, docs, removed, store.document)
    out: dict[str, dict[str, bytes | None]] = {DIRECTORY: {}, CASES: {}}
    by_place: dict[str, dict[str, dict]] = defaultdict(dict)
    for doc_id, e in entries.items():
        if e.features.place in places or fresh:
            by_place[e.features.place][doc_id] = e.to_dict()
    for place in places | (set(by_place) if fresh else set()):
        key = place or "-"
        if by_place.get(place):
            out[DIRECTORY][key] = encode({"version": TRACE_VERSION, "entries": by_place[place]})
        elif key in stored_places:
            out[DIRECTORY][key] = None
    for case_id in dirty:
        out[CASES][case_id] = encode(new_cases[case_id]) if case_id in new_cases else None
    return out


# --- reading ------------------------------------------------------------------------------------

def load(store) -> list[dict]:
    """Every case record, up to date with the stored documents, in timeline order."""
    entries = read_directory(store)
    cases = read_cases(store)
    known = {doc_id: sha for doc_id, sha in store.sources().values()}
    covered = {d for r in cases.values() for d, _sha in r.get("members", [])}
    stale = (set(known) - covered) or any(entries.get(d) is None or entries[d].sha256 != sha for d, sha in known.items())
    if stale or covered - set(known):
        log.info("tracing is not stored for this index (or is out of date): computing it now; "
                 "`kb reindex` stores it")
        from kb.trace import trace_records

        docs = store.documents()
        records = trace_records(docs)
        by_id = {d.id: d for d in docs}
        for r in records:
            first = by_id.get(r["documents"][0]["doc_id"]) if r["documents"] else None
            r["order"] = list(timeline_key(first)) if first else []
        return sorted(records, key=lambda r: r["order"])
    return sorted(cases.values(), key=lambda r: r.get("order", []))
