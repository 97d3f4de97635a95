"""Metadata against known truth: documents from the benchmark generator (kb.bench.generator),
clean and OCR-damaged, whose doc type, municipality, committee and year are known from their
spec. A seed other than the benchmark's keeps the rules from being tuned to one sample."""

from __future__ import annotations

import pytest

from ingest.document_builder import ingest_file
from kb.bench.generator import document_spec, generate

SEED = 7
COUNT = 60
FIELDS = ("doc_type", "municipality", "committee", "year")
BAR = 0.95


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> list[tuple[dict, dict]]:
    out = tmp_path_factory.mktemp("generated")
    pairs = []
    for index, path in enumerate(generate(COUNT, out, seed=SEED)):
        spec = document_spec(index, SEED)
        doc = ingest_file(path)
        want = {"doc_type": spec.doc_type, "municipality": spec.municipality,
                "committee": spec.committee, "year": spec.year}
        got = {field: getattr(doc, field) for field in FIELDS}
        pairs.append((want, got))
    return pairs


def test_the_sample_holds_every_type_and_damaged_documents():
    specs = [document_spec(i, SEED) for i in range(COUNT)]
    assert len({s.doc_type for s in specs}) == 5
    assert any(s.damaged for s in specs) and not all(s.damaged for s in specs)


@pytest.mark.parametrize("field", FIELDS)
def test_field_accuracy_on_generated_documents(results, field):
    wrong = [(want[field], got[field]) for want, got in results if want[field] != got[field]]
    accuracy = 1 - len(wrong) / len(results)
    assert accuracy >= BAR, f"{field}: {accuracy:.3f} over {len(results)} documents; wrong: {wrong[:8]}"
