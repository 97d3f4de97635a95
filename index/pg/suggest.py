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

from collections import Counter

from index.pg.rows import quote_lexeme


def within(a: str, b: str, limit: int) -> bool:
    """True when the Levenshtein distance of ``a`` and ``b`` is at most ``limit`` (what Whoosh's
    automaton accepts): the dynamic programme over the diagonal band ``limit`` wide only, so a
    few cells per character instead of the whole table."""
    if abs(len(a) - len(b)) > limit:
        return False
    if len(a) > len(b):
        a, b = b, a
    far = limit + 1
    previous = {j: j for j in range(0, min(len(b), limit) + 1)}
    for i in range(1, len(a) + 1):
        current = {}
        low, high = max(0, i - limit), min(len(b), i + limit)
        best = far
        for j in range(low, high + 1):
            if j == 0:
                value = i
            else:
                value = min(previous.get(j, far) + 1, current.get(j - 1, far) + 1,
                            previous.get(j - 1, far) + (a[i - 1] != b[j - 1]))
            current[j] = value
            best = min(best, value)
        if best > limit:
            return False
        previous = current
    return previous.get(len(b), far) <= limit


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
        # The GIN index, whatever the planner's statistics say (a sequential scan reads every
        # document's words: half a second a word at 20,000 documents).
        self.conn.execute("SET LOCAL enable_seqscan = off")
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
        letters = Counter(word)
        found = []
        for (candidate,) in rows:
            # Each edit takes at most one letter away and adds at most one: a cheap lower bound.
            theirs = Counter(candidate)
            if (letters - theirs).total() > maxdist or (theirs - letters).total() > maxdist:
                continue
            if within(word, candidate, maxdist):
                found.append(candidate)
        self._frequencies(found)
        yield from found
