"""`kb bench`: a synthetic scale corpus, our pipeline and search against SQLite FTS5 and tantivy.

Nothing heavy is imported here: numpy, tantivy and matplotlib load inside the functions that use them.
"""
