"""Segmentation rules on short Swedish texts written for the test, plus end-to-end corpus checks."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

from ingest.clean import clean_pages_with_removed
from ingest.labels import item_case_number, parse_label
from ingest.model import Block, Page
from ingest.sections import activity_list, recommendation_statements, segment, segment_blocks

PARA = "Nämnden har under året arbetat vidare med frågan och redovisar här vad som har gjorts."


def kinds(text: str) -> list[tuple[str, str]]:
    return [(s.kind, s.heading) for s in segment(text)]


def test_each_standard_heading_gets_its_kind():
    text = "\n\n".join(
        f"{h}\n\n{PARA}"
        for h in ["Sammanfattning", "Förslag till beslut", "Beslutsunderlag", "Ärendet", "Bakgrund"]
    )
    assert [k for k, _ in kinds(text)] == ["summary", "proposal", "basis", "matter", "heading"]


def test_ocr_damaged_headings_are_recognised():
    text = "\n\n".join(f"{h}\n\n{PARA}" for h in ["Arendet", "Forslag till beslut", "Férvaltningens dvervaganden"])
    assert [k for k, _ in kinds(text)] == ["matter", "proposal", "heading"]


def test_combined_heading_takes_the_kind_of_a_part():
    assert kinds(f"Bakgrund / Ärendet\n\n{PARA}")[0][0] == "matter"


def test_text_before_the_first_heading_is_the_preamble():
    secs = segment(f"Socialnämnden föreslås besluta att lämna följande yttrande:\n\nSammanfattning\n\n{PARA}")
    assert [(s.kind, s.number) for s in secs] == [("preamble", 0), ("summary", 1)]
    assert secs[1].text == PARA


def test_unnumbered_recommendations_are_numbered_in_order():
    secs = segment("Rekommendation: Säkerställ A\n\nNämnden instämmer.\n\nRekommendation: Se över B\n\nNämnden instämmer.")
    assert [s.recommendation for s in secs] == [1, 2]
    assert recommendation_statements(secs) == [{"number": 1, "text": "Säkerställ A"}, {"number": 2, "text": "Se över B"}]


def test_number_words_are_read():
    label = parse_label("Rekommendation två: Se över rutinerna")
    assert (label.kind, label.number, label.rest) == ("recommendation", 2, "Se över rutinerna")


def test_label_needs_a_separator_or_a_capital():
    assert parse_label("Rekommendation 2 handlar om stöd till barn") is None
    assert parse_label("Aktivitet 1 samverkan med andra") is None
    assert parse_label("Inriktningsmal 3 - Verksamma i staden").number == 3


def test_bare_label_takes_the_next_paragraph_as_statement():
    secs = segment(f"Rekommendation 1:\n\nSäkerställ att barn får stöd i tid.\n\n{PARA}")
    assert secs[0].heading == "Rekommendation 1: Säkerställ att barn får stöd i tid."
    assert secs[0].text == PARA


def test_bare_label_statement_is_the_first_sentence_of_the_next_paragraph():
    secs = segment("Rekommendation 2\n\nSe över rutinerna för bidrag. En rapport lämnas årligen.\n")
    assert secs[0].heading == "Rekommendation 2: Se över rutinerna för bidrag."
    assert secs[0].text == "En rapport lämnas årligen."


def test_statement_broken_over_lines_comes_out_whole():
    text = (
        "Rekommendation 4: Säkerställ att uppföljning och utvärdering genomförs av arbetet mot\n"
        "våld i nära relationer gällande barn inom ramen för det systematiska\n"
        "[kvalitetsarbetet.\n\n" + PARA
    )
    (rec,) = recommendation_statements(segment(text))
    assert rec["text"].endswith("inom ramen för det systematiska kvalitetsarbetet.")


def test_sub_heading_inside_a_recommendation_belongs_to_it():
    text = (
        f"Rekommendation 1: Säkerställ stödet.\n\n{PARA}\n\nTidiga insatser\n\n{PARA}\n\n"
        f"Rekommendation 2: Se över rutinerna.\n\n{PARA}\n\nAnsvariga\n\nEva Ek Enhetschef"
    )
    secs = segment(text)
    assert [(s.heading.split(":")[0], s.recommendation) for s in secs] == [
        ("Rekommendation 1", 1), ("Tidiga insatser", 1), ("Rekommendation 2", 2), ("Ansvariga", None),
    ]


def test_activity_sections_belong_to_their_activity_and_goal():
    text = (
        "Inriktningsmål 2 - Staden förebygger våld\n\nGenom att:\n\ne Stärka stödet\n\n"
        "Aktivitet 2.1: Förvaltningen ska utveckla arbetet med\n\nstöd till föräldrar.\n"
        "Beskrivning: Arbetet sker i samverkan.\n\nUppföljning\n\n" + PARA + "\n\n"
        "Aktivitet 2.2: Förvaltningen ska utbilda personalen.\n\nUppföljning\n\n" + PARA
    )
    secs = segment(text)
    assert [(s.kind, s.heading.split(":")[0], s.goal, s.activity) for s in secs] == [
        ("goal", "Inriktningsmål 2 – Staden förebygger våld", 2, None),
        ("activity", "Aktivitet 2.1", 2, "2.1"),
        ("heading", "Beskrivning", 2, "2.1"),
        ("heading", "Uppföljning", 2, "2.1"),
        ("activity", "Aktivitet 2.2", 2, "2.2"),
        ("heading", "Uppföljning", 2, "2.2"),
    ]
    assert secs[2].text == "Arbetet sker i samverkan."
    assert activity_list(secs) == [
        {"number": "2.1", "text": "Förvaltningen ska utveckla arbetet med stöd till föräldrar."},
        {"number": "2.2", "text": "Förvaltningen ska utbilda personalen."},
    ]


def test_value_after_a_value_label_is_not_a_heading():
    secs = segment(f"Beslutet skickas till\n\nKommunstyrelsen\n\nÄrendet\n\n{PARA}")
    assert [(s.heading, s.text) for s in secs] == [("Beslutet skickas till", "Kommunstyrelsen"), ("Ärendet", PARA)]


def test_short_lines_without_text_after_them_are_not_headings():
    secs = segment(f"Sammanfattning\n\n{PARA}\n\nEva Ek Enhetschef\n\nOla Ås Avdelningschef")
    assert [s.heading for s in secs] == ["Sammanfattning"]


def test_a_letterhead_line_with_an_e_mail_address_is_not_a_heading():
    secs = segment(f"Eva Ek\n\nUtredare eva.ek@exempelby.se\n\n{PARA}\n\nÄrendet\n\n{PARA}")
    assert [s.heading for s in secs] == ["", "Ärendet"]


def test_emphasised_short_paragraph_is_a_heading():
    blocks = [Block("Trygga skolan", emphasis=True), Block("Kort.")]
    assert [s.heading for s in segment_blocks(blocks)] == ["Trygga skolan"]


def test_format_heading_is_a_heading_even_if_it_ends_with_a_full_stop():
    blocks = [Block("Vad händer nu.", heading=True), Block(PARA)]
    assert [(s.heading, s.text) for s in segment_blocks(blocks)] == [("Vad händer nu.", PARA)]


def test_sections_carry_raw_text_and_page():
    blocks = [Block("Ärendet", page=2, raw="Arendet"), Block("Nämnden har gjort det.", page=3, raw="Namnden har gjort det.")]
    (sec,) = segment_blocks(blocks)
    assert (sec.kind, sec.text, sec.raw_text, sec.page) == ("matter", "Nämnden har gjort det.", "Namnden har gjort det.", 2)


# ---------------------------------------------------------------------------------------------
# End to end on the corpus (raw OCR text: no repair)

def _corpus_sections(path: Path):
    blocks, removed = clean_pages_with_removed([Page(1, path.read_text(encoding="utf-8"))])
    return blocks, removed, segment_blocks(blocks)


@pytest.fixture(scope="module")
def expected(eval_dir):
    sys.path.insert(0, str(eval_dir))
    from match import matches  # the eval's own matching rule

    return json.loads((eval_dir / "metadata.json").read_text(encoding="utf-8"))["documents"], matches


def test_corpus_recommendations_and_activities(corpus_dir, expected):
    documents, matches = expected
    for name, exp in documents.items():
        _, _, secs = _corpus_sections(corpus_dir / name)
        recs = {r["number"]: r["text"] for r in recommendation_statements(secs)}
        assert sorted(recs) == sorted(int(n) for n in exp["recommendations"]), name
        # statements start with the expected words; without OCR repair only undamaged ones can match
        for n, start in exp["recommendations"].items():
            first = start.split()[-1]
            assert recs[int(n)], (name, n)
            if name.startswith("001"):
                assert matches(start, recs[int(n)]), (name, n, recs[int(n)])
            else:
                assert len(recs[int(n)].split()) >= len(start.split()), (name, n, first)
        assert [a["number"] for a in activity_list(secs)] == exp.get("activities", []), name


def test_corpus_every_word_ends_up_in_a_section(corpus_dir):
    for path in sorted(corpus_dir.glob("*.txt")):
        blocks, _, secs = _corpus_sections(path)
        got = {w.lower() for s in secs for w in re.findall(r"[^\W_]+", s.heading + " " + s.text)}
        for b in blocks:
            assert {w.lower() for w in re.findall(r"[^\W_]+", b.text)} <= got, (path.name, b.text[:60])


def test_corpus_sub_headings_inherit_their_recommendation(corpus_dir):
    _, _, secs = _corpus_sections(corpus_dir / "000_24dca9941c62331a.txt")
    owners = [s.recommendation for s in secs if s.kind == "heading" and s.recommendation]
    assert owners and owners == sorted(owners)
    assert secs[-1].heading == "Ansvariga" and secs[-1].recommendation is None


def _without_blank_lines(text: str) -> str:
    """The text as a PDF's text layer gives it: no blank lines inside a page (page breaks kept)."""
    pages = re.split(r"\n(?:[ \t]*\n){3,}", text)
    return "\n\n\n\n".join(re.sub(r"\n[ \t]*\n+", "\n", page) for page in pages)


