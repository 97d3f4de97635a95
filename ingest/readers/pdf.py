"""PDF with a text layer: one Page per PDF page, page numbers kept, weak file metadata.

Library: **pypdf**. It is pure Python (no C build, so the same on every machine), well
kept, reads page by page, tells an encrypted file from a damaged one, decrypts files
that only carry an owner password, and exposes the document information dictionary
(/Title, /Author, /CreationDate). Its text extraction follows the content stream, which
is reading order for PDFs written by Word, LibreOffice, reportlab and OCR tools (they
write a column to the end before starting the next), so two-column pages come out
column by column. pdfminer.six's layout analysis would also reorder PDFs drawn out of
order, but it is several times slower and not a dependency of this project.

Page text is returned as extracted: the end of a page is kept intact (a word hyphenated
across a page break keeps its hyphen, so the cleaning stage can join it), and running
headers/footers are left for the cleaning stage, which drops lines repeating across
pages. A PDF whose pages carry no text is a bare scan: it is refused with a message that
says it needs OCR, or OCR'd first when ``ocr`` is true (see :mod:`ingest.readers.ocr`).
"""

from __future__ import annotations

import io
import logging
import re
from datetime import datetime
from pathlib import Path
from typing import Any

from ingest.errors import IngestError
from ingest.model import Page, RawDocument
from ingest.readers import ocr as ocr_tool
from ingest.readers.text import normalise

PDF_MAGIC = b"%PDF-"
EOF_MARKER = b"%%EOF"

NEEDS_OCR = (
    "has no text layer (a scanned image): it needs OCR; run `kb ingest --ocr` with "
    "ocrmypdf and tesseract-ocr-swe installed"
)

# Typographic ligatures some PDF producers emit; NFC leaves them, search needs letters.
LIGATURES = {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl", "\ufb06": "st"}

_SOFT_HYPHEN_AT_EOL = re.compile("\u00ad[ \t]*(?=\n|$)")
_PDF_DATE = re.compile(r"D?:?(\d{4})(\d{2})?(\d{2})?")

logging.getLogger("pypdf").setLevel(logging.ERROR)


def read_pdf(path: Path, data: bytes, ocr: bool = False) -> RawDocument:
    """The PDF's pages as text. Raises IngestError for encrypted, damaged or text-less files."""
    where = str(path)
    check_container(data, where)
    reader = open_pdf(data, where)
    pages, failed = extract_pages(reader)
    warnings = [f"page {n} could not be read and was left empty" for n in failed]
    if len(failed) == len(pages):
        raise IngestError("corrupt PDF: no page could be read", where)
    textless = [page.number for page in pages if not page.text.strip()]
    if textless and ocr:
        pages, warnings = _with_ocr(path, data, pages, warnings)
        textless = [page.number for page in pages if not page.text.strip()]
    if len(textless) == len(pages):
        raise IngestError(NEEDS_OCR, where)
    if textless:
        numbers = ", ".join(str(n) for n in textless)
        warnings.append(f"page(s) {numbers} have no text layer (scanned images): run `kb ingest --ocr` to read them")
    return RawDocument(pages=pages, properties=pdf_properties(reader), warnings=warnings)


def check_container(data: bytes, where: str) -> None:
    """Refuse files that are not PDFs or were cut off before their end-of-file marker."""
    if PDF_MAGIC not in data[:1024]:
        raise IngestError("not a PDF file (no %PDF header)", where)
    if EOF_MARKER not in data.rstrip(b"\x00\r\n\t ")[-2048:]:
        raise IngestError("truncated or damaged PDF: the end-of-file marker (%%EOF) is missing", where)


def open_pdf(data: bytes, where: str):
    """A pypdf reader, decrypted when only an (empty) owner password protects it."""
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError) as exc:
        raise IngestError(f"corrupt PDF: {exc}", where) from None
    if reader.is_encrypted:
        try:
            decrypted = reader.decrypt("")
        except (DependencyError, FileNotDecryptedError, NotImplementedError, PdfReadError, ValueError):
            decrypted = 0
        if not decrypted:
            raise IngestError("encrypted: remove the password first", where)
    try:
        len(reader.pages)
    except Exception as exc:  # pypdf raises many kinds on broken page trees
        raise IngestError(f"corrupt PDF: the page tree cannot be read ({exc})", where) from None
    return reader


def extract_pages(reader) -> tuple[list[Page], list[int]]:
    """(pages, numbers of pages that raised). Page numbers are 1-based PDF page order."""
    pages: list[Page] = []
    failed: list[int] = []
    for number, page in enumerate(reader.pages, start=1):
        try:
            text = page.extract_text() or ""
        except Exception:  # a broken content stream on one page must not lose the others
            text = ""
            failed.append(number)
        pages.append(Page(number=number, text=clean_page_text(text)))
    return pages, failed


def clean_page_text(text: str) -> str:
    """Newlines, NFC, ligatures split, a soft hyphen ending a line made visible."""
    text = normalise(text)
    for ligature, letters in LIGATURES.items():
        text = text.replace(ligature, letters)
    text = _SOFT_HYPHEN_AT_EOL.sub("-", text)
    return text.replace("\u00ad", "").replace("\x00", "")


def pdf_properties(reader) -> dict[str, Any]:
    """The PDF's /Title, /Author and /CreationDate (ISO date): weak evidence only."""
    props: dict[str, Any] = {}
    try:
        info = reader.metadata
    except Exception:
        return props
    if not info:
        return props
    for key, name in (("title", "/Title"), ("author", "/Author")):
        value = _text_value(info.get(name))
        if value:
            props[key] = value
    created = pdf_date(info.get("/CreationDate"))
    if created:
        props["created"] = created
    return props


def pdf_date(value: Any) -> str | None:
    """'D:20240315120000+01'00'' (or a datetime) -> '2024-03-15'; None when unreadable."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    match = _PDF_DATE.match(str(value).strip())
    if not match:
        return None
    year, month, day = match.group(1), match.group(2) or "01", match.group(3) or "01"
    try:
        return datetime(int(year), int(month), int(day)).date().isoformat()
    except ValueError:
        return None


def _text_value(value: Any) -> str | None:
    if value is None:
        return None
    try:
        text = str(value)
    except Exception:
        return None
    text = normalise(text).replace("\x00", "").strip()
    return text or None


def _with_ocr(path: Path, data: bytes, pages: list[Page], warnings: list[str]) -> tuple[list[Page], list[str]]:
    """Run OCR on the PDF and read the result; pages that had text keep theirs."""
    ocred = ocr_tool.ocr_pdf(data, str(path))
    reader = open_pdf(ocred, str(path))
    new_pages, _failed = extract_pages(reader)
    merged = [old if old.text.strip() else new for old, new in zip(pages, new_pages, strict=False)]
    return merged, [*warnings, "text of scanned pages recognised with OCR (ocrmypdf, Swedish)"]
