"""Promise tracing on the two example documents (an audit statement and its follow-up a year
later), plus ranking, verdicts, the case matrix and the CSV export."""

import csv
import datetime as dt
import io
import re

import pytest

from ingest.commitments import extract_commitments
from ingest.model import Document, Section
from kb.export import commitments_csv, trace_csv
from kb.trace import case_matrix, label_order, list_commitments, trace

HEADING = re.compile(r"^Rekommendation (\d+):\s*(.*)$")


def segment(text: str) -> list[Section]:
    """Sections of an example file: one per "Rekommendation N:" heading, the rest before it."""
    sections = [Section(number=1, heading="", kind="preamble", text="")]
    for para in (p.strip() for p in text.split("\n\n") if p.strip()):
        m = HEADING.match(para)
        if m:
            sections.append(Section(number=len(sections) + 1, heading=para.split("\n")[0],
                                    kind="recommendation", text=m.group(2), recommendation=int(m.group(1))))
        else:
            sections[-1].text = (sections[-1].text + "\n\n" + para).strip()
    return sections


def example(path, **meta) -> Document:
    sections = segment(path.read_text(encoding="utf-8"))
    recs = [{"number": s.recommendation, "text": s.text.split("\n\n")[0]} for s in sections if s.recommendation]
    d = Document(id=path.stem, source=path.name, path=str(path), sha256="", sections=sections,
                 committee="Byggnadsnämnden", municipality="Lund", recommendations=recs, **meta)
    d.commitments = extract_commitments(d)
    return d


@pytest.fixture()
def pair(examples_dir):
    first = example(next(examples_dir.glob("revisionsyttrande-*.txt")), date="2024-04-10", year=2024,
                    doc_type="yttrande", case_numbers=["BN-2024-117"], subject="ärendehantering och arkivering")
    later = example(next(examples_dir.glob("uppfoljning-*.txt")), date="2025-05-20", year=2025,
                    doc_type="uppföljande yttrande", subject="ärendehantering och arkivering")
    return first, later


def promise(result, start):
    return next(c for case in result["cases"] for c in case["commitments"] if c["text"].startswith(start))


def test_examples_form_one_case_without_a_shared_case_number(pair):
    result = trace(list(pair), as_of=dt.date(2025, 6, 1))
    [case] = result["cases"]
    assert [d["doc_id"] for d in case["documents"]] == [pair[0].id, pair[1].id]


def test_reported_promises_link_to_the_follow_up_under_the_same_recommendation(pair):
    result = trace(list(pair), as_of=dt.date(2025, 6, 1))
    etjanst = promise(result, "Under hösten 2024 kommer förvaltningen")
    assert etjanst["verdict"] == "reported"
    assert "e-tjänsten" in etjanst["follow_ups"][0]["text"]
    assert "samma rekommendation (1)" in etjanst["evidence"]
    rutin = promise(result, "Förvaltningen ska senast den 30 september 2024")
    assert rutin["verdict"] == "reported"
    assert "ny rutin" in rutin["follow_ups"][0]["text"]
    redogorelse = promise(result, "Arkivredogörelsen uppdateras")
    assert redogorelse["verdict"] == "reported"


def test_the_promise_never_reported_is_overdue_after_its_deadline(pair):
    result = trace(list(pair), as_of=dt.date(2025, 9, 1))
    arkiv = promise(result, "Innan sommaren 2025 kommer stadsbyggnadskontoret")
    assert arkiv["deadline"]["start"] == "2025-01-01" and arkiv["deadline"]["end"] == "2025-06-30"
    assert arkiv["verdict"] == "overdue"
    assert "2025-06-30" in arkiv["evidence"]


def test_the_promise_never_reported_is_pending_before_its_deadline(pair):
    result = trace(list(pair), as_of=dt.date(2025, 6, 1))
    redovisas = promise(result, "Resultatet av en enkät om sökandes nöjdhet")
    assert (redovisas["deadline"]["start"], redovisas["deadline"]["end"]) == ("2025-08-01", "2025-11-30")
    assert redovisas["verdict"] == "pending"


