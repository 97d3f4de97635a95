"""The same case document as .txt, .pdf, .docx and .html gives the same sections and metadata."""

from __future__ import annotations

import re

import fixtures_build as fb
import pytest

from ingest.document_builder import ingest_file

HEADINGS = {"Sammanfattning", "Förslag till beslut", "Ärendet", "Rekommendation 1", "Rekommendation 2"}

# A short yttrande from an invented municipality, written for this test.
DOCUMENT = """Kultur- och fritidsnämnden
Yttrande till kommunrevisionen
Diarienummer KFN-2024-117
2024-10-08

Sammanfattning

Kommunrevisionen i Exempelby granskade under våren 2024 hur kultur- och fritidsnämnden
arbetar med föreningsbidrag. Nämnden välkomnar granskningen och redovisar här vilka
åtgärder som vidtas.

Förslag till beslut

Kultur- och fritidsnämnden föreslås besluta att godkänna yttrandet och överlämna det till kommun-
revisionen.

Ärendet

Granskningen visar att rutinerna för uppföljning av bidragen behöver stärkas. Nämnden
delar bedömningen och har gett förvaltningen i uppdrag att ta fram en ny rutin som ska
vara klar före årsskiftet.

Rekommendation 1

Säkerställ att beslut om föreningsbidrag dokumenteras enhetligt. Förvaltningen inför en
gemensam mall under hösten 2024 och följer upp att den används.

Rekommendation 2

Se över hur uppföljningen av bidragens effekter redovisas för nämnden. En årlig rapport
lämnas från och med 2025.

Beslutet skickas till
Kommunrevisionen
"""


def paragraphs(text: str) -> list[str]:
    """Blank-line paragraphs, hard wraps undone and a word hyphenated at a line end joined.

    Short lines (a letterhead, "Beslutet skickas till") stay paragraphs of their own, as
    they would in a Word document.
    """
    text = re.sub(r"-\n(?=[a-zåäö])", "", text)
    out: list[str] = []
    for para in text.split("\n\n"):
        lines = [line.strip() for line in para.splitlines() if line.strip()]
        if any(len(line) > 60 for line in lines):
            out.append(" ".join(" ".join(lines).split()))
        else:
            out.extend(lines)
    return out


def build(tmp_path, suffix: str):
    path = tmp_path / f"yttrande{suffix}"
    if suffix == ".txt":
        path.write_text(DOCUMENT, encoding="utf-8")
    elif suffix == ".pdf":
        lines = DOCUMENT.splitlines()
        # page 1 ends inside "kommun-/revisionen"; Ärendet opens page 2, Rekommendation 2 page 3
        pages = [lines[:14], lines[14:26], lines[26:]]
        fb.make_pdf(path, pages, header="Exempelby kommun")
    elif suffix == ".docx":
        blocks = [("Heading 2" if p in HEADINGS else "p", p) for p in paragraphs(DOCUMENT)]
        fb.make_docx(path, blocks)
    else:
        body = "".join(f"<h2>{p}</h2>" if p in HEADINGS else f"<p>{p}</p>" for p in paragraphs(DOCUMENT))
        path.write_text(
            f"<html><body><nav>Meny</nav><main>{body}</main><footer>Kontakt</footer></body></html>",
            encoding="utf-8",
        )
    return path


def comparable(doc) -> tuple[dict, list[tuple]]:
    summary = {k: v for k, v in doc.summary().items() if k not in {"id", "source", "pages"}}
    sections = [
        (s.heading, s.kind, " ".join(s.text.split()), s.recommendation, s.activity, s.goal)
        for s in doc.sections
    ]
    return summary, sections


@pytest.mark.parametrize("suffix", [".pdf", ".docx", ".html"])
def test_same_document_in_another_format_reads_the_same(tmp_path, suffix):
    expected = comparable(ingest_file(build(tmp_path, ".txt")))
    assert comparable(ingest_file(build(tmp_path, suffix))) == expected


def test_pdf_sections_carry_their_first_page(tmp_path):
    doc = ingest_file(build(tmp_path, ".pdf"))
    pages = {s.heading: s.page for s in doc.sections}
    assert pages["Sammanfattning"] == 1
    assert pages["Ärendet"] == 2
    assert next(p for h, p in pages.items() if h.startswith("Rekommendation 2")) == 3
    assert doc.pages == 3


