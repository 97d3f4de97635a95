"""Cleaning rules, each on a short Swedish text written for the test."""

from __future__ import annotations

import re

from ingest.clean import clean_pages, clean_pages_with_removed
from ingest.labels import starts_with_keyword
from ingest.model import Page

WIDE = "Nämnden har under året arbetat vidare med frågan och redovisar nu resultatet av det"


def texts(text: str, headings=()) -> list[str]:
    return [b.text for b in clean_pages([Page(1, text)], headings=headings)]


def test_hard_wrapped_lines_are_unwrapped_into_one_paragraph():
    text = (
        "Socialnämnden har under hösten genomfört en översyn av hela verksamheten inom\n"
        "området och kommer att redovisa resultatet för kommunstyrelsen under våren.\n"
        "\n"
        "Nästa stycke börjar här och handlar om något annat än det förra gjorde.\n"
    )
    assert texts(text) == [
        "Socialnämnden har under hösten genomfört en översyn av hela verksamheten inom området och "
        "kommer att redovisa resultatet för kommunstyrelsen under våren.",
        "Nästa stycke börjar här och handlar om något annat än det förra gjorde.",
    ]


def test_hyphenated_word_across_lines_is_joined():
    text = "Materialet riktar sig till personal på samtliga högstadie- och gymnasie-\nskolor i hela kommunen.\n"
    assert texts(text) == ["Materialet riktar sig till personal på samtliga högstadie- och gymnasieskolor i hela kommunen."]


def test_shortened_compound_keeps_its_hyphen_before_och():
    text = "Ärendet har beretts av gymnasie-\noch vuxenutbildningsförvaltningen tillsammans med Arbetsmarknads-\noch socialnämnden.\n"
    assert texts(text) == [
        "Ärendet har beretts av gymnasie- och vuxenutbildningsförvaltningen tillsammans med Arbetsmarknads- "
        "och socialnämnden."
    ]


def test_hyphen_after_capitals_is_kept():
    text = "Antalet skolor i nätverket har ökat och totalt ingår nu fyrtio skolor i SSPF-\nnätverket i staden.\n"
    assert texts(text) == ["Antalet skolor i nätverket har ökat och totalt ingår nu fyrtio skolor i SSPF-nätverket i staden."]


def test_page_counters_are_dropped():
    text = "Första sidans sista mening står här.\n\n2 (7)\n\nAndra sidans text fortsätter här.\n\nSida 3 av 7\n"
    assert texts(text) == ["Första sidans sista mening står här.", "Andra sidans text fortsätter här."]


def test_page_counter_gives_the_page_number():
    blocks = clean_pages([Page(1, "Inledning på första sidan.\n\n4 (9)\n\nText på fjärde sidan.\n")])
    assert [b.page for b in blocks] == [1, 4]


def test_running_header_repeated_at_page_tops_is_dropped():
    pages = [
        Page(1, "Uppsala kommun\n\nFörsta sidan handlar om budgeten.\n"),
        Page(2, "Uppsala kommun\n\nAndra sidan handlar om personalen.\n"),
        Page(3, "Uppsala kommun\n\nTredje sidan handlar om lokalerna.\n"),
    ]
    assert [b.text for b in clean_pages(pages)] == [
        "Första sidan handlar om budgeten.",
        "Andra sidan handlar om personalen.",
        "Tredje sidan handlar om lokalerna.",
    ]


def test_a_line_repeated_on_one_page_is_no_running_header():
    # a distribution list naming one body twice ends the only page: nothing recurs across pages
    text = f"{WIDE}.\n\nBeslutet skickas till\n\nKommunstyrelsen\n\nKommunstyrelsen\n"
    blocks, removed = clean_pages_with_removed([Page(1, text)])
    assert removed == []
    assert [b.text for b in blocks][-2:] == ["Kommunstyrelsen", "Kommunstyrelsen"]


def test_repeated_footer_line_is_dropped_but_body_lines_stay():
    pages = [Page(n, f"Text nummer {n} om skolan.\n\nBarn- och utbildningsförvaltningen\n") for n in (1, 2)]
    assert [b.text for b in clean_pages(pages)] == ["Text nummer 1 om skolan.", "Text nummer 2 om skolan."]


