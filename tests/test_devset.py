"""The development and held-out sets (tests/devset) stay consistent with their labels.

No index and no Tesseract: ``build.py``'s check reads every corpus file (text, HTML, PDF, DOCX,
cp1252, CRLF) and the clean sources, and fails when a label no longer matches its document under
match.py's fold, a document has no label entry, a deadline is not an ordered ISO range, or a
verdict disagrees with the set's ``as_of``. So an edited document or a mistyped label fails CI.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

DEVSET = Path(__file__).resolve().parent / "devset"


def _build_module():
    spec = importlib.util.spec_from_file_location("devset_build", DEVSET / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


build = _build_module()


@pytest.mark.parametrize("name", build.SETS)
def test_labels_match_their_documents(name):
    report = build.check_set(DEVSET / name)
    assert not report.errors, "\n".join(report.errors)


def test_the_sets_are_as_large_and_varied_as_promised():
    dev = json.loads((DEVSET / "dev" / "metadata.json").read_text(encoding="utf-8"))["documents"]
    holdout = json.loads((DEVSET / "holdout" / "metadata.json").read_text(encoding="utf-8"))["documents"]
    assert len(dev) >= 45 and len({d["municipality"] for d in dev.values()}) >= 22
    assert len(holdout) >= 15 and len({d["municipality"] for d in holdout.values()}) >= 8
    assert not {d["municipality"] for d in dev.values()} & {d["municipality"] for d in holdout.values()}
    assert {d["doc_type"] for d in dev.values()} >= build.DOC_TYPES - {"övrigt"}
    trace = json.loads((DEVSET / "dev" / "trace.json").read_text(encoding="utf-8"))
    assert len(trace["pairs"]) >= 30 and len(trace["not_commitments"]) >= 25
    verdicts = {p["verdict"] for p in trace["pairs"]}
    assert verdicts == build.VERDICTS_WITH_FOLLOW_UP | build.VERDICTS_WITHOUT


def test_the_check_catches_a_broken_label(tmp_path):
    """A copy of a set with one anchor changed fails the check (the check can fail)."""
    import shutil

    copy = tmp_path / "holdout"
    shutil.copytree(DEVSET / "holdout", copy)
    queries = json.loads((copy / "queries.json").read_text(encoding="utf-8"))
    queries["queries"][0]["relevant"][0]["anchor"] = "ett stycke som inte finns i dokumentet"
    (copy / "queries.json").write_text(json.dumps(queries, ensure_ascii=False), encoding="utf-8")
    assert any("ett stycke som inte finns" in e for e in build.check_set(copy).errors)


@pytest.mark.parametrize("name", build.SETS)
def test_generated_files_are_what_the_manifest_says(name):
    """CRLF and legacy encodings survive git; every generated file has its source."""
    set_dir = DEVSET / name
    for file, spec in build.manifest(set_dir).items():
        assert build.source_path(set_dir, file, spec).is_file(), file
        raw = (set_dir / "corpus" / file).read_bytes()
        if spec.get("newline") == "crlf":
            assert b"\r\n" in raw, file
        if spec.get("encoding") == "cp1252":
            with pytest.raises(UnicodeDecodeError):
                raw.decode("utf-8")
