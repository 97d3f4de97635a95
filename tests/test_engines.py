"""The storage interface (index.engine.Engine): the same contract from Whoosh and PostgreSQL.

Tests taking ``new_store`` run once per engine against a real server; the PostgreSQL-only tests
at the end cover what Whoosh does not have: several writers at once, a writer SIGKILLed while
others write, the service and API over a database, and `kb migrate --to postgres`.
"""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from index.querytree import Filters
from ingest.model import Document, Section

KB = [sys.executable, "-m", "kb.cli"]


def doc(doc_id: str, texts: list[str], *, year: int = 2023, committee: str = "Socialnämnden", **meta) -> Document:
    sections = [Section(number=i + 1, heading=f"Avsnitt {i + 1}", kind="heading", text=t, page=1)
                for i, t in enumerate(texts)]
    return Document(id=doc_id, source=f"{doc_id}.txt", path=f"/arkiv/{doc_id}.txt", sha256=f"sha-{doc_id}",
                    title=f"Yttrande {doc_id}", year=year, date=f"{year}-05-01", committee=committee,
                    doc_type="yttrande", municipality="Lund", sections=sections, **meta)


def test_a_document_comes_back_whole_and_unchanged(new_store):
    store = new_store()
    original = doc("a1", ["Nämnden har beslutat om matsvinn.", "Uppföljning sker årligen."],
                   case_numbers=["KS 2023/12"])
    store.write([original])
    assert store.document("a1").to_dict() == original.to_dict()
    assert [d.id for d in store.documents()] == ["a1"]
    assert store.sources() == {"/arkiv/a1.txt": ("a1", "sha-a1")}
    assert store.exists() and not store.needs_rebuild


def test_derived_data_is_kept_with_the_documents_and_read_back(new_store):
    """What a write derives from its documents (tracing's cases) is stored by the engine: given,
    replaced, deleted (None), and cleared with everything else when the store is rebuilt."""
    store = new_store()
    seen = []

    def derive(docs, removed, fresh):
        seen.append(([d.id for d in docs], list(removed), fresh))
        if removed:
            return {"cases": {"c1": None, "c2": b"only k2"}}
        return {"cases": {"c1": b"k1 and k2", "c2": b"\x00binary"}, "dir": {"lund": b"entries"}}

    store.write([doc("k1", ["Kulturnämnden stöder föreningar."]), doc("k2", ["Föreningar får bidrag."])],
                derive=derive)
    assert store.derived("cases") == {"c1": b"k1 and k2", "c2": b"\x00binary"}
    assert store.derived("cases", "c2") == {"c2": b"\x00binary"} and store.derived("cases", "c9") == {}
    assert store.derived("dir") == {"lund": b"entries"}
    store.write([], remove=["k1"], derive=derive)
    assert store.derived("cases") == {"c2": b"only k2"}
    assert {d for call in seen for d in call[0]} == {"k1", "k2"} and seen[-1][1] == ["k1"]
    assert store.search("bidrag")["total"] == 1 and store.stats()["documents"] == 1  # no trace of it in search


def test_a_rebuild_empties_the_store_and_its_derived_data_first(new_store):
    store = new_store()
    store.write([doc("b1", ["Gammal text om parker."])], derive=lambda d, r, f: {"cases": {"old": b"b1"}})
    seen = []

    def derive(docs, removed, fresh):
        seen.append(fresh)
        return {"cases": {"new": b"b2"}}

    store.write([doc("b2", ["Ny text om skolor."])], rebuild=True, derive=derive)
    assert [d.id for d in store.documents()] == ["b2"] and store.search("parker")["total"] == 0
    assert store.derived("cases") == {"new": b"b2"} and seen == [True]


def test_a_long_write_derives_after_doubling_runs_of_documents_and_always_at_the_end(new_store):
    """Tracing is derived from every document written, but not after every batch: a derive
    rebuilds each case its documents touch, so after every batch a write would cost N²/batch.
    The owed documents are derived once they are as many as those derived before, and at the end."""
    store = new_store()
    calls = []

    def derive(docs, removed, fresh):
        calls.append([d.id for d in docs])
        return {"cases": {d.id: b"x" for d in docs}}

    ids = [f"d{i:02d}" for i in range(10)]
    store.write([doc(i, [f"Text {i} om parker."]) for i in ids], batch=1, derive=derive)
    assert [len(c) for c in calls] == [1, 1, 2, 4, 2]
    assert [d for c in calls for d in c] == ids
    assert sorted(store.derived("cases")) == ids


