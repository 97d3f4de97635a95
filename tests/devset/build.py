"""Build and check the development set and the held-out set (``tests/devset/{dev,holdout}``).

    python tests/devset/build.py                 # regenerate every generated corpus file
    python tests/devset/build.py --only dev05.txt
    python tests/devset/build.py --check         # validate the labels against the documents
    python tests/devset/build.py --table         # the README's table of documents

Each set is a folder with ``corpus/`` (what kb ingests), ``clean/`` (the sources of the
generated files), ``manifest.json`` (how each generated file is made) and the labels
``metadata.json``, ``queries.json`` and ``trace.json`` in the formats of ``../shared/eval``.

Generated files, by ``build`` in the manifest:

- ``ocr``: ``clean/NAME.txt`` printed, degraded and read back with Tesseract's English model
  (``benchmarks/tesseract_damage.py``) at the manifest's ``level`` and ``seed``;
- ``text``: ``clean/NAME.txt`` (UTF-8, LF) written in the manifest's ``encoding``
  (cp1252, latin-1) and ``newline`` (``crlf``);
- ``pdf``: ``clean/NAME.pdf.txt`` set in DejaVu Sans with reportlab (a form feed starts a page);
- ``docx``: ``clean/NAME.docx.txt`` with python-docx's built-in styles: ``= `` Title,
  ``# `` Heading 1, ``## `` Heading 2, ``| a | b |`` table rows, other lines paragraphs.

Every other corpus file (UTF-8 ``.txt``, ``.html``) is written by hand. The build is
deterministic: fixed seeds, reportlab's invariant mode, and fixed times inside the .docx zip.

``--check`` needs no index and no Tesseract: every corpus file has a metadata entry and vice
versa; fields are well formed; every anchor, recommendation start, commitment, follow-up and
look-alike matches its document under match.py's fold, in the clean source and in the file
kb reads (for OCR copies: the damaged text); deadlines are ISO and ordered; verdicts agree
with ``as_of``; a look-alike never shares a sentence with a labelled commitment.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import re
import sys
import unicodedata
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SETS = ("dev", "holdout")

DOC_TYPES = {
    "yttrande", "uppföljande yttrande", "remissvar", "handlingsplan", "uppföljning av handlingsplan",
    "protokoll", "motion", "tjänsteskrivelse", "revisionsrapport", "övrigt",
}
VERDICTS_WITH_FOLLOW_UP = {"reported", "delayed", "not_done"}
VERDICTS_WITHOUT = {"overdue", "pending", "no_report"}
FIELDS = ("doc_type", "municipality", "committee", "recipient", "date", "year", "date_inferred",
          "case_numbers", "subject", "recommendations", "title")
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DOCX_TIME = (2024, 1, 1, 0, 0, 0)


# --- the matching rule of ../shared/eval/match.py (same code, so that a clean clone can check) ---

def fold(s: str) -> str:
    s = unicodedata.normalize("NFKD", s.lower())
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = re.sub(r"[aeiouy]", "a", s)
    s = re.sub(r"[^a-z0-9]+", " ", s)
    return " " + s.strip() + " "


def matches(anchor: str, text: str) -> bool:
    return fold(anchor).strip() in fold(text)


# --- building -------------------------------------------------------------------------------

def load_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def manifest(set_dir: Path) -> dict:
    path = set_dir / "manifest.json"
    return load_json(path)["documents"] if path.exists() else {}


def source_path(set_dir: Path, name: str, spec: dict) -> Path:
    return set_dir / "clean" / spec.get("source", name)


def build_ocr(src: Path, out: Path, spec: dict) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from tesseract_damage import tesseract_damage

    text = src.read_text(encoding="utf-8")
    out.write_text(tesseract_damage(text, seed=int(spec["seed"]), level=spec["level"]), encoding="utf-8")


def build_text(src: Path, out: Path, spec: dict) -> None:
    text = src.read_text(encoding="utf-8")
    if spec.get("newline") == "crlf":
        text = text.replace("\r\n", "\n").replace("\n", "\r\n")
    out.write_bytes(text.encode(spec.get("encoding", "utf-8")))


def _font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    name = "DevsetSans"
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(name, "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"))
        pdfmetrics.registerFont(TTFont(name + "-Bold", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"))
    return name


def build_pdf(src: Path, out: Path, spec: dict) -> None:
    """One PDF page per form-feed-separated block; lines wrapped at the page width; a page counter."""
    import textwrap

    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    font = _font()
    pages = src.read_text(encoding="utf-8").split("\f")
    c = canvas.Canvas(str(out), pagesize=A4, invariant=1)
    width, height = A4
    for number, page in enumerate(pages, start=1):
        y = height - 60
        c.setFont(font, 8)
        c.drawRightString(width - 56, height - 36, f"{number} ({len(pages)})")
        for raw in page.strip("\n").split("\n"):
            bold = raw.startswith("**")
            line = raw[2:] if bold else raw
            c.setFont(font + "-Bold" if bold else font, 11 if bold else 10)
            for part in textwrap.wrap(line, 92, break_long_words=False, break_on_hyphens=False) or [""]:
                c.drawString(56, y, part)
                y -= 14
                if y < 50:
                    c.showPage()
                    y = height - 60
        c.showPage()
    c.save()


def docx_blocks(text: str) -> list[tuple[str, object]]:
    """(style, content) blocks of the small markup described in the module docstring."""
    blocks: list[tuple[str, object]] = []
    table: list[list[str]] = []
    for line in text.split("\n"):
        if line.startswith("|"):
            table.append([cell.strip() for cell in line.strip().strip("|").split("|")])
            continue
        if table:
            blocks.append(("table", table))
            table = []
        if not line.strip():
            continue
        if line.startswith("= "):
            blocks.append(("Title", line[2:]))
        elif line.startswith("## "):
            blocks.append(("Heading 2", line[3:]))
        elif line.startswith("# "):
            blocks.append(("Heading 1", line[2:]))
        else:
            blocks.append(("Normal", line))
    if table:
        blocks.append(("table", table))
    return blocks


def build_docx(src: Path, out: Path, spec: dict) -> None:
    import docx

    document = docx.Document()
    for style, content in docx_blocks(src.read_text(encoding="utf-8")):
        if style == "table":
            rows = content
            table = document.add_table(rows=len(rows), cols=max(len(r) for r in rows))
            table.style = "Table Grid"
            for r, row in enumerate(rows):
                for col, value in enumerate(row):
                    table.cell(r, col).text = value
        else:
            document.add_paragraph(content, style=style)
    fixed = dt.datetime(*DOCX_TIME)
    props = document.core_properties
    props.created = props.modified = props.last_printed = fixed
    props.author = props.last_modified_by = ""
    buffer = io.BytesIO()
    document.save(buffer)
    # python-docx stamps each zip member with the current time; rewrite with a fixed one.
    buffer.seek(0)
    with zipfile.ZipFile(buffer) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in sorted(zin.infolist(), key=lambda i: i.filename):
            info = zipfile.ZipInfo(item.filename, DOCX_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            zout.writestr(info, zin.read(item.filename))


BUILDERS = {"ocr": build_ocr, "text": build_text, "pdf": build_pdf, "docx": build_docx}


def build(set_dir: Path, only: set[str] | None = None) -> list[str]:
    built = []
    for name, spec in sorted(manifest(set_dir).items()):
        if only and name not in only:
            continue
        out = set_dir / "corpus" / name
        BUILDERS[spec["build"]](source_path(set_dir, name, spec), out, spec)
        built.append(f"{set_dir.name}/{name}")
    return built


# --- reading documents back -----------------------------------------------------------------

def file_text(path: Path, spec: dict | None = None) -> str:
    """The text kb would read from a corpus file, by a plain reader per format."""
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        from pypdf import PdfReader

        return "\n".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)
    if suffix == ".docx":
        import docx

        document = docx.Document(str(path))
        parts = [p.text for p in document.paragraphs]
        for table in document.tables:
            parts.extend(" | ".join(cell.text for cell in row.cells) for row in table.rows)
        return "\n".join(parts)
    raw = path.read_bytes()
    text = raw.decode((spec or {}).get("encoding", "utf-8"))
    if suffix in (".html", ".htm"):
        from bs4 import BeautifulSoup

        return BeautifulSoup(text, "html.parser").get_text("\n")
    return text


def source_text(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    if path.name.endswith(".docx.txt"):
        return "\n".join(c if isinstance(c, str) else "\n".join(" | ".join(r) for r in c)
                         for _, c in docx_blocks(text))
    if path.name.endswith(".pdf.txt"):
        return "\n".join(line[2:] if line.startswith("**") else line for line in text.split("\n"))
    return text


def document_texts(set_dir: Path) -> dict[str, list[str]]:
    """For each corpus file, the texts an anchor must match: the file's and its clean source's."""
    specs = manifest(set_dir)
    texts: dict[str, list[str]] = {}
    for path in sorted((set_dir / "corpus").iterdir()):
        spec = specs.get(path.name)
        versions = [file_text(path, spec)]
        if spec:
            versions.append(source_text(source_path(set_dir, path.name, spec)))
        texts[path.name] = versions
    return texts


# --- checking -------------------------------------------------------------------------------

def sentences(text: str) -> list[str]:
    """Rough sentences: paragraphs, table cells, then full stops before a non-lower-case character."""
    out = []
    for paragraph in re.split(r"\n\s*\n|\s*\|\s*", text):
        flat = re.sub(r"\s+", " ", paragraph)
        out.extend(s for s in re.split(r"(?<=[.!?:;])\s+(?=[^a-zåäö\s])", flat) if s.strip())
    return out


def _date(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


class Report:
    def __init__(self) -> None:
        self.errors: list[str] = []
        self.warnings: list[str] = []

    def error(self, msg: str) -> None:
        self.errors.append(msg)

    def warn(self, msg: str) -> None:
        self.warnings.append(msg)


def check_anchor(report: Report, texts: dict[str, list[str]], source: str, anchor: str, what: str) -> None:
    if source not in texts:
        report.error(f"{what}: no corpus file {source}")
        return
    if not fold(anchor).strip():
        report.error(f"{what}: empty anchor for {source}")
        return
    for i, text in enumerate(texts[source]):
        if not matches(anchor, text):
            version = "file" if i == 0 else "clean source"
            report.error(f"{what}: «{anchor}» not in {source} ({version})")


def check_metadata(report: Report, set_dir: Path, texts: dict[str, list[str]]) -> dict:
    docs = load_json(set_dir / "metadata.json")["documents"]
    for name in sorted(set(texts) - set(docs)):
        report.error(f"metadata: {name} has no entry")
    for name in sorted(set(docs) - set(texts)):
        report.error(f"metadata: entry {name} has no corpus file")
    for name in sorted(set(manifest(set_dir)) - set(texts)):
        report.error(f"manifest: {name} has no corpus file (run build.py)")
    for name, meta in sorted(docs.items()):
        where = f"metadata {name}"
        for field in FIELDS:
            if field not in meta:
                report.error(f"{where}: no field {field}")
        if meta.get("doc_type") not in DOC_TYPES:
            report.error(f"{where}: doc_type {meta.get('doc_type')!r} not in the vocabulary")
        date = meta.get("date")
        if date is None:
            if meta.get("date_inferred") is not True:
                report.error(f"{where}: date null needs date_inferred true")
        elif not ISO.match(date):
            report.error(f"{where}: date {date!r} is not ISO")
        elif meta.get("date_inferred") is not False:
            report.error(f"{where}: a stated date needs date_inferred false")
        years = meta.get("year")
        if not isinstance(years, list) or not years or not all(isinstance(y, int) for y in years):
            report.error(f"{where}: year must be a list of integers")
        elif date and ISO.match(date) and int(date[:4]) not in years:
            report.error(f"{where}: year {years} does not hold the date's year")
        if name not in texts:
            continue
        for case in meta.get("case_numbers", []):
            if case not in texts[name][-1]:
                report.error(f"{where}: case number {case!r} not printed in the clean text")
            compact = fold(case).replace(" ", "")
            if not any(compact in fold(t).replace(" ", "") for t in texts[name][:1]):
                report.warn(f"{where}: case number {case!r} damaged in the file kb reads")
        recs = meta.get("recommendations", {})
        numbers = sorted(int(n) for n in recs)
        if numbers != list(range(1, len(numbers) + 1)):
            report.error(f"{where}: recommendations must be numbered 1..N, got {numbers}")
        for number, start in recs.items():
            check_anchor(report, texts, name, start, f"{where} recommendation {number}")
        for activity in meta.get("activities", []):
            if not re.search(rf"(?<![\d.]){re.escape(activity)}(?![\d])", texts[name][-1]):
                report.error(f"{where}: activity {activity} not in the clean text")
        for field in ("committee", "recipient"):
            body = meta.get(field)
            if body and not any(matches(form, texts[name][-1]) for form in _body_forms(body)):
                report.warn(f"{where}: {field} {body!r} not printed as such")
        title = meta.get("title")
        if title and not matches(title, texts[name][-1]):
            report.warn(f"{where}: title not printed as such (composed)")
    return docs


def _body_forms(body: str) -> list[str]:
    forms = [body]
    if body.endswith("n"):
        forms.append(body[:-1])
    if body.endswith("an"):
        forms.append(body[:-2])
    return forms


def check_queries(report: Report, set_dir: Path, texts: dict[str, list[str]]) -> int:
    queries = load_json(set_dir / "queries.json")["queries"]
    seen = set()
    for q in queries:
        if q["q"] in seen:
            report.error(f"queries: {q['q']!r} twice")
        seen.add(q["q"])
        if q["q"].count('"') % 2:
            report.error(f"queries: unbalanced quote in {q['q']!r}")
        if not q.get("relevant"):
            report.error(f"queries: {q['q']!r} has no relevant anchors")
        for r in q.get("relevant", []):
            check_anchor(report, texts, r["source"], r["anchor"], f"query {q['q']!r}")
    return len(queries)


def check_trace(report: Report, set_dir: Path, texts: dict[str, list[str]], docs: dict) -> tuple[int, int]:
    spec = load_json(set_dir / "trace.json")
    as_of = _date(spec["as_of"])
    commitment_sentences: dict[str, list[str]] = {}
    for p in spec["pairs"]:
        what = f"pair {p['from']} «{p['commitment']}»"
        check_anchor(report, texts, p["from"], p["commitment"], what)
        commitment_sentences.setdefault(p["from"], []).append(p["commitment"])
        start, end = p["deadline"]
        if (start is None) != (end is None):
            report.error(f"{what}: deadline needs both ends or neither")
        if start is not None:
            if not (ISO.match(start) and ISO.match(end)):
                report.error(f"{what}: deadline {p['deadline']} is not ISO")
                continue
            if _date(start) > _date(end):
                report.error(f"{what}: deadline {p['deadline']} runs backwards")
        verdict = p.get("verdict")
        if p.get("to"):
            check_anchor(report, texts, p["to"], p["follow_up"], f"{what} -> follow-up")
            if verdict not in VERDICTS_WITH_FOLLOW_UP:
                report.error(f"{what}: a pair with a follow-up needs verdict reported/delayed/not_done")
            a, b = docs.get(p["from"], {}), docs.get(p["to"], {})
            if fold(a.get("municipality", "")) != fold(b.get("municipality", "")):
                report.error(f"{what}: follow-up {p['to']} is another municipality's")
            if fold(a.get("committee", "")) != fold(b.get("committee", "")):
                report.error(f"{what}: follow-up {p['to']} is another committee's")
            da, db = _doc_time(a), _doc_time(b)
            if da and db and not da < db:
                report.error(f"{what}: follow-up {p['to']} is not later ({da} -> {db})")
        else:
            if verdict not in VERDICTS_WITHOUT:
                report.error(f"{what}: a pair without follow-up needs verdict overdue/pending/no_report")
            elif verdict == "no_report" and start is not None:
                report.error(f"{what}: no_report is for commitments without a deadline")
            elif verdict == "overdue" and (start is None or _date(end) >= as_of):
                report.error(f"{what}: overdue needs a deadline that ended before {as_of}")
            elif verdict == "pending" and (start is None or _date(end) < as_of):
                report.error(f"{what}: pending needs a deadline that has not ended at {as_of}")
    for nc in spec.get("not_commitments", []):
        what = f"look-alike {nc['source']} «{nc['anchor']}»"
        check_anchor(report, texts, nc["source"], nc["anchor"], what)
        if nc["source"] in texts:
            for sentence in sentences(texts[nc["source"]][-1]):
                if matches(nc["anchor"], sentence) and any(
                        matches(c, sentence) for c in commitment_sentences.get(nc["source"], [])):
                    report.error(f"{what}: shares a sentence with a labelled commitment")
    return len(spec["pairs"]), len(spec.get("not_commitments", []))


def _doc_time(meta: dict) -> dt.date | None:
    if meta.get("date"):
        return _date(meta["date"])
    years = meta.get("year") or []
    return dt.date(max(years), 12, 31) if years else None


def check_set(set_dir: Path) -> Report:
    report = Report()
    texts = document_texts(set_dir)
    docs = check_metadata(report, set_dir, texts)
    n_queries = check_queries(report, set_dir, texts)
    n_pairs, n_not = check_trace(report, set_dir, texts, docs)
    places = {d["municipality"] for d in docs.values()}
    report.summary = (f"{set_dir.name}: {len(texts)} documents from {len(places)} municipalities and regions, "
                      f"{n_queries} queries, {n_pairs} trace pairs, {n_not} look-alikes")
    return report


def table(set_dir: Path) -> str:
    docs = load_json(set_dir / "metadata.json")["documents"]
    specs = manifest(set_dir)
    rows = ["| file | municipality | type | committee | layout classes | OCR |", "|---|---|---|---|---|---|"]
    for name, meta in sorted(docs.items()):
        spec = specs.get(name, {})
        if spec.get("build") == "ocr":
            how = f"{spec['level']} (seed {spec['seed']})"
        else:
            how = {"pdf": "born-digital PDF", "docx": "born-digital DOCX"}.get(spec.get("build"), "–")
            if spec.get("build") == "text":
                how = f"{spec.get('encoding', 'utf-8')}{', CRLF' if spec.get('newline') == 'crlf' else ''}"
        layout = ", ".join(meta.get("layout", [])).replace("|", "\\|")
        rows.append(f"| {name} | {meta['municipality']} | {meta['doc_type']} | {meta['committee']} | {layout} | {how} |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="validate labels, build nothing")
    ap.add_argument("--table", action="store_true", help="print the README table of documents")
    ap.add_argument("--set", choices=SETS, action="append", help="only this set (default: both)")
    ap.add_argument("--only", nargs="+", help="only these corpus files")
    ap.add_argument("--warnings", action="store_true", help="also print warnings")
    a = ap.parse_args(argv)
    sets = [HERE / s for s in (a.set or SETS)]
    if a.table:
        for s in sets:
            print(f"\n{s.name}\n")
            print(table(s))
        return 0
    if not a.check:
        for s in sets:
            for name in build(s, set(a.only) if a.only else None):
                print("built", name)
        return 0
    failed = False
    for s in sets:
        report = check_set(s)
        print(report.summary)
        for e in report.errors:
            print("  error", e)
        if a.warnings:
            for w in report.warnings:
                print("  warning", w)
        failed = failed or bool(report.errors)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
