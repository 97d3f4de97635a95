"""`kb bench`: the scale corpus generator, the baselines and the shape of the benchmark JSON.

No timing assertions: the figures depend on the machine; these tests check what is measured.
"""

from __future__ import annotations

import random
import re
from collections import Counter

import pytest

from kb.bench import vocabulary
from kb.bench.baselines import Fts5, Tantivy, tantivy_missing
from kb.bench.damage import damage_letters, damage_word_i, hard_wrap, paginate
from kb.bench.generator import document_spec, generate, render
from kb.bench.harness import percentiles
from kb.bench.queries import Query, draw

SPECS = [document_spec(i, 3) for i in range(600)]


def test_same_seed_gives_byte_identical_files(tmp_path):
    first = generate(15, tmp_path / "a", seed=5)
    second = generate(15, tmp_path / "b", seed=5)
    assert [p.name for p in first] == [p.name for p in second]
    assert all(a.read_bytes() == b.read_bytes() for a, b in zip(first, second, strict=True))


def test_another_seed_gives_other_documents(tmp_path):
    a = generate(5, tmp_path / "a", seed=1)
    b = generate(5, tmp_path / "b", seed=2)
    assert [p.read_bytes() for p in a] != [p.read_bytes() for p in b]


def test_a_small_corpus_is_the_start_of_a_large_one(tmp_path):
    small = generate(4, tmp_path / "small", seed=9)
    large = generate(12, tmp_path / "large", seed=9)
    assert [p.read_bytes() for p in small] == [p.read_bytes() for p in large[:4]]


def test_years_span_2010_to_2026():
    years = {s.year for s in SPECS}
    assert min(years) == 2010 and max(years) == 2026
    assert len(years) == 17


def test_thirty_committees_in_five_municipalities():
    pairs = {(s.municipality, s.committee) for s in SPECS}
    assert len({c for _, c in pairs}) == 30
    assert len({m for m, _ in pairs}) == 5
    assert all(len(names) == 6 for names in vocabulary.MUNICIPALITIES.values())


def test_every_genre_occurs():
    assert set(Counter(s.doc_type for s in SPECS)) == set(vocabulary.DOC_TYPES)


def test_about_a_third_is_damaged():
    share = sum(s.damaged for s in SPECS) / len(SPECS)
    assert 0.27 < share < 0.40


def _clean(doc_type: str):
    return next(s for s in SPECS if s.doc_type == doc_type and not s.damaged)


def test_a_statement_has_numbered_recommendations_and_the_case_lines():
    spec = _clean("yttrande")
    text = render(spec, 3)
    numbers = [int(n) for n in re.findall(r"^Rekommendation (\d+): ", text, re.M)]
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= 3
    assert f"Datum\n\n{spec.date}" in text
    assert f"Diarienummer\n\n{spec.case_number}" in text
    assert "Beslutet skickas till" in text


def _recommendation_lines(text: str) -> list[str]:
    return re.findall(r"^Rekommendation \d+: .*$", text, re.M)


def test_a_case_shares_its_number_subject_and_recommendations():
    by_case: dict[int, list] = {}
    for spec in SPECS:
        if spec.case is not None:
            by_case.setdefault(spec.case, []).append(spec)
    audits = [members for members in by_case.values()
              if len(members) >= 2 and members[0].doc_type == "yttrande" and not any(m.damaged for m in members)]
    assert audits, "no clean audit case of two or more documents in the sample"
    for members in audits:
        assert [m.doc_type for m in members[1:]] == ["uppföljande yttrande"] * (len(members) - 1)
        assert len({(m.case_number, m.committee, m.topic) for m in members}) == 1
        assert [m.date for m in members] == sorted(m.date for m in members)
        lines = [_recommendation_lines(render(m, 3)) for m in members]
        assert lines[0] and all(line == lines[0] for line in lines)


def test_two_audits_of_a_committee_get_their_own_recommendations():
    """The recommendations name the audit's subject: kb's case linking (same recommendations)
    must not join a committee's audits on two subjects into one case."""
    from kb.cases import SIMILAR, overlap, stems

    topics = vocabulary.TOPICS
    for template in vocabulary.RECOMMENDATIONS:
        assert "{topic}" in template
        alike = sum(overlap(stems(template.format(topic=a)), stems(template.format(topic=b))) >= SIMILAR
                    for i, a in enumerate(topics) for b in topics[i + 1:])
        assert alike <= 0.05 * len(topics) * (len(topics) - 1) / 2, template


def test_cases_are_a_few_documents_each():
    sizes = Counter(s.case for s in SPECS if s.case is not None)
    assert max(sizes.values()) <= 3
    assert len(SPECS) / 3 < sum(sizes.values()) < 2 * len(SPECS) / 3   # the rest stand alone
    assert sum(1 for n in sizes.values() if n >= 2) > len(sizes) / 2
    assert len({s.case_number for s in SPECS}) > 0.45 * len(SPECS)


