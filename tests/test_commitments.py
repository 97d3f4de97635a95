"""Commitment extraction: clauses, cues, whose promise it is, status and deadlines."""

import pytest

from ingest.commitments import (
    author_context,
    clauses,
    commitment_status,
    extract,
    extract_commitments,
    is_closing_line,
    row_deadlines,
    split_sentences,
)
from ingest.folding import fold_diacritics
from ingest.model import Document, Section
from ingest.tables import load_table


def doc_with(*texts, date="2024-03-14", year=2024, committee="Kulturnämnden", municipality="Lund", **meta):
    sections = [Section(number=i + 1, heading=f"Rekommendation {i + 1}", kind="recommendation", text=t,
                        recommendation=i + 1) for i, t in enumerate(texts)]
    return Document(id="d1", source="d1.txt", path="/d1.txt", sha256="", sections=sections, date=date,
                    year=year, committee=committee, municipality=municipality, **meta)


def test_splitting_respects_abbreviations():
    text = "Vi erbjuder bl.a. handledning, t.ex. i grupp. Kursen har ca. 30 deltagare. Nästa steg följer."
    assert split_sentences(text) == [
        "Vi erbjuder bl.a. handledning, t.ex. i grupp.",
        "Kursen har ca. 30 deltagare.",
        "Nästa steg följer.",
    ]


def test_list_items_are_sentences_of_their_own():
    text = "Förvaltningen kommer att:\n- införa en e-tjänst under 2025\n- se över rutinen i år"
    assert split_sentences(text)[1:] == ["- införa en e-tjänst under 2025", "- se över rutinen i år"]


def test_hard_wraps_are_undone():
    assert split_sentences("Enheten kommer att\nta fram en folder.") == ["Enheten kommer att ta fram en folder."]


def _row_id(row):
    return f"{row[5]}: {(row[4] or row[0])[:60]}"


@pytest.mark.parametrize("row", load_table("commitments")["examples"]["rows"], ids=_row_id)
def test_table_examples(row):
    sentence, committee, municipality, date, clause, expected, start, end = row
    doc = doc_with(sentence, date=date, year=int(date[:4]), committee=committee, municipality=municipality)
    own, others = extract(doc)
    wanted = fold_diacritics(clause or sentence).strip(" .")
    pick = lambda items: [c for c in items if wanted in fold_diacritics(c.text) or fold_diacritics(c.text).strip(" .") in wanted]  # noqa: E731
    if expected == "none":
        assert not pick(own) and not pick(others)
        return
    if expected == "commitment":
        found, elsewhere = pick(own), pick(others)
    else:
        found, elsewhere = pick(others), pick(own)
        assert found and found[0].reason == expected.split(":", 1)[1]
    assert found, [c.text for c in own + others]
    assert not elsewhere
    d = found[0].deadline
    assert ((d.start, d.end) if d else ("", "")) == (start, end)


def test_a_passive_referring_to_another_actors_assignment_is_context():
    doc = doc_with("I juni 2024 beslutade regeringen att ge Socialstyrelsen i uppdrag att förbereda "
                   "införandet. En första delrapportering ska lämnas under våren 2025.", date="2024-11-01")
    own, others = extract(doc)
    assert not own
    assert [c.reason for c in others] == ["other_actor"]


def test_clauses_cut_between_two_deadlines_only():
    import datetime as dt

    date = dt.date(2025, 1, 20)
    two = clauses("Resultatet presenteras våren 2025, med ett första beslut planerat till maj 2025.", date)
    assert [c.text for c in two] == ["Resultatet presenteras våren 2025",
                                     "med ett första beslut planerat till maj 2025."]
    one = clauses("Rutinen ses över och en ny rutin fastställs senast den 30 september 2025.", date)
    assert len(one) == 1


@pytest.mark.parametrize("sentence, status", [
    ("Utbildningen kommer att starta under 2025.", "planned"),
    ("Arbetet med den nya rutinen pågår under 2024.", "ongoing"),
    ("Samverkan fortsätter under 2025.", "ongoing"),
    ("Inventeringen har genomförts under 2024.", "done"),
    ("Översynen är slutförd sedan mars 2024.", "done"),
    ("Flytten slutfördes i maj 2024.", "done"),
])
def test_status(sentence, status):
    assert commitment_status(sentence) == status


