"""Menade du in PostgreSQL: ``index.suggest``'s rules over the vocabulary table.

``index.suggest.correct_word`` asks a reader for two things; this reader answers them from the
database: the words within an edit distance (candidates from the pg_trgm index on
``kb_vocabulary``, then the exact Damerau-Levenshtein distance and the shared first letter, as
Whoosh's ``terms_within(prefix=1)``) and a word's document frequency (the GIN index on the
documents' ``spell`` tsvector, so deleted documents stop counting at once).
"""

from __future__ import annotations

from whoosh.support.levenshtein import damerau_levenshtein

from index.pg.rows import quote_lexeme

CANDIDATES = 200          # vocabulary words fetched by trigram similarity
SIMILARITY = 0.2          # pg_trgm's threshold for a candidate (its default, 0.3, misses short words)


class VocabularyReader:
    """The two reader calls ``index.suggest`` makes, answered over one connection."""

    def __init__(self, conn):
        self.conn = conn
        self._freq: dict[str, int] = {}

    def doc_frequency(self, fieldname: str, word: str) -> int:
        if word not in self._freq:
            self._frequencies([word])
        return self._freq[word]

    def _frequencies(self, words: list[str]) -> None:
        todo = [w for w in dict.fromkeys(words) if w not in self._freq]
        if not todo:
            return
        rows = self.conn.execute(
            "SELECT w, (SELECT count(*) FROM kb_documents WHERE spell @@ q::tsquery) "
            "FROM unnest(%s::text[], %s::text[]) AS t(w, q)",
            (todo, [quote_lexeme(w) for w in todo])).fetchall()
        self._freq.update({w: int(n) for w, n in rows})

    def terms_within(self, fieldname: str, word: str, maxdist: int, prefix: int = 0):
        self.conn.execute("SELECT set_config('pg_trgm.similarity_threshold', %s, true)", (str(SIMILARITY),))
        rows = self.conn.execute(
            "SELECT word FROM kb_vocabulary WHERE word %% %s AND left(word, %s) = left(%s, %s) "
            "AND abs(length(word) - length(%s)) <= %s ORDER BY word <-> %s, word LIMIT %s",
            (word, prefix, word, prefix, word, maxdist, word, CANDIDATES)).fetchall()
        found = sorted(w for (w,) in rows if damerau_levenshtein(word, w) <= maxdist)
        self._frequencies(found)
        yield from found