def test_when_a_derive_is_due():
    from index.engine import derive_now

    assert not derive_now(199, 0, 200) and derive_now(200, 0, 200)
    assert not derive_now(200, 400, 200) and derive_now(400, 400, 200)
    assert derive_now(1, 0, 0)   # a batch of 0 counts as 1


def test_replacing_a_document_replaces_all_its_sections(new_store):
    store = new_store()
    store.write([doc("r1", ["Gammal text om skolskjutsar.", "Mer om skolskjutsar.", "Och mer."])])
    store.write([doc("r1", ["Ny text om bibliotek."])])
    assert store.search("skolskjutsar")["total"] == 0
    assert [h["id"] for h in store.search("bibliotek")["hits"]] == ["r1#1"]
    assert store.stats()["sections"] == 1 and store.stats()["documents"] == 1


def test_removed_documents_are_gone_and_the_generation_moves(new_store):
    store = new_store()
    store.write([doc("k1", ["Kulturnämnden stöder föreningar."]), doc("k2", ["Föreningar får bidrag."])])
    before = store.generation()
    store.write([], remove=["k1"])
    assert store.generation() != before
    assert [d.id for d in store.documents()] == ["k2"]
    assert {h["doc_id"] for h in store.search("föreningar")["hits"]} == {"k2"}


def test_writing_the_same_document_again_changes_nothing(new_store):
    store = new_store()
    store.write([doc("s1", ["Samma innehåll om hemtjänst."])])
    first = store.search("hemtjänst")
    store.write([doc("s1", ["Samma innehåll om hemtjänst."])])
    assert [h["id"] for h in store.search("hemtjänst")["hits"]] == [h["id"] for h in first["hits"]]
    assert store.stats()["documents"] == 1


@pytest.mark.parametrize("typed", ["KS-2014/742.912", "ks 2014/742.912", "KS2014-742-912", "ks-2014-742",
                                   "KS 2014/742", "2014/742"])
def test_a_case_number_is_found_however_it_is_typed(new_store, typed):
    """dnr: ignores case, spaces, hyphens and slashes, and finds a number with or without its suffix."""
    store = new_store()
    store.write([doc("d1", ["Svar på revisionsskrivelsen om utbetalningar."], case_numbers=["KS-2014/742.912"]),
                 doc("d2", ["Svar på revisionsskrivelsen om inköp."], case_numbers=["KS-2014/745"])])
    assert [h["doc_id"] for h in store.search("revisionsskrivelsen", filters=Filters(case_number=typed))["hits"]] == ["d1"]


def test_a_case_number_with_its_body_after_it_is_found_without_it(new_store):
    store = new_store()
    store.write([doc("b1", ["Protokollsutdrag om krisberedskap."], case_numbers=["2016/0166 KS-2"])])
    for typed in ("2016/0166", "2016/0166 KS-2", "2016-0166-ks-2"):
        assert store.search("krisberedskap", filters=Filters(case_number=typed))["total"] == 1, typed
    assert store.search("krisberedskap", filters=Filters(case_number="2016/0167"))["total"] == 0


def test_facets_filters_and_the_json_shape_agree_between_engines(new_store):
    store = new_store()
    store.write([doc("f1", ["Bygglov handläggs snabbare."], year=2021, committee="Byggnadsnämnden"),
                 doc("f2", ["Bygglov och tillsyn."], year=2023),
                 doc("f3", ["Tillsyn av bygglov i Lund."], year=2023, committee="Byggnadsnämnden")])
    result = store.search("bygglov")
    assert result["total"] == 3
    assert result["facets"]["year"] == {"2021": 1, "2023": 2}
    assert result["facets"]["committee"] == {"Byggnadsnämnden": 2, "Socialnämnden": 1}
    narrowed = store.search("bygglov nämnd:byggnadsnamnden år:2023")
    assert [h["doc_id"] for h in narrowed["hits"]] == ["f3"]
    assert narrowed["filters"] == {"year_from": 2023, "year_to": 2023, "committee": "byggnadsnamnden"}
    assert store.facets("bygglov", Filters(year_from=2022))["year"] == {"2023": 2}
    assert store.search("", filters=Filters(case_number="x"))["total"] == 0


