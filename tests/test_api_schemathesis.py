"""Scan the API with schemathesis against its own OpenAPI description: no 500s, and every
response (status, content type, headers, body) as described. In-process over WSGI, real index.

schemathesis' lazy pytest loader does not run under pytest 9, so each operation gets its own
test here and hypothesis draws the cases from schemathesis' strategy for that operation.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from test_web_support import shared_index

from web import create_app
from web.openapi import openapi_document
from web.params import Limits

OPERATIONS = [(method, path) for path, item in openapi_document(Limits())["paths"].items() for method in item]


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory):
    app = create_app({"INDEX": str(shared_index(tmp_path_factory)), "RATE_LIMIT": 0})
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


@pytest.mark.parametrize("method, path", OPERATIONS, ids=[f"{m.upper()} {p}" for m, p in OPERATIONS])
def test_the_api_keeps_to_its_description(api_schema, method, path):
    operation = api_schema[path][method]
    called = []

    @given(case=operation.as_strategy())
    @settings(max_examples=40, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def check(case):
        case.call_and_validate()  # raises on a 500 or an answer unlike its description
        called.append(case)

    check()
    assert called, "no case was drawn for this operation"  # one suffices for an operation without parameters
