"""Sidecars are checked field by field, and nothing stored can break a page or a command.

- A sidecar field that does not fit its schema (ingest/fields.py, printed by `kb docs --schema`) is
  dropped with a warning naming the sidecar and the field; its other fields and the rest of the
  batch still go in.
- Hypothesis writes sidecars of any JSON (and some that are not JSON), ingests them, then calls every
  page and API endpoint of the app (read from its URL map, so a new page is covered too) and every
  reading CLI command: no 500, no error exit.
- The same for documents stored without any check (as an index written before the checks may hold
  them): the read side repairs what it reads.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from index.store import Store
from ingest.fields import DOCUMENT_SCHEMA, FIELDS, problem, repair_fields
from ingest.model import Document
from kb.cli import main
from kb.service import KnowledgeBase
from web import create_app

TEXTS = [
    "Yttrande över granskning av skolskjutsar\n\nSammanfattning\n\nNämnden har tagit del av "
    "granskningen.\n\nRekommendation 1: Säkerställ att rutinen följs.\n\nFörvaltningen kommer att "
    "ta fram en ny rutin under hösten 2025.\n",
    "Uppföljande yttrande om skolskjutsar\n\nRekommendation 1: Säkerställ att rutinen följs.\n\n"
    "Den nya rutinen infördes i november 2025.\n",
    "Remissvar om biblioteksplan\n\nKulturnämnden ställer sig bakom förslaget.\n",
]


def ingest_folder(folder: Path, sidecars: list) -> tuple[Path, object]:
    """Write the three documents, each with its sidecar (a JSON value, raw bytes, or None), ingest."""
    folder.mkdir(parents=True, exist_ok=True)
    for i, (text, sidecar) in enumerate(zip(TEXTS, sidecars, strict=True)):
        path = folder / f"handling-{i}.txt"
        path.write_text(text, encoding="utf-8")
        if isinstance(sidecar, bytes):
            (folder / f"{path.name}.meta.json").write_bytes(sidecar)
        elif sidecar is not None:
            (folder / f"{path.name}.meta.json").write_text(json.dumps(sidecar), encoding="utf-8")
    index_dir = folder.parent / "index"
    kb = KnowledgeBase(index_dir)
    report = kb.ingest([folder], workers=1)
    kb.close()
    return index_dir, report


# -- the checks -------------------------------------------------------------------------------

def warnings_of(tmp_path: Path, sidecar) -> tuple[dict, list[str]]:
    index_dir, report = ingest_folder(tmp_path / "docs", [sidecar, None, None])
    assert report.ok and len(report.indexed) == 3, report.failed
    doc = next(d for d in KnowledgeBase(index_dir).documents() if d["source"] == "handling-0.txt")
    return doc, [w for p, w in report.warnings if p.endswith("handling-0.txt")]


@pytest.mark.parametrize("sidecar, field", [
    ({"year": 99999999999999999999}, "year"),
    ({"year": "abc"}, "year"),
    ({"recommendations": "x"}, "recommendations"),
    ({"committee": ["a", "b"]}, "committee"),
    ({"title": {"a": 1}}, "title"),
    ({"date": "2024-02-30"}, "date"),
    ({"date": "1066-10-14"}, "date"),
    ({"case_numbers": [1, 2]}, "case_numbers"),
    ({"recommendations": [{"number": "ett", "text": "x"}]}, "recommendations"),
    ({"date_inferred": "nej"}, "date_inferred"),
])
def test_a_bad_field_is_dropped_with_a_warning_and_the_rest_goes_in(tmp_path, sidecar, field):
    doc, warnings = warnings_of(tmp_path, {**sidecar, "subject": "en rätt uppgift", "municipality": "Exempelstad"})
    assert len(warnings) == 1 and f"field '{field}'" in warnings[0], warnings
    assert warnings[0].startswith("sidecar handling-0.txt.meta.json: ")
    assert str(tmp_path) not in warnings[0]  # the file by name, not the server's folders
    assert doc["subject"] == "en rätt uppgift" and doc["municipality"] == "Exempelstad"


def test_a_sidecar_that_is_not_json_is_ignored_with_a_warning(tmp_path):
    doc, warnings = warnings_of(tmp_path, b"{\"year\": 20")
    assert len(warnings) == 1 and "not valid JSON" in warnings[0]
    doc, warnings = warnings_of(tmp_path / "b", b"[" * 100_000)
    assert len(warnings) == 1 and "not valid JSON" in warnings[0]


def test_an_unknown_field_is_named(tmp_path):
    doc, warnings = warnings_of(tmp_path, {"commitee": "Socialnämnden", "year": 2023})
    assert len(warnings) == 1 and "unknown field 'commitee'" in warnings[0]
    assert doc["year"] == 2023


def test_a_good_sidecar_sets_every_field(tmp_path):
    sidecar = {"title": "Titel", "doc_type": "yttrande", "municipality": "Exempelstad",
               "committee": "Socialnämnden", "recipient": "Revisionen", "date": "2024-03-21",
               "case_numbers": ["SN-2024-12"], "subject": "skolskjutsar",
               "recommendations": [{"number": 1, "text": "Säkerställ rutinen"}],
               "activities": [{"number": "1.1", "text": "Ta fram rutin"}],
               "people": [{"name": "Anna Andersson", "role": "ordförande"}]}
    doc, warnings = warnings_of(tmp_path, sidecar)
    assert warnings == []
    assert {k: doc[k] for k in sidecar if k in doc} == {k: v for k, v in sidecar.items() if k in doc}
    assert doc["year"] == 2024 and doc["date_inferred"] is False


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=8)


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(sorted(set(FIELDS) - {"date"})), json_values)
def test_the_checker_agrees_with_jsonschema(field, value):
    expected = jsonschema.Draft202012Validator(FIELDS[field]).is_valid(value)
    assert (problem(FIELDS[field], value) is None) == expected, (field, value)


def test_the_schema_is_valid_json_schema():
    jsonschema.Draft202012Validator.check_schema(DOCUMENT_SCHEMA)
    code = CliRunner().invoke(main, ["docs", "--schema"])
    assert code.exit_code == 0 and json.loads(code.stdout) == DOCUMENT_SCHEMA


# -- every page, endpoint and command after hostile metadata ------------------------------------

READ_COMMANDS = {
    "search": [["search", "nämnden"], ["search", "--json", "nämnden"], ["search", "--sort", "date", "--json", ""]],
    "docs": [["docs"], ["docs", "--json"]],
    "show": [["show", "{doc}"], ["show", "--json", "{doc}"]],
    "commitments": [["commitments"], ["commitments", "--json"], ["commitments", "--csv"]],
    "trace": [["trace"], ["trace", "--json"], ["trace", "--csv"]],
    "cases": [["cases"], ["cases", "--json"]],
    "check": [["check"]],
}
WRITE_OR_SERVE = {"ingest", "reindex", "serve", "demo", "bench", "migrate"}


def test_every_command_is_called_by_the_fuzz_tests():
    assert set(main.commands) - WRITE_OR_SERVE == set(READ_COMMANDS)


def call_everything(index_dir: Path) -> None:
    """Every page and API endpoint (from the URL map) and every reading command: none may fail."""
    kb = KnowledgeBase(index_dir)
    doc_ids = [d["id"] for d in kb.documents()]
    case_ids = [c["id"] for c in kb.cases()]
    kb.close()
    app = create_app({"INDEX": str(index_dir), "RATE_LIMIT": 0, "TOKEN": "skriv-token-123"})
    client = app.test_client()
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        values = [{}]
        if "doc_id" in rule.arguments:
            values = [{"doc_id": d} for d in doc_ids]
        elif "case_id" in rule.arguments:
            values = [{"case_id": c} for c in case_ids]
        elif rule.arguments:
            pytest.fail(f"{rule.rule}: a page with parameters the fuzz test does not know")
        for args in values:
            url = rule.rule
            for key, value in args.items():
                url = url.replace(f"<{key}>", value)
            for query in ("", "?q=n%C3%A4mnden&sort=date", "?year=2024", "?as_of=2030-01-01"):
                response = client.get(url + query)
                assert response.status_code < 500, f"{url}{query}: {response.status_code}"
    response = client.post("/api/v1/reindex", headers={"Authorization": "Bearer skriv-token-123"})
    assert response.status_code < 500, response.get_data(as_text=True)[:300]
    runner = CliRunner()
    for variants in READ_COMMANDS.values():
        for command in variants:
            for doc in doc_ids[:1] if any("{doc}" in a for a in command) else [None]:
                args = [a.replace("{doc}", doc or "") for a in command] + ["--index", str(index_dir)]
                result = runner.invoke(main, args, catch_exceptions=True)
                assert result.exception is None or isinstance(result.exception, SystemExit), \
                    f"kb {' '.join(command)}: {result.exception!r}"
                assert result.exit_code == 0, f"kb {' '.join(command)}: {result.stderr[-400:]}"


def _values_near(field: str):
    """Values that fit or almost fit a field, besides any JSON at all."""
    plausible = {
        "year": st.integers(1800, 2300) | st.integers(),
        "date": st.dates().map(str) | st.text(alphabet="0123456789-", max_size=12),
        "recommendations": st.lists(st.fixed_dictionaries({"number": st.integers(-2, 12000), "text": st.text(max_size=20)})),
        "activities": st.lists(st.fixed_dictionaries({"number": st.text(max_size=5), "text": st.text(max_size=20)})),
        "people": st.lists(st.fixed_dictionaries({"name": st.text(max_size=10), "role": st.text(max_size=10)})),
        "case_numbers": st.lists(st.text(max_size=12)),
    }
    return plausible.get(field, st.text(max_size=40)) | json_values


sidecar_values = st.one_of(
    st.none(),
    st.builds(lambda pairs: dict(pairs), st.lists(
        st.sampled_from(sorted(FIELDS)).flatmap(lambda f: st.tuples(st.just(f), _values_near(f))), max_size=6)),
    json_values,
    st.binary(max_size=40),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(sidecar_values, min_size=3, max_size=3))
def test_any_sidecar_leaves_every_page_and_command_working(sidecars):
    work = Path(tempfile.mkdtemp(prefix="kb-sidecars-"))
    try:
        index_dir, report = ingest_folder(work / "docs", sidecars)
        assert not report.failed and len(report.indexed) == 3, report.failed  # the batch goes in
        assert all(str(work) not in w for _, w in report.warnings)
        call_everything(index_dir)
    finally:
        shutil.rmtree(work, ignore_errors=True)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.builds(lambda pairs: dict(pairs), st.lists(
    st.sampled_from(sorted(FIELDS)).flatmap(lambda f: st.tuples(st.just(f), _values_near(f))), max_size=6)),
    min_size=3, max_size=3))
def test_documents_stored_without_checks_leave_every_page_and_command_working(overrides):
    """As an index written before sidecars were checked: the documents go in with any values the
    store could hold, and everything that reads them must cope."""
    work = Path(tempfile.mkdtemp(prefix="kb-stored-"))
    try:
        index_dir, report = ingest_folder(work / "docs", [None, None, None])
        store = Store(index_dir)
        docs = []
        for doc, values in zip(sorted(store.documents(), key=lambda d: d.source), overrides, strict=True):
            raw = doc.to_dict()
            raw.update(values)
            docs.append(Document(**{**raw, "sections": doc.sections, "commitments": doc.commitments}))
        try:
            store.write(docs)
        except Exception:  # noqa: BLE001 - values no index could ever hold: nothing to read back
            store.close()
            assume(False)
        store.close()
        call_everything(index_dir)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def test_reading_repairs_what_the_schema_does_not_allow():
    fixed = repair_fields({"year": "abc", "committee": ["a", "b"], "recommendations": [
        {"number": 1, "text": "rätt"}, "fel", {"number": "x"}], "date": "2024-13-45", "title": "Titel"})
    assert fixed == {"year": None, "committee": None, "recommendations": [{"number": 1, "text": "rätt"}],
                     "date": None, "title": "Titel"}
