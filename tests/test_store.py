"""The store: documents round-trip, replacement, removal, whole-document commits, versions, locks.

Tests taking ``new_store`` or ``where`` run once per engine (Whoosh and a real PostgreSQL server);
the rest are about the Whoosh index's own files, lock and segments."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from index.store import Store, StoreLocked
from ingest.model import Commitment, Deadline, Document, Section

ROOT = Path(__file__).resolve().parent.parent


def make_doc(doc_id: str, texts: list[str], *, year: int = 2023, **meta) -> Document:
    sections = [Section(number=i + 1, heading=f"Avsnitt {i + 1}", kind="heading", text=t, raw_text=t,
                        page=1) for i, t in enumerate(texts)]
    return Document(id=doc_id, source=f"{doc_id}.txt", path=f"/arkiv/{doc_id}.txt", sha256="s" + doc_id,
                    title=f"Yttrande {doc_id}", year=year, date=f"{year}-05-01", sections=sections,
                    text="\n\n".join(texts), raw_text="\n\n".join(texts), **meta)


def test_a_document_comes_back_unchanged(where):
    doc = make_doc("a1", ["Nämnden ska ta fram en rutin.", "Arbetet ska vara klart våren 2024."],
                   committee="Socialnämnden", case_numbers=["SN 2023/12"],
                   recommendations=[{"number": 1, "text": "Ta fram en rutin"}])
    doc.commitments = [Commitment(id="a1-c1", doc_id="a1", section=1, recommendation=1, activity=None,
                                  text="Nämnden ska ta fram en rutin.", actor="Nämnden", status="planned",
                                  deadline=Deadline(start="2024-03-01", end="2024-06-30", text="våren 2024"))]
    store = where.store()
    store.write([doc])
    assert store.document("a1") == doc
    assert store.documents() == [doc]
    assert store.sources() == {"/arkiv/a1.txt": ("a1", "sa1")}
    store.close()
    reopened = where.store(create=False)
    assert reopened.document("a1") == doc
    assert reopened.document("saknas") is None
    reopened.close()


def test_rewriting_a_document_replaces_all_its_old_sections(new_store):
    store = new_store()
    store.write([make_doc("a1", ["Gammal text om fritidsgårdar.", "Mer om fritidsgårdar."])])
    store.write([make_doc("a1", ["Ny text om simhallar."])])
    assert store.search("fritidsgårdar")["total"] == 0
    assert store.search("simhallar")["total"] == 1
    assert len(store.document("a1").sections) == 1


def test_the_same_document_twice_in_one_batch_keeps_the_last(new_store):
    store = new_store()
    store.write([make_doc("a1", ["Första versionen om bibliotek."]), make_doc("a1", ["Andra versionen om bibliotek."])])
    assert store.search("bibliotek")["total"] == 1
    assert "Andra" in store.document("a1").sections[0].text


def test_removed_documents_are_gone(new_store):
    store = new_store()
    store.write([make_doc("a1", ["Text om parkering."]), make_doc("b2", ["Text om parkering igen."])])
    store.write([], remove=["a1"])
    assert store.document("a1") is None
    assert [h["doc_id"] for h in store.search("parkering")["hits"]] == ["b2"]
    assert list(store.sources()) == ["/arkiv/b2.txt"]


def test_commits_every_batch_and_reports_them(new_store):
    store = new_store()
    commits = []
    store.write((make_doc(f"d{i}", [f"Avsnitt om skolor nummer {i}."]) for i in range(7)), batch=3,
                on_commit=commits.append)
    assert commits == [["d0", "d1", "d2"], ["d3", "d4", "d5"], ["d6"]]
    assert len(store.documents()) == 7


def test_another_analyzer_version_asks_for_a_rebuild_and_a_write_clears_it(where):
    store = where.store()
    store.write([make_doc("old", ["Text från ett äldre index."])])
    store.close()
    where.age_versions()
    store = where.store()
    assert store.needs_rebuild
    store.write([make_doc("new", ["Text från ett nytt index."])])
    assert not store.needs_rebuild
    assert [d.id for d in store.documents()] == ["new"]
    assert store.search("äldre")["total"] == 0 and store.search("nytt")["total"] == 1
    store.close()


def test_a_second_writer_gives_up_with_a_clear_error(tmp_path):
    first, second = Store(tmp_path / "ix"), Store(tmp_path / "ix")
    started, release = threading.Event(), threading.Event()

    def slow_documents():
        started.set()
        release.wait(30)
        yield make_doc("a1", ["Text om återvinning."])

    writer = threading.Thread(target=first.write, args=(slow_documents(),))
    writer.start()
    try:
        assert started.wait(30)
        with pytest.raises(StoreLocked) as err:
            second.write([make_doc("b2", ["Annan text."])], lock_timeout=0.2)
        assert "pid" in str(err.value)
    finally:
        release.set()
        writer.join()
    second.write([make_doc("b2", ["Annan text."])], lock_timeout=5)
    assert {d.id for d in second.documents()} == {"a1", "b2"}


def test_readers_answer_from_the_last_commit_during_a_write(where):
    store = where.store()
    store.write([make_doc("a1", ["Text om idrottshallar."])])
    reader = where.store()
    assert reader.search("idrottshallar")["total"] == 1
    mid_write, release = threading.Event(), threading.Event()

    def documents():
        yield make_doc("b2", ["Mer om idrottshallar."])
        mid_write.set()
        release.wait(30)
        yield make_doc("c3", ["Ännu mer om idrottshallar."])

    writer = threading.Thread(target=store.write, args=(documents(),), kwargs={"batch": 1})
    writer.start()
    try:
        assert mid_write.wait(30)
        assert reader.search("idrottshallar")["total"] in (1, 2)   # the first commit may be visible
    finally:
        release.set()
        writer.join()
    assert reader.search("idrottshallar")["total"] == 3
    reader.close()
    store.close()


KILLED_WRITER = textwrap.dedent("""
    import sys
    sys.path.insert(0, {root!r})
    from index.connect import open_engine
    from ingest.model import Document, Section

    def doc(i):
        secs = [Section(number=n, heading="Rubrik", kind="heading", text="Text om vatten del %d" % n)
                for n in range(1, 6)]
        return Document(id="d%d" % i, source="d%d.txt" % i, path="/arkiv/d%d.txt" % i, sha256="x",
                        sections=secs)

    def report(ids):
        print("commit", len(ids), flush=True)

    engine, place = sys.argv[1], sys.argv[2]
    store = open_engine(None, database=place) if engine == "postgres" else open_engine(place, database="")
    store.write((doc(i) for i in range(100000)), batch=7, on_commit=report)
