"""Real OCR damage: render clean text to a page image, degrade it, read it back with Tesseract.

    python benchmarks/tesseract_damage.py CLEAN.txt [-o DAMAGED.txt] [--seed N] [--level medium]

Tesseract's English model has no å/ä/ö, so it breaks them the way the scanned municipal
documents are broken (ä read as a/i/d, ö as o/6, "i" as "1", wrapped lines, split letters).
This is the damage source for the development set (``tests/devset``), for test fixtures and
for ``benchmarks/repair_wer.py``; it never uses the repair table's own confusions, so figures
measured on its output are not circular.

Needs Debian's ``tesseract-ocr`` (English data) and a DejaVu font (``fonts-dejavu-core``);
Pillow draws the page. The output is deterministic for a given text, seed and Tesseract build.
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
)
PAGE_WIDTH, PAGE_HEIGHT = 1700, 2200   # A4-ish at 200 dpi
MARGIN = 140
FONT_SIZE = 27
LINE_CHARS = 84                        # wrap like a printed page, so the OCR text has hard wraps
LINES_PER_PAGE = 56
# How hard the "scanner" treats the page: blur radius, share of speckled pixels (%), the scale
# it is read at, and the tilt. "medium" gives damage like the scanned corpus (nämnden read as
# namnden/ndmnden, för as for/f6r, letters split); "light" mostly drops the dots and rings.
LEVELS = {
    "light": {"blur": 0.6, "noise": 0.03, "scale": 0.67, "max_tilt": 0.3},
    "medium": {"blur": 0.95, "noise": 0.04, "scale": 0.5, "max_tilt": 0.4},
    "heavy": {"blur": 1.1, "noise": 0.06, "scale": 0.45, "max_tilt": 0.6},
}


class TesseractMissing(RuntimeError):
    """Tesseract or its English data is not installed."""


def _font(size: int):
    from PIL import ImageFont

    for candidate in FONT_CANDIDATES:
        if Path(candidate).is_file():
            return ImageFont.truetype(candidate, size)
    raise TesseractMissing("no DejaVu font found: apt-get install -y fonts-dejavu-core")


def page_lines(text: str, width: int = LINE_CHARS) -> list[str]:
    """The printed lines of ``text``: its own line breaks kept, long lines wrapped."""
    lines: list[str] = []
    for line in text.splitlines():
        lines.extend(textwrap.wrap(line, width) or [""])
    return lines


def render_pages(text: str, seed: int = 0, level: str = "medium"):
    """Greyscale page images of ``text``, slightly tilted, blurred and speckled like a scan."""
    from PIL import Image, ImageDraw, ImageFilter

    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}")
    blur, noise, scale, max_tilt = (LEVELS[level][k] for k in ("blur", "noise", "scale", "max_tilt"))
    rng = random.Random(seed)
    font = _font(FONT_SIZE)
    lines = page_lines(text)
    pages = []
    for start in range(0, max(len(lines), 1), LINES_PER_PAGE):
        image = Image.new("L", (PAGE_WIDTH, PAGE_HEIGHT), 255)
        draw = ImageDraw.Draw(image)
        y = MARGIN
        for line in lines[start:start + LINES_PER_PAGE]:
            draw.text((MARGIN, y), line, fill=rng.randint(0, 40), font=font)
            y += int(FONT_SIZE * 1.35)
        image = image.rotate(rng.uniform(-max_tilt, max_tilt), fillcolor=255, resample=Image.BICUBIC)
        image = image.filter(ImageFilter.GaussianBlur(blur))
        pixels = image.load()
        for _ in range(int(PAGE_WIDTH * PAGE_HEIGHT * noise / 100)):
            pixels[rng.randrange(PAGE_WIDTH), rng.randrange(PAGE_HEIGHT)] = rng.choice((0, 255))
        # Scanned at a lower resolution, then read: letters lose the detail that tells ä from a.
        small = image.resize((int(PAGE_WIDTH * scale), int(PAGE_HEIGHT * scale)), Image.BILINEAR)
        pages.append(small)
    return pages


def ocr_image(image, lang: str = "eng") -> str:
    """Tesseract's reading of one page image."""
    if shutil.which("tesseract") is None:
        raise TesseractMissing("tesseract is not installed: apt-get install -y tesseract-ocr")
    with tempfile.TemporaryDirectory() as tmp:
        png = Path(tmp) / "page.png"
        image.save(png)
        proc = subprocess.run(["tesseract", str(png), "stdout", "-l", lang, "--psm", "4"],
                              capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise TesseractMissing(f"tesseract failed: {proc.stderr.strip()[:300]}")
    return proc.stdout


def tesseract_damage(text: str, seed: int = 0, level: str = "medium", lang: str = "eng") -> str:
    """``text`` as Tesseract reads a degraded print of it; pages are separated by form feeds."""
    return "\f".join(ocr_image(page, lang).rstrip() + "\n" for page in render_pages(text, seed, level))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("clean", type=Path)
    ap.add_argument("-o", "--output", type=Path)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--level", choices=sorted(LEVELS), default="medium")
    ap.add_argument("--lang", default="eng")
    args = ap.parse_args(argv)
    try:
        damaged = tesseract_damage(args.clean.read_text(encoding="utf-8"), args.seed, args.level, args.lang)
    except TesseractMissing as exc:
        print(f"tesseract_damage: {exc}", file=sys.stderr)
        return 2
    if args.output:
        args.output.write_text(damaged, encoding="utf-8")
    else:
        sys.stdout.write(damaged)
    return 0


if __name__ == "__main__":
    sys.exit(main())
