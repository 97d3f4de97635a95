"""Commitment extraction: cues, exclusions, status, actor and sentence splitting."""

import pytest

from ingest.commitments import (
    commitment_status,
    extract_commitments,
    find_actor,
    is_commitment,
    split_sentences,
)
from ingest.model import Document, Section


def doc_with(*texts, date="2024-03-14", year=2024):
    sections = [Section(number=i + 1, heading=f"Rekommendation {i + 1}", kind="recommendation", text=t,
                        recommendation=i + 1) for i, t in enumerate(texts)]
    return Document(id="d1", source="d1.txt", path="/d1.txt", sha256="", sections=sections, date=date, year=year)


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


@pytest.mark.parametrize("sentence", [
    "Förvaltningen kommer att införa en e-tjänst.",
    "Enheten kommer genomföra en utbildning.",
    "En ny rutin planeras för hela staden.",
    "Nämnden avser att se över taxan.",
    "Resultatet återrapporteras till nämnden.",
    "Planen ska vara antagen den 1 juni 2025.",
    "Förvaltningen ska se över rutinen.",
])
def test_promises(sentence):
    assert is_commitment(sentence, has_deadline="2025" in sentence)


@pytest.mark.parametrize("sentence", [
    "Enligt socialtjänstlagen ska socialnämnden ansvara för att barn får stöd.",
    "Socialnämnden ska ansvara för att tillgodose barnets behov.",
    "Nämnden ska yttra sig över rapportens rekommendationer.",
    "Regeringen ska lämna förslag till riksdagen.",
    "Medarbetare ska känna till rutinen.",
    "Arbetet kommer att leda till bättre kvalitet.",
    "Han kommer från Lund.",
    "Rutinen beskriver hur ärenden ska hanteras.",
    "Insatser som ska startas beviljas i tid.",
])
def test_not_promises(sentence):
    assert not is_commitment(sentence, has_deadline=False)


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
    ("Handläggare inom bygglov kommer genomföra en kurs i maj 2024.", "Handläggare inom bygglov"),
    ("Under 2024 kommer *Tryggt hem* starta på tio skolor.", None),
])
def test_actor(sentence, actor):
    assert find_actor(sentence) == actor


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


def test_report_of_done_work_is_not_flagged():
    [c] = extract_commitments(doc_with("Inventeringen har genomförts under 2023.", date="2024-03-01"))
    assert c.status == "done" and c.deadline.flag is None


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
