"""The embedded engines a user might pick instead: SQLite FTS5 and tantivy, on our sections.

Both get the same rows our pipeline produced: a section's heading and text plus its document's
year, committee (nämnd) and doc type. Both answer a :class:`kb.bench.queries.Query` with the
total, the top 10 and year/committee/doc-type counts over the whole match set.

- FTS5: tokenizer ``unicode61 remove_diacritics 2``; facets by one GROUP BY over the match set.
- tantivy: lower case, ASCII folding and the Swedish Snowball stemmer; facets by a terms
  aggregation over fast fields.
"""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from kb.bench.queries import Query

BATCH = 2000
TOP = 10


def _batches(rows: Iterable[dict], size: int = BATCH):
    batch: list[dict] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def dir_mb(path: Path) -> float:
    path = Path(path)
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files) / 1e6


def _facet_dict(counts: dict[str, Counter]) -> dict[str, dict[str, int]]:
    return {name: dict(c.most_common()) for name, c in counts.items()}


# -- SQLite FTS5 -------------------------------------------------------------------------------
class Fts5:
    name = "fts5"

    def __init__(self, path: Path):
        import sqlite3

        self.path = Path(path)
        self.db = sqlite3.connect(self.path, check_same_thread=False)

    @classmethod
    def build(cls, path: Path, rows: Iterable[dict]) -> Fts5:
        path = Path(path)
        path.unlink(missing_ok=True)
        engine = cls(path)
        db = engine.db
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE VIRTUAL TABLE sections USING fts5(heading, body, year UNINDEXED, "
                   "committee UNINDEXED, doc_type UNINDEXED, "
                   "tokenize='unicode61 remove_diacritics 2')")
        for batch in _batches(rows):
            with db:
                db.executemany("INSERT INTO sections VALUES (?, ?, ?, ?, ?)",
                               [(r["heading"], r["body"], r["year"], r["committee"].casefold(),
                                 r["doc_type"]) for r in batch])
        with db:
            db.execute("INSERT INTO sections(sections) VALUES ('optimize')")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return engine

    @staticmethod
    def match(query: Query) -> str:
        quoted = ['"' + w.replace('"', '""') + '"' for w in query.words]
        if query.kind == "phrase":
            return '"' + " ".join(w.replace('"', '""') for w in query.words) + '"'
        return " AND ".join(quoted)

    def search(self, query: Query) -> dict:
        where = "sections MATCH ?"
        params: list = [self.match(query)]
        if query.kind == "filtered":
            where += " AND year BETWEEN ? AND ? AND committee = ?"
            params += [query.year_from, query.year_to, query.committee.casefold()]
        top = self.db.execute(f"SELECT rowid FROM sections WHERE {where} ORDER BY rank LIMIT {TOP}",
                              params).fetchall()
        counts = {"year": Counter(), "committee": Counter(), "doc_type": Counter()}
        total = 0
        for year, committee, doc_type, n in self.db.execute(
                f"SELECT year, committee, doc_type, count(*) FROM sections WHERE {where} "
                "GROUP BY year, committee, doc_type", params):
            total += n
            counts["year"][str(year)] += n
            counts["committee"][committee] += n
            counts["doc_type"][doc_type] += n
        return {"total": total, "top": [r[0] for r in top], "facets": _facet_dict(counts)}

    def close(self) -> None:
        self.db.close()


# -- tantivy -----------------------------------------------------------------------------------
def tantivy_missing() -> str | None:
    """Why tantivy cannot be used here, or None when it can."""
    try:
        import tantivy  # noqa: F401
    except Exception as exc:  # an ImportError or a broken wheel
        return f"tantivy cannot be imported: {type(exc).__name__}: {exc}"
    return None


def _tantivy_schema():
    import tantivy

    sb = tantivy.SchemaBuilder()
    sb.add_text_field("heading", tokenizer_name="sv")
    sb.add_text_field("body", tokenizer_name="sv")
    sb.add_unsigned_field("year", indexed=True, fast=True)
    sb.add_text_field("committee", tokenizer_name="raw", fast=True)
    sb.add_text_field("doc_type", tokenizer_name="raw", fast=True)
    return sb.build()


def _swedish_analyzer():
    import tantivy

    return (tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
            .filter(tantivy.Filter.lowercase())
            .filter(tantivy.Filter.ascii_fold())
            .filter(tantivy.Filter.stemmer("swedish"))
            .build())


class Tantivy:
    name = "tantivy"
    FACETS = {"year": {"terms": {"field": "year", "size": 100}},
              "committee": {"terms": {"field": "committee", "size": 1000}},
              "doc_type": {"terms": {"field": "doc_type", "size": 100}}}

    def __init__(self, path: Path):
        import tantivy

        self.path = Path(path)
        self.schema = _tantivy_schema()
        self.index = tantivy.Index(self.schema, path=str(self.path))
        self.index.register_tokenizer("sv", _swedish_analyzer())
        self.index.reload()
        self.searcher = self.index.searcher()

    @classmethod
    def build(cls, path: Path, rows: Iterable[dict]) -> Tantivy:
        import tantivy

        path = Path(path)
        shutil.rmtree(path, ignore_errors=True)
        path.mkdir(parents=True)
        index = tantivy.Index(_tantivy_schema(), path=str(path))
        index.register_tokenizer("sv", _swedish_analyzer())
        writer = index.writer(heap_size=128_000_000)
        for batch in _batches(rows):
            for r in batch:
                doc = tantivy.Document(heading=r["heading"], body=r["body"],
                                       committee=r["committee"].casefold(), doc_type=r["doc_type"])
                doc.add_unsigned("year", int(r["year"] or 0))
                writer.add_document(doc)
        writer.commit()
        writer.wait_merging_threads()
        return cls(path)

    def _query(self, query: Query):
        import tantivy

        fields = ["heading", "body"]
        if query.kind == "phrase":
            text = self.index.parse_query('"' + " ".join(query.words) + '"', fields)
        else:
            text = self.index.parse_query(" ".join("+" + w for w in query.words), fields)
        if query.kind != "filtered":
            return text
        return tantivy.Query.boolean_query([
            (tantivy.Occur.Must, text),
            (tantivy.Occur.Must, tantivy.Query.range_query(
                self.schema, "year", tantivy.FieldType.Unsigned, query.year_from, query.year_to)),
            (tantivy.Occur.Must, tantivy.Query.term_query(
                self.schema, "committee", query.committee.casefold())),
        ])

    def search(self, query: Query) -> dict:
        q = self._query(query)
        result = self.searcher.search(q, TOP, count=True)
        aggs = self.searcher.aggregate(q, self.FACETS)
        facets = {name: {str(b["key"]): b["doc_count"] for b in aggs[name]["buckets"]}
                  for name in self.FACETS}
        return {"total": result.count, "top": [addr.doc for _, addr in result.hits], "facets": facets}

    def close(self) -> None:
        self.searcher = None