def test_commitments_carry_deadlines():
    texts = [render(s, 3) for s in SPECS[:40] if not s.damaged]
    promises = [m for t in texts for m in re.findall(
        r"(?:Under (?:hösten|våren)|Senast (?:den 30 september|i december)|Innan sommaren) (\d{4}) "
        r"(?:kommer|ska) \S+ (?:att )?", t)]
    assert len(promises) >= 10


def test_about_ten_sections_of_about_eighty_words():
    spec = _clean("remissvar")
    text = render(spec, 3)
    paragraphs = text.split("\n\n")
    assert 9 <= sum(1 for p in paragraphs if len(p.split()) <= 6 and p[:1].isupper()) <= 20
    assert 600 <= len(text.split()) <= 1400


def test_a_damaged_document_looks_scanned():
    spec = next(s for s in SPECS if s.damaged)
    text = render(spec, 3)
    assert max(len(line) for line in text.splitlines()) <= 80
    assert re.search(r"^2 \(\d+\)$", text, re.M)
    assert re.search(r"[6é]|\b1\b", text)


def test_letters_are_confused_as_in_a_scan():
    rng = random.Random(1)
    damaged = damage_letters("ä" * 200 + "ö" * 200 + "å" * 100, rng)
    assert set(damaged[:200]) <= {"ä", "i", "a", "d"} and len(set(damaged[:200])) == 4
    assert set(damaged[200:400]) <= {"ö", "o", "é", "6"}
    assert set(damaged[400:]) <= {"å", "a"}


def test_the_word_i_is_read_as_one_but_not_inside_words():
    rng = random.Random(2)
    out = damage_word_i(" i " * 50 + "inom vi", rng)
    assert " 1 " in out and out.endswith("inom vi")