@pytest.mark.parametrize(
    ("cuts", "first_pages"),
    [
        # "Ärendet" ends page 1, its text is on page 2; the bare "Rekommendation 2" ends page 2
        ((17, 28), {"Ärendet": 1, "Rekommendation 1": 2, "Rekommendation 2": 2}),
        # "Ärendet" and the start of its paragraph on page 1, the paragraph runs on to page 2
        ((19, 26), {"Ärendet": 1, "Rekommendation 1": 2, "Rekommendation 2": 3}),
    ],
)
def test_pdf_section_starting_at_a_page_bottom_cites_that_page(tmp_path, cuts, first_pages):
    expected = comparable(ingest_file(build(tmp_path, ".txt")))
    lines = DOCUMENT.splitlines()
    path = tmp_path / "sidbrytning.pdf"
    fb.make_pdf(path, [lines[: cuts[0]], lines[cuts[0] : cuts[1]], lines[cuts[1] :]], header="Exempelby kommun")
    doc = ingest_file(path)
    assert comparable(doc) == expected
    pages = {s.heading.split(":")[0]: s.page for s in doc.sections}
    assert {h: pages[h] for h in first_pages} == first_pages


# Another municipality's layout, written for this test: a letterhead, a title, long label statements
# without full stops, a sub-heading inside a recommendation, a signature.
PLAN_ANSWER = """Uppsala kommun
Socialnämnden
Tjänsteskrivelse
2024-11-20
Diarienummer SCN-2024-0412

Yttrande över revisionsrapport om barn i ekonomiskt utsatta familjer

Sammanfattning

Kommunens revisorer har granskat hur socialnämnden arbetar med stöd till barn i familjer som får ekonomiskt bistånd. Granskningen visar att nämnden har ett gott grundarbete men att uppföljningen av barnens situation behöver bli mer systematisk. Nämnden delar i huvudsak revisorernas bedömning.

Förslag till beslut

Socialnämnden beslutar att godkänna yttrandet och överlämna det till kommunens revisorer.

Ärendet

Revisorerna lämnar tre rekommendationer till nämnden. Nedan redovisas nämndens svar på var och en av dem, tillsammans med de åtgärder som planeras under 2025.

Rekommendation 1: Säkerställ att barnets behov alltid bedöms när en familj ansöker om ekonomiskt bistånd

Nämnden instämmer i rekommendationen. En ny mall för barnchecklista tas fram under våren 2025 och ska användas i alla ärenden där det finns barn i hushållet.

Barnchecklistan i handläggningssystemet

Checklistan byggs in i handläggningssystemet så att den inte går att hoppa över. Förvaltningen utbildar samtliga handläggare i hur den ska användas.

Rekommendation 2: Utveckla samverkan med skolan och elevhälsan kring barn i familjer med långvarigt bistånd

Nämnden delar bedömningen att samverkan behöver utvecklas. Under hösten 2025 inleds en försöksverksamhet tillsammans med barn- och utbildningsnämnden i två skolområden.

Rekommendation 3: Följ upp och redovisa resultatet av insatserna för nämnden minst en gång per år

Nämnden kommer att få en årlig rapport från och med 2026. Rapporten ska beskriva hur många barn som berörs och vilka insatser som har getts.

Förvaltningens överväganden

Förvaltningen bedömer att åtgärderna ryms inom befintlig budget. Arbetet leds av avdelningen för ekonomiskt bistånd i samarbete med avdelningen för barn och unga.

Ekonomiska konsekvenser

Inga ytterligare kostnader bedöms uppstå.

Beslutet skickas till
Kommunens revisorer

Karin Berg
Socialdirektör
"""


@pytest.mark.parametrize("width", [55, 70, 100])
@pytest.mark.parametrize("page_lines", [12, 45])
def test_pdf_at_any_line_width_and_page_length_reads_as_the_txt(tmp_path, width, page_lines):
    """PDF text has no blank lines; where its lines wrap and pages break must not change the result."""
    txt = tmp_path / "svar.txt"
    txt.write_text(PLAN_ANSWER, encoding="utf-8")
    pdf = fb.make_pdf(
        tmp_path / "svar.pdf", fb.paginate(fb.wrap_lines(PLAN_ANSWER, width), page_lines), header="Uppsala kommun"
    )
    expected = comparable(ingest_file(txt))
    # preamble, title, 3 standard headings, 3 recommendations and a sub-heading, 3 closing headings
    assert len(expected[1]) == 12
    assert comparable(ingest_file(pdf)) == expected


def test_placeholder_file_properties_are_not_evidence():
    from ingest.readers import drop_placeholders

    props = {"title": "Untitled", "author": "python-docx", "created": "2013-12-23"}
    assert drop_placeholders(props) == {"created": "2013-12-23"}
    assert drop_placeholders({"title": "Yttrande över granskning"}) == {"title": "Yttrande över granskning"}
