"""The database's tables.

    kb_documents    one row per document: metadata, case numbers, the whole Document (payload)
                    and its words for "menade du" (``spell``, GIN: which documents use a word)
    kb_sections     one row per section: its document, recommendation, field lengths and the
                    hit payload; ``sid`` numbers sections for the search (allocated in blocks,
                    one block per document, from ``kb_counters``)
    kb_postings     the inverted index: per (term, field, segment) the sections holding the
                    term, their term frequencies and (fold keys) positions, packed
    kb_segments     the segments: one per written document, merged ten at a time into one of the
                    next level (level L holds about 10^L documents), so a term has a few rows
    kb_vocabulary   every word of the spell field (B-tree, C collation: "menade du" scans the
                    words sharing a first letter)
    kb_generation   one counter per writer: their sum identifies the committed state
    kb_counters     the last section id given out (a writer takes a block per document)
    kb_derived      data a write derives from the documents, by kind and key (tracing's
                    directory and case records, see ``kb.tracestore``); written after the
                    documents, one writer at a time (``DERIVED_LOCK``)
    kb_meta         analyzer and schema versions (a mismatch asks for a rebuild), the store's
                    epoch and a rebuild's pending sources

Terms use the C collation so that their order is Whoosh's (UTF-8 byte order): a prefix query
expands to the same first terms.
"""

from __future__ import annotations

from index.analysis import ANALYZER_VERSION
from index.schema import SCHEMA_VERSION as WHOOSH_SCHEMA_VERSION

SCHEMA_VERSION = f"pg-2+{WHOOSH_SCHEMA_VERSION}"

#: Advisory lock keys (pg_advisory_*): writers hold the store's key shared, a rebuild exclusive;
#: creating the tables holds the setup key; one merge at a time holds the merge key. Document
#: locks hash the document id.
STORE_LOCK = 0x6B62_0001
SETUP_LOCK = 0x6B62_0002
MERGE_LOCK = 0x6B62_0003
DERIVED_LOCK = 0x6B62_0004  # one writer at a time updates the derived data (tracing)

TABLES = ("kb_postings", "kb_segments", "kb_sections", "kb_documents", "kb_vocabulary",
          "kb_generation", "kb_counters", "kb_derived", "kb_meta")

# Data derived from the documents (tracing's directory and cases), by kind and key. Part of DDL;
# also run on opening a store created before it existed (PgStore._setup).
DERIVED_DDL = """
CREATE TABLE IF NOT EXISTS kb_derived (
    kind    text NOT NULL,
    key     text NOT NULL,
    payload bytea NOT NULL,
    PRIMARY KEY (kind, key)
);
"""

DDL = """
CREATE TABLE IF NOT EXISTS kb_meta (
    key   text PRIMARY KEY,
    value text NOT NULL
);

CREATE TABLE IF NOT EXISTS kb_counters (
    name  text PRIMARY KEY,
    value bigint NOT NULL
);
INSERT INTO kb_counters VALUES ('sid', 0) ON CONFLICT DO NOTHING;

CREATE TABLE IF NOT EXISTS kb_generation (
    writer text PRIMARY KEY,
    n      bigint NOT NULL
);
INSERT INTO kb_generation VALUES ('base', 0) ON CONFLICT DO NOTHING;

CREATE SEQUENCE IF NOT EXISTS kb_write_seq;
CREATE SEQUENCE IF NOT EXISTS kb_seg_seq AS integer;

CREATE TABLE IF NOT EXISTS kb_documents (
    doc_id        text PRIMARY KEY,
    seq           bigint NOT NULL DEFAULT nextval('kb_write_seq'),
    path          text NOT NULL DEFAULT '',
    sha256        text NOT NULL DEFAULT '',
    content_hash  text NOT NULL,
    year          integer NOT NULL DEFAULT 0,
    date_ord      integer NOT NULL DEFAULT 0,
    committee     text NOT NULL DEFAULT '',
    doc_type      text NOT NULL DEFAULT '',
    municipality  text NOT NULL DEFAULT '',
    case_numbers  text[] NOT NULL DEFAULT '{}',
    payload       bytea NOT NULL,
    spell         tsvector NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX IF NOT EXISTS kb_documents_seq ON kb_documents (seq);
CREATE INDEX IF NOT EXISTS kb_documents_cases ON kb_documents USING gin (case_numbers);
CREATE INDEX IF NOT EXISTS kb_documents_spell ON kb_documents USING gin (spell);

CREATE TABLE IF NOT EXISTS kb_sections (
    sid            integer PRIMARY KEY,
    doc_id         text NOT NULL REFERENCES kb_documents (doc_id) ON DELETE CASCADE,
    doc_seq        bigint NOT NULL,
    number         integer NOT NULL,
    recommendation integer NOT NULL DEFAULT 0,
    len_body       integer NOT NULL,
    len_heading    integer NOT NULL,
    len_title      integer NOT NULL,
    len_context    integer NOT NULL,
    payload        text NOT NULL
);
CREATE INDEX IF NOT EXISTS kb_sections_doc ON kb_sections (doc_id);

CREATE TABLE IF NOT EXISTS kb_segments (
    seg       integer PRIMARY KEY,
    level     integer NOT NULL,
    docs      integer NOT NULL,
    postings  bigint NOT NULL,
    min_sid   integer NOT NULL,
    max_sid   integer NOT NULL
);

CREATE TABLE IF NOT EXISTS kb_postings (
    term   text COLLATE "C" NOT NULL,
    field  smallint NOT NULL,
    seg    integer NOT NULL,
    n      integer NOT NULL,
    ids    bytea NOT NULL,
    tfs    bytea,
    pos    bytea,
    PRIMARY KEY (term, field, seg)
);
CREATE INDEX IF NOT EXISTS kb_postings_seg ON kb_postings (seg);

CREATE TABLE IF NOT EXISTS kb_vocabulary (
    word text COLLATE "C" PRIMARY KEY
);
""" + DERIVED_DDL


def versions() -> dict[str, str]:
    """What kb_meta must say for the stored tokens to be this code's."""
    return {"analyzer_version": ANALYZER_VERSION, "schema_version": SCHEMA_VERSION}
