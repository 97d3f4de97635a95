"""Both engines answer alike: the same generated archive in Whoosh and in PostgreSQL, many queries
of every kind, and the same answer from each: total, the first page in the same order with the
same scores, facets, notices, suggestions, the next page and the date order.

The corpus comes from ``kb.bench.generator`` (a third damaged like an OCR scan), the queries from
``kb.bench.queries`` (the benchmark's term, phrase and filtered queries) plus the rest of the query
language: prefixes, OR, NOT, phrases with other words, misspellings (menade du), words that only
some sections hold together (tiers), field filters alone."""

from __future__ import annotations

import random

import pytest

from kb.bench.queries import draw, vocabulary_words

DOCS = 90
QUERIES = 40          # of each benchmark kind


@pytest.fixture(scope="module")
def engines(tmp_path_factory, postgres_server):
    """A Whoosh index and a PostgreSQL database holding the same generated documents."""
    import pg_server

    from index.pg.store import PgStore
    from index.store import Store
    from ingest.parallel import build_one
    from kb.bench.generator import generate

    paths = generate(DOCS, tmp_path_factory.mktemp("corpus"), seed=5)
    docs = [build_one(p) for p in paths]
    whoosh = Store(tmp_path_factory.mktemp("ix"))
    whoosh.write(docs)   # one commit: Whoosh keeps exact field-length totals (its merges round them)
    url = pg_server.create_database()
    pg = PgStore(url)
    pg.write(docs[: DOCS // 3])     # several transactions and writers' segments, merged or not
    pg.write(docs[DOCS // 3:])
    yield whoosh, pg, docs
    whoosh.close()
    pg.close()
    pg_server.drop_database(url)


def queries(docs) -> list[tuple[str, dict]]:
    """(query text, search keyword arguments) of every kind."""
    rng = random.Random(16)
    words = vocabulary_words()
    committees = sorted({d.committee for d in docs if d.committee})
    out = [(q.to_kb(), {}) for q in draw(QUERIES, seed=3)]
    for _ in range(12):
        a, b, c = rng.sample(words, 3)
        out += [(f"{a[:4]}*", {}), (f"{a} OR {b}", {}), (f"{a} -{b}", {}), (f'"{a} {b}" {c}', {}),
                (f"{a} {b} {c}", {}), (f"{a}{b[:3]}", {}), (a[:-1] + a[-1] * 2, {}),
                (a, {"sort": "date"}), (f"{a} {b}", {"page": 2}),
                (f"nämnd:\"{rng.choice(committees)}\" {a}", {}), (f"år:2015..2020 {b}", {})]
    out += [("", {}), ("", {"sort": "date"}), ("och i att", {}), (f"nämnd:\"{committees[0]}\"", {})]
    return out


def comparable(result: dict) -> dict:
    hits = [(h["id"], h["score"], h["snippet"]) for h in result["hits"]]
    rest = {k: v for k, v in result.items() if k != "hits"}
    return {**rest, "hits": hits}


def test_both_engines_give_the_same_answers(engines):
    whoosh, pg, docs = engines
    asked = queries(docs)
    assert len(asked) > 200
    differ = []
    busy = 0
    for text, kwargs in asked:
        w, p = whoosh.search(text, **kwargs), pg.search(text, **kwargs)
        busy += bool(w["total"])
        if comparable(w) != comparable(p):
            differ.append((text, kwargs, comparable(w), comparable(p)))
    assert not differ, differ[:3]
    assert busy > len(asked) * 0.6, "most queries must find something for the comparison to mean much"


def test_the_same_documents_and_statistics(engines):
    whoosh, pg, docs = engines
    assert [d.id for d in pg.documents()] == [d.id for d in whoosh.documents()]
    assert pg.stats()["sections"] == whoosh.stats()["sections"] == sum(len(d.sections) for d in docs)
    assert pg.sources() == whoosh.sources()