""")


@pytest.mark.parametrize("commits_before_kill", [1, 3])
def test_a_killed_writer_leaves_whole_documents_and_a_usable_index(where, commits_before_kill):
    where.store().close()
    place = str(where.index_dir) if where.engine == "whoosh" else where.database
    proc = subprocess.Popen([sys.executable, "-c", KILLED_WRITER.format(root=str(ROOT)), where.engine, place],
                            stdout=subprocess.PIPE, text=True)
    try:
        for _ in range(commits_before_kill):
            assert proc.stdout.readline().startswith("commit")
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    store = where.store()
    docs = store.documents()
    assert len(docs) >= 7 * commits_before_kill
    assert len(docs) % 7 == 0
    assert all(len(d.sections) == 5 for d in docs)
    assert store.search("vatten")["total"] == 5 * len(docs)
    store.write([make_doc("efter", ["Text efter kraschen."])], lock_timeout=5)
    assert store.document("efter") is not None
    store.close()


def _action_plan(doc_id: str = "hp1") -> Document:
    """A handlingsplan: a goal, an activity whose promise is only in its heading, and the
    Beskrivning and Uppföljning under it, which do not repeat the heading's words."""
    sections = [
        Section(number=1, heading="Bakgrund", kind="heading", text="Planen gäller tre år."),
        Section(number=2, heading="Inriktningsmål 1 – Tryggare skolvägar", kind="goal", text="", goal=1),
        Section(number=3, heading="Aktivitet 1.1: Förvaltningen ska anlägga upphöjda övergångsställen",
                kind="activity", text="", activity="1.1", goal=1),
        Section(number=4, heading="Beskrivning", kind="heading", text="Tre korsningar vid skolorna byggs om.",
                activity="1.1", goal=1),
        Section(number=5, heading="Uppföljning", kind="heading",
                text="Två korsningar är klara och trafikmätningar visar lägre hastighet.",
                activity="1.1", goal=1),
        Section(number=6, heading="Ansvar", kind="heading", text="Gatukontoret.", goal=1),
        Section(number=7, heading="Rekommendation 2: Nämnden bör följa upp busskort", kind="recommendation",
                text="Busskort delas ut i augusti.", recommendation=2),
        Section(number=8, heading="Elever på gymnasiet", kind="heading", text="Alla elever får kortet.",
                recommendation=2),
        Section(number=9, heading="Ansvariga", kind="heading", text="Skolchefen."),
    ]
    return Document(id=doc_id, source=f"{doc_id}.txt", path=f"/arkiv/{doc_id}.txt", sha256="h" + doc_id,
                    title="Handlingsplan för trafiksäkerhet", year=2024, sections=sections)


def test_sub_sections_carry_the_heading_of_the_statement_they_belong_under():
    from index.records import section_contexts

    contexts = section_contexts(_action_plan().sections)
    activity = "Aktivitet 1.1: Förvaltningen ska anlägga upphöjda övergångsställen"
    assert contexts == {                                     # 3, the activity, is a statement itself
        4: activity, 5: activity,                            # innermost group: the activity
        6: "Inriktningsmål 1 – Tryggare skolvägar",          # under the goal, in no activity
        8: "Rekommendation 2: Nämnden bör följa upp busskort",
    }


