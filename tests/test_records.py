"""index.records: which sections become search records, with which heading and context."""

from __future__ import annotations

from index.records import document_records, heading_key, indexed_sections, is_bare_heading, letter_words
from ingest.model import Document, Section


def _doc(sections: list[Section], title: str = "Svar på revisionsrapport om skolskjuts") -> Document:
    return Document(id="r1", source="r1.txt", path="/arkiv/r1.txt", sha256="h", title=title,
                    year=2024, sections=sections)


def _section(number: int, heading: str, text: str = "", kind: str = "heading", **group) -> Section:
    return Section(number=number, heading=heading, kind=kind, text=text, **group)


def test_letter_words_leave_out_dates_and_case_numbers():
    assert letter_words("Dnr SON 2024/0311") == 2
    assert letter_words("2024-10-22\n\nBUN 2024/398") == 1
    assert letter_words("Socialnämnden godkänner uppföljningen.") == 3
    assert letter_words("") == 0


def test_a_bare_heading_has_fewer_than_three_words_and_states_nothing():
    assert is_bare_heading(_section(1, "§ 113 Svar på revisionsrapport", "Dnr KS 2023/00217"))
    assert is_bare_heading(_section(1, "Nämndens synpunkter"))
    assert not is_bare_heading(_section(1, "Beslut", "Nämnden godkänner svaret."))
    # a rekommendation or aktivitet without a body is a statement: its heading says it
    assert not is_bare_heading(_section(1, "Rekommendation 1: Följ upp avtalen", kind="recommendation",
                                        recommendation=1))
    assert not is_bare_heading(_section(1, "Aktivitet 2.1: Ny rutin", kind="activity", activity="2.1"))


def test_heading_key_folds_case_signs_and_diacritics():
    assert heading_key("§ 34 Yttrande över revisionsrapport – Granskning") == \
        heading_key("§ 34 yttrande OVER revisionsrapport - granskning")
    assert heading_key("Svar på remiss") != heading_key("Svar på remissen")


def test_a_heading_that_repeats_the_title_is_not_indexed_as_a_heading():
    doc = _doc([
        _section(1, "SVAR PÅ REVISIONSRAPPORT OM SKOLSKJUTS", "Revisorerna har granskat skolskjutsen i kommunen."),
        _section(2, "Nämndens synpunkter om skolskjuts", "Nämnden instämmer i bedömningen."),
    ])
    assert _searched(doc) == [(1, "", ""), (2, "Nämndens synpunkter om skolskjuts", "")]
    title_section = document_records(doc)[0]
    assert title_section["heading"] == ""
    assert title_section["title"] == doc.title                 # the title itself stays searchable


def _searched(doc: Document) -> list[tuple[int, str, str]]:
    """(number, heading, context) of the sections a word can find."""
    return [(s.section.number, s.heading, s.context) for s in indexed_sections(doc) if s.body or s.heading
            or s.title or s.context]


def test_a_bare_heading_goes_into_the_next_sections_context():
    doc = _doc([
        _section(1, "§ 113 Medborgarförslag om parksoffor", "Dnr SON 2024/0311"),
        _section(2, "Förslag till beslut", "Nämnden överlämnar ärendet till tekniska nämnden.", kind="proposal"),
        _section(3, "Ärendet", "Förslagsställaren vill ha fler bänkar vid stranden.", kind="matter"),
    ])
    assert _searched(doc) == [
        (2, "Förslag till beslut", "§ 113 Medborgarförslag om parksoffor\nDnr SON 2024/0311"),
        (3, "Ärendet", "")]
    # the bare heading keeps its record (every section has one), with nothing to be found by
    records = [r for r in document_records(doc) if r["record"] == "section"]
    assert [r["id"] for r in records] == ["r1#1", "r1#2", "r1#3"]
    assert [records[0][f] for f in ("body", "heading", "title", "context")] == ["", "", "", ""]
    assert records[1]["title"] == doc.title


def test_bare_headings_in_a_row_all_go_to_the_next_section_and_the_title_is_not_repeated():
    doc = _doc([
        _section(1, "Barn- och utbildningsnämnden"),
        _section(2, "Svar på revisionsrapport om skolskjuts", "2024-02-13"),
        _section(3, "Ärendet", "Revisorerna har granskat skolskjutsen.", kind="matter"),
    ])
    assert _searched(doc) == [(3, "Ärendet", "Barn- och utbildningsnämnden\n2024-02-13")]


def test_carried_words_come_before_the_statement_a_sub_section_belongs_under():
    activity = "Aktivitet 1: Kartläggning av elevhälsans arbetssätt"
    doc = _doc([
        _section(1, activity, "", kind="activity", activity="1"),
        _section(2, "Ansvarig: verksamhetschef", activity="1"),
        _section(3, "Uppföljning", "Kartläggningen pågår enligt plan.", activity="1"),
    ])
    assert _searched(doc) == [                              # the empty activity stays: a statement
        (1, activity, ""), (3, "Uppföljning", f"Ansvarig: verksamhetschef\n{activity}")]


def test_bare_headings_at_the_end_keep_their_words():
    doc = _doc([
        _section(1, "Ärendet", "Revisorerna har granskat skolskjutsen.", kind="matter"),
        _section(2, "Bilaga: Revisionsrapport"),
    ])
    assert _searched(doc) == [(1, "Ärendet", ""), (2, "Bilaga: Revisionsrapport", "")]


def test_a_beslutsunderlag_is_searched_weakly_through_its_context():
    doc = _doc([
        _section(1, "Ärendebeskrivning", "Revisorerna har granskat skolskjutsverksamheten.", kind="matter"),
        _section(2, "Beslutsunderlag", "Tjänsteskrivelse 2024-01-30\nRevisionsrapport Granskning av skolskjuts",
                 kind="basis"),
    ])
    basis = indexed_sections(doc)[1]
    assert basis.body == ""
    assert basis.context == "Tjänsteskrivelse 2024-01-30\nRevisionsrapport Granskning av skolskjuts"
    assert basis.heading == "Beslutsunderlag"
    assert indexed_sections(doc)[0].body == "Revisorerna har granskat skolskjutsverksamheten."
