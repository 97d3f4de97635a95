"""The PostgreSQL engine: the same documents, analysis, query language, ranking and search
contract as the Whoosh index, kept in a database server.

    rows.py      Document -> rows: kb's analyzer gives each section's terms, term frequencies,
                 positions and field lengths, exactly as Whoosh indexes them (pure)
    schema.py    the tables, indexes and the schema version
    store.py     PgStore: the engine (connection pools, one transaction per document, merges)
    segments.py  the inverted index's segments and how they are merged
    searcher.py  one read-only snapshot answering what ``index.search`` asks a searcher:
                 postings for ``index.postings``' BM25F evaluator, column arrays, hit payloads
    suggest.py   "menade du" from the vocabulary table

The search itself is not rewritten for PostgreSQL: ``index.search`` (match set, filters,
facets, ranking, collapsing, tiers, hits) and ``index.postings`` (Whoosh's BM25F over posting
arrays) run unchanged over either engine, so both answer every query alike.
"""
