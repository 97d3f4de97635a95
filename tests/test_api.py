"""The JSON API through Flask's test client: shapes checked against the served OpenAPI description,
once per engine (the same documents in a Whoosh index and in a PostgreSQL database)."""

from __future__ import annotations

import base64

import jsonschema
import pytest
from conftest import ENGINES
from test_web_support import doc_id_of, shared_place

from web import create_app


@pytest.fixture(scope="module", params=ENGINES)
def place(request, tmp_path_factory):
    return shared_place(request, tmp_path_factory)


@pytest.fixture(scope="module")
def app(place):
    return create_app({**place.app_config, "RATE_LIMIT": 0})


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture(scope="module")
def spec(app):
    return app.test_client().get("/api/v1/openapi.json").get_json()


def validate(spec: dict, path: str, response, method: str = "get") -> None:
    """Check a real response against the schema the description gives for its status."""
    operation = spec["paths"][path][method]
    described = operation["responses"][str(response.status_code)]
    if "$ref" in described:
        described = spec["components"]["responses"][described["$ref"].rsplit("/", 1)[1]]
    content_type = response.mimetype
    assert content_type in described["content"], f"{content_type} not described for {path}"
    schema = {**described["content"][content_type]["schema"], "components": spec["components"]}
    jsonschema.validate(response.get_json(), schema, cls=jsonschema.Draft202012Validator)


def problem(response, status: int) -> dict:
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert set(body) >= {"type", "title", "status", "detail"} and body["status"] == status
    assert "Traceback" not in response.get_data(as_text=True)
    return body


def test_the_description_is_a_valid_openapi_document(spec):
    assert spec["openapi"].startswith("3.1")
    jsonschema.Draft202012Validator.check_schema({**spec["components"]["schemas"]["SearchResult"],
                                                  "components": spec["components"]})


def test_every_api_route_is_described_and_every_description_is_a_route(app, spec):
    routes = {r.rule.replace("<", "{").replace(">", "}") for r in app.url_map.iter_rules()
              if r.rule.startswith("/api/v1/")}
    assert routes == set(spec["paths"])


def test_search_matches_the_service_and_the_description(client, spec, place):
    response = client.get("/api/v1/search?q=skolskjuts&limit=5")
    validate(spec, "/api/v1/search", response)
    body = response.get_json()
    kb = place.kb()
    try:
        direct = kb.search("skolskjuts", limit=5)
    finally:
        kb.close()
    # The same JSON as `kb search --json`, plus the facets as data for the page.
    for key in ("query", "total", "page", "limit", "facets", "suggestion", "notice", "filters"):
        assert body[key] == direct[key], key
    assert [h["id"] for h in body["hits"]] == [h["id"] for h in direct["hits"]]
    assert {f["name"] for f in body["facet_results"]} == {"year", "committee", "doc_type", "municipality",
                                                          "recommendation"}


def test_search_filters_are_applied(client, spec):
    response = client.get("/api/v1/search?q=skolskjuts&committee=Kulturn%C3%A4mnden&year=2022")
    validate(spec, "/api/v1/search", response)
    body = response.get_json()
    assert body["total"] >= 1 and {h["committee"] for h in body["hits"]} == {"Kulturnämnden"}
    assert {h["year"] for h in body["hits"]} == {2022}
    toggles = [r["toggle_url"] for f in body["facet_results"] for r in f["results"]]
    assert all(t.startswith("/api/v1/search?") for t in toggles)


@pytest.mark.parametrize("query", [
    "page=0", "page=abc", "limit=0", "limit=101", "limit=9999", "year=abc", "year=99999",
    "sort=random", "recommendation=x", "year_from=1200",
])
def test_bad_search_parameters_are_400_problems(client, spec, query):
    response = client.get(f"/api/v1/search?q=skolskjuts&{query}")
    body = problem(response, 400)
    assert query.split("=")[0] in body["detail"]
    validate(spec, "/api/v1/search", response)


def test_an_over_long_query_is_a_400_problem(client, app):
    response = client.get("/api/v1/search", query_string={"q": "ord " * app.config["MAX_QUERY_CHARS"]})
    assert "för lång" in problem(response, 400)["detail"]


def test_facets_endpoint(client, spec):
    response = client.get("/api/v1/facets?q=skolskjuts")
    validate(spec, "/api/v1/facets", response)
    body = response.get_json()
    assert body["facets"]["committee"]["Grundskolenämnden"] == 2