def test_the_query_language_means_the_same_in_both_engines(new_store):
    store = new_store()
    store.write([doc("q1", ["Förskolan erbjuder modersmålsstöd.", "Skyddat boende för unga."]),
                 doc("q2", ["Förskoleklassen har läxhjälp.", "Boende som är skyddat."])])
    def found(text):
        return sorted(h["id"] for h in store.search(text, limit=20)["hits"])
    assert found('"skyddat boende"') == ["q1#2"]
    assert found("boende -skyddat") == []
    assert found("förskol*") == ["q1#1", "q2#1"]
    assert found("läxhjälp OR modersmålsstöd") == ["q1#1", "q2#1"]
    assert found("(läxhjälp OR modersmålsstöd) erbjuder") == ["q1#1"]


def test_compound_search_means_the_same_in_both_engines(new_store):
    store = new_store()
    store.write([doc("c1", ["Kommunen inför ett gemensamt e-arkivsystemet."]),
                 doc("c2", ["Skolan följer en trappstegsrutin vid frånvaro."]),
                 doc("c3", ["Förvaltningen använder trappstegsmodellen."]),
                 doc("c4", ["Nämnden beslutar om lokaler."])])
    assert [h["id"] for h in store.search("e-arkiv")["hits"]] == ["c1#1"]
    assert [h["id"] for h in store.search("trappstegsmodell")["hits"]] == ["c3#1"]  # whole: no fallback
    result = store.search("trappstegsplan")
    assert sorted(h["id"] for h in result["hits"]) == ["c2#1", "c3#1"]
    assert result["total"] == 2 and "samma förled" in result["notice"]
    assert store.search("trappstegsplan år:2023")["total"] == 2
    assert store.search("trappstegsplan år:2020")["total"] == 0
    assert store.search("trappstegsplan", sort="date")["total"] == 2
    assert store.matching_sections("trappstegsplan", "c2") == ["c2#1"]


def test_results_by_document_tiers_and_document_facets_agree_between_engines(new_store):
    store = new_store()
    store.write([
        doc("t1", ["Simskola för nyanlända barn varje sommar.", "Simskola igen i augusti.", "Mer om simskola.",
                   "Ännu mer simskola här."], year=2022),
        doc("t2", ["Nyanlända elever får läxhjälp.", "Simskola på schemat för nyanlända."], year=2023),
        doc("t3", ["Simskola vid stranden."], year=2024, committee="Kulturnämnden"),
        doc("t4", ["Budgeten för vägunderhåll."], year=2024),
    ])
    result = store.search("simskola nyanlända")
    assert result["total_documents"] == 3 and result["total"] == 7
    assert [(d["doc_id"], d["tier"]) for d in result["documents"]] == [("t1", 0), ("t2", 0), ("t3", 1)]
    assert result["tiers"] == {"all_words": 2, "some_words": 1}
    first = result["documents"][0]
    assert len(first["sections"]) == 3 and first["matching_sections"] == 4
    assert first["sections"][0] == "t1#1" and all(s.startswith("t1#") for s in first["sections"])
    assert [h["id"] for h in first["section_hits"]] == first["sections"]
    assert result["facets"]["year"] == {"2022": 1, "2023": 1}  # documents, of the first tier
    assert result["facets"]["committee"] == {"Socialnämnden": 2}
    assert len(result["hit_tiers"]) == len(result["hits"]) and result["hit_tiers"][-1] == 1
    assert store.search("simskola")["tiers"] is None and store.search("simskola")["facets"]["year"] == {
        "2022": 1, "2023": 1, "2024": 1}
    second = store.search("simskola nyanlända", limit=2, page=2)
    assert [d["doc_id"] for d in second["documents"]] == ["t3"]
    by_date = store.search("simskola", sort="date")
    assert [d["doc_id"] for d in by_date["documents"]] == ["t3", "t2", "t1"]
    assert store.matching_sections("simskola nyanlända", "t1") == ["t1#1", "t1#2", "t1#3", "t1#4"]
    assert store.matching_sections("simskola nyanlända", "t4") == []


def test_a_query_with_nothing_to_search_for_matches_nothing_in_both_engines(new_store):
    store = new_store()
    store.write([doc("n1", ["Nämnden beslutar om simskola."])])
    for text in ('"((', "!!!", "()"):
        result = store.search(text)
        assert result["total"] == 0 and result["documents"] == [] and result["total_documents"] == 0, text
        assert "inga ord att söka på" in result["notice"]
    assert store.search("år:2023")["total_documents"] == 1  # filters alone still browse