def test_pages_get_counters_and_lines_are_wrapped():
    lines = hard_wrap(["ord " * 400], width=60)
    assert max(len(line) for line in lines) <= 60
    text = paginate(lines, per_page=10)
    total = -(-len(lines) // 10)
    assert f"\n2 ({total})\n" in text and f"\n{total} ({total})\n" in text


def test_queries_are_the_same_for_the_same_seed_and_of_every_kind():
    assert draw(20, 4) == draw(20, 4)
    queries = draw(20, 4)
    assert Counter(q.kind for q in queries) == {"term": 20, "phrase": 20, "filtered": 20}
    assert all(1 <= len(q.words) <= 3 for q in queries)


def test_queries_in_kb_syntax():
    assert Query("phrase", ("psykisk", "ohälsa")).to_kb() == '"psykisk ohälsa"'
    q = Query("filtered", ("tillsyn",), 2019, 2021, "Miljönämnden")
    assert q.to_kb() == 'tillsyn år:2019..2021 nämnd:"Miljönämnden"'


def test_percentiles_interpolate_between_ranks():
    assert percentiles([float(i) for i in range(101)]) == {"p50": 50.0, "p95": 95.0, "p99": 99.0}
    assert percentiles([]) == {"p50": 0.0, "p95": 0.0, "p99": 0.0}


ROWS = [
    {"heading": "Rekommendation 1", "body": "Nämnden ska se över rutinerna för tillsyn av förskolor.",
     "year": 2019, "committee": "Förskolenämnden", "doc_type": "yttrande"},
    {"heading": "Ärendet", "body": "Tillsyn av livsmedel sker varje år enligt planen.",
     "year": 2020, "committee": "Miljönämnden", "doc_type": "remissvar"},
    {"heading": "Uppföljning", "body": "Rutinerna för tillsyn har setts över under våren.",
     "year": 2023, "committee": "Miljönämnden", "doc_type": "uppföljande yttrande"},
]


def _engines(tmp_path):
    engines = [Fts5.build(tmp_path / "fts.db", iter(ROWS))]
    if tantivy_missing() is None:
        engines.append(Tantivy.build(tmp_path / "tantivy", iter(ROWS)))
    return engines


def test_baselines_count_facets_over_the_whole_match_set(tmp_path):
    for engine in _engines(tmp_path):
        result = engine.search(Query("term", ("tillsyn",)))
        assert result["total"] == 3, engine.name
        assert result["facets"]["committee"] == {"miljönämnden": 2, "förskolenämnden": 1}
        assert result["facets"]["year"] == {"2019": 1, "2020": 1, "2023": 1}
        engine.close()


def test_baselines_apply_phrases_and_filters(tmp_path):
    for engine in _engines(tmp_path):
        assert engine.search(Query("phrase", ("tillsyn", "av")))["total"] == 2, engine.name
        filtered = engine.search(Query("filtered", ("tillsyn",), 2020, 2024, "Miljönämnden"))
        assert filtered["total"] == 2 and filtered["facets"]["year"] == {"2020": 1, "2023": 1}
        assert engine.search(Query("filtered", ("tillsyn",), 2010, 2012, "Miljönämnden"))["total"] == 0
        engine.close()


KEYS = {"docs", "sections", "ingest_docs_per_s", "ingest_sections_per_s", "index_mb", "peak_rss_mb",
        "query_ms", "phrase_ms", "filtered_ms", "baselines", "query_p95_ratio_vs_fts5",
        "ingest_rate_ratio_vs_fts5", "growth"}
ENGINE_KEYS = {"docs", "sections", "ingest_docs_per_s", "ingest_sections_per_s", "index_mb", "peak_rss_mb",
               "query_ms", "phrase_ms", "filtered_ms"}


@pytest.fixture(scope="module")
def tiny_run(postgres_server):
    """`kb bench --backend all` on 30 documents (PostgreSQL: databases of its own on the test
    server, ingest with 1, 2 and 4 writer processes)."""
    from kb.bench.harness import run

    return run(docs=30, queries=10, seed=1, backend="all", server=postgres_server)


def test_a_tiny_run_returns_every_key(tiny_run):
    assert KEYS <= set(tiny_run)
    assert tiny_run["docs"] == 30 and tiny_run["sections"] >= 200
    assert ENGINE_KEYS <= set(tiny_run["baselines"]["fts5"])
    tantivy = tiny_run["baselines"]["tantivy"]
    assert ENGINE_KEYS <= set(tantivy) or set(tantivy) == {"skipped"}
    for key in ("query_ms", "phrase_ms", "filtered_ms"):
        assert set(tiny_run[key]) == {"p50", "p95", "p99"}
        assert 0 < tiny_run[key]["p50"] <= tiny_run[key]["p95"] <= tiny_run[key]["p99"]


def test_the_postgres_engine_is_measured_beside_the_others(tiny_run):
    pg = tiny_run["baselines"]["postgres"]
    assert ENGINE_KEYS <= set(pg) and set(pg["writers"]) == {"1", "2", "4"}
    # the same documents and the same search: as many hits per query as the embedded index
    assert pg["docs"] == 30 and pg["mean_hits"] == tiny_run["growth"]["runs"][1]["ours"]["mean_hits"] > 0
    assert all(w["failed"] == 0 and w["ingest_docs_per_s"] > 0 for w in pg["writers"].values())
    assert set(tiny_run["postgres"]) == {"query_p95_ratio_vs_fts5", "ingest_2_writers_vs_whoosh"}
    assert "postgres" in tiny_run["growth"]["engines"]


def test_growth_compares_a_tenth_with_the_whole(tiny_run):
    growth = tiny_run["growth"]
    assert growth["docs"] == [3, 30]
    assert growth["engines"]["ours"]["query_ms_p95"]["to"] == tiny_run["query_ms"]["p95"]
    assert growth["engines"]["fts5"]["index_mb"]["factor"] > 1


def test_the_report_shows_every_engine(tiny_run, tmp_path):
    from kb.bench.report import summary_lines, write_markdown

    lines = "\n".join(summary_lines(tiny_run))
    assert "fts5" in lines and "ours" in lines
    write_markdown(tiny_run, tmp_path / "benchmarks.md")
    text = (tmp_path / "benchmarks.md").read_text(encoding="utf-8")
    assert "| ours |" in text and "kb bench --docs 30" in text
    try:
        import matplotlib  # noqa: F401  (the optional bench extra)
    except ImportError:
        assert "No plot" in text and not (tmp_path / "benchmarks.png").exists()
    else:
        assert (tmp_path / "benchmarks.png").stat().st_size > 1000


def test_a_run_at_the_target_size_reports_its_own_wall_time(tiny_run):
    from kb.bench.report import TARGET_DOCS, targets

    big = {**tiny_run, "docs": TARGET_DOCS, "meta": {**tiny_run["meta"], "wall_s": 25 * 60}}
    duration = targets(big)[-1]
    assert "took 25.0 min" in duration[1] and duration[2] is True
    slow = {**big, "meta": {**big["meta"], "wall_s": 31 * 60}}
    assert targets(slow)[-1][2] is False
    assert "projects" in targets(tiny_run)[-1][1]


def test_bench_writers_option_is_checked():
    from click.testing import CliRunner

    from kb.cli import main

    for bad in ("0", "1,x", "", "17"):
        result = CliRunner().invoke(main, ["bench", "--docs", "10", "--backend", "postgres",
                                           "--writers", bad, "--database", "postgresql://nowhere/x"])
        assert result.exit_code == 2 and "--writers" in result.output, (bad, result.output)


def test_the_summary_says_when_two_writers_were_not_measured():
    from kb.bench.report import postgres_lines

    result = {"baselines": {"postgres": {"writers": {"1": {"ingest_docs_per_s": 10.0, "peak_rss_mb": 90.0}}}},
              "postgres": {"query_p95_ratio_vs_fts5": 1.5, "ingest_2_writers_vs_whoosh": None}}
    lines = postgres_lines(result)
    assert "1 writer(s) 10.0" in lines[1]
    assert lines[-1].startswith("[not measured] PostgreSQL ingest with 2 writers")
    result["postgres"]["ingest_2_writers_vs_whoosh"] = 1.6
    assert postgres_lines(result)[-1].startswith("[ok]")
