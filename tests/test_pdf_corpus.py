"""The five corpus documents as PDFs (built here) give the same metadata as their .txt, and pages.

Each .txt is laid out at about 45 lines a page, long lines wrapped, with a running header
("Malmö stad" or "Stockholms stad", by the document's municipality) and "N (M)" page
counters. Then:

- the PDF reader gives back exactly the body lines of every page, on that page;
- `kb ingest` + `kb docs --json` give the PDFs the same metadata as the .txt originals
  (every field but id, source and pages);
- every `kb search --json` hit carries the page on which its text begins in the PDF.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import fixtures_build as fb
import pytest

from ingest.readers import read

KB = [sys.executable, "-c", "from kb.cli import main; main()"]
SKIP_FIELDS = {"id", "source", "pages"}
FALLBACK_QUERIES = ["nämnden", "rekommendation", "förskolan", "handlingsplan", "barn", "samverkan", "uppföljning"]
WINDOW = 16
MARGIN = 2


def municipality_header(text: str) -> str:
    """The running header by the document's municipality: the one of the two it names more often.

    (A Malmö document may mention Stockholm once, "tillsammans med Stockholm stad"; OCR reads
    "Malmö" as "Malmo" or "Malmé".)
    """
    stockholm = len(re.findall(r"stockholm", text, re.IGNORECASE))
    malmo = len(re.findall(r"malm[oöé6]", text, re.IGNORECASE))
    return "Stockholms stad" if stockholm > malmo else "Malmö stad"


def layout(text: str) -> list[list[str]]:
    return fb.paginate(fb.wrap_lines(text))


@pytest.fixture(scope="module")
def corpus_pdfs(corpus_dir, tmp_path_factory):
    """{stem: (txt path, pdf path, pages of body lines)} for every corpus document."""
    out = tmp_path_factory.mktemp("corpus_pdf")
    txt_dir, pdf_dir = out / "txt", out / "pdf"
    txt_dir.mkdir()
    pdf_dir.mkdir()
    built = {}
    for source in sorted(corpus_dir.glob("*.txt")):
        text = source.read_text(encoding="utf-8-sig")
        (txt_dir / source.name).write_text(text, encoding="utf-8")
        pages = layout(text)
        pdf = fb.make_pdf(pdf_dir / f"{source.stem}.pdf", pages, header=municipality_header(text))
        built[source.stem] = (txt_dir / source.name, pdf, pages)
    return built


def test_pdf_pages_give_back_the_laid_out_lines(corpus_pdfs):
    for stem, (_txt, pdf, pages) in corpus_pdfs.items():
        raw = read(pdf)
        assert len(raw.pages) == len(pages), stem
        for page, expected in zip(raw.pages, pages, strict=True):
            got = [line.rstrip() for line in page.text.splitlines()]
            body = [line for line in got if line.strip()][2:]  # header and counter come first
            wanted = [unicodedata.normalize("NFC", line.rstrip()) for line in expected if line.strip()]
            assert body == wanted, f"{stem} page {page.number}"


def kb_json(*args: str):
    done = subprocess.run([*KB, *args], capture_output=True, text=True, timeout=900, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def ingested(corpus_pdfs, tmp_path_factory):
    out = tmp_path_factory.mktemp("corpus_index")
    first = next(iter(corpus_pdfs.values()))
    txt_dir, pdf_dir = first[0].parent, first[1].parent
    for name, folder in (("txt", txt_dir), ("pdf", pdf_dir)):
        done = subprocess.run(
            [*KB, "ingest", "--index", str(out / name), str(folder)],
            capture_output=True, text=True, timeout=900, check=False,
        )
        assert done.returncode == 0, done.stderr[-2000:]
    return out / "txt", out / "pdf"


def test_pdf_metadata_equals_txt_metadata(corpus_pdfs, ingested):
    txt_index, pdf_index = ingested
    by_stem = {}
    for name, index in (("txt", txt_index), ("pdf", pdf_index)):
        for doc in kb_json("docs", "--index", str(index), "--json"):
            by_stem.setdefault(Path(doc["source"]).stem, {})[name] = doc
    assert set(by_stem) == set(corpus_pdfs)
    for stem, pair in by_stem.items():
        txt = {k: v for k, v in pair["txt"].items() if k not in SKIP_FIELDS}
        pdf = {k: v for k, v in pair["pdf"].items() if k not in SKIP_FIELDS}
        assert pdf == txt, stem


def match_tokens(text: str) -> list[str]:
    """Tokens folded against OCR damage: no diacritics, every vowel 'a' (as the eval's match.py)."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[aeiouy]", "a", text)
    return re.findall(r"[a-z0-9]+", text)


def page_tokens(pages: list[list[str]]) -> tuple[list[str], list[int]]:
    tokens: list[str] = []
    numbers: list[int] = []
    for number, lines in enumerate(pages, start=1):
        for token in match_tokens("\n".join(lines)):
            tokens.append(token)
            numbers.append(number)
    return tokens, numbers


def begin_pages(hit_text: str, heading: str, tokens: list[str], numbers: list[int]) -> set[int] | None:
    """Pages where the hit's text may begin, or None when its start cannot be placed uniquely.

    The hit's first words are matched, folded, against windows of the PDF's body words
    (tolerating a few words changed by OCR repair or joined hyphens). A start is placed
    only when no window on another page comes within ``MARGIN`` words of the best one
    (a plan repeats openings such as "Aktivitet 1 samverkan med andra aktörer." on many
    pages, and OCR damage to one copy must not decide). The section's heading may end
    the page before its text, so that page is accepted too.
    """
    head = match_tokens(hit_text)[:WINDOW]
    if len(head) < 4:
        return None
    wanted = set(head)
    scored: list[tuple[int, int]] = []
    for i, token in enumerate(tokens):
        if token != head[0] and (i + 1 >= len(tokens) or tokens[i + 1] != head[0]):
            continue
        scored.append((len(wanted & set(tokens[i : i + WINDOW + 3])), i))
    if not scored:
        return None
    best, start = max(scored)
    if best < min(len(wanted), max(5, len(wanted) // 2)):
        return None
    if any(score > best - MARGIN and numbers[i] != numbers[start] for score, i in scored):
        return None
    before = max(0, start - len(match_tokens(heading or "")))
    return {numbers[start], numbers[before]}


def queries(corpus_dir: Path) -> list[str]:
    spec = corpus_dir.parent / "eval" / "queries.json"
    if spec.is_file():
        found = [q["q"] for q in json.loads(spec.read_text(encoding="utf-8"))["queries"]]
        return found + FALLBACK_QUERIES
    return FALLBACK_QUERIES


def test_every_search_hit_carries_its_pdf_page(corpus_dir, corpus_pdfs, ingested):
    _txt_index, pdf_index = ingested
    streams = {stem: page_tokens(pages) for stem, (_t, _p, pages) in corpus_pdfs.items()}
    checked, placed, wrong = 0, 0, []
    for query in queries(corpus_dir):
        result = kb_json("search", "--index", str(pdf_index), "--json", "--limit", "20", query)
        for hit in result["hits"]:
            checked += 1
            stem = Path(hit["source"]).stem
            pages = begin_pages(hit["text"], hit.get("heading") or "", *streams[stem])
            if pages is None:
                continue
            placed += 1
            if hit["page_number"] not in pages:
                wrong.append((query, stem, hit.get("heading"), hit["page_number"], sorted(pages)))
    assert checked >= 20
    assert placed >= 0.8 * checked, f"only {placed} of {checked} hits could be placed in the PDF"
    assert wrong == [], f"{len(wrong)} of {placed} placed hits ({checked} checked) carry a wrong page"