def test_address_column_mixed_into_text_is_removed():
    text = (
        f"{WIDE}\n"
        " Box 1234 arbete som pågått under flera år med stöd av andra aktörer i staden som\n"
        "\n"
        "751 05 Uppsala har bidragit till att fler barn och unga har fått hjälp i tid av\n"
        "Fax socialtjänsten och skolan.\n"
    )
    (block,) = texts(text)
    assert "Box" not in block and "751 05" not in block and "Fax" not in block
    assert block.endswith("har bidragit till att fler barn och unga har fått hjälp i tid av socialtjänsten och skolan.")


def test_stray_url_and_phone_lines_are_dropped():
    text = "Kontakta oss gärna.\n\nwww.exempelkommun.se\n\nTelefon 018-123 45 67\n\nMer text följer.\n"
    assert texts(text) == ["Kontakta oss gärna.", "Mer text följer."]


def test_markdown_emphasis_is_stripped_and_kept_as_structure():
    blocks = clean_pages([Page(1, "**Rekommendation 3:**\n\nArbetet med *Trygga skolan* fortsätter under året.\n")])
    assert [(b.text, b.emphasis) for b in blocks] == [
        ("Rekommendation 3:", True),
        ("Arbetet med Trygga skolan fortsätter under året.", False),
    ]


def test_markdown_heading_is_a_format_heading():
    (block, _) = clean_pages([Page(1, "## Bakgrund\n\nNämnden har fått ett uppdrag.\n")])
    assert block.heading and block.text == "Bakgrund"


def test_ocr_bullets_become_list_items_one_per_line():
    text = (
        "Nämnden arbetar med följande:\n\n"
        "e Fler familjehem rekryteras.\n"
        "o Handläggningen blir snabbare.\n\n"
        "¢ Uppföljningen sker varje kvartal.\n"
    )
    assert texts(text) == [
        "Nämnden arbetar med följande:\n• Fler familjehem rekryteras.\n• Handläggningen blir snabbare.\n"
        "• Uppföljningen sker varje kvartal."
    ]


def test_wrapped_list_item_stays_one_item():
    text = (
        "- Ett långt listobjekt som beskriver hur arbetet med uppföljning ska gå till i\n"
        "praktiken under hela året.\n"
        "- Ett kort objekt.\n"
    )
    assert texts(text) == [
        "• Ett långt listobjekt som beskriver hur arbetet med uppföljning ska gå till i praktiken under hela året.\n"
        "• Ett kort objekt."
    ]


def test_heading_keyword_line_starts_its_own_block():
    text = f"Ärendet\n{WIDE}\nuppdrag som nämnden fick.\n"
    assert texts(text)[0] == "Ärendet"


def test_short_line_above_text_is_split_off_as_heading():
    text = f"Tidiga insatser i förskolan\n{WIDE}\nuppdrag som nämnden fick.\n"
    assert texts(text)[0] == "Tidiga insatser i förskolan"


def test_numbered_label_starts_a_block_and_keeps_its_wrapped_statement():
    text = (
        f"{WIDE} arbete.\n"
        "Rekommendation 2: Säkerställ att nämndens verksamheter har tillräckligt stöd för\n"
        "[att kunna upptäcka barn i behov av skydd.\n"
        "\n"
        "Nämnden delar bedömningen.\n"
    )
    assert texts(text)[1] == (
        "Rekommendation 2: Säkerställ att nämndens verksamheter har tillräckligt stöd för att kunna upptäcka "
        "barn i behov av skydd."
    )


def test_inline_label_starts_a_block():
    text = "Aktivitet 2.1: Förvaltningen ska se över rutinerna.\nBeskrivning: Rutinerna ska vara klara i maj.\n"
    assert texts(text) == ["Aktivitet 2.1: Förvaltningen ska se över rutinerna.", "Beskrivning: Rutinerna ska vara klara i maj."]


def test_paragraph_broken_by_blank_line_mid_sentence_is_joined():
    text = f"{WIDE}\n\nplanerade arbetet med barn och unga.\n"
    assert texts(text) == [f"{WIDE} planerade arbetet med barn och unga."]


