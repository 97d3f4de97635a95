"""Snippets: escaped text, <mark> around matched words (by analysed form), the best window."""

from __future__ import annotations

from index.compile import analyse, highlight_terms
from index.snippets import make_snippet, match_spans


def terms(*words):
    return {t for w in words for t in highlight_terms(analyse(w))}


def test_markup_in_the_text_renders_inert():
    snippet = make_snippet('Nämnden skrev <script>alert("x")</script> & mer', terms("nämnden"))
    assert "<script>" not in snippet
    assert "&lt;script&gt;" in snippet and "&amp;" in snippet
    assert snippet.startswith("<mark>Nämnden</mark>")


def test_only_mark_tags_are_added():
    snippet = make_snippet("Beslut om <b>budget</b> för <i>budgeten</i>", terms("budget"))
    stripped = snippet.replace("<mark>", "").replace("</mark>", "")
    assert "<" not in stripped and ">" not in stripped


def test_inflected_forms_are_highlighted():
    snippet = make_snippet("Nämndens beslut och nämnderna i staden", terms("nämnden"))
    assert "<mark>Nämndens</mark>" in snippet


def test_prefixes_are_highlighted():
    spans = match_spans("Barnomsorg och barnen", set(), ["barn"])
    assert spans == [(0, 10), (15, 21)]


def test_the_window_shows_the_matches_of_a_long_text():
    text = "Inledande ord. " * 40 + "Här står det om simskolor för barn." + " Avslutande ord." * 40
    snippet = make_snippet(text, terms("simskolor"), width=120)
    assert "<mark>simskolor</mark>" in snippet
    assert snippet.startswith("…") and snippet.endswith("…")
    assert len(snippet.replace("<mark>", "").replace("</mark>", "")) <= 125


def test_without_a_match_the_snippet_is_the_beginning():
    snippet = make_snippet("Första meningen. " * 30, terms("saknas"), width=60)
    assert snippet.startswith("Första meningen.") and "<mark>" not in snippet


def test_an_ocr_reading_of_the_query_word_is_highlighted():
    snippet = make_snippet("Beslutet togs av namnden i maj.", terms("nämnden"))
    assert "<mark>namnden</mark>" in snippet


def test_the_window_prefers_the_query_word_to_a_compound_part():
    from index.compile import compile_tree
    from index.querytree import Word

    compiled = compile_tree(Word("förskolesocionomer"), reader=None)
    assert compiled.weak and compiled.weak < compiled.terms
    text = ("Förskolan och förskolorna nämns först, förskolan igen. " + "Annat innehåll här. " * 12
            + "Nu anställs förskolesocionomer i staden.")
    snippet = make_snippet(text, compiled.terms, weak=compiled.weak, width=80)
    assert "<mark>förskolesocionomer</mark>" in snippet
    assert "<mark>förskolesocionomer</mark>" not in make_snippet(text, compiled.terms, width=80)
