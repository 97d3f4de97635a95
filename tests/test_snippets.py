"""Snippets: escaped text, <mark> around matched words (by analysed form), the best window."""

from __future__ import annotations

from index.compile import analyse, highlight_terms
from index.snippets import make_snippet, match_spans, weighted_spans


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


def test_a_phrase_is_marked_as_a_phrase_and_never_word_by_word():
    from index.compile import compile_tree
    from index.querylang import parse_query

    marks = compile_tree(parse_query('"skyddat boende"').tree, reader=None).marks()
    text = "Ett skyddat boende för pojkar. Boendet ligger centralt och är skyddat."
    spans = [text[s:e] for s, e, _ in weighted_spans(text, marks.terms, marks.prefixes, marks.weak, marks.phrases)]
    assert spans == ["skyddat boende"]


def test_a_phrase_with_a_stop_word_between_is_one_mark():
    from index.compile import compile_tree
    from index.querylang import parse_query

    marks = compile_tree(parse_query('"boende för pojkar"').tree, reader=None).marks()
    snippet = make_snippet("Kommunen saknar boende för pojkar i dag.", marks.terms, phrases=marks.phrases)
    assert "<mark>boende för pojkar</mark>" in snippet


def test_an_ocr_reading_inside_a_phrase_is_marked_with_it():
    from index.compile import compile_tree
    from index.querylang import parse_query

    marks = compile_tree(parse_query('"hedersrelaterat våld"').tree, reader=None).marks()
    snippet = make_snippet("Arbetet mot hedersrelaterat vild och förtryck. Våld nämns här.", marks.terms,
                           phrases=marks.phrases)
    assert "<mark>hedersrelaterat vild</mark>" in snippet and "<mark>Våld</mark>" not in snippet


def test_a_coordinated_first_part_is_not_marked_for_the_head_it_lacks():
    text = "Arbetsmarknads- och socialnämnden samt Vård- och omsorgsnämnden beslutade."
    marked = [text[s:e] for s, e in match_spans(text, terms("nämnden"))]
    assert marked == ["socialnämnden", "omsorgsnämnden"]


def test_a_coordinated_first_part_is_marked_for_its_own_word():
    text = "Barn- och ungdomsvården har ansvaret."
    assert [text[s:e] for s, e in match_spans(text, terms("barn"))] == ["Barn-"]


def test_judging_each_word_alone_marks_what_the_analyzer_marks_in_context():
    """The fast path (each distinct word judged once by its own forms) against the analyzer's
    tokens in context, on texts with inflections, compounds, OCR damage, digits and stop words."""
    from index.snippets import _ANALYZER, _own_forms

    def _positions(text):
        """(position, start, end, forms) of every kept word, as the analyzer reads the text."""
        out = []
        for token in _ANALYZER(text, positions=True, chars=True, mode="index"):
            if out and out[-1][0] == token.pos:
                out[-1][3].add(token.text)
            else:
                out.append((token.pos, token.startchar, token.endchar, {token.text}))
        return out

    texts = [
        "Förskolenämnden och nämndens förskolor; nimnden beslutade f6r 2024 om förskolesocionomer.",
        "Socialnämnden, Arbetsmarknads- och socialnämnden samt barn- och ungdomsnämnden svarar.",
        "IT-stöd, SR-2023-81 och stödet till barnen i förskoleklassen.",
    ]
    for query in ("nämnden", "förskola", "stöd", "barn", "socionomer", "förskolenämnden"):
        t = terms(query)
        for text in texts:
            expected = [(s, e) for _, s, e, forms in _positions(text)
                        if (_own_forms(text[s:e - 1]) if text[s:e].endswith("-") else forms) & t]
            assert match_spans(text, t) == expected, (query, text)
