"""The Whoosh schema: one record per section (avsnitt) and one per document (handling).

Section records carry the searchable text; document records carry the whole Document JSON so
the store can give documents back unchanged and be rebuilt from its sources. Facet and filter
values live in sortable column fields, read into arrays once per index generation.
"""

from __future__ import annotations

from whoosh import formats
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema

from index.fast_analysis import fused_spelling_analyzer, fused_swedish_analyzer

# kb-6: diarienummer stored as normalised keys, with and without suffix; kb-7: a heading that
# repeats the title is not indexed as a heading, bare headings go into the next section's context
SCHEMA_VERSION = "kb-7"

SECTION = "section"
DOCUMENT = "document"
# Data a write derives from the documents (tracing's cases and follow-ups): opaque bytes by key,
# written in the same commit as the documents they come from (see Store.write's ``derive``).
DERIVED = "derived"

# Text fields a query searches, with their query-time BM25F boosts (rubrik, handlingens titel).
# ``context`` holds the heading of the statement a sub-section belongs under (the *Aktivitet*
# or *Rekommendation* line above a *Beskrivning* or *Uppföljning*): weak, so the statement's own
# section still ranks first for its words, while the follow-up under it is found by them too.
TEXT_FIELDS = {"body": 1.0, "heading": 2.0, "title": 1.5, "context": 0.5}

# Single-valued column fields: facets, filters and sorting read them as arrays.
COLUMN_FIELDS = ("record", "doc_id", "year", "date", "committee", "doc_type", "municipality",
                 "recommendation", "path", "sha256")

SPELL_FIELD = "spell"


class SpellingField(TEXT):
    """Word forms for "menade du", on the document record: which documents use a word.

    Suggestions read only document frequencies and the word list, so no term frequencies or
    positions are kept. It stays scorable: Whoosh's writer then reads field lengths from a
    cached column instead of checking the disk for one on every posting.
    """

    def __init__(self):
        super().__init__(analyzer=fused_spelling_analyzer(), phrase=False)
        self.format = formats.Existence()


def build_schema() -> Schema:
    # The chains of index.analysis in one memoized pass, token for token the same.
    text = fused_swedish_analyzer()
    fields = {
        "id": ID(stored=True, unique=True),
        "body": TEXT(analyzer=text, phrase=True),
        "heading": TEXT(analyzer=text, phrase=True),
        "title": TEXT(analyzer=text, phrase=True),
        "context": TEXT(analyzer=text, phrase=True),
        # Unstemmed real words for "menade du": fuzzy matching needs word forms, not stems.
        SPELL_FIELD: SpellingField(),
        "case_numbers": KEYWORD(lowercase=False, commas=True, scorable=False),
        "payload": STORED(),
    }
    for name in COLUMN_FIELDS:
        fields[name] = ID(stored=False, sortable=True)
    return Schema(**fields)
