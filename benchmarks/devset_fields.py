"""Metadata accuracy per field on a labelled set (the development set, the held-out set, the corpus).

    python benchmarks/devset_fields.py tests/devset/dev            # a set folder: corpus/ + metadata.json
    python benchmarks/devset_fields.py tests/devset/dev --misses   # and every wrong field
    python benchmarks/devset_fields.py --corpus DIR --metadata FILE
    python benchmarks/devset_fields.py tests/devset/dev --json     # the figures as JSON

Each document is built in process (``ingest.document_builder.ingest_file``, the same code `kb
ingest` runs) and compared with its labels the way ``../shared/eval/evaluate.py`` compares them:

- ``doc_type``, ``municipality``: equal under match.py's fold;
- ``committee``, ``recipient``: the same body in definite or indefinite form (evaluate.py's
  ``same_body``); a null label asks for a null answer here (evaluate.py skips it);
- ``date`` equal, ``year`` among the accepted years, ``date_inferred`` equal;
- ``case_numbers``: every labelled number found (folded, spaces out; more may be), one check per
  document;
- ``title``: equal under match.py's fold with white space normalised (evaluate.py does not score
  titles);
- ``recommendations``: the count.

A field that a document's labels leave out is not counted for that document.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ingest.document_builder import ingest_file  # noqa: E402
from ingest.errors import IngestError  # noqa: E402

FIELDS = ("doc_type", "municipality", "committee", "recipient", "date", "year", "date_inferred",
          "case_numbers", "title", "recommendations")


def fold(s: str) -> str:
    """match.py's fold: lower case, no diacritics, every vowel 'a', other signs one space."""
    s = unicodedata.normalize("NFKD", s.lower())
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = re.sub(r"[aeiouy]", "a", s)
    s = re.sub(r"[^a-z0-9]+", " ", s)
    return " " + s.strip() + " "


def norm(value) -> str | None:
    return fold(str(value)).strip() if value is not None else None


def same_body(a: str | None, b: str | None) -> bool:
    """evaluate.py's rule: the same body in definite or indefinite form (nämnden = nämnd)."""
    def forms(x: str) -> set[str]:
        x = norm(x)
        out = {x}
        if x.endswith("n"):
            out.add(x[:-1])
        if x.endswith("an"):
            out.add(x[:-2])
        return out
    if a is None or b is None:
        return a is None and b is None
    return bool(forms(a) & forms(b))


def checks(got, exp: dict) -> dict[str, tuple[bool, object, object]]:
    """field -> (right, got, expected) for the fields ``exp`` labels."""
    out: dict[str, tuple[bool, object, object]] = {}
    for field in ("doc_type", "municipality"):
        if field in exp:
            out[field] = (norm(getattr(got, field)) == norm(exp[field]), getattr(got, field), exp[field])
    for field in ("committee", "recipient"):
        if field in exp:
            out[field] = (same_body(getattr(got, field), exp[field]), getattr(got, field), exp[field])
    if "date" in exp:
        out["date"] = (got.date == exp["date"], got.date, exp["date"])
    if "year" in exp:
        out["year"] = (got.year in exp["year"], got.year, exp["year"])
    if "date_inferred" in exp:
        out["date_inferred"] = (bool(got.date_inferred) == exp["date_inferred"], got.date_inferred, exp["date_inferred"])
    if "case_numbers" in exp:
        found = {norm(c).replace(" ", "") for c in got.case_numbers or []}
        missing = [c for c in exp["case_numbers"] if norm(c).replace(" ", "") not in found]
        out["case_numbers"] = (not missing, got.case_numbers, exp["case_numbers"])
    if exp.get("title") is not None:
        out["title"] = (norm(got.title or "") == norm(exp["title"]), got.title, exp["title"])
    if "recommendations" in exp:
        n = len(exp["recommendations"])
        out["recommendations"] = (len(got.recommendations or []) == n, len(got.recommendations or []), n)
    return out


def run(corpus: Path, labels: Path) -> dict:
    expected = json.loads(labels.read_text(encoding="utf-8"))["documents"]
    right = {f: 0 for f in FIELDS}
    total = {f: 0 for f in FIELDS}
    misses: list[str] = []
    t0 = time.perf_counter()
    for source, exp in sorted(expected.items()):
        try:
            got = ingest_file(corpus / source)
        except IngestError as exc:
            misses.append(f"{source}: not ingested: {exc}")
            for f in FIELDS:
                total[f] += 1
            continue
        for field, (good, g, e) in checks(got, exp).items():
            total[field] += 1
            right[field] += good
            if not good:
                why = got.evidence.get(field if field != "recommendations" else "", "")
                misses.append(f"{source}: {field}: got {g!r}, expected {e!r}" + (f"  [{why}]" if why else ""))
    return {
        "documents": len(expected),
        "seconds": round(time.perf_counter() - t0, 1),
        "fields": {f: {"right": right[f], "total": total[f],
                       "accuracy": round(right[f] / total[f], 3) if total[f] else None} for f in FIELDS},
        "overall": round(sum(right.values()) / max(sum(total.values()), 1), 3),
        "misses": misses,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("set", nargs="?", help="a set folder with corpus/ and metadata.json")
    ap.add_argument("--corpus", type=Path)
    ap.add_argument("--metadata", type=Path)
    ap.add_argument("--misses", action="store_true", help="list every wrong field")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args(argv)
    if a.set:
        corpus, labels = Path(a.set) / "corpus", Path(a.set) / "metadata.json"
    elif a.corpus and a.metadata:
        corpus, labels = a.corpus, a.metadata
    else:
        ap.error("give a set folder, or --corpus and --metadata")
    result = run(corpus, labels)
    if a.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
        return 0
    print(f"{result['documents']} documents in {result['seconds']} s")
    for f, r in result["fields"].items():
        if r["total"]:
            print(f"  {f:<16} {r['accuracy']:.3f}  ({r['right']}/{r['total']})")
    print(f"  {'overall':<16} {result['overall']:.3f}")
    if a.misses:
        for m in result["misses"]:
            print("  miss", m)
    return 0


if __name__ == "__main__":
    sys.exit(main())
