"""The rule tables carry their own examples (Duckling-style): each row's phrases must give what
the row says, and its counter-examples nothing. A new layout is a new row plus its examples."""

from __future__ import annotations

import re

import pytest

from ingest import metadata as md
from ingest.metadata.lead import doc_text_of
from ingest.metadata.municipality import demonyms_in, region_mentions
from ingest.metadata.organs import find_committees
from ingest.model import Block
from ingest.tables import load_table

CASE = load_table("metadata")["case_numbers"]


def _blocks(text: str) -> list[Block]:
    return [Block(text=t, raw=t) for t in re.split(r"\n\s*\n", text) if t.strip()]


@pytest.mark.parametrize("form", CASE["forms"], ids=lambda f: f["name"])
def test_each_case_number_form_finds_its_examples_and_nothing_else(form):
    for number in form["finds"]:
        assert number in md.find_case_numbers(f"Ärendet har nummer {number} i diariet."), number
        assert re.search(form["pattern"], f"nr {number} ."), number
    for text in form["not"]:
        assert md.find_case_numbers(f"Se {text} i texten.") == [], text


@pytest.mark.parametrize("example", CASE["label_examples"], ids=lambda e: e["text"][:30])
def test_any_number_after_a_diarienummer_label(example):
    assert md.find_case_numbers(example["text"]) == example["finds"]


@pytest.mark.parametrize("example", load_table("metadata")["date"]["examples"], ids=lambda e: e["text"][:40])
def test_date_examples(example):
    assert md.detect_date(md.doc_text(_blocks(example["text"])))[0] == (example["date"] or None)


@pytest.mark.parametrize(
    "example", [e for t in load_table("doctypes")["types"] for e in t["examples"]], ids=lambda e: e["text"][:40])
def test_doc_type_examples(example):
    doc = md.doc_text(_blocks(example["text"].replace("\n", "\n\n")))
    assert md.detect_doc_type(doc, md.read_letterhead(doc, md.find_committees(doc)))[0] == example["type"]


def test_every_doc_type_has_examples():
    assert all(t.get("examples") for t in load_table("doctypes")["types"])


@pytest.mark.parametrize("example", load_table("committees")["auditors"]["examples"], ids=lambda e: e["text"])
def test_auditor_examples(example):
    names = [m.name for m in find_committees(doc_text_of(example["text"])) if m.kind == "auditors"]
    assert names == ([example["name"]] if example["name"] else [])


@pytest.mark.parametrize("example", load_table("committees")["qualifiers"]["examples"], ids=lambda e: e["text"])
def test_a_letterhead_line_names_its_organ_with_its_qualifier(example):
    doc = md.doc_text(_blocks(f"{example['text']}\n\nDatum 2024-01-10\n\nNämnden har behandlat ärendet i dag."))
    assert md.detect_committee(doc, md.find_committees(doc), md.read_letterhead(doc, md.find_committees(doc)))[0] \
        == example["name"]


@pytest.mark.parametrize("example", load_table("municipalities")["regions"]["examples"], ids=lambda e: e["text"])
def test_region_examples(example):
    from ingest.folding import fold_for_matching

    assert [name for _, _, name in region_mentions(example["text"], fold_for_matching(example["text"]))] == [example["name"]]


@pytest.mark.parametrize("example", load_table("municipalities")["demonyms"]["examples"], ids=lambda e: e["text"])
def test_demonym_examples(example):
    from ingest.folding import fold_for_matching

    assert [name for _, name in demonyms_in(fold_for_matching(example["text"]))] == ([example["name"]] if example["name"] else [])


def test_the_text_helpers_examples_hold():
    import doctest

    from ingest.metadata import case_numbers, text

    for module in (text, case_numbers):
        result = doctest.testmod(module)
        assert result.attempted >= 1 and result.failed == 0, module.__name__


@pytest.mark.parametrize("example", load_table("municipalities")["places"]["examples"], ids=lambda e: e["text"])
def test_a_meeting_building_names_its_place(example):
    from ingest.metadata.municipality import places_in

    assert [name for _, name in places_in(example["text"])] == ([example["name"]] if example["name"] else [])
