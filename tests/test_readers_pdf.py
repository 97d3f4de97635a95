"""PDF reader: pages kept, page ends intact, metadata as weak evidence, every bad PDF named."""

from __future__ import annotations

from datetime import datetime

import fixtures_build as fb
import pytest
from optional_tools import OCRMYPDF as NO_OCRMYPDF

from ingest.errors import IngestError
from ingest.readers import ocr, read

PAGE_ONE = ["Sammanfattning", "Förskolenämnden föreslås besluta att godkänna", "yttrandet och överlämna det till kommunsty-"]
PAGE_TWO = ["relsen. Nämnden ser positivt på förslaget om", "familjesociala team i förskolan."]
PAGE_THREE = ["Ärendet", "Remissen kom in från kommunstyrelsen i januari 2025."]


@pytest.fixture()
def three_pages(tmp_path):
    return fb.make_pdf(
        tmp_path / "yttrande.pdf",
        [PAGE_ONE, PAGE_TWO, PAGE_THREE],
        header="Stockholms stad",
        title="Remissvar om familjesociala team",
        author="Förskoleförvaltningen",
        created=datetime(2025, 2, 11, 9, 30),
    )


def lines(page_text: str) -> list[str]:
    return [line.strip() for line in page_text.splitlines() if line.strip()]


def test_one_page_per_pdf_page_with_numbers(three_pages):
    raw = read(three_pages)
    assert [p.number for p in raw.pages] == [1, 2, 3]
    for page, expected in zip(raw.pages, [PAGE_ONE, PAGE_TWO, PAGE_THREE], strict=True):
        body = lines(page.text)
        assert all(line in body for line in expected)


def test_running_header_and_counter_are_left_for_cleaning(three_pages):
    raw = read(three_pages)
    for number, page in enumerate(raw.pages, start=1):
        text = page.text
        assert "Stockholms stad" in text
        assert f"{number} (3)" in text


def test_hyphen_at_page_end_is_kept_for_joining(three_pages):
    first, second = read(three_pages).pages[:2]
    assert lines(first.text)[-1].endswith("kommunsty-")
    body = [line for line in lines(second.text) if line not in ("Stockholms stad", "2 (3)")]
    assert body[0].startswith("relsen. Nämnden")


def test_pdf_properties_are_weak_metadata(three_pages):
    props = read(three_pages).properties
    assert props["title"] == "Remissvar om familjesociala team"
    assert props["author"] == "Förskoleförvaltningen"
    assert props["created"] == "2025-02-11"
    assert len(props["sha256"]) == 64


def test_two_column_page_reads_column_by_column(tmp_path):
    left = ["Vänster spalt börjar här", "och fortsätter nedåt."]
    right = ["Höger spalt kommer sedan", "och avslutar sidan."]
    text = read(fb.make_two_column_pdf(tmp_path / "spalter.pdf", left, right)).pages[0].text
    order = [text.index(line) for line in left + right]
    assert order == sorted(order)


def test_scanned_only_pdf_needs_ocr(tmp_path, monkeypatch):
    path = fb.make_scanned_pdf(tmp_path / "skannad.pdf", [["Nämnden beslutar om stöd."]])
    monkeypatch.setattr(ocr, "available", lambda: False)
    for use_ocr in (False, True):
        with pytest.raises(IngestError) as info:
            read(path, ocr=use_ocr)
        assert "has no text layer (a scanned image): it needs OCR" in info.value.reason
        assert "kb ingest --ocr" in info.value.reason
        assert "tesseract-ocr-swe" in info.value.reason


def test_scanned_page_among_text_pages_is_warned(tmp_path):
    path = fb.make_scanned_pdf(
        tmp_path / "blandad.pdf",
        [[], ["Bilaga med underskrifter"], []],
        text_pages={1: ["Sammanfattning", "Nämnden svarar."], 3: ["Ärendet", "Bakgrund."]},
    )
    raw = read(path)
    assert [p.number for p in raw.pages] == [1, 2, 3]
    assert raw.pages[1].text.strip() == ""
    assert any("page(s) 2 have no text layer" in w for w in raw.warnings)


@pytest.mark.skipif(not ocr.available(), reason=NO_OCRMYPDF)
def test_ocr_reads_a_scanned_page_in_swedish(tmp_path):
    path = fb.make_scanned_pdf(tmp_path / "skannad.pdf", [["Förskolenämnden föreslår", "att yttrandet godkänns."]])
    raw = read(path, ocr=True)
    assert "Förskolenämnden" in raw.pages[0].text
    assert "godkänns" in raw.pages[0].text
    assert any("OCR" in w for w in raw.warnings)


def test_encrypted_pdf(tmp_path, three_pages):
    path = fb.encrypt_pdf(three_pages, tmp_path / "låst.pdf")
    with pytest.raises(IngestError) as info:
        read(path)
    assert info.value.reason == "encrypted: remove the password first"


def test_pdf_with_only_an_owner_password_is_read(tmp_path, three_pages):
    path = fb.encrypt_pdf(three_pages, tmp_path / "skrivskyddad.pdf", owner_only=True)
    assert "Förskolenämnden" in read(path).pages[0].text


def test_truncated_pdf(tmp_path, three_pages):
    path = fb.truncate(three_pages, tmp_path / "avbruten.pdf")
    with pytest.raises(IngestError) as info:
        read(path)
    assert "truncated" in info.value.reason


def test_corrupt_pdf_body(tmp_path, three_pages):
    data = three_pages.read_bytes()
    middle = len(data) // 3
    damaged = data[:200] + b"\x00garbage" * ((middle - 200) // 8) + data[middle:]
    path = tmp_path / "trasig.pdf"
    path.write_bytes(damaged)
    try:
        raw = read(path)
    except IngestError as exc:
        assert "PDF" in exc.reason or "text layer" in exc.reason
    else:  # pypdf recovered: whatever came out is still pages of text
        assert raw.pages and all(isinstance(p.text, str) for p in raw.pages)


def test_not_a_pdf(tmp_path):
    path = tmp_path / "falsk.pdf"
    path.write_text("Det här är ingen PDF.", encoding="utf-8")
    with pytest.raises(IngestError) as info:
        read(path)
    assert info.value.reason == "not a PDF file (no %PDF header)"