def test_activity_heading_split_over_blank_line_is_joined():
    text = "Aktivitet 1.2: Förvaltningen ska utveckla arbetet med stöd till\n\nföräldrar i hela staden.\n"
    assert texts(text) == ["Aktivitet 1.2: Förvaltningen ska utveckla arbetet med stöd till föräldrar i hela staden."]


def test_page_break_mid_sentence_is_joined():
    lines = [f"{WIDE} rad {n}." for n in range(13)] + [f"{WIDE} och under nästa år kommer"]
    text = "\n".join(lines) + "\n Kompetenscentrum att anordna en temadag.\n"
    blocks = clean_pages([Page(1, text)])
    assert blocks[-1].text.endswith("under nästa år kommer Kompetenscentrum att anordna en temadag.")
    assert blocks[-1].page == 1


def test_signature_lines_keep_their_line_breaks():
    text = f"{WIDE} slut.\n\nAnsvariga\nEva Ek Enhetschef\nOla Ås Avdelningschef\n"
    assert texts(text)[-2:] == ["Ansvariga", "Eva Ek Enhetschef\nOla Ås Avdelningschef"]


def test_known_headings_from_a_structured_reader_are_marked():
    blocks = clean_pages([Page(1, "Vårt uppdrag\nNämnden ska yttra sig.\n")], headings=["Vårt uppdrag"])
    assert [(b.text, b.heading) for b in blocks] == [("Vårt uppdrag", True), ("Nämnden ska yttra sig.", False)]


def test_heading_keywords_are_found_through_ocr_damage():
    assert starts_with_keyword("Uppfljning inom ramen för uppdraget", ["Uppföljning"]) == 1
    assert starts_with_keyword("Forslag till beslut", ["Förslag till beslut"]) == 3
    assert starts_with_keyword("Sammanfattningsvis är det bra", ["Sammanfattning"]) == 0


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", text)


