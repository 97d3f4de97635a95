"""Metadata on the shapes real case documents take when they are copied out of PDFs and web
pages (issue 12, measured on public copies): a document-sharing site's frame before the text,
flattened cover pages, page numbers, later pages' running headers, reports "från" the auditors.
Every text here is our own Swedish with invented names and numbers."""

from __future__ import annotations

import re

import pytest

from ingest import metadata as md
from ingest.metadata.lead import frame_end
from ingest.model import Block
from ingest.tables import load_table


def meta(text: str, title: str | None = None) -> dict:
    blocks = [Block(text=t.strip(), raw=t.strip()) for t in re.split(r"\n\s*\n", text) if t.strip()]
    return md.extract_metadata(blocks, [], {"furniture": [], "title": title})


# ------------------------------------------------------------------ a web page's frame


@pytest.mark.parametrize("example", load_table("metadata")["frame"]["examples"], ids=lambda e: e["text"][:30])
def test_frame_examples(example):
    end = frame_end(example["text"])
    if example["body"]:
        assert example["text"][end:].lstrip().startswith(example["body"])
    else:
        assert end == 0


SHARING_SITE = (
    "• No results found\n\nKils kommun Granskning av färdtjänsten. Revisionsrapport 2031\n\nN/A\nN/A\nProtected\n\n"
    "Academic year: 2032\n\nShare \"Granskning av färdtjänsten\"\n\nCopied!\n14\n0\n0\n\n"
    "Loading.... (view fulltext now)\n\nFull text\n\n(1)\n\nRevisionsrapport\n\nGranskning av färdtjänsten\n\n"
    "Kils kommun\n\nMaj 2031\n\n(2)\n\nPå uppdrag av de förtroendevalda revisorerna i Kils kommun har vi granskat "
    "färdtjänsten. Vår samlade revisionella bedömning är att nämnden delvis har en tillräcklig styrning.")


def test_a_sharing_sites_frame_is_not_the_documents_lead():
    m = meta(SHARING_SITE)
    assert m["title"] == "Granskning av färdtjänsten"
    assert (m["doc_type"], m["committee"], m["municipality"]) == ("revisionsrapport", "Revisorerna", "Kil")
    assert (m["date"], m["year"]) == (None, 2031)  # "Academic year" is the site's, not the report's


def test_a_cookie_banner_is_not_the_title():
    m = meta("Kakor (cookies)\n\nKakor på kil.se\n\nVi använder nödvändiga kakor för att webbplatsen ska fungera.\n\n"
             "Du kan när du vill ändra dina inställningar.\n\nRapport\n\nGranskning av skolskjutsarna\n\n"
             "KPMG har på uppdrag av Kils kommuns förtroendevalda revisorer granskat skolskjutsarna under 2031.")
    assert m["title"] == "Granskning av skolskjutsarna"
    assert (m["doc_type"], m["committee"]) == ("revisionsrapport", "Revisorerna")


# ------------------------------------------------------------------ document type


@pytest.mark.parametrize("example", load_table("doctypes")["forms"]["examples"], ids=lambda e: e["text"][:30])
def test_a_form_only_one_type_has_decides(example):
    doc = md.doc_text([Block(text=t, raw=t) for t in example["text"].split("\n")])
    assert md.detect_doc_type(doc, md.read_letterhead(doc, md.find_committees(doc)))[0] == example["type"]


def test_a_bare_mention_in_the_first_lines_does_not_name_the_type():
    m = meta("Rapport\n\nGranskning av bygglovshanteringen\n\nPå uppdrag av de förtroendevalda revisorerna i Kils "
             "kommun har vi granskat bygglovshanteringen. Vår samlade revisionella bedömning är att nämnden brister.")
    assert m["doc_type"] == "revisionsrapport"


def test_a_protocol_named_as_a_matter_is_no_protocol():
    m = meta("Revisionsrapport\n\nGranskning av nämndernas protokoll\n\nKils kommun\n\nApril 2031")
    assert m["doc_type"] == "revisionsrapport"