@pytest.mark.parametrize("sentence, actor", [
    ("Innan sommaren 2024 kommer Familjeteam norr lansera en folder.", "Familjeteam norr"),
    ("Förvaltningen kommer att införa en e-tjänst.", "Förvaltningen"),
    ("Nämnden ska se över taxan under 2025.", "Nämnden"),
    ("Under 2024 kommer *Tryggt hem* starta på tio skolor.", None),
])
def test_actor(sentence, actor):
    [c] = extract_commitments(doc_with(sentence))
    assert c.actor == actor


def test_extract_keeps_section_recommendation_deadline_and_ids():
    doc = doc_with("Vi har infört en rapport. Under hösten 2024 kommer förvaltningen att införa en e-tjänst.",
                   "Förvaltningen ska senast den 30 september 2024 ta fram en rutin.")
    found = extract_commitments(doc)
    assert [c.id for c in found] == ["d1-c1", "d1-c2"]
    first, second = found
    assert first.text == "Under hösten 2024 kommer förvaltningen att införa en e-tjänst."
    assert (first.section, first.recommendation, first.status) == (1, 1, "planned")
    assert (first.deadline.start, first.deadline.end) == ("2024-09-01", "2024-12-31")
    assert second.recommendation == 2 and second.deadline.end == "2024-09-30"


def test_planned_promise_dated_before_its_document_keeps_the_flag():
    [c] = extract_commitments(doc_with("Förvaltningen kommer att införa tjänsten under 2020."))
    assert c.deadline.flag == "before_document"


def test_a_report_of_done_work_is_no_promise():
    assert extract_commitments(doc_with("Inventeringen har genomförts under 2023.", date="2024-03-01")) == []


def test_summary_repeating_the_body_is_kept_once():
    doc = doc_with("Förvaltningen kommer att införa en e-tjänst.")
    doc.sections.insert(0, Section(number=0, heading="Sammanfattning", kind="summary",
                                   text="Förvaltningen kommer att införa en e-tjänst."))
    [c] = extract_commitments(doc)
    assert c.recommendation == 1


def test_a_meeting_date_under_beslutsplanering_is_not_a_promise():
    doc = Document(id="d1", source="d1.txt", path="/d1.txt", sha256="", date="2024-03-01", year=2024,
                   sections=[
                       Section(number=0, heading="Beslutsplanering", kind="heading",
                               text="Kulturnämndens arbetsutskott 2024-03-20\n\nKulturnämnden 2024-04-02"),
                       Section(number=1, heading="Ärendet", kind="matter",
                               text="Kulturnämnden 2024-04-02\n\nRedogörelsen uppdateras under första halvåret 2025."),
                   ])
    texts = [c.text for c in extract_commitments(doc)]
    assert texts == ["Redogörelsen uppdateras under första halvåret 2025."]


def test_a_motions_att_clauses_are_proposals_not_commitments():
    doc = doc_with("Med anledning av detta föreslår vi kommunfullmäktige besluta\n\n"
                   "att kommunstyrelsen får i uppdrag att ta fram en plan senast till sommaren 2025,\n\n"
                   "att planen redovisas för kommunfullmäktige i december 2024.",
                   date="2024-02-05", doc_type="motion", title="Motion om sommarjobb")
    own, others = extract(doc)
    assert not own and {c.reason for c in others} == {"motion"}


def test_a_quoted_motion_in_a_statement_is_a_proposal():
    doc = doc_with("Motionärerna föreslår\natt kommunfullmäktige ger nämnden i uppdrag att erbjuda läxhjälp "
                   "från och med höstterminen 2025,\natt läxhjälpen utvärderas efter ett år.\n\n"
                   "Nämnden kommer att kartlägga läxhjälpen under våren 2025.", date="2024-10-22")
    own, others = extract(doc)
    assert [c.text for c in own] == ["Nämnden kommer att kartlägga läxhjälpen under våren 2025."]
    assert [c.reason for c in others] == ["proposal"]


def test_a_decisions_att_clause_is_the_bodys_own():
    doc = doc_with("Socialnämnden beslutar\n1. att anta tjänsteskrivelsen som svar,\n"
                   "2. att ge socialtjänsten i uppdrag att återrapportera arbetet till nämnden i mars 2023.",
                   date="2022-09-21", committee="Socialnämnden")
    [c] = extract_commitments(doc)
    assert c.deadline.start == "2023-03-01"


def test_the_auditors_own_report_holds_no_commitments():
    doc = doc_with("Revisorerna avser att följa upp granskningen under hösten 2025.\n\n"
                   "Vi kommer att följa upp granskningen under 2025.\n\nFör revisorerna i Region Halland",
                   date="2024-04-16", committee=None)
    assert author_context(doc) == "auditors"
    own, others = extract(doc)
    assert not own and {c.reason for c in others} == {"auditors"}


