"""Recommendations and activities in every layout: each table example of
``tables/recommendations.toml`` with the numbers and statements it must give."""

import pytest

from ingest.folding import fold_diacritics
from ingest.recommendations import answered_recommendation, is_intro, split_item, starts_answer
from ingest.sections import activity_list, recommendation_statements, segment
from ingest.tables import load_table

EXAMPLES = load_table("recommendations")["examples"]


@pytest.mark.parametrize("example", EXAMPLES, ids=[e["name"] for e in EXAMPLES])
def test_layout_examples(example):
    sections = segment(example["text"])
    if "recommendations" in example:
        got = {r["number"]: r["text"] for r in recommendation_statements(sections)}
        wanted = {int(n): text for n, text in example["recommendations"].items()}
        assert sorted(got) == sorted(wanted), got
        for n, start in wanted.items():
            assert fold_diacritics(got[n]).startswith(fold_diacritics(start)), (n, got[n])
    if "activities" in example:
        assert [a["number"] for a in activity_list(sections)] == example["activities"]
    for heading, number in example.get("answers", {}).items():
        [section] = [s for s in sections if s.heading == heading]
        assert section.recommendation == number


def test_a_recommendation_item_is_a_section_of_its_own_that_search_can_find():
    sections = segment("Revisorerna rekommenderar nämnden att\n1. se över taxan,\n2. följa upp avtalen.\n\n"
                       "Revisorerna emotser svar senast i maj.")
    recs = [s for s in sections if s.kind == "recommendation"]
    assert [(s.recommendation, s.heading) for s in recs] == [
        (1, "Rekommendation 1: se över taxan"), (2, "Rekommendation 2: följa upp avtalen.")]
    tail = sections[-1]
    assert tail.recommendation is None and "emotser" in tail.text


def test_table_rows_carry_their_other_cells():
    sections = segment("Rekommendation | Åtgärd | Status\n1. Avgifter | Översyn | Försenat. Klar i december.")
    [row] = [s for s in sections if s.kind == "recommendation"]
    assert row.recommendation == 1 and "Status: Försenat. Klar i december." in row.text


@pytest.mark.parametrize("heading, number", [
    ("Till rekommendation 2", 2), ("Kommentar till rekommendation 3", 3), ("Svar på rekommendation två", 2),
    ("Individuell planering (rekommendation b)", 2), ("Nämndens svar på rekommendation 1", 1),
    ("Rekommendationer", None), ("Uppföljning", None),
])
def test_answer_headings(heading, number):
    assert answered_recommendation(heading) == number


@pytest.mark.parametrize("lines, statement, body", [
    (["Ta fram en rutin. Regionstyrelsens svar: Regionstyrelsen instämmer."],
     "Ta fram en rutin.", "Regionstyrelsens svar: Regionstyrelsen instämmer."),
    (["Tillsynsplan för avlopp", "Planen antogs i december."], "Tillsynsplan för avlopp", "Planen antogs i december."),
    (["Säkerställ att riskbedömningar görs i", "samtliga ärenden."], "Säkerställ att riskbedömningar görs i samtliga ärenden.", ""),
    (["Följ upp avtalen med", "Region Örebro län varje år."], "Följ upp avtalen med Region Örebro län varje år.", ""),
])
def test_split_item_cuts_the_answer_or_report_off_a_list_item(lines, statement, body):
    assert split_item(lines) == (statement, body)


@pytest.mark.parametrize("text, answer", [
    ("Förvaltningens svar: Nämnden instämmer.", True), ("Nämndens svar: Ja.", True), ("Kommentar: Klart.", True),
    ("Svaret lämnades i maj.", False), ("Nämnden svarar revisorerna i maj.", False),
])
def test_starts_answer(text, answer):
    assert starts_answer(text) is answer


@pytest.mark.parametrize("line, intro", [
    ("Redovisningen följer de tre rekommendationerna.", True),
    ("Nedan redovisas arbetet för varje rekommendation.", True),
    ("Revisorernas rekommendationer och regionstyrelsens svar", True),
    ("Rekommendationerna är omhändertagna.", False),
    ("Nämnden har arbetat med rekommendationerna under året.", False),
])
def test_intro_lines(line, intro):
    assert is_intro(line) is intro


def test_a_lettered_recommendation_label_is_numbered():
    from ingest.labels import parse_label

    label = parse_label("Rekommendation b: Följ upp kostnaderna.")
    assert (label.kind, label.number, label.rest) == ("recommendation", 2, "Följ upp kostnaderna.")
    assert parse_label("Rekommendation i korthet") is None or parse_label("Rekommendation i korthet").number is None