def test_last_document_has_nothing_to_be_traced_to(pair):
    result = trace([pair[0]], as_of=dt.date(2024, 5, 1))
    assert all(c["follow_ups"] == [] and c["verdict"] in ("pending", "overdue", "no_report")
               for c in result["cases"][0]["commitments"])


def test_doc_filter_keeps_that_documents_commitments(pair):
    result = trace(list(pair), doc=pair[0].id, as_of=dt.date(2025, 6, 1))
    assert {c["doc_id"] for case in result["cases"] for c in case["commitments"]} == {pair[0].id}


def test_list_commitments_filters(pair):
    rows = list_commitments(list(pair), doc=pair[0].id, due_before=dt.date(2024, 12, 31))
    assert [r["deadline"]["end"] for r in rows] == ["2024-09-30"]
    assert all(r["source"] == pair[0].source for r in rows)


def test_case_matrix_has_recommendations_as_rows_and_documents_in_date_order(pair):
    from kb.cases import group_cases

    [case] = group_cases(list(pair))
    m = case_matrix(case, list(pair))
    assert [r["number"] for r in m["recommendations"]] == ["1", "2", "3"]
    assert [d["doc_id"] for d in m["documents"]] == [pair[0].id, pair[1].id]
    assert "e-tjänsten" in m["cells"]["1"][pair[1].id]
    assert "centrala arkivet" in m["cells"]["3"][pair[0].id]


def test_csv_exports_open_in_a_swedish_spreadsheet(pair):
    result = trace(list(pair), as_of=dt.date(2025, 9, 1))
    text = trace_csv(result)
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text[1:]), delimiter=";"))
    assert len(rows) == len(result["cases"][0]["commitments"])
    assert {"overdue", "reported"} <= {r["verdict"] for r in rows}
    listed = list(csv.DictReader(io.StringIO(commitments_csv([{"id": "x", "text": "=SUMMA(A1)"}])[1:]),
                                 delimiter=";"))
    assert listed[0]["text"] == "'=SUMMA(A1)"


def test_tracing_over_each_engine_gives_the_same_cases(examples_dir, tmp_path_factory, postgres_server):
    """The service traces from the documents its store gives back: the example archive ingested
    into a Whoosh index and into a PostgreSQL database gives the same cases, commitments,
    verdicts, follow-ups and matrices (tracing is backend-neutral, the store must round-trip)."""
    import pg_server

    from kb.service import KnowledgeBase

    url = pg_server.create_database()
    whoosh = KnowledgeBase(tmp_path_factory.mktemp("ix"), database="")
    pg = KnowledgeBase(None, database=url)
    try:
        for kb in (whoosh, pg):
            assert kb.ingest([examples_dir]).ok
        as_of = dt.date(2025, 6, 1)
        assert pg.trace(as_of=as_of) == whoosh.trace(as_of=as_of)
        assert whoosh.trace(as_of=as_of)["cases"]
        assert pg.cases() == whoosh.cases()
        assert [pg.case(c["id"], as_of=as_of) for c in pg.cases()] == \
            [whoosh.case(c["id"], as_of=as_of) for c in whoosh.cases()]
        assert pg.commitments(as_of=as_of) == whoosh.commitments(as_of=as_of)
    finally:
        whoosh.close()
        pg.close()
        pg_server.drop_database(url)


def test_kb_trace_help_explains_every_verdict():
    from click.testing import CliRunner

    from kb.cli import main
    from kb.trace import VERDICTS

    text = CliRunner().invoke(main, ["trace", "--help"]).output
    for verdict in VERDICTS:
        assert verdict in text
    assert "never overdue" in " ".join(text.split())


def test_labels_of_any_mix_sort_numbers_by_value_then_letters():
    labels = ["1.a", "10", "1.2", "2", "B", "1.10", "²", "a", "3:b"]
    assert sorted(labels, key=label_order) == ["1.2", "1.10", "1.a", "2", "3:b", "10", "a", "B", "²"]
