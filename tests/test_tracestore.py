"""Tracing kept at ingest: the stored case records equal a computation from scratch, whatever
order the documents came in, and a request reads them without opening any document; on both
engines."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from kb.trace import judge_all, trace_records
from kb.tracestore import CASES, DIRECTORY, decode, load

AS_OF = dt.date(2025, 6, 1)


def _pair(examples_dir, folder):
    folder.mkdir()
    for name in ("revisionsyttrande-*.txt", "uppfoljning-*.txt", "lund-*.txt"):
        src = next(examples_dir.glob(name))
        shutil.copy(src, folder / src.name)
    return sorted(folder.iterdir())


def _comparable(result: dict) -> list:
    return sorted((case["id"], c["id"], c["verdict"], tuple((u["doc_id"], u["section"]) for u in c["follow_ups"]))
                  for case in result["cases"] for c in case["commitments"])


@pytest.fixture()
def kb(where):
    """A service over a fresh store of each engine in turn (tracing is kept by either)."""
    kb = where.kb()
    yield kb
    kb.close()


def test_ingest_stores_one_record_per_case_and_a_directory(kb, tmp_path, examples_dir):
    files = _pair(examples_dir, tmp_path / "in")
    assert kb.ingest(files).ok
    cases = kb.store.derived(CASES)
    directory = kb.store.derived(DIRECTORY)
    assert len(cases) == len(kb.cases()) >= 2
    entries = {d for payload in directory.values() for d in decode(payload)["entries"]}
    assert entries == {doc_id for doc_id, _sha in kb.store.sources().values()}


def test_documents_added_one_by_one_give_what_all_at_once_give(kb, tmp_path, examples_dir):
    files = _pair(examples_dir, tmp_path / "in")
    for f in reversed(files):  # the follow-up before the statement it follows up
        assert kb.ingest([f]).ok
    stored = judge_all(load(kb.store), as_of=AS_OF)
    fresh = judge_all(trace_records(kb.store.documents()), as_of=AS_OF)
    assert _comparable(stored) == _comparable(fresh)
    assert any(c["verdict"] == "reported" for case in stored["cases"] for c in case["commitments"])


def test_a_request_reads_the_records_without_opening_documents(kb, tmp_path, examples_dir, monkeypatch):
    assert kb.ingest(_pair(examples_dir, tmp_path / "in")).ok

    def refuse(*args, **kwargs):
        raise AssertionError("a request opened the documents")

    monkeypatch.setattr(kb.store, "documents", refuse)
    monkeypatch.setattr(kb.store, "document", refuse)
    result = kb.trace(as_of=AS_OF)
    assert result["cases"] and kb.commitments(as_of=AS_OF)


def test_removing_a_document_updates_its_case_and_leaves_the_others(kb, tmp_path, examples_dir):
    files = _pair(examples_dir, tmp_path / "in")
    assert kb.ingest(files).ok
    before = kb.store.derived(CASES)
    follow_up = next(str(f.resolve()) for f in files if f.name.startswith("uppfoljning"))
    assert kb.remove_sources([follow_up]) == [follow_up]
    after = kb.store.derived(CASES)
    untouched = [k for k in before if k in after and before[k] == after[k]]
    assert untouched  # the plan of the other case was not recomputed
    result = kb.trace(as_of=AS_OF)
    assert all(u["source"] != "uppfoljning-byggnadsnamnden-2025.txt"
               for case in result["cases"] for c in case["commitments"] for u in c["follow_ups"])


def test_an_index_without_stored_tracing_is_traced_on_request(kb, tmp_path, examples_dir):
    files = _pair(examples_dir, tmp_path / "in")
    kb.store.write([kb_doc for kb_doc in _built(files)])  # no derive: as an index from before
    assert kb.store.derived(CASES) == {}
    result = kb.trace(as_of=AS_OF)
    assert _comparable(result) == _comparable(judge_all(trace_records(kb.store.documents()), as_of=AS_OF))


def test_the_next_ingest_brings_an_index_without_stored_tracing_up_to_date(kb, tmp_path, examples_dir):
    files = _pair(examples_dir, tmp_path / "in")
    kb.store.write(list(_built(files[:2])))
    assert kb.ingest(files[2:]).ok
    stored = load(kb.store)
    assert {d["doc_id"] for r in stored for d in r["documents"]} == {
        doc_id for doc_id, _sha in kb.store.sources().values()}
    assert kb.store.derived(CASES)


def _built(files):
    from ingest.document_builder import ingest_file

    return [ingest_file(f) for f in files]


def test_documents_another_writer_committed_underived_rebuild_only_their_own_case(kb, tmp_path, examples_dir,
                                                                                 monkeypatch):
    """Parallel PostgreSQL writers derive one at a time, so a derive finds documents that another
    writer has committed and not derived yet: it brings them in, and rebuilds only the cases
    they join (it once rebuilt every case of the archive, at every derive)."""
    files = _pair(examples_dir, tmp_path / "in")
    lund, statement, follow_up = files
    assert kb.ingest([lund, statement]).ok
    before = kb.store.derived(CASES)
    kb.store.write(_built([follow_up]))  # the other writer: committed, not derived
    extra = tmp_path / "more"
    extra.mkdir()
    umea = next(examples_dir.glob("umea-*.txt"))
    shutil.copy(umea, extra / umea.name)
    from kb import tracestore

    traced = []
    real = tracestore.trace_record
    monkeypatch.setattr(tracestore, "trace_record", lambda case: traced.append(case.documents[0].source) or real(case))
    assert kb.ingest([extra / umea.name]).ok
    assert sorted(traced) == sorted([statement.name, umea.name])   # Lund's case was not recomputed
    lund_case = next(k for k, v in before.items() if "lund" in decode(v)["documents"][0]["source"])
    assert kb.store.derived(CASES)[lund_case] == before[lund_case]
    stored = judge_all(load(kb.store), as_of=AS_OF)
    fresh = judge_all(trace_records(kb.store.documents()), as_of=AS_OF)
    assert _comparable(stored) == _comparable(fresh)
    assert any(c["verdict"] == "reported" for case in stored["cases"] for c in case["commitments"])
