"""Word and HTML readers: headings from the format, tables as text, furniture dropped."""

from __future__ import annotations

import zipfile
from datetime import datetime

import fixtures_build as fb
import pytest

from ingest.errors import IngestError
from ingest.readers import read

DOCX_BLOCKS = [
    ("Title", "Yttrande om stöd till unga"),
    ("Heading 1", "Sammanfattning"),
    ("p", "Nämnden föreslås godkänna yttrandet."),
    ("Heading 2", "Rekommendation 1"),
    ("p", "Säkerställ att stödet når alla unga."),
    ("table", [["Aktivitet", "Ansvar", "Tid"], ["1.1 Utbildning", "Förvaltningen", "våren 2025"]]),
    ("pagebreak", None),
    ("Heading 2", "Rekommendation 2"),
    ("p", "Se över rutinerna för uppföljning."),
]


@pytest.fixture()
def docx_file(tmp_path):
    return fb.make_docx(
        tmp_path / "yttrande.docx", DOCX_BLOCKS,
        title="Yttrande stöd unga", author="Socialförvaltningen", created=datetime(2025, 3, 4),
    )


def test_docx_headings_from_styles(docx_file):
    raw = read(docx_file)
    assert raw.headings == ["Yttrande om stöd till unga", "Sammanfattning", "Rekommendation 1", "Rekommendation 2"]


def test_docx_paragraphs_in_order_as_own_paragraphs(docx_file):
    text = "\n\n".join(p.text for p in read(docx_file).pages)
    paragraphs = text.split("\n\n")
    assert paragraphs[:4] == ["Yttrande om stöd till unga", "Sammanfattning", "Nämnden föreslås godkänna yttrandet.", "Rekommendation 1"]


def test_docx_table_rows_as_lines(docx_file):
    text = read(docx_file).pages[0].text
    assert "Aktivitet | Ansvar | Tid\n1.1 Utbildning | Förvaltningen | våren 2025" in text


def test_docx_page_break_starts_a_page(docx_file):
    pages = read(docx_file).pages
    assert [p.number for p in pages] == [1, 2]
    assert pages[1].text.startswith("Rekommendation 2")


def test_docx_core_properties(docx_file):
    props = read(docx_file).properties
    assert props["title"] == "Yttrande stöd unga"
    assert props["author"] == "Socialförvaltningen"
    assert props["created"] == "2025-03-04"


def test_swedish_heading_style_names_count(tmp_path):
    import docx

    document = docx.Document()
    style = document.styles.add_style("Rubrik 1", 1)  # a Swedish Word's own style name
    document.add_paragraph("Ärendet", style=style)
    document.add_paragraph("Text under rubriken.")
    path = tmp_path / "svensk.docx"
    document.save(str(path))
    assert read(path).headings == ["Ärendet"]


def test_corrupt_docx(tmp_path):
    with pytest.raises(IngestError) as info:
        read(fb.corrupt_docx(tmp_path / "trasig.docx"))
    assert info.value.reason.startswith("corrupt or truncated Word document")


def test_truncated_docx(tmp_path, docx_file):
    with pytest.raises(IngestError) as info:
        read(fb.truncate(docx_file, tmp_path / "avbruten.docx", keep=0.5))
    assert "corrupt" in info.value.reason


def test_zip_without_word_document(tmp_path):
    with pytest.raises(IngestError) as info:
        read(fb.docx_without_document(tmp_path / "zip.docx"))
    assert "word/document.xml is missing" in info.value.reason


def test_damaged_xml_inside_docx(tmp_path, docx_file):
    path = tmp_path / "skadad.docx"
    with zipfile.ZipFile(docx_file) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "word/document.xml":
                data = data[: len(data) // 2]
            target.writestr(item, data)
    with pytest.raises(IngestError) as info:
        read(path)
    assert info.value.reason.startswith("corrupt Word document")


def test_encrypted_or_old_word_file(tmp_path):
    path = tmp_path / "gammal.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    with pytest.raises(IngestError) as info:
        read(path)
    assert "encrypted or old-format Word file" in info.value.reason


HTML_PAGE = """<!doctype html>
<html lang="sv"><head><meta charset="utf-8">
<title>Yttrande om trygghet | Exempelby kommun</title>
<meta name="author" content="Kultur- och fritidsnämnden">
<meta name="dcterms.created" content="2024-11-05">
<style>p { color: red }</style><script>var spårning = 1;</script>
</head><body class="cookie-consent-active">
<div id="cookie-banner"><p>Vi använder kakor. Godkänn alla kakor.</p></div>
<header><a href="/">Startsida</a><nav><ul><li>Bo och bygga</li><li>Kontakt</li></ul></nav></header>
<div class="breadcrumbs">Start / Politik / Yttranden</div>
<main>
<h1>Yttrande om trygghet i parker</h1>
<p>Nämnden föreslås besluta att <strong>godkänna</strong> yttrandet.</p>
<h2>Ärendet</h2>
<p>Kommunstyrelsen har skickat
   remissen till nämnden.</p>
<ul><li>Belysning i parker</li><li>Fler vuxna ute på kvällar</li></ul>
<table><tr><th>Åtgärd</th><th>År</th></tr><tr><td>Belysning</td><td>2025</td></tr></table>
<form><input name="q"><button>Sök</button></form>
</main>
<aside>Relaterade sidor</aside>
<footer>Exempelby kommun, 123 45 Exempelby</footer>
</body></html>
"""


@pytest.fixture()
def html_file(tmp_path):
    path = tmp_path / "yttrande.html"
    path.write_text(HTML_PAGE, encoding="utf-8")
    return path


def test_html_main_text_only(html_file):
    text = read(html_file).pages[0].text
    for furniture in ["kakor", "Startsida", "Bo och bygga", "Start / Politik", "Relaterade", "123 45", "spårning", "color", "Sök"]:
        assert furniture not in text
    assert text.split("\n\n") == [
        "Yttrande om trygghet i parker",
        "Nämnden föreslås besluta att godkänna yttrandet.",
        "Ärendet",
        "Kommunstyrelsen har skickat remissen till nämnden.",
        "• Belysning i parker",
        "• Fler vuxna ute på kvällar",
        "Åtgärd | År",
        "Belysning | 2025",
    ]


def test_html_headings_and_properties(html_file):
    raw = read(html_file)
    assert raw.headings == ["Yttrande om trygghet i parker", "Ärendet"]
    assert raw.properties["title"] == "Yttrande om trygghet | Exempelby kommun"
    assert raw.properties["author"] == "Kultur- och fritidsnämnden"
    assert raw.properties["created"] == "2024-11-05"


def test_html_without_main_uses_the_article(tmp_path):
    page = (
        "<html><body><nav>Meny</nav><div>Kort ruta</div>"
        "<article><h1>Handlingsplan</h1><p>Planen gäller 2024–2026.</p></article></body></html>"
    )
    path = tmp_path / "plan.htm"
    path.write_bytes(page.encode("cp1252"))
    raw = read(path)
    assert raw.pages[0].text == "Handlingsplan\n\nPlanen gäller 2024–2026."


def test_html_with_only_furniture_is_refused(tmp_path):
    path = tmp_path / "tom.html"
    path.write_text("<html><body><nav>Meny</nav><footer>Sidfot</footer></body></html>", encoding="utf-8")
    with pytest.raises(IngestError) as info:
        read(path)
    assert "no main text" in info.value.reason
