"""The database's tables: one row per document, one per section, one per word of the vocabulary.

``kb_sections.tsv`` is stored out of line (``STORAGE EXTERNAL`` and a small tuple target), so a
section's heap row stays narrow: counting and faceting a large match set reads the GIN index and
the narrow rows, and only the ranked candidates' tsvectors are read. ``kb_vocabulary`` carries a
pg_trgm index for "menade du". ``kb_meta`` holds the analyzer and schema versions (a mismatch asks
for a rebuild, as the Whoosh index's kb-index.json does) and a rebuild's pending sources.
"""

from __future__ import annotations

from index.analysis import ANALYZER_VERSION
from index.schema import SCHEMA_VERSION as WHOOSH_SCHEMA_VERSION

SCHEMA_VERSION = f"pg-1+{WHOOSH_SCHEMA_VERSION}"

#: Advisory lock keys (pg_advisory_*): writers hold the store's key shared, a rebuild exclusive;
#: creating the tables holds the setup key. Document locks hash the document id.
STORE_LOCK = 0x6B62_0001
SETUP_LOCK = 0x6B62_0002

TABLES = ("kb_sections", "kb_documents", "kb_vocabulary", "kb_meta")

DDL = """
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE IF NOT EXISTS kb_meta (
    key   text PRIMARY KEY,
    value text NOT NULL
);

CREATE SEQUENCE IF NOT EXISTS kb_write_seq;

CREATE TABLE IF NOT EXISTS kb_documents (
    doc_id            text PRIMARY KEY,
    seq               bigint NOT NULL DEFAULT nextval('kb_write_seq'),
    path              text NOT NULL DEFAULT '',
    sha256            text NOT NULL DEFAULT '',
    content_hash      text NOT NULL,
    year              integer NOT NULL DEFAULT 0,
    date_ord          integer NOT NULL DEFAULT 0,
    committee         text NOT NULL DEFAULT '',
    committee_fold    text NOT NULL DEFAULT '',
    doc_type          text NOT NULL DEFAULT '',
    doc_type_fold     text NOT NULL DEFAULT '',
    municipality      text NOT NULL DEFAULT '',
    municipality_fold text NOT NULL DEFAULT '',
    case_numbers      text[] NOT NULL DEFAULT '{}',
    payload           bytea NOT NULL,
    spell             tsvector NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS kb_documents_seq ON kb_documents (seq);
CREATE INDEX IF NOT EXISTS kb_documents_path ON kb_documents (path);
CREATE INDEX IF NOT EXISTS kb_documents_year ON kb_documents (year);
CREATE INDEX IF NOT EXISTS kb_documents_cases ON kb_documents USING gin (case_numbers);
CREATE INDEX IF NOT EXISTS kb_documents_spell ON kb_documents USING gin (spell);

CREATE TABLE IF NOT EXISTS kb_sections (
    sid               bigserial PRIMARY KEY,
    id                text NOT NULL UNIQUE,
    doc_id            text NOT NULL REFERENCES kb_documents (doc_id) ON DELETE CASCADE,
    number            integer NOT NULL,
    year              integer NOT NULL DEFAULT 0,
    date_ord          integer NOT NULL DEFAULT 0,
    committee         text NOT NULL DEFAULT '',
    committee_fold    text NOT NULL DEFAULT '',
    doc_type          text NOT NULL DEFAULT '',
    doc_type_fold     text NOT NULL DEFAULT '',
    municipality      text NOT NULL DEFAULT '',
    municipality_fold text NOT NULL DEFAULT '',
    recommendation    integer NOT NULL DEFAULT 0,
    payload           text NOT NULL,
    tsv               tsvector NOT NULL,
    length            integer NOT NULL DEFAULT 0
) WITH (toast_tuple_target = 128);
ALTER TABLE kb_sections ALTER COLUMN tsv SET STORAGE EXTERNAL;
ALTER TABLE kb_sections ALTER COLUMN payload SET STORAGE EXTERNAL;
CREATE INDEX IF NOT EXISTS kb_sections_doc ON kb_sections (doc_id);
CREATE INDEX IF NOT EXISTS kb_sections_date ON kb_sections (date_ord DESC, sid);
CREATE INDEX IF NOT EXISTS kb_sections_tsv ON kb_sections USING gin (tsv);

CREATE TABLE IF NOT EXISTS kb_vocabulary (
    word text PRIMARY KEY
);
CREATE INDEX IF NOT EXISTS kb_vocabulary_trgm ON kb_vocabulary USING gin (word gin_trgm_ops);
"""


def versions() -> dict[str, str]:
    """What kb_meta must say for the stored tokens to be this code's."""
    return {"analyzer_version": ANALYZER_VERSION, "schema_version": SCHEMA_VERSION}