def test_documents_and_one_document(client, spec):
    response = client.get("/api/v1/documents")
    validate(spec, "/api/v1/documents", response)
    assert response.get_json()["total"] == 4
    doc_id = doc_id_of(client, "yttrande-skolskjuts.txt")
    response = client.get(f"/api/v1/documents/{doc_id}")
    validate(spec, "/api/v1/documents/{doc_id}", response)
    doc = response.get_json()
    assert doc["committee"] == "Grundskolenämnden" and doc["sections"] and doc["text"]
    assert "path" not in doc  # no server file paths in the API
    assert {d["source"] for d in doc["related"]} == {"uppfoljning-skolskjuts.txt"}


@pytest.mark.parametrize("doc_id", ["zz", "..", "0123456789abcdefg", "%2e%2e%5cetc"])
def test_a_malformed_document_id_is_a_400_problem(client, doc_id):
    problem(client.get(f"/api/v1/documents/{doc_id}"), 400)


@pytest.mark.parametrize("path", ["..%2F..%2Fetc%2Fpasswd", "../../etc/passwd", "x/../../web/__init__.py"])
def test_path_traversal_in_a_document_id_finds_nothing(client, path):
    response = client.get(f"/api/v1/documents/{path}")
    assert response.status_code in (400, 404) and response.mimetype == "application/problem+json"
    assert "root:" not in response.get_data(as_text=True) and "create_app" not in response.get_data(as_text=True)


def test_an_unknown_document_is_a_404_problem(client, spec):
    response = client.get("/api/v1/documents/0123456789abcdef")
    problem(response, 404)
    validate(spec, "/api/v1/documents/{doc_id}", response)


def test_commitments_with_filters(client, spec):
    response = client.get("/api/v1/commitments")
    validate(spec, "/api/v1/commitments", response)
    rows = response.get_json()["commitments"]
    assert {r["verdict"] for r in rows} >= {"reported"}
    reported = client.get("/api/v1/commitments?verdict=reported").get_json()["commitments"]
    assert reported and all(r["verdict"] == "reported" for r in reported)
    assert client.get("/api/v1/commitments?committee=Kulturn%C3%A4mnden").get_json()["total"] == 0
    problem(client.get("/api/v1/commitments?status=kanske"), 400)
    problem(client.get("/api/v1/commitments?due_before=2024-02-30"), 400)


def test_cases_case_and_trace(client, spec):
    response = client.get("/api/v1/cases")
    validate(spec, "/api/v1/cases", response)
    cases = response.get_json()["cases"]
    case = next(c for c in cases if len(c["documents"]) == 2)
    response = client.get(f"/api/v1/cases/{case['id']}?as_of=2030-01-01")
    validate(spec, "/api/v1/cases/{case_id}", response)
    body = response.get_json()
    assert body["matrix"]["documents"][0]["doc_id"] == case["documents"][0]["doc_id"]
    assert {c["verdict"] for c in body["commitments"]} <= {"reported", "delayed", "not_done", "overdue",
                                                           "pending", "no_report"}
    response = client.get("/api/v1/trace")
    validate(spec, "/api/v1/trace", response)
    assert any(c["id"] == case["id"] for c in response.get_json()["cases"])
    problem(client.get("/api/v1/cases/case-0000000000000000"), 404)
    problem(client.get("/api/v1/cases/bad%20id"), 400)
    problem(client.get("/api/v1/trace?as_of=i-morgon"), 400)


def test_unknown_api_route_and_wrong_method(client):
    problem(client.get("/api/v1/finns-inte"), 404)
    response = client.delete("/api/v1/search")
    problem(response, 405)
    assert "GET" in response.headers["Allow"]


def test_a_too_large_request_body_is_413(client):
    response = client.post("/api/v1/reindex", data=b"x" * (70 * 1024),
                           headers={"Content-Type": "application/octet-stream"})
    problem(response, 413)


def test_an_internal_error_is_a_500_problem_without_traceback(tmp_path):
    app = create_app({"INDEX": str(tmp_path / "index")})

    @app.get("/api/v1/boom")
    def boom():
        raise RuntimeError("secret internals")

    response = app.test_client().get("/api/v1/boom")
    body = problem(response, 500)
    assert "secret internals" not in response.get_data(as_text=True) and body["title"]


def test_the_rate_limit_answers_429_with_retry_after(place):
    app = create_app({**place.app_config, "RATE_LIMIT": 3})
    client = app.test_client()
    statuses = [client.get("/api/v1/documents").status_code for _ in range(5)]
    assert statuses[:3] == [200, 200, 200] and statuses[3:] == [429, 429]
    response = client.get("/api/v1/documents")
    problem(response, 429)
    assert int(response.headers["Retry-After"]) >= 1
    assert client.get("/static/style.css").status_code == 200  # static files are not counted