def test_a_group_without_an_opening_section_gives_no_context():
    from index.records import section_contexts

    orphan = [Section(number=1, heading="Uppföljning", kind="heading", text="Klart.", activity="4.2"),
              Section(number=2, heading="Aktivitet 4.2: Bygga en cykelbana", kind="activity", text="",
                      activity="4.2")]
    assert section_contexts(orphan) == {}      # the opener comes after: nothing to inherit


def test_a_query_for_the_activity_heading_also_finds_its_follow_up(new_store):
    store = new_store()
    store.write([_action_plan()])
    hits = [h["id"] for h in store.search("upphöjda övergångsställen")["hits"]]
    assert hits[0] == "hp1#3"                  # the statement itself first for its own words
    assert {"hp1#4", "hp1#5"} <= set(hits)
    # heading words plus follow-up words: the Uppföljning answers, the empty activity does not
    assert store.search("övergångsställen trafikmätningar")["hits"][0]["id"] == "hp1#5"
    # the context is searched, not shown: the hit text stays the section's own
    follow_up = next(h for h in store.search("övergångsställen")["hits"] if h["id"] == "hp1#5")
    assert follow_up["text"] == "Två korsningar är klara och trafikmätningar visar lägre hastighet."


def test_the_payload_holds_the_ocr_reading_only_when_repair_changed_the_words():
    from index.records import document_records

    doc = make_doc("o1", ["Nämnden har beslutat om stöd.", "Ingen skada här."])
    doc.sections[0].raw_text = "Namnden har beslutat\nom stéd."
    doc.sections[1].raw_text = "Ingen  skada\nhär. "
    payloads = [json.loads(r["payload"]) for r in document_records(doc) if r["record"] == "section"]
    assert [p["raw_text"] for p in payloads] == ["Namnden har beslutat\nom stéd.", ""]


def test_hits_show_the_ocr_reading_from_the_payload(new_store):
    store = new_store()
    doc = make_doc("o2", ["Nämnden har beslutat om stöd till föreningar."])
    doc.sections[0].raw_text = "Namnden har beslutat om stéd till foreningar."
    store.write([doc])
    hit = store.search("föreningar")["hits"][0]
    assert hit["text"] == ("Nämnden har beslutat om stöd till föreningar.\n\n[OCR]\n"
                           "Namnden har beslutat om stéd till foreningar.")


def test_many_commits_keep_the_segment_count_bounded_and_lose_nothing(tmp_path, monkeypatch):
    import index.store as store_module

    monkeypatch.setattr(store_module, "MAX_SEGMENTS", 4)
    monkeypatch.setattr(store_module, "MERGE_FACTOR", 3)
    store = Store(tmp_path / "ix")
    docs = [make_doc(f"d{i}", [f"Nämnden beslutar om åtgärd {i}.", "Uppföljning sker årligen."])
            for i in range(30)]
    counts = []
    for start in range(0, 30, 3):                         # ten commits of three documents
        store.write(docs[start:start + 3], batch=3)
        counts.append(len(store.searcher().reader().leaf_readers()))
    store.write([make_doc("d7", ["Nämnden har ändrat åtgärden."])], batch=1)   # a replacement
    assert max(counts) <= 4 and counts[-1] >= 2
    assert sorted(d.id for d in store.documents()) == sorted(d.id for d in docs)
    assert store.search("ändrat")["total"] == 1 and store.search("beslutar")["total"] == 29


def test_a_bulk_write_merges_the_small_segments_its_last_batches_left(tmp_path):
    store = Store(tmp_path / "ix")
    docs = [make_doc(f"d{i}", [f"Nämnden följer upp åtgärd {i}.", "Rapport lämnas årligen."]) for i in range(36)]
    store.write(docs[:30], batch=30)
    store.write(docs[30:], batch=2)                       # three small commits
    sizes = [r.doc_count() for r, _ in store.searcher().reader().leaf_readers()]
    assert len(sizes) == 2 and max(sizes) > 3 * min(sizes)
    assert sorted(d.id for d in store.documents()) == sorted(d.id for d in docs)
    assert store.search("åtgärd")["total"] == 36


def test_a_single_commit_is_left_as_it_is(tmp_path):
    store = Store(tmp_path / "ix")
    docs = [make_doc(f"d{i}", [f"Nämnden följer upp åtgärd {i}."]) for i in range(12)]
    store.write(docs[:10], batch=10)
    store.write(docs[10:11], batch=5)
    store.write(docs[11:], batch=5)
    assert len(store.searcher().reader().leaf_readers()) == 3