# -- PostgreSQL only --------------------------------------------------------------------------
@pytest.fixture()
def database(postgres_server):
    import pg_server

    url = pg_server.create_database()
    yield url
    pg_server.drop_database(url)


def test_many_writers_at_once_each_document_whole(database):
    """Four threads (each its own connection) write overlapping documents at once: no global
    lock, each document lands whole, the last write of a document wins."""
    from index.pg.store import PgStore

    stores = [PgStore(database) for _ in range(4)]
    errors = []

    def writer(n: int) -> None:
        try:
            stores[n].write([doc(f"d{i}", [f"Version {n} av handling {i} om matsvinn."] * (1 + i % 3))
                             for i in range(n, 40, 2)])
        except Exception as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    check_whole(stores[0], 40)
    for s in stores:
        s.close()


def test_a_writer_of_a_document_another_writer_holds_gives_up_clearly(database):
    """No store-wide writer lock, one per document: while a transaction elsewhere writes d1, a
    write of d1 waits and gives up with StoreLocked; other documents are written meanwhile."""
    import psycopg

    from index.engine import StoreLocked
    from index.pg.store import PgStore

    store = PgStore(database)
    with psycopg.connect(database) as other:      # another writer, mid-transaction on d1
        other.execute("SELECT pg_advisory_xact_lock(hashtextextended('d1', 0))")
        with pytest.raises(StoreLocked) as err:
            store.write([doc("d1", ["Text om återvinning."])], lock_timeout=0.3)
        assert "gave up" in str(err.value)
        store.write([doc("d2", ["Annan text om återvinning."])], lock_timeout=0.3)
    store.write([doc("d1", ["Text om återvinning."])], lock_timeout=5)
    assert sorted(d.id for d in store.documents()) == ["d1", "d2"]
    store.close()


def test_derived_data_waits_for_the_writer_before_and_never_costs_documents(database):
    """Derived data is written after the documents, one writer at a time (DERIVED_LOCK): while
    another writer holds the lock past the lock timeout, the documents are stored all the same,
    the store says tracing was not kept, and the next write's derive gets the removal it missed."""
    import psycopg

    from index.pg import schema
    from index.pg.store import PgStore

    store = PgStore(database)
    store.derive_wait = 0.3     # the last derive of a write waits at least this long (300 s by default)
    store.write([doc("k1", ["Kulturnämnden stöder föreningar."])], derive=lambda d, r, f: {"cases": {"c1": b"k1"}})
    calls = []

    def derive(docs, removed, fresh):
        calls.append(([d.id for d in docs], list(removed), fresh))
        return {"cases": {"c1": None, "c2": b"k2"}}

    with psycopg.connect(database) as other:      # another writer, mid-way through its derive
        other.execute("SELECT pg_advisory_xact_lock(%s)", (schema.DERIVED_LOCK,))
        store.write([doc("k2", ["Föreningar får bidrag."])], remove=["k1"], derive=derive, lock_timeout=0.3)
    assert sorted(d.id for d in store.documents()) == ["k2"]
    assert store.derived("cases") == {"c1": b"k1"} and calls == []
    assert any("tracing" in note for note in store.take_notes()) and store.take_notes() == []
    store.write([doc("k3", ["Föreningar får lokaler."])], derive=derive)
    assert calls == [(["k3"], ["k1"], False)]
    assert store.derived("cases") == {"c2": b"k2"}
    store.close()


def test_a_derive_between_batches_does_not_wait_for_another_writer(database):
    """Between batches a writer does not queue for DERIVED_LOCK: while another writer holds it,
    the documents so far wait for this write's next derive (parallel writers would otherwise
    wait on each other batch after batch, and give up on tracing)."""
    import psycopg

    from index.pg import schema
    from index.pg.store import PgStore

    store = PgStore(database)
    calls = []

    def derive(docs, removed, fresh):
        calls.append([d.id for d in docs])
        return {"cases": {d.id: b"x" for d in docs}}

    other = psycopg.connect(database)
    other.execute("SELECT pg_advisory_xact_lock(%s)", (schema.DERIVED_LOCK,))
    commits = []

    def on_commit(ids):
        commits.append(ids)
        if len(commits) == 2:
            other.commit()       # the other writer's derive ends after this writer's second batch

    store.write([doc(f"b{i}", [f"Text nummer {i} om parker."]) for i in (1, 2, 3)], batch=1,
                derive=derive, on_commit=on_commit, lock_timeout=5)
    other.close()
    assert calls == [["b1", "b2"], ["b3"]]
    assert sorted(store.derived("cases")) == ["b1", "b2", "b3"] and store.take_notes() == []
    store.close()


