"""The Swedish analyzer chain, the same at index and query time.

Read top to bottom as the pipeline (first version; the analysis work refines it):
tokenize | lowercase | stop words | Snowball Swedish stem.
"""

from __future__ import annotations

from functools import lru_cache

import snowballstemmer
from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer, StopFilter

ANALYZER_VERSION = "sv-1"

SWEDISH_STOPWORDS = frozenset(
    "och i att det som en på är av för med till den har de inte om ett han men var jag sig "
    "från vi så kan man när år säga hon under också efter eller nu sin där vid mot ska skall "
    "hade dem denna detta dessa deras dess vara vilka vilken vilket blir blev bli".split()
)

_stemmer = snowballstemmer.stemmer("swedish")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    return _stemmer.stemWord(word)


class SwedishStemFilter(Filter):
    """Snowball Swedish stemming, memoized per word (the stemmer itself is not pickled)."""

    def __call__(self, tokens):
        for t in tokens:
            if not t.stopped:
                t.text = stem(t.text)
            yield t


def swedish_analyzer():
    return RegexTokenizer(r"\w+(?:[-.:/]\w+)*") | LowercaseFilter() | StopFilter(
        stoplist=SWEDISH_STOPWORDS, minsize=1) | SwedishStemFilter()