def test_another_documents_protocol_in_the_body_does_not_make_a_protocol():
    body = " ".join(["Förvaltningen har sett över reglerna för bidrag till studieförbunden och föreslår några ändringar."] * 6)
    m = meta(f"Tjänsteskrivelse\n\nKulturnämnden\n\nNya regler för bidrag till studieförbund\n\n{body}\n\n"
             "Beslutsunderlag\nKulturnämndens protokoll den 4 april 2031, § 12\nJusterat protokoll från arbetsutskottet")
    assert m["doc_type"] == "tjänsteskrivelse"


# ------------------------------------------------------------------ letterhead


def test_a_report_from_the_auditors_names_whom_it_is_for_first():
    m = meta("(1)\n\nGatunämnden\n\nRapport från stadsrevisionen\n\nNr 7, 2031 Dnr: REV 2031/77\n\n"
             "Den kommunala revisionen granskar nämndernas verksamhet på fullmäktiges uppdrag varje år.")
    assert (m["doc_type"], m["committee"], m["recipient"]) == ("revisionsrapport", "Stadsrevisionen", "Gatunämnden")


def test_a_page_number_is_no_letterhead_value():
    m = meta("1\n\nKils kommun 2031-03-02\n\nRevisorerna\n\nKommunfullmäktige i Kils kommun\n\n"
             "Revisorernas redogörelse för 2030\n\nVi har granskat nämndernas verksamhet enligt god revisionssed.")
    assert (m["doc_type"], m["committee"], m["recipient"]) == ("revisionsrapport", "Revisorerna", "Kommunfullmäktige")


def test_a_later_pages_header_names_the_author():
    m = meta("kil.se/revisionen\n\nGatunämnden – granskning av verksamhetsåret 2031\n\n2032-03-10\n\n"
             "Revisionen 2 (12) 2032-03-10\n\nMars 2032\n\nDiarienummer: 0311/31\n\n"
             "Revisorernas uppdrag är att pröva om nämnden sköter verksamheten på ett ändamålsenligt sätt.")
    assert (m["doc_type"], m["committee"]) == ("revisionsrapport", "Revisorerna")


@pytest.mark.parametrize(("title", "doc_type"), [
    ("Yttrande över revisionens granskning av bygglovshanteringen", "yttrande"),
    ("Uppföljande yttrande avseende granskning av bygglovshanteringen", "uppföljande yttrande"),
    ("Svar på revisionsrapport om bygglovshanteringen", "yttrande"),
])
def test_a_reply_carrying_the_auditors_running_header_stays_the_committees_reply(title, doc_type):
    # the reply names itself in its first lines; the auditors' header is that of the report it quotes
    words = " ".join(["Förvaltningen har gått igenom rapporten och redovisar vilka åtgärder som vidtas."] * 4)
    text = (f"Kils kommun\n\nTjänsteskrivelse\n\nDatum\n\n2031-02-20\n\nDiarienummer\n\nBN-2031-12\n\n"
            f"Byggnadsnämnden\n\n{title}\n\nFörslag till beslut\n\nByggnadsnämnden godkänner yttrandet och "
            f"skickar det till stadsrevisionen.\n\n{words}")
    blocks = [Block(text=t, raw=t) for t in text.split("\n\n")]
    for header in ("Stadsrevisionen", "Revisorerna"):
        m = md.extract_metadata(blocks, [], {"furniture": [header], "title": None})
        assert (m["doc_type"], m["committee"]) == (doc_type, "Byggnadsnämnden"), header


# ------------------------------------------------------------------ titles


def test_a_flattened_report_cover_is_cut_into_its_lines():
    m = meta("1 Revisionsrapport Granskning av vinterväghållningen Kils kommun Eva Ek Nils Berg April 2031\n\n"
             "2 Innehållsförteckning 1 Sammanfattning 2 Inledning 3 Iakttagelser")
    assert (m["title"], m["doc_type"], m["municipality"], m["year"]) == (
        "Granskning av vinterväghållningen", "revisionsrapport", "Kil", 2031)


