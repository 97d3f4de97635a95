"""Menade du in PostgreSQL: ``index.suggest``'s rules over the vocabulary table.

``index.suggest.correct_word`` asks a reader two things; this one answers them as Whoosh's
reader does:

* the words of the spell field within a Levenshtein distance, sharing the first ``prefix``
  letters (Whoosh's ``terms_within`` runs a Levenshtein automaton over its word list): the
  words of ``kb_vocabulary`` sharing the prefix and of a length within the distance (a range of
  its B-tree), then the exact distance;
* how many documents use a word: the GIN index on the documents' ``spell`` tsvector (positions
  left out), so a deleted document stops counting at once.
"""

from __future__ import annotations

from whoosh.support.levenshtein import levenshtein

from index.pg.rows import quote_lexeme


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
        """Vocabulary words within ``maxdist`` edits of ``word`` sharing its first ``prefix``
        characters, in the vocabulary's (UTF-8 byte) order."""
        start = word[:prefix]
        pattern = start.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        rows = self.conn.execute(
            "SELECT word FROM kb_vocabulary WHERE word LIKE %s AND length(word) BETWEEN %s AND %s "
            "ORDER BY word", (pattern, max(0, len(word) - maxdist), len(word) + maxdist)).fetchall()
        found = [w for (w,) in rows if levenshtein(word, w, maxdist + 1) <= maxdist]
        self._frequencies(found)
        yield from found
