"""Build fixture files at test time: PDFs (reportlab), DOCX (python-docx), HTML, damaged copies.

Nothing here is a mock: each helper writes a real file in the format a municipality
would publish, from text the test supplies.
"""

from __future__ import annotations

import io
import textwrap
import zipfile
from datetime import datetime
from pathlib import Path

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
FONT_NAME = "KbSans"
PAGE_LINES = 45
LINE_WIDTH = 95


def register_font() -> str:
    """A TTF font with å/ä/ö: Debian's DejaVuSans, else reportlab's bundled Vera."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if FONT_NAME in pdfmetrics.getRegisteredFontNames():
        return FONT_NAME
    if DEJAVU.is_file():
        font = TTFont(FONT_NAME, str(DEJAVU))
    else:
        import reportlab

        font = TTFont(FONT_NAME, str(Path(reportlab.__file__).parent / "fonts" / "Vera.ttf"))
    pdfmetrics.registerFont(font)
    return FONT_NAME


def wrap_lines(text: str, width: int = LINE_WIDTH) -> list[str]:
    """The text's lines, each longer line wrapped at ``width`` (blank lines kept)."""
    lines: list[str] = []
    for line in text.splitlines():
        if len(line) <= width:
            lines.append(line)
        else:
            lines.extend(textwrap.wrap(line, width, break_long_words=False, break_on_hyphens=False))
    return lines


def paginate(lines: list[str], per_page: int = PAGE_LINES) -> list[list[str]]:
    return [lines[i : i + per_page] for i in range(0, len(lines), per_page)] or [[]]


def make_pdf(
    path: Path,
    pages: list[list[str]],
    *,
    header: str | None = None,
    counters: bool = True,
    title: str | None = None,
    author: str | None = None,
    created: datetime | None = None,
    font_size: float = 10,
) -> Path:
    """A PDF with one page per list of lines, a running header and "N (M)" counters."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    font = register_font()
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    _info(c, title, author, created)
    width, height = A4
    total = len(pages)
    for number, lines in enumerate(pages, start=1):
        c.setFont(font, font_size)
        if header:
            c.drawString(56, height - 40, header)
        if counters:
            c.drawRightString(width - 56, height - 40, f"{number} ({total})")
        y = height - 70
        for line in lines:
            c.drawString(56, y, line)
            y -= font_size * 1.5
        c.showPage()
    c.save()
    return path


def make_two_column_pdf(path: Path, left: list[str], right: list[str], *, header: str | None = None) -> Path:
    """One page with two columns of lines; the left column is written first."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    font = register_font()
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    width, height = A4
    c.setFont(font, 10)
    if header:
        c.drawString(56, height - 40, header)
    for x, column in ((56, left), (width / 2 + 10, right)):
        y = height - 70
        for line in column:
            c.drawString(x, y, line)
            y -= 15
    c.showPage()
    c.save()
    return path


def text_image(lines: list[str], *, scale: int = 3):
    """A white image with the lines drawn in black (a 'scanned' page), as a PIL image."""
    from PIL import Image, ImageDraw, ImageFont

    size = 14 * scale
    try:
        font = ImageFont.truetype(str(DEJAVU), size)
    except OSError:
        font = ImageFont.load_default()
    image = Image.new("RGB", (595 * scale, 842 * scale), "white")
    draw = ImageDraw.Draw(image)
    y = 60 * scale
    for line in lines:
        draw.text((50 * scale, y), line, fill="black", font=font)
        y += int(size * 1.6)
    return image


def make_scanned_pdf(path: Path, pages: list[list[str]], *, text_pages: dict[int, list[str]] | None = None) -> Path:
    """A PDF whose pages are images of text (no text layer); ``text_pages`` pages get real text."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    font = register_font()
    text_pages = text_pages or {}
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    width, height = A4
    for number, lines in enumerate(pages, start=1):
        if number in text_pages:
            c.setFont(font, 11)
            y = height - 70
            for line in text_pages[number]:
                c.drawString(56, y, line)
                y -= 16
        else:
            buffer = io.BytesIO()
            text_image(lines).save(buffer, format="PNG")
            buffer.seek(0)
            c.drawImage(ImageReader(buffer), 0, 0, width=width, height=height)
        c.showPage()
    c.save()
    return path


def encrypt_pdf(source: Path, target: Path, password: str = "hemligt", owner_only: bool = False) -> Path:
    """An RC4-encrypted copy (needs no crypto library); ``owner_only`` opens without a password."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(str(source)).pages:
        writer.add_page(page)
    user = "" if owner_only else password
    writer.encrypt(user_password=user, owner_password=password, algorithm="RC4-128")
    with open(target, "wb") as handle:
        writer.write(handle)
    return target


def truncate(source: Path, target: Path, keep: float = 0.6) -> Path:
    data = source.read_bytes()
    target.write_bytes(data[: int(len(data) * keep)])
    return target


def make_docx(
    path: Path,
    blocks: list[tuple[str, object]],
    *,
    title: str | None = None,
    author: str | None = None,
    created: datetime | None = None,
) -> Path:
    """A .docx from (kind, content) blocks.

    kinds: ``"Heading 1"``... (a built-in heading style), ``"p"`` (a paragraph),
    ``"table"`` (content: list of rows, each a list of cell texts), ``"pagebreak"``.
    """
    import docx

    document = docx.Document()
    for kind, content in blocks:
        if kind == "p":
            document.add_paragraph(str(content))
        elif kind == "table":
            rows = list(content)  # type: ignore[arg-type]
            table = document.add_table(rows=len(rows), cols=len(rows[0]))
            for r, row in enumerate(rows):
                for col, value in enumerate(row):
                    table.cell(r, col).text = value
        elif kind == "pagebreak":
            document.add_page_break()
        elif kind.startswith("Heading") or kind == "Title":
            level = 0 if kind == "Title" else int(kind.split()[-1])
            document.add_heading(str(content), level=level)
        else:
            document.add_paragraph(str(content), style=kind)
    core = document.core_properties
    core.title = title or ""
    core.author = author or ""
    core.created = created or datetime(2024, 1, 1)
    document.save(str(path))
    return path


def text_to_docx_blocks(text: str, headings: set[str]) -> list[tuple[str, object]]:
    """Paragraphs of ``text`` (blank-line separated) as docx blocks; lines in ``headings`` as Heading 2."""
    blocks: list[tuple[str, object]] = []
    for para in text.split("\n\n"):
        para = " ".join(para.split())
        if not para:
            continue
        blocks.append(("Heading 2" if para in headings else "p", para))
    return blocks


def corrupt_docx(path: Path) -> Path:
    """A file named .docx that starts like a zip but holds garbage."""
    path.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 8)
    return path


def docx_without_document(path: Path) -> Path:
    """A valid zip with no word/document.xml."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "inte ett Word-dokument")
    return path


def _info(c, title: str | None, author: str | None, created: datetime | None) -> None:
    # reportlab writes /Title "untitled" unless told otherwise; a fixture states only what the test gives
    c.setTitle(title or "")
    c.setAuthor(author or "")
    if created:
        c.setCreator("kb tests")
        # /CreationDate comes from reportlab's clock; its date formatter lets us state our own.
        stamp = created.strftime("D:%Y%m%d%H%M%S+01'00'")
        c.setDateFormatter(lambda *_parts: stamp)
