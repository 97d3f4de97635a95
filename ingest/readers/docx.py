"""Word documents (.docx) via python-docx: paragraphs and tables in document order.

- Each paragraph becomes its own paragraph of text (separated by a blank line).
- Paragraphs in a heading style ("Heading 1", "Rubrik 1", "Title"/"Rubrik", a custom
  style based on one of them, or any style with an outline level) are also listed in
  ``RawDocument.headings``, so segmentation can trust them.
- Tables become text: the cells of a row joined with " | ", one row per line; a merged
  cell is written once.
- Pages: Word stores where it last broke pages (``w:lastRenderedPageBreak``); when those
  are present they give the page numbers, otherwise hard page breaks do. A paragraph
  belongs to the page on which it begins.
- Core properties (title, created, author) are weak metadata.
- Page headers, footers and footnotes are page furniture and are not read.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

from ingest.errors import IngestError
from ingest.model import Page, RawDocument
from ingest.readers.text import normalise

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# Style names (lower case, any trailing level number removed) that mark a heading.
HEADING_STYLE_NAMES = frozenset({"heading", "rubrik", "title", "titel", "subtitle", "underrubrik"})
_TRAILING_LEVEL = re.compile(r"\s*\d+$")
_STYLE_DEPTH = 6

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = f"{{{W_NS}}}"


def read_docx(path: Path, data: bytes, ocr: bool = False) -> RawDocument:
    """A .docx file as pages of paragraphs, with its heading texts and core properties."""
    where = str(path)
    document = open_docx(data, where)
    pages: list[list[str]] = [[]]
    headings: list[str] = []
    rendered = _has_rendered_breaks(document)
    try:
        for item in document.iter_inner_content():
            if _is_table(item):
                rows = table_rows(item)
                if rows:
                    pages[-1].append("\n".join(rows))
                continue
            text = normalise(item.text).strip()
            before, after = _page_breaks(item._p, rendered)
            for _ in range(before):
                pages.append([])
            if text:
                pages[-1].append(text)
                if is_heading(item):
                    headings.append(" ".join(text.split()))
            for _ in range(after):
                pages.append([])
    except Exception as exc:  # damaged XML inside a valid zip
        raise IngestError(f"corrupt Word document: {exc}", where) from None
    while len(pages) > 1 and not pages[-1]:
        pages.pop()
    result = [Page(number=i, text="\n\n".join(paras)) for i, paras in enumerate(pages, start=1)]
    if not any(page.text.strip() for page in result):
        raise IngestError("contains no text (the Word document is empty)", where)
    return RawDocument(pages=result, properties=docx_properties(document), headings=headings)


def open_docx(data: bytes, where: str):
    """A python-docx Document, or an IngestError saying what is wrong with the file."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    if data.startswith(OLE_MAGIC):
        raise IngestError(
            "encrypted or old-format Word file (.doc): remove the password / save it as .docx", where
        )
    if not data.startswith(ZIP_MAGIC):
        raise IngestError("corrupt Word document: not a .docx (zip) container", where)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if "word/document.xml" not in archive.namelist():
                raise IngestError("corrupt Word document: word/document.xml is missing", where)
            damaged = archive.testzip()
    except zipfile.BadZipFile as exc:
        raise IngestError(f"corrupt or truncated Word document: {exc}", where) from None
    if damaged:
        raise IngestError(f"corrupt Word document: {damaged} is damaged", where)
    try:
        return docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise IngestError(f"corrupt Word document: {exc}", where) from None
    except Exception as exc:  # lxml syntax errors and the like from a damaged part
        raise IngestError(f"corrupt Word document: {exc}", where) from None


def is_heading(paragraph) -> bool:
    """True for a heading style, a style based on one, or a paragraph with an outline level."""
    ppr = paragraph._p.pPr
    if ppr is not None and ppr.find(f"{_W}outlineLvl") is not None:
        return True
    style = paragraph.style
    for _ in range(_STYLE_DEPTH):
        if style is None:
            return False
        if _heading_style_name(style.name) or _heading_style_name(style.style_id):
            return True
        element = style.element
        ppr = element.find(f"{_W}pPr")
        if ppr is not None and ppr.find(f"{_W}outlineLvl") is not None:
            level = ppr.find(f"{_W}outlineLvl").get(f"{_W}val")
            if level is not None and level != "9":
                return True
        style = style.base_style
    return False


def _heading_style_name(name: str | None) -> bool:
    if not name:
        return False
    base = _TRAILING_LEVEL.sub("", name.strip().lower())
    return base in HEADING_STYLE_NAMES


def table_rows(table) -> list[str]:
    """One line per row: its cells' texts joined with ' | ', merged cells once."""
    rows = []
    for row in table.rows:
        cells: list[str] = []
        seen: set[int] = set()
        for cell in row.cells:
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            cells.append(" ".join(normalise(cell.text).split()))
        if any(cells):
            rows.append(" | ".join(cells))
    return rows


def docx_properties(document) -> dict[str, Any]:
    """Core properties title, created (ISO date) and author: weak evidence only."""
    props: dict[str, Any] = {}
    try:
        core = document.core_properties
        title, author, created = core.title, core.author, core.created
    except Exception:
        return props
    if title and title.strip():
        props["title"] = normalise(title).strip()
    if author and author.strip():
        props["author"] = normalise(author).strip()
    if created is not None:
        props["created"] = created.date().isoformat()
    return props


def _is_table(item) -> bool:
    from docx.table import Table

    return isinstance(item, Table)


def _has_rendered_breaks(document) -> bool:
    body = document.element.body
    return next(body.iter(f"{_W}lastRenderedPageBreak"), None) is not None


def _page_breaks(p_element, rendered: bool) -> tuple[int, int]:
    """(breaks before the paragraph's text, breaks after it) for one w:p element."""
    before = after = 0
    seen_text = False
    for node in p_element.iter():
        tag = node.tag
        if tag == f"{_W}t" and node.text and node.text.strip():
            seen_text = True
            continue
        is_break = (
            tag == f"{_W}lastRenderedPageBreak"
            if rendered
            else tag == f"{_W}br" and node.get(f"{_W}type") == "page"
        )
        if is_break:
            if seen_text:
                after += 1
            else:
                before += 1
    return before, after