def test_a_rebuild_reads_the_stored_copies_it_restores_before_emptying_the_store(database):
    """``write(rebuild=True)`` empties the store, but only once the first document is asked
    for: kb.batch_ingest's documents begin with stored copies of sources out of reach."""
    from index.pg.store import PgStore

    store = PgStore(database)
    store.write([doc("a1", ["Text om parker."]), doc("a2", ["Text om skolor."])])

    def documents():
        yield from store.stored_documents(["a2", "a1", "nej"])
        yield doc("a3", ["Text om bibliotek."])

    store.write(documents(), rebuild=True, derive=lambda d, r, f: {"seen": {"x": repr(([x.id for x in d], f)).encode()}})
    assert sorted(d.id for d in store.documents()) == ["a1", "a2", "a3"]
    assert store.derived("seen") == {"x": repr((["a2", "a1", "a3"], True)).encode()}
    store.close()


def check_whole(store, expected: int | None = None) -> int:
    """Every document has exactly its sections, no section is without its document."""
    with store.connection() as conn:
        rows = conn.execute(
            "SELECT d.doc_id, d.payload, (SELECT count(*) FROM kb_sections s WHERE s.doc_id = d.doc_id) "
            "FROM kb_documents d").fetchall()
        orphans = conn.execute("SELECT count(*) FROM kb_sections s WHERE NOT EXISTS "
                               "(SELECT 1 FROM kb_documents d WHERE d.doc_id = s.doc_id)").fetchone()[0]
    from index.records import decode_document

    for doc_id, payload, count in rows:
        assert count == len(decode_document(bytes(payload)).sections), f"{doc_id}: {count} sections stored"
    assert orphans == 0
    if expected is not None:
        assert len(rows) == expected
    return len(rows)