def test_a_municipality_inside_a_phrase_stays_in_its_title():
    words = " ".join(["Förvaltningen lämnar här sitt förslag till svar på granskningen till kommunstyrelsen."] * 5)
    m = meta("1 Stadsledningskontoret Tjänsteutlåtande Utfärdat Diarienummer 0412/31 Handläggare Eva Ek "
             "Kommunstyrelsens yttrande över revisorernas granskning av parkförvaltningen och Kils kommuns lokaler "
             f"Förslag till beslut {words}")
    assert m["title"] == "Kommunstyrelsens yttrande över revisorernas granskning av parkförvaltningen och Kils kommuns lokaler"


@pytest.mark.parametrize("line", [
    "Kanslichef, Eva Ek eva.ek",
    "4.6 Förändringar i taxor och avgifter",
    "HÅI -Kllfl, V :'.li, I- \\'!ll4u-\"1 UL Jmrm -.,ll ljl-1q{jc'",
])
def test_signatures_report_headings_and_ocr_debris_are_no_titles(line):
    m = meta(f"Kils kommun\n\n{line}\n\nNya regler för parkering vid skolorna\n\nFörslag till beslut\n\n"
             "Nämnden antar de nya reglerna.")
    assert m["title"] == "Nya regler för parkering vid skolorna"


def test_a_label_whose_value_was_lost_is_dropped_from_the_title_line():
    m = meta("TJÄNSTESKRIVELSE\n\nDatum Promemorian Nya regler för kollektivtrafik (Ds 2031:7)\n\n"
             "Kils kommun lämnar följande yttrande på remiss av promemorian om kollektivtrafiken.")
    assert (m["title"], m["doc_type"]) == ("Promemorian Nya regler för kollektivtrafik (Ds 2031:7)", "remissvar")


def test_a_title_going_on_with_a_dash_takes_the_line_before_it():
    m = meta("kil.se/revisionen\n\nGatunämnden\n\n– granskning av verksamhetsåret 2031\n\n2032-03-10\n\n"
             "Revisorernas uppdrag är att pröva om nämnden sköter verksamheten på ett ändamålsenligt sätt.")
    assert m["title"] == "Gatunämnden – granskning av verksamhetsåret 2031"


def test_the_copied_pages_own_title_completes_the_title_the_text_cut_short():
    m = meta("Kommunstyrelsens yttrande över revisorernas granskning av bokslutet 2031.\n\nSave this PDF as:\n\n"
             "Download \"Kommunstyrelsens yttrande över revisorernas granskning av bokslutet 2031.\"\n\nTranskript\n\n"
             "1 Stadsledningskontoret\n\nKommunstyrelsens yttrande över revisorernas granskning av bokslutet\n\n"
             "Förslag till beslut\n\nKommunstyrelsen antar yttrandet.")
    assert m["title"] == "Kommunstyrelsens yttrande över revisorernas granskning av bokslutet 2031"


# ------------------------------------------------------------------ municipality


def test_a_regions_name_holds_a_municipalitys_name():
    m = meta("Möte 2031-04-21\n\nHälso- och sjukvårdsnämnden\n\nRegion Jämtland Härjedalens revisorer har granskat "
             "nämnden och lämnat sin revisionsberättelse till regionfullmäktige.")
    assert m["municipality"] == "Region Jämtland Härjedalen"


def test_a_regional_organ_counts_its_region_above_the_municipalities_it_serves():
    m = meta("Regionstyrelsen\n\nAnmälningar för kännedom\n\nKommersiell service – Ockelbo kommun RS2031/138\n\n"
             "Styrelsen har uppsikt över Region Gävleborgs verksamheter i bolagen.")
    assert m["municipality"] == "Region Gävleborg"


def test_the_meetings_place_and_a_municipal_company_name_the_municipality():
    assert meta("PROTOKOLL Kommunstyrelsen\n\nPlats och tid Konferensrum 12, Ale Kulturhus, kl. 09.00-11.30\n\n"
                "Beslutande Eva Ek (S), ordförande")["municipality"] == "Ale"
    assert meta("Protokollet är justerat.\n\nÖvriga närvarande Nils Berg, fastighetschef, Kils kommunfastighet AB, "
                "Eva Ek, ekonomichef")["municipality"] == "Kil"


# ------------------------------------------------------------------ year and case numbers


