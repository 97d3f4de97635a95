"""Write access apart from read access, cross-site requests refused, and the smaller points:
no-store caching, relative redirects, the CSV formula guard. (Threat model: docs/security.md.)

Through Flask's test client; the headers on waitress's own errors are tested against the real
server in tests/test_hostile_web.py.
"""

from __future__ import annotations

import base64
import csv
import io

import pytest
from test_web_support import build_index, shared_index

from kb.export import commitments_csv, trace_csv
from web import create_app
from web.security import HEADERS, ConfigError

READ, WRITE = "las-token-1234", "skriv-token-5678"


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    return shared_index(tmp_path_factory)


@pytest.fixture(scope="module")
def writable_index(tmp_path_factory):
    return build_index(tmp_path_factory.mktemp("writable"))


@pytest.fixture()
def client(writable_index):
    app = create_app({"INDEX": str(writable_index), "RATE_LIMIT": 0, "TOKEN": WRITE, "READ_TOKEN": READ})
    return app.test_client()


def basic(password: str) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f"vem:{password}".encode()).decode()}


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


# -- 6. write access apart from read access ------------------------------------------------------

def test_readers_need_the_read_token_and_the_write_token_is_not_one(client):
    assert client.get("/api/v1/documents").status_code == 401
    assert client.get("/api/v1/documents", headers=bearer(READ)).status_code == 200
    assert client.get("/", headers=basic(READ)).status_code == 200
    assert client.get("/api/v1/documents", headers={"X-KB-Token": READ}).status_code == 200
    # The write token opens nothing for reading, whichever way it is sent.
    assert client.get("/api/v1/documents", headers=bearer(WRITE)).status_code == 401
    assert client.get("/", headers=basic(WRITE)).status_code == 401
    assert client.get("/api/v1/documents", headers={"X-KB-Token": WRITE}).status_code == 401


def test_writing_needs_the_write_token_as_bearer(client, writable_index):
    assert client.post("/api/v1/reindex").status_code == 401
    response = client.post("/api/v1/reindex", headers=bearer(READ))
    assert response.status_code == 401 and response.headers["WWW-Authenticate"].startswith("Bearer")
    # A browser's cached Basic login, a custom header or a cookie never carries the write token.
    assert client.post("/api/v1/reindex", headers=basic(WRITE)).status_code == 401
    assert client.post("/api/v1/reindex", headers={"X-KB-Token": WRITE}).status_code == 401
    client.set_cookie("token", WRITE)
    client.set_cookie("session", WRITE)
    assert client.post("/api/v1/reindex", headers={"Cookie": f"token={WRITE}"}).status_code == 401
    response = client.post("/api/v1/reindex", headers=bearer(WRITE))
    assert response.status_code == 200, response.get_data(as_text=True)
    assert len(response.get_json()["indexed"]) == 4
    # Files by name: the server's folders are not shown (issue 15, point 8).
    assert all("/" not in name for name in response.get_json()["indexed"])
    assert str(writable_index.parent) not in response.get_data(as_text=True)


@pytest.mark.parametrize("headers", [
    {"Origin": "https://angripare.example"},
    {"Origin": "null"},
    {"Sec-Fetch-Site": "cross-site"},
    {"Sec-Fetch-Site": "same-site", "Origin": "http://localhost"},  # a sibling sub-domain
    {"Origin": "http://localhost:8001"},  # another port is another origin
])
def test_a_cross_site_post_is_refused_even_with_the_token(client, headers):
    response = client.post("/api/v1/reindex", headers={**bearer(WRITE), **headers})
    assert response.status_code == 403
    assert "annan webbplats" in response.get_json()["detail"]


@pytest.mark.parametrize("headers", [
    {},  # curl and scripts send neither
    {"Origin": "http://localhost"},
    {"Sec-Fetch-Site": "same-origin", "Origin": "http://localhost"},
    {"Sec-Fetch-Site": "none"},
])
def test_a_post_from_our_own_origin_or_no_browser_passes(client, headers):
    response = client.post("/api/v1/reindex", headers={**bearer(WRITE), **headers})
    assert response.status_code == 200