def test_an_enumeration_run_into_one_line_is_split_into_its_items():
    text = "Socialnämnden beslutar 1. att anta svaret, 2. att ge socialtjänsten i uppdrag att återrapportera i mars 2023."
    assert split_sentences(text) == ["Socialnämnden beslutar 1. att anta svaret,",
                                     "2. att ge socialtjänsten i uppdrag att återrapportera i mars 2023."]


def test_a_line_naming_the_auditors_report_as_a_basis_does_not_make_the_author_an_auditor():
    doc = doc_with("Revisionsrapport Uppföljning av placeringar\n\nSocialtjänsten kommer att införa en "
                   "kvalitetsgranskning under första halvåret 2023.", date="2022-09-21", committee="Socialnämnden")
    assert author_context(doc) is None and len(extract_commitments(doc)) == 1


def test_a_statement_titled_like_the_audit_it_answers_is_the_committees_own():
    doc = doc_with("Under hösten 2025 kommer förvaltningen att införa en e-tjänst.", date="2025-04-10",
                   title="Granskning av nämndens ärendehantering", doc_type="yttrande")
    assert author_context(doc) is None and len(extract_commitments(doc)) == 1
    doc.doc_type = "övrigt"
    assert author_context(doc) == "auditors"


def test_the_closing_line_with_its_signatures_is_no_promise():
    doc = doc_with("Nämnden kommer att utreda frågan under 2025.",
                   "Lund den 14 mars 2024 KULTURNÄMNDEN Anna Holm, ordförande Jonas Ek, förvaltningschef")
    assert [c.text for c in extract_commitments(doc)] == ["Nämnden kommer att utreda frågan under 2025."]


@pytest.mark.parametrize("clause, closing", [
    ("Örebro den 14 mars 2024 REGIONSTYRELSEN Anna Holm, ordförande", True),
    ("Umeå, den 14 mars 2024 Maria Sandström ordförande", True),
    ("Under den 14 mars 2024 hålls ett möte för ordförandena.", False),  # not a place
    ("Örebro den 20 mars 2024 hålls ett möte för ordförandena.", False),  # not the document's date
])
def test_is_closing_line(clause, closing):
    import datetime as dt

    from ingest.deadlines import find_deadlines
    [found] = find_deadlines(clause, dt.date(2024, 3, 14))
    assert is_closing_line(clause, found, dt.date(2024, 3, 14)) is closing


def test_a_table_rows_schedule_cell_gives_the_action_its_deadline():
    doc = doc_with("Regionstyrelsens svar: Instämmer. Rutinerna tas fram av enheten.\nAnsvarig: Enhetschef\nTidplan: juni 2025")
    [c] = extract_commitments(doc)
    assert c.text == "Rutinerna tas fram av enheten." and (c.deadline.start, c.deadline.end) == ("2025-06-01", "2025-06-30")


@pytest.mark.parametrize("sentences, wanted", [
    (["Svar: Instämmer.", "Rutinerna tas fram av enheten.", "Tidplan: juni 2025"], {1: "2025-06-30"}),
    (["Rutinerna tas fram i maj 2025.", "Tidplan: juni 2025"], {}),  # the action names its own time
    (["Svar: Instämmer delvis.", "Tidplan: juni 2025"], {}),  # no action to schedule
    (["Rutinerna tas fram av enheten.", "Tidplan: –"], {}),  # no time in the cell
    (["Rutinerna tas fram av enheten.", "Kommentar: Vi återkommer i juni 2025."], {}),  # not a schedule
])
def test_row_deadlines(sentences, wanted):
    import datetime as dt

    got = row_deadlines(sentences, dt.date(2024, 11, 26), 2024)
    assert {k: f.deadline.end for k, f in got.items()} == wanted


@pytest.mark.parametrize("clause, past", [
    ("Nämnden kommer att begära granskningar när avtalet är klart.", False),
    ("Rutinen införs så snart systemet har införts.", False),
    ("Rutinen är klar sedan maj.", True),
    ("När planen antogs, startade arbetet på alla boenden.", True),  # the main clause reports
])
def test_a_done_word_in_a_clause_of_time_or_condition_reports_nothing(clause, past):
    from ingest.commitments import reports_past

    assert reports_past(clause) is past


def test_a_promise_conditioned_on_something_done_is_planned():
    [c] = extract_commitments(doc_with("Nämnden kommer att begära granskningar när avtalet är klart."))
    assert c.status == "planned"