@pytest.mark.parametrize(("number", "year"), [("0256/31", 2031), ("SN 31/0098", 2031), ("N152-0412/31", 2031),
                                              ("31KFN112", 2031), ("KS 2031/12", 2031)])
def test_a_registry_numbers_two_digit_year_is_a_lower_bound(number, year):
    from ingest.metadata.dating import case_number_years

    assert case_number_years(number) == [year]


def test_the_year_of_a_cover_flattened_into_one_line():
    m = meta("1 Revisionsrapport Verkställighet av beslut Kils kommun April 2031 Eva Ek\n\n"
             "2 Sammanfattande bedömning Vi har granskat beslut från 2029 och 2030 som verkställdes under 2030.")
    assert (m["year"], m["date"], m["date_inferred"]) == (2031, None, True)


# ------------------------------------------------------------------ long letterheads


def test_a_letterhead_of_many_short_lines_keeps_its_title_in_the_lead():
    m = meta("3 Ekonomi\n\n3.2 Avgifter och taxor\n\nTJÄNSTESKRIVELSE 1 (2)\n\nDatum Vår beteckning Er beteckning\n\n"
             "Eva Ek\n\nGatukontoret\n\neva.ek@kil.se\n\n2031-08-28 GN 31/0098 Gatunämnden\n\n"
             "Postadress: Kils kommun, 665 80 Kil Besöksadress: Torget 1 Telefon: 0554-191 00 E-post: kommun@kil.se "
             "Webb: kil.se Nya regler för parkering vid skolorna\n\nFörslag till beslut\n\nGatunämnden antar reglerna.")
    assert (m["title"], m["date"], m["committee"]) == ("Nya regler för parkering vid skolorna", "2031-08-28", "Gatunämnden")


def test_a_capitalised_form_word_at_the_head_is_no_section_heading():
    m = meta("Landstinget Kil Central förvaltning BESLUTSUNDERLAG Landstingsfullmäktige Datum Sida 1 (3) Dnr LK31/0336 "
             "Landstingsstyrelsens arbetsutskott Landstingsstyrelsen Landstingsfullmäktige Nya regler för arvoden "
             "Ordförandens förslag 1. Arvodena räknas om varje år. Sammanfattning Det har uppkommit behov av att se över "
             "reglerna för arvoden till förtroendevalda, och förslaget gör dem enklare att tillämpa för alla nämnder.")
    assert m["title"] == "Nya regler för arvoden"


# ------------------------------------------------------------------ protocols


def test_an_extract_whose_items_carry_the_organs_initials():
    m = meta("GN § 41\n\nUtskrivet från: http://www.kil.se/4100\n\nSAMMANTRÄDESPROTOKOLL\nGatunämnden\n2031-11-10\n\n"
             "GN § 41\nSvar på revisorernas rapport om vinterväghållningen\n\nAu § 77\nDnr 2031/241-00\n\n"
             "Revisorerna har granskat vinterväghållningen och lämnat rekommendationer till nämnden.")
    assert (m["doc_type"], m["title"], m["date"]) == (
        "protokoll", "§ 41 Svar på revisorernas rapport om vinterväghållningen", "2031-11-10")


def test_a_meeting_page_with_an_agenda_is_titled_by_its_body_and_date():
    m = meta("Din position: Hem > Kils kommun > Gatunämnden > Sammanträde 2031-11-24\n\nSammanträde 2031-11-24\n\n"
             "Datum\nKlockan\n15:30\n\n1 Sammanträdets öppnande\n\n2 Val av protokolljusterare\n\n3 Vinterväghållning 2032\n\n"
             "Dnr 1.6-0463/2031\n\n§1 Sammanträdets öppnande\n\nOrdföranden öppnade sammanträdet.")
    assert (m["doc_type"], m["title"]) == ("protokoll", "Gatunämnden, sammanträde 2031-11-24")


