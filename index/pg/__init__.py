"""The PostgreSQL engine: the same documents, analysis, query language and search contract as the
Whoosh index, kept in a database server.

    rows.py     Document -> table rows; kb's own Swedish analyzer writes the tsvector (pure)
    tsquery.py  the query language's parse tree -> tsquery text and ranking features (pure)
    schema.py   the tables, indexes and the schema version
    store.py    PgStore: the engine (connection pools, one transaction per document)
    search.py   match set, facets by GROUP BY, ranking, collapsing, one page of hits
    suggest.py  "menade du" from the vocabulary table with pg_trgm

PostgreSQL never analyses text itself: every tsvector and tsquery is built from kb's tokens
(configuration ``simple`` is never asked to stem), so OCR folding, stemming and compound parts
are exactly Whoosh's.
"""