def test_no_word_is_lost(corpus_dir):
    """Every word of the input is in the output, apart from what was removed as furniture."""
    for path in sorted(corpus_dir.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        blocks, removed = clean_pages_with_removed([Page(1, text)])
        out = {w.lower() for b in blocks for w in _words(b.text)}
        gone = {w.lower() for r in removed for w in _words(r)}
        # a hyphen joined across a line end merges two words into one
        missing = {w.lower() for w in _words(text)} - out - gone
        joined = {w for w in missing if any(w in o for o in out)}
        assert missing - joined == set(), path.name


def test_corpus_page_furniture_is_gone(corpus_dir):
    for path in sorted(corpus_dir.glob("*.txt")):
        body = "\n".join(b.text for b in clean_pages([Page(1, path.read_text(encoding="utf-8"))]))
        assert not re.search(r"^\d+ \(\d+\)$", body, re.M), path.name
        assert "Box 12278" not in body and "192 27 Stockholm" not in body
        assert not re.search(r"^Malm\S stad$", body, re.M), path.name


def test_keyword_line_without_blank_lines_around_is_its_own_block():
    text = "Diarienummer KS 2024/12\n2024-05-02\nSammanfattning\nNämnden har yttrat sig över förslaget.\n"
    assert texts(text) == ["Diarienummer KS 2024/12\n2024-05-02", "Sammanfattning", "Nämnden har yttrat sig över förslaget."]


def test_without_blank_lines_a_line_broken_early_ends_heading_and_statement():
    text = (
        f"{WIDE} slut.\n"
        "Tidiga insatser för barn i förskolan\n"
        f"{WIDE}\n"
        "Rekommendation: Säkerställ att alla barn får stöd i tid och\n"
        "på rätt nivå\n"
        f"{WIDE} slut.\n"
    )
    assert texts(text)[1] == "Tidiga insatser för barn i förskolan"
    assert texts(text)[3] == "Rekommendation: Säkerställ att alla barn får stöd i tid och på rätt nivå"


# Text without blank lines (a PDF's text layer): where a heading or a statement ends is seen only in
# what follows it.


def test_without_blank_lines_a_heading_as_wide_as_the_text_is_its_own_block():
    text = (
        f"{WIDE} slut.\n"
        "Stöd till barn och unga som lever med våld i nära relationer i hela staden\n"
        f"{WIDE} och\n"
        "fortsätter under nästa år.\n"
    )
    assert texts(text) == [
        f"{WIDE} slut.",
        "Stöd till barn och unga som lever med våld i nära relationer i hela staden",
        f"{WIDE} och fortsätter under nästa år.",
    ]


def test_without_blank_lines_a_heading_wrapped_onto_a_second_line_is_one_block():
    text = (
        f"{WIDE} slut.\n"
        "Stödmaterial till förskolor och skolor för att tidigt upptäcka och förhindra våld mot barn\n"
        "och unga\n"
        f"{WIDE} slut.\n"
    )
    assert texts(text)[1] == "Stödmaterial till förskolor och skolor för att tidigt upptäcka och förhindra våld mot barn och unga"


def test_without_blank_lines_two_headings_in_a_row_are_two_blocks():
    text = (
        f"{WIDE} slut.\n"
        "Stöd och förutsättningar för att upptäcka våld i nära relationer bland barn\n"
        "Utbildningsinsatser\n"
        f"{WIDE} slut.\n"
    )
    assert texts(text)[1:3] == ["Stöd och förutsättningar för att upptäcka våld i nära relationer bland barn", "Utbildningsinsatser"]


def test_without_blank_lines_a_statement_without_full_stop_ends_before_the_text():
    text = (
        f"{WIDE} slut.\n"
        "Rekommendation: Säkerställ att alla barn och unga i kommunen ges möjlighet att komma till\n"
        "tals i uppföljningen av de insatser som de får av nämnden och dess förvaltningar\n"
        f"{WIDE} slut.\n"
    )
    assert texts(text)[1] == (
        "Rekommendation: Säkerställ att alla barn och unga i kommunen ges möjlighet att komma till tals i "
        "uppföljningen av de insatser som de får av nämnden och dess förvaltningar"
    )


def test_without_blank_lines_a_name_or_an_open_word_before_a_capital_goes_on():
    name = (
        f"{WIDE} slut.\nNämnden har ombetts att yttra sig över en motion som lämnats in av ledamöterna Kristin\n"
        "Jacobsson och Ali Ek om familjesociala team.\n"
    )
    assert texts(name) == [
        f"{WIDE} slut. Nämnden har ombetts att yttra sig över en motion som lämnats in av ledamöterna Kristin "
        "Jacobsson och Ali Ek om familjesociala team."
    ]
    open_word = (
        f"{WIDE} slut.\nFörvaltningen arbetar sedan flera år med frågan om våld i nära relationer tillsammans med\n"
        "Region Skåne och polisen.\n"
    )
    assert texts(open_word) == [
        f"{WIDE} slut. Förvaltningen arbetar sedan flera år med frågan om våld i nära relationer tillsammans med "
        "Region Skåne och polisen."
    ]


def test_without_blank_lines_a_date_alone_after_a_sentence_is_its_own_block():
    text = f"{WIDE} till\nkommunstyrelsen.\n2025-01-02\nFörslag till beslut\nNämnden godkänner yttrandet.\n"
    assert texts(text)[:3] == [f"{WIDE} till kommunstyrelsen.", "2025-01-02", "Förslag till beslut"]


def test_without_blank_lines_a_statement_ends_at_its_full_stop():
    text = (
        f"{WIDE} slut.\n"
        "**Rekommendation 3:** Säkerställ att rutinerna för uppföljning av insatser för barn följs i\n"
        "samtliga verksamheter inom nämndens ansvarsområde och att avvikelser rapporteras.\n"
        "Nämnden delar bedömningen och har gett förvaltningen i uppdrag att se över rutinerna.\n"
    )
    assert texts(text)[2] == "Nämnden delar bedömningen och har gett förvaltningen i uppdrag att se över rutinerna."


def test_without_blank_lines_a_short_line_ending_in_an_open_word_goes_on():
    text = f"{WIDE} slut.\n{WIDE} och som\nmed stöd från\nLänsstyrelsen har tagit fram en ny modell för arbetet.\n"
    assert len(texts(text)) == 1