def test_the_cross_site_form_post_of_the_report_gets_nothing(writable_index):
    """The attack of issue 15: readers logged in with the write token (KB_READ_TOKEN_REQUIRED=1),
    a cross-site form posted with the cached Basic login. Both halves are refused now."""
    with pytest.raises(ConfigError, match="KB_READ_TOKEN_REQUIRED is replaced by KB_READ_TOKEN"):
        create_app({"INDEX": str(writable_index), "TOKEN": WRITE, "READ_TOKEN_REQUIRED": "1"})
    app = create_app({"INDEX": str(writable_index), "RATE_LIMIT": 0, "TOKEN": WRITE, "READ_TOKEN": READ})
    form = {**basic(WRITE), "Origin": "https://angripare.example", "Sec-Fetch-Site": "cross-site",
            "Content-Type": "application/x-www-form-urlencoded"}
    assert app.test_client().post("/api/v1/reindex", data="a=1", headers=form).status_code == 403
    form.pop("Origin")
    form.pop("Sec-Fetch-Site")
    assert app.test_client().post("/api/v1/reindex", data="a=1", headers=form).status_code == 401


def test_the_same_token_for_reading_and_writing_is_refused(writable_index):
    with pytest.raises(ConfigError, match="the same"):
        create_app({"INDEX": str(writable_index), "TOKEN": WRITE, "READ_TOKEN": WRITE})


def test_kb_serve_refuses_a_contradictory_configuration_in_one_line(writable_index):
    import os
    import subprocess
    import sys

    env = dict(os.environ, KB_TOKEN=WRITE, KB_READ_TOKEN=WRITE)
    done = subprocess.run([sys.executable, "-m", "kb.cli", "serve", "--index", str(writable_index),
                           "--port", "0"], capture_output=True, text=True, timeout=60, env=env)
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "KB_READ_TOKEN and KB_TOKEN are the same" in lines[0], done.stderr


# -- 8. the smaller points -----------------------------------------------------------------------

def test_authenticated_and_api_responses_are_not_stored(client, index_dir):
    for path in ("/api/v1/documents", "/api/v1/search?q=skolskjuts", "/", "/ataganden"):
        response = client.get(path, headers=bearer(READ))
        assert response.headers["Cache-Control"] == "no-store", path
        assert "Authorization" in response.headers["Vary"], path
    assert client.get("/api/v1/documents").headers["Cache-Control"] == "no-store"  # the 401 too
    public = create_app({"INDEX": str(index_dir), "RATE_LIMIT": 0}).test_client()
    assert public.get("/api/v1/documents").headers["Cache-Control"] == "no-store"


def test_every_error_carries_the_security_headers(index_dir):
    app = create_app({"INDEX": str(index_dir), "RATE_LIMIT": 5, "TOKEN": WRITE})
    client = app.test_client()
    answers = [client.get("/finns-inte"), client.get("/api/v1/search?limit=abc"),
               client.post("/api/v1/reindex", data=b"x" * (70 * 1024)), client.delete("/api/v1/search"),
               client.post("/api/v1/reindex", headers={"Origin": "https://angripare.example"}),
               *(client.get("/api/v1/documents") for _ in range(6))]  # past RATE_LIMIT: 429
    assert {a.status_code for a in answers} >= {404, 400, 413, 405, 403, 429}
    for answer in answers:
        for name, value in HEADERS.items():
            assert answer.headers.get(name) == value, (answer.status_code, name)


def test_redirects_are_relative_whatever_the_host_header(client):
    response = client.get("/api/v1//documents", headers={**bearer(READ), "Host": "angripare.example"})
    assert response.status_code in (301, 302, 307, 308)
    location = response.headers["Location"]
    assert location.startswith("/") and not location.startswith("//"), location
    assert "angripare" not in location


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_the_csv_guard_covers_every_formula_start(start):
    evil = f"{start}HYPERLINK(\"https://angripare.example\")"
    row = {"id": "c1", "doc_id": "d1", "source": "a.txt", "text": evil, "status": "planned",
           "deadline": {"start": "2025-01-01", "end": "2025-12-31", "text": evil, "flag": None}}
    for text in (commitments_csv([row]), trace_csv({"cases": [{"id": "k", "subject": evil, "commitments": [
            {**row, "verdict": "no_report", "evidence": evil, "follow_ups": []}]}]})):
        cells = [c for r in csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";") for c in r]
        risky = [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))]
        assert not risky, risky
        assert any(c == "'" + evil for c in cells)