def _statuses(client, n, forwarded_for=None):
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    return [client.get("/api/v1/documents", headers=headers).status_code for _ in range(n)]


def test_the_rate_limit_counts_each_client_behind_a_trusted_proxy(place):
    """KB_PROXY_COUNT=1: the client is the address the proxy saw (X-Forwarded-For)."""
    client = create_app({**place.app_config, "RATE_LIMIT": 2, "PROXY_COUNT": 1}).test_client()
    assert _statuses(client, 3, "192.0.2.10") == [200, 200, 429]
    assert _statuses(client, 2, "192.0.2.11") == [200, 200]  # another client has its own count


def test_without_a_trusted_proxy_x_forwarded_for_does_not_make_a_new_client(place):
    client = create_app({**place.app_config, "RATE_LIMIT": 2}).test_client()
    assert _statuses(client, 2, "192.0.2.20") == [200, 200]
    assert _statuses(client, 1, "192.0.2.21") == [429]  # the same peer, whatever it claims


def test_a_new_minute_lets_the_client_in_again(place, monkeypatch):
    import time

    now = [time.time()]
    monkeypatch.setattr(time, "time", lambda: now[0])
    client = create_app({**place.app_config, "RATE_LIMIT": 2}).test_client()
    assert _statuses(client, 3) == [200, 200, 429]
    retry_after = int(client.get("/api/v1/documents").headers["Retry-After"])
    assert 1 <= retry_after <= 60
    now[0] += retry_after + 1
    assert _statuses(client, 1) == [200]


def test_a_zero_rate_limit_turns_the_limit_off(place):
    client = create_app({**place.app_config, "RATE_LIMIT": 0}).test_client()
    assert set(_statuses(client, 50)) == {200}


def test_a_refused_token_is_counted_too(place):
    """Guessing the token costs requests like anything else."""
    app = create_app({**place.app_config, "RATE_LIMIT": 2, "TOKEN": "hemligt-1234"})
    client = app.test_client()
    wrong = {"Authorization": "Bearer fel"}
    assert [client.post("/api/v1/reindex", headers=wrong).status_code for _ in range(3)] == [401, 401, 429]


# -- write access -----------------------------------------------------------------------------

def test_reindex_is_off_without_a_configured_token(client):
    problem(client.post("/api/v1/reindex"), 403)


def test_reindex_needs_the_right_token(tmp_path, where):
    from test_web_support import build_index

    build_index(tmp_path, database=where.database)      # where.index_dir is tmp_path / "index"
    app = create_app({**where.app_config, "TOKEN": "hemligt-1234"})
    client = app.test_client()
    problem(client.post("/api/v1/reindex"), 401)
    problem(client.post("/api/v1/reindex", headers={"Authorization": "Bearer fel"}), 401)
    response = client.post("/api/v1/reindex", headers={"Authorization": "Bearer hemligt-1234"})
    assert response.status_code == 200
    assert len(response.get_json()["indexed"]) == 4
    spec = client.get("/api/v1/openapi.json").get_json()
    validate(spec, "/api/v1/reindex", response, method="post")
    assert client.get("/api/v1/documents").get_json()["total"] == 4


def test_reading_can_require_the_read_token(place):
    app = create_app({**place.app_config, "TOKEN": "skrivnyckel", "READ_TOKEN": "lasnyckel"})
    client = app.test_client()
    problem(client.get("/api/v1/documents"), 401)
    assert client.get("/").status_code == 401
    assert 'Basic realm="kb"' in client.get("/").headers["WWW-Authenticate"]
    assert client.get("/api/v1/documents", headers={"X-KB-Token": "lasnyckel"}).status_code == 200
    basic = base64.b64encode(b"vem-som-helst:lasnyckel").decode()
    assert client.get("/", headers={"Authorization": f"Basic {basic}"}).status_code == 200


def test_configuration_comes_from_the_environment(monkeypatch, place):
    for key, value in place.app_config.items():
        monkeypatch.setenv(f"KB_{key}", str(value))
    monkeypatch.setenv("KB_MAX_PAGE_SIZE", "5")
    monkeypatch.setenv("KB_RATE_LIMIT", "0")
    client = create_app().test_client()
    assert client.get("/api/v1/search?q=skolskjuts&limit=5").status_code == 200
    problem(client.get("/api/v1/search?q=skolskjuts&limit=6"), 400)
    spec = client.get("/api/v1/openapi.json").get_json()
    limit = next(p for p in spec["paths"]["/api/v1/search"]["get"]["parameters"] if p["name"] == "limit")
    assert limit["schema"]["maximum"] == 5