@pytest.mark.slow
def test_sigkill_during_a_multi_writer_ingest_never_leaves_half_a_document(database, tmp_path):
    """Two `kb ingest` processes write two halves of a corpus into one database; both are
    SIGKILLed at random points until ten writers died mid-ingest, and every document stored is
    whole each time."""
    from reliability_corpus import write_corpus

    from index.pg.store import PgStore

    files = write_corpus(tmp_path / "corpus", 160)
    halves = [tmp_path / "a", tmp_path / "b"]
    for half in halves:
        half.mkdir()
    for i, path in enumerate(sorted(files)):
        target = halves[i % 2] / path.name
        target.write_bytes(path.read_bytes())
    rng = random.Random(16)
    store = PgStore(database)
    kills, counts = 0, []
    full_run = None  # seconds an unkilled round takes on this machine now (round 0 measures it)
    round_no = 0
    # Rounds until ten writers were killed mid-ingest: on a busy machine a round can end before
    # its kill, and the next kill then comes earlier.
    while kills < 10 and round_no < 40:
        for half in halves:   # changed files: every round writes replacements, not only new documents
            for path in rng.sample(sorted(half.glob("*.txt")), 4):
                with open(path, "a", encoding="utf-8") as fh:
                    fh.write(f"\nTillägg {round_no}: nämnden följer upp ärendet.\n")
        # --force: every document is built and written again (changed ones replaced, the rest
        # found unchanged by content hash), so the writers are busy when the kill comes.
        procs = [subprocess.Popen(KB + ["ingest", str(half), "--database", database, "--workers", "1", "--force"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for half in halves]
        started = time.monotonic()
        if full_run is None:
            for proc in procs:
                proc.wait()
            full_run = time.monotonic() - started
        else:  # a kill somewhere in the middle, however fast or busy the machine is
            time.sleep(rng.uniform(0.2, 0.8) * full_run)
        killed = 0
        for proc in procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                killed += 1
            proc.wait()
        if round_no and not killed:
            full_run *= 0.7
        kills += killed
        round_no += 1
        counts.append(check_whole(store))
        assert counts == sorted(counts), f"documents went missing after a kill: {counts}"
    assert kills >= 10, f"only {kills} writers were killed mid-ingest"
    for half in halves:
        done = subprocess.run(KB + ["ingest", str(half), "--database", database], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
    assert check_whole(store) == len(files)
    again = subprocess.run(KB + ["ingest", str(halves[0]), "--database", database], capture_output=True, text=True)
    assert f"unchanged {len(files) // 2}" in again.stderr
    store.close()
    print(f"\npg kill loop: {kills} writers SIGKILLed over {round_no - 1} rounds; documents after each: {counts}")


def test_the_service_cli_and_api_run_on_the_database(database, examples_dir, tmp_path):
    from kb.service import KnowledgeBase
    from web import create_app

    out = subprocess.run(KB + ["ingest", str(examples_dir), "--database", database, "--json"],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    listed = subprocess.run(KB + ["docs", "--json", "--database", database], capture_output=True, text=True)
    assert listed.returncode == 0 and len(__import__("json").loads(listed.stdout)) >= 2
    kb = KnowledgeBase(None, database=database)
    result = kb.search("nämnden rekommendation")
    assert result["total"] > 0 and kb.trace()["cases"]
    app = create_app({"DATABASE_URL": database})
    client = app.test_client()
    api = client.get("/api/v1/search?q=nämnden").get_json()
    assert api["total"] == kb.search("nämnden")["total"]
    assert client.get("/sok?q=nämnden").status_code == 200
    kb.close()


def test_migrate_copies_a_whoosh_index_into_the_database(database, examples_dir, tmp_path):
    index_dir = tmp_path / "ix"
    assert subprocess.run(KB + ["ingest", str(examples_dir), "--index", str(index_dir)],
                          capture_output=True, env=_without_database()).returncode == 0
    moved = subprocess.run(KB + ["migrate", "--to", "postgres", "--index", str(index_dir), "--database", database],
                           capture_output=True, text=True, env=_without_database())
    assert moved.returncode == 0, moved.stderr
    from kb.service import KnowledgeBase

    whoosh = KnowledgeBase(index_dir, database="")
    pg = KnowledgeBase(None, database=database)
    assert [d["id"] for d in pg.documents()] == [d["id"] for d in whoosh.documents()]
    assert pg.document(whoosh.documents()[0]["id"]).to_dict() == whoosh.document(whoosh.documents()[0]["id"]).to_dict()
    assert {h["id"] for h in pg.search("nämnden", limit=50)["hits"]} == \
        {h["id"] for h in whoosh.search("nämnden", limit=50)["hits"]}
    whoosh.close()
    pg.close()


def _without_database() -> dict:
    import os

    return {k: v for k, v in os.environ.items() if k != "KB_DATABASE_URL"}


def test_an_unreachable_database_is_a_clear_error():
    out = subprocess.run(KB + ["search", "x", "--database", "postgresql://nobody@127.0.0.1:1/none"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode != 0
    assert "cannot reach the database at postgresql://nobody@127.0.0.1:1/none" in out.stderr
    assert "Traceback" not in out.stderr


def test_rows_hold_what_whoosh_indexes(tmp_path):
    """Term frequencies, positions and field lengths of a document's postings are the ones the
    Whoosh index holds for the same document (BM25F reads them in both engines)."""
    from whoosh.util.numeric import byte_to_length, length_to_byte

    from index.pg.rows import FIELD_NAMES, document_rows, keeps_positions, postings
    from index.store import Store

    original = doc("w1", ["Förskolan och förskolans förskoleklass: förskolan igen, nämndens nämnd.",
                          "Skyddat boende för unga; boende som är skyddat."])
    rows = document_rows(original)
    lists = postings([rows], [0])
    store = Store(tmp_path / "ix")
    store.write([original])
    searcher = store.searcher()
    reader = searcher.reader()
    sections = {int(stored["id"].rpartition("#")[2]): docnum
                for docnum, stored in ((d, searcher.stored_fields(d)) for d in range(reader.doc_count_all()))
                if stored.get("id", "").startswith("w1#")}
    assert len(sections) == 2
    for code, term, local, tfs, positions in lists:
        field = FIELD_NAMES[code]
        matcher = reader.postings(field, term)
        whoosh = {}
        while matcher.is_active():
            whoosh[matcher.id()] = (matcher.weight(), list(matcher.value_as("positions")))
            matcher.next()
        mine = {sections[rows.sections[i].number]: tf for i, tf in zip(local, tfs, strict=True)}
        assert {d: w for d, (w, _) in whoosh.items()} == mine, (field, term)
        if keeps_positions(term):
            assert positions == [p for d in sorted(whoosh) for p in whoosh[d][1]], (field, term)
    assert len(lists) > 20 and any(tf > 1 for *_, tfs, _ in lists for tf in tfs)
    for code, field in enumerate(FIELD_NAMES):   # and no term Whoosh has is missing
        assert {t.decode("utf-8") for t in reader.lexicon(field)} == {t for c, t, *_ in lists if c == code}
    for row in rows.sections:
        for name, length in zip(FIELD_NAMES, row.lengths, strict=True):
            assert byte_to_length(length_to_byte(length)) == searcher.doc_field_length(sections[row.number], name)
    store.close()


def test_a_hot_standby_serves_reads_and_refuses_writes(tmp_path, postgres_server):
    """One machine, two ports: a primary and a hot standby made with ``pg_basebackup -R -X stream``.
    A service reading from the standby (``KB_DATABASE_READ_URL``) finds what the primary wrote once
    it is replayed; a writer pointed at the standby is refused with a clear error, no traceback."""
    import os

    import pg_server
    import psycopg

    from index.engine import StoreReadOnly
    from kb.service import KnowledgeBase

    primary_admin, primary_folder = pg_server.start_cluster()
    try:
        with psycopg.connect(primary_admin, autocommit=True) as conn:
            conn.execute("CREATE DATABASE kb")
        primary = primary_admin.rsplit("/", 1)[0] + "/kb"
        writer = KnowledgeBase(None, database=primary)
        writer.write_documents([doc("p1", ["Nämnden inför digital ansökan om färdtjänst."])])
        standby_admin, standby_folder = pg_server.start_standby(primary_admin)
        try:
            standby = standby_admin.rsplit("/", 1)[0] + "/kb"
            reader = KnowledgeBase(None, database=primary, read_database=standby)
            assert [h["doc_id"] for h in reader.search("färdtjänst")["hits"]] == ["p1"]
            writer.write_documents([doc("p2", ["Färdtjänsten följs upp varje kvartal."])])
            with psycopg.connect(primary, autocommit=True) as conn:
                lsn = conn.execute("SELECT pg_current_wal_lsn()").fetchone()[0]
            deadline = time.monotonic() + 60
            with psycopg.connect(standby, autocommit=True) as conn:
                while not conn.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", (lsn,)).fetchone()[0]:
                    assert time.monotonic() < deadline, "the standby did not replay the primary's write"
                    time.sleep(0.1)
            assert sorted(h["doc_id"] for h in reader.search("färdtjänst")["hits"]) == ["p1", "p2"]
            assert [d["id"] for d in reader.documents()] == ["p1", "p2"]
            on_standby = KnowledgeBase(None, database=standby)
            with pytest.raises(StoreReadOnly, match="read-only"):
                on_standby.write_documents([doc("p3", ["Skrivet på fel server."])])
            on_standby.close()
            (tmp_path / "p4.txt").write_text("Yttrande om färdtjänst.\n\nNämnden svarar.\n", encoding="utf-8")
            cli = subprocess.run(KB + ["ingest", str(tmp_path), "--database", standby], capture_output=True,
                                 text=True, env={k: v for k, v in os.environ.items() if k != "KB_DATABASE_URL"})
            assert cli.returncode != 0 and "read-only" in cli.stderr and "Traceback" not in cli.stderr
            reader.close()
        finally:
            pg_server.stop_cluster(standby_folder)
        writer.close()
    finally:
        pg_server.stop_cluster(primary_folder)


def test_path_helpers_do_not_leak_passwords():
    from index.pg.store import shown_url

    assert shown_url("postgresql://kb:hemligt@db.example:5433/arkiv") == "postgresql://kb@db.example:5433/arkiv"
    assert "hemligt" not in shown_url("host=db password=hemligt dbname=arkiv")


def test_each_tests_database_is_its_own(database):
    assert Path  # noqa: B018 (the fixture made and will drop the database)


@settings(max_examples=400, deadline=None)
@given(st.text("abcåäöe", max_size=9), st.text("abcåäöe", max_size=9), st.integers(0, 3))
def test_the_banded_distance_agrees_with_levenshtein(a, b, limit):
    """Menade du's candidates (index.pg.suggest.within) are Whoosh's: within a Levenshtein limit."""
    from whoosh.support.levenshtein import levenshtein

    from index.pg.suggest import within

    assert within(a, b, limit) == (levenshtein(a, b) <= limit)