def test_a_protocol_labelled_with_a_bare_utskott_is_that_utskotts():
    m = meta("Anslag\n\nDet justerade protokollet offentliggörs genom detta anslag.\n\n"
             "Beslutsinstans: Arbetsutskottet 2030-2033 Sammanträdesdatum: 2031-08-18\n\n"
             "Förvaringsplats för protokollet: Gatukontoret\n\nPlats och tid\n\nKommunhuset, 2031-08-18 kl. 09.00-10.05\n\n"
             "§ 63/31 Fastställande av dagordning\n\nGatunämndens arbetsutskott fastställer dagordningen.")
    assert (m["doc_type"], m["committee"], m["date"]) == ("protokoll", "Gatunämndens arbetsutskott", "2031-08-18")


# ------------------------------------------------------------------ recipient, a page's own title


def test_an_address_till_inside_a_flattened_line_names_the_recipient():
    m = meta("REVISIONEN SID 1 (1) DNR 313-24/2031 2031-03-13 Till Gatunämnden Revisorerna för gatunämnden har avslutat "
             "revisionen av nämndens verksamhet. Kopia på den revisionsberättelse som överlämnas till kommunfullmäktige "
             "bifogas. Revisorerna emotser ett yttrande över årsrapporten från nämnden senast 2031-06-30.")
    assert (m["recipient"], m["doc_type"]) == ("Gatunämnden", "revisionsrapport")


def test_beretts_tillfalle_att_till_names_the_ministry():
    m = meta("Kils kommun har beretts tillfälle att till Infrastrukturdepartementet yttra sig över betänkandet "
             "Nya vägar (SOU 2031:4) som överlämnades till regeringen i våras.")
    assert (m["recipient"], m["doc_type"]) == ("Infrastrukturdepartementet", "remissvar")


def test_the_copied_pages_title_wins_over_ocr_debris_when_the_text_repeats_it():
    m = meta("Nya vägar i länet (SOU 2031:4)\n\nDownload \"Nya vägar i länet (SOU 2031:4)\"\n\nTranskript\n\n"
             "1 HÅI -Kllf, KL. fint Bilaga KS 2031/155/1 Nya vägar i länet (SOU 2031:4) Kils kommun har beretts "
             "tillfälle att till Infrastrukturdepartementet yttra sig över betänkandet.")
    assert (m["title"], m["case_numbers"]) == ("Nya vägar i länet (SOU 2031:4)", ["KS 2031/155/1"])


# ------------------------------------------------------------------ found on a second batch of real copies


def test_an_agency_before_the_title_in_a_flattened_letterhead_is_the_addressee():
    words = " ".join(["Nämnden har sett över rutinerna och redovisar här hur bristerna ska rättas till under året."] * 4)
    m = meta("GATUKONTORET Handläggare Datum Diarienummer Ek Eva 2031-05-26 GN-2031-0180 Gatunämnden "
             f"Trafikverket Tillsyn av vinterväghållningen, Dnr 8.5-29206/2031 Förslag till beslut {words}")
    assert (m["recipient"], m["title"], m["date"]) == ("Trafikverket", "Tillsyn av vinterväghållningen", "2031-05-26")


def test_an_audit_letters_address_block_names_its_recipient():
    m = meta("1 Revisorerna Gatunämnden Kommunstyrelsen För kännedom: Kommunfullmäktiges presidium Revisionsrapport: "
             "Revisionen har genom KPMG genomfört en granskning av vinterväghållningen, se bifogad rapport. Vi önskar få "
             "gatunämndens yttrande senast den 23 februari. FÖR KILS KOMMUNS REVISORER Eva Ek Ordförande Nils Berg "
             "Vice ordförande och några ord till så att texten blir lång nog.")
    assert (m["doc_type"], m["committee"], m["recipient"]) == ("revisionsrapport", "Revisorerna", "Gatunämnden")
    assert m["title"] != "Kommunfullmäktiges presidium"


def test_a_consultants_byline_is_not_part_of_the_title():
    m = meta("1 Granskning av skolskjutsarna KPMG AB 8 december 2031 Antal sidor: 12 KPMG AB, a Swedish limited "
             "liability partnership\n\n2 Innehåll 1. Sammanfattning 2. Bakgrund\n\n3 1. Sammanfattning Vår granskning "
             "visar att nämnden inte följer upp skolskjutsarna.")
    assert (m["doc_type"], m["title"], m["date"]) == ("revisionsrapport", "Granskning av skolskjutsarna", "2031-12-08")