def test_corpus_without_blank_lines_gives_the_same_sections(corpus_dir):
    """Paragraph breaks lost (as in a PDF) must not change which headings, labels and owners are found."""
    for path in sorted(corpus_dir.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        want = [(s.heading, s.kind, s.recommendation, s.activity, s.goal) for s in segment(text)]
        got = [(s.heading, s.kind, s.recommendation, s.activity, s.goal) for s in segment(_without_blank_lines(text))]
        assert got == want, path.name


def test_the_label_grammar_examples_hold():
    import doctest

    from ingest import labels

    result = doctest.testmod(labels)
    assert result.attempted >= 2 and result.failed == 0


# ------------------------------------------------------------------ protocol § items


def test_each_protocol_item_is_a_section_titled_by_its_paragraph():
    secs = segment("Kulturnämnden\nSammanträdesdatum 2023-03-08\n\n"
                   "§ 21 Bidrag till studieförbund 2023 Dnr KN 2023/12\n\n"
                   "Beslut\nKulturnämnden fördelar bidragen enligt förslaget.\n\n"
                   "§ 22 Dnr KN 2023/40\nSvar på revisionsrapport om bidragshanteringen\n\n"
                   "Beslut\nNämnden antar yttrandet som sitt svar till revisorerna.")
    headings = [s.heading for s in secs]
    assert "§ 21 Bidrag till studieförbund 2023" in headings
    assert "§ 22 Svar på revisionsrapport om bidragshanteringen" in headings


def test_an_items_diarienummer_leaves_its_title_but_stays_in_its_text():
    secs = segment("§ 21 Bidrag till studieförbund 2023 Dnr KN 2023/12\n\n"
                   "Beslut\nKulturnämnden fördelar bidragen enligt förslaget.\n\n"
                   "§ 22 Dnr KN 2023/40\nSvar på revisionsrapport om bidragshanteringen\n\n"
                   "Beslut\nNämnden antar yttrandet som sitt svar till revisorerna.")
    by_heading = {s.heading: s.text for s in secs}
    assert by_heading["§ 21 Bidrag till studieförbund 2023"].startswith("Dnr KN 2023/12")
    assert by_heading["§ 22 Svar på revisionsrapport om bidragshanteringen"].startswith("Dnr KN 2023/40")


def test_item_case_number_is_what_the_title_leaves_out():
    assert item_case_number("§ 87 Svar på revisionsrapport om placeringar Dnr SN 22/0143") == "Dnr SN 22/0143"
    assert item_case_number("§34 Dnr BUN 2024/0055") == "Dnr BUN 2024/0055"
    assert item_case_number("§ 88 Val av justerare") == ""
    assert item_case_number("Dnr KS 2023/1") == ""                      # not a § item


def test_a_bare_item_line_takes_its_title_from_the_next_paragraph():
    secs = segment("§ 7 Dnr BUN 2022/88\n\nYttrande över revisionsrapport om skolmåltider\n\n"
                   "Förvaltningen föreslår att nämnden instämmer i revisorernas bedömning av måltiderna.")
    assert secs[0].heading == "§ 7 Yttrande över revisionsrapport om skolmåltider"


def test_an_item_closes_the_recommendation_before_it():
    secs = segment("Rekommendation 1: Säkerställ att skolmåltiderna följs upp\n\nNämnden instämmer.\n\n"
                   "§ 8 Val av justerare\n\nNämnden utser Per Lind att justera protokollet.")
    item = next(s for s in secs if s.heading.startswith("§ 8"))
    assert item.recommendation is None
