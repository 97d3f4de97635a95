"""The benchmark's queries, drawn deterministically from the generator's vocabulary.

Three kinds, the same for every engine: ``term`` (1–3 words, all required, with year, committee
and doc-type facet counts over the whole match set), ``phrase`` (two adjacent words of a
vocabulary entry, as a phrase) and ``filtered`` (1–2 words within a year range and one nämnd,
what staff type as ``år:2019..2021 nämnd:"Socialnämnden"``). Each engine turns a query into its
own syntax.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from kb.bench import vocabulary as v

KINDS = ("term", "phrase", "filtered")
MIN_WORD = 5
# Words too common in Swedish to make a realistic search (in the vocabulary's phrases).
STOP = {"skall", "eller", "under", "efter", "inför", "mellan", "samtliga", "andra", "till", "inom",
        "från", "samt", "finns", "något"}
_WORD = re.compile(r"[a-zåäöéA-ZÅÄÖÉ]+")


@dataclass(frozen=True)
class Query:
    kind: str
    words: tuple[str, ...]
    year_from: int | None = None
    year_to: int | None = None
    committee: str | None = None

    def to_kb(self) -> str:
        """The query in kb's query language (sökfrågespråket)."""
        if self.kind == "phrase":
            return '"' + " ".join(self.words) + '"'
        text = " ".join(self.words)
        if self.kind == "filtered":
            text += f' år:{self.year_from}..{self.year_to} nämnd:"{self.committee}"'
        return text


def _phrases() -> list[str]:
    sources = v.TOPICS + v.MEASURES + v.GROUPS + v.RECOMMENDATIONS + v.GOALS
    return sorted({s.replace("{topic}", "").replace("{group}", "") for s in sources})


def vocabulary_words() -> list[str]:
    """Content words of the vocabulary, lower case, sorted (so the draw is stable)."""
    words = {w.lower() for s in _phrases() for w in _WORD.findall(s)}
    return sorted(w for w in words if len(w) >= MIN_WORD and w not in STOP)


def vocabulary_bigrams() -> list[tuple[str, str]]:
    """Adjacent word pairs inside one vocabulary entry, both content words of four letters or more."""
    pairs = set()
    for phrase in _phrases():
        words = [w.lower() for w in _WORD.findall(phrase)]
        for a, b in zip(words, words[1:], strict=False):
            if len(a) >= 4 and len(b) >= 4 and a not in STOP and b not in STOP:
                pairs.add((a, b))
    return sorted(pairs)


def committees() -> list[str]:
    return sorted(name for names in v.MUNICIPALITIES.values() for name, _ in names)


def draw(n: int, seed: int) -> list[Query]:
    """``n`` queries of each kind, interleaved term, phrase, filtered, term, ..."""
    rng = random.Random(f"kb-bench-queries:{seed}")
    words, bigrams, names = vocabulary_words(), vocabulary_bigrams(), committees()
    out: list[Query] = []
    for _ in range(n):
        out.append(Query("term", tuple(rng.sample(words, rng.randint(1, 3)))))
        out.append(Query("phrase", rng.choice(bigrams)))
        start = rng.randint(v.YEARS[0], v.YEARS[1] - 2)
        out.append(Query("filtered", tuple(rng.sample(words, rng.randint(1, 2))), start, start + 2,
                         rng.choice(names)))
    return out
