"""The API's contract: every operation of the served OpenAPI document is called with a valid request over a
seeded catalogue and exchange, and each answer, success or problem document, must validate (jsonschema)
against the schema the document declares for its status. The answer schemas are closed
(``additionalProperties: false``), so a presenter that answers a field its schema does not declare fails
here. ``CALLS`` names one call per operation; an operation added to the document without one fails
``test_every_operation_has_a_contract_call``.
"""

from __future__ import annotations

import copy
from typing import Any

import jsonschema
import pytest

from tests.directory.pathways.helpers import A
from tests.factories import feed_document
from tests.test_schemathesis import seeded_app

COURSE = f"{A}/DS1"
# A's catalogue without its courses: their withdrawal is held for an administrator (the run is "held").
PUSH = feed_document([], provider_id=A)

# (method, path, keyword arguments of the test client's call): one per operation of the document, in
# the document's order. The ids are those ``_seed`` makes in a fresh database.
CALLS: dict[tuple[str, str], dict[str, Any]] = {
    ("GET", "/api/v1/providers"): {"query_string": {"per_page": 1}},
    ("GET", "/api/v1/courses"): {"query_string": {"per_page": 2}},
    ("GET", "/api/v1/courses/{provider_id}/{course_id}/versions"): {"path": f"/api/v1/courses/{COURSE}/versions"},
    ("GET", "/api/v1/courses/{provider_id}/{course_id}"): {"path": f"/api/v1/courses/{COURSE}"},
    ("GET", "/api/v1/me"): {},
    ("GET", "/api/v1/search"): {"query_string": {"q": "data"}},
    ("GET", "/api/v1/courses/{provider_id}/{course_id}/overlaps"): {"path": f"/api/v1/courses/{COURSE}/overlaps"},
    ("POST", "/api/v1/overlaps/{overlap_id}/confirm"): {"path": "/api/v1/overlaps/1/confirm"},
    ("POST", "/api/v1/overlaps/{overlap_id}/dismiss"): {"path": "/api/v1/overlaps/1/dismiss"},
    ("GET", "/api/v1/pathways"): {},
    ("GET", "/api/v1/pathways/{pathway_id}"): {"path": "/api/v1/pathways/pg-ds"},
    ("POST", "/api/v1/planner/evaluate"): {"json": {"achievements": [{"course": COURSE, "awarded_on": "2025-06-01"}]}},
    ("PUT", "/api/v1/providers/{provider_id}/catalogue"): {"path": f"/api/v1/providers/{A}/catalogue", "json": PUSH},
    ("GET", "/api/v1/providers/{provider_id}/feed"): {"path": f"/api/v1/providers/{A}/feed"},
    ("PUT", "/api/v1/providers/{provider_id}/feed"): {"path": f"/api/v1/providers/{A}/feed", "json": {"url": None}},
    ("GET", "/api/v1/providers/{provider_id}/harvest/runs"): {"path": f"/api/v1/providers/{A}/harvest/runs"},
    ("GET", "/api/v1/providers/{provider_id}/harvest/quarantine"): {"path": f"/api/v1/providers/{A}/harvest/quarantine"},
    ("GET", "/api/v1/harvest/runs"): {},
    ("GET", "/api/v1/harvest/quarantine"): {},
    ("GET", "/api/v1/agreements"): {},
    ("POST", "/api/v1/agreements"): {"json": {}},
    ("GET", "/api/v1/agreements/{agreement_id}"): {"path": "/api/v1/agreements/1"},
    ("PUT", "/api/v1/agreements/{agreement_id}"): {"path": "/api/v1/agreements/1", "json": {}},
    ("GET", "/api/v1/agreements/{agreement_id}/versions"): {"path": "/api/v1/agreements/1/versions"},
    ("GET", "/api/v1/agreements/{agreement_id}/diff"): {"path": "/api/v1/agreements/1/diff",
                                                      "query_string": {"from": 1, "to": 1}},
    ("POST", "/api/v1/agreements/{agreement_id}/approvals"): {"path": "/api/v1/agreements/1/approvals", "json": {}},
    ("POST", "/api/v1/agreements/{agreement_id}/propose"): {"path": "/api/v1/agreements/1/propose"},
    ("POST", "/api/v1/agreements/{agreement_id}/suspend"): {"path": "/api/v1/agreements/1/suspend", "json": {}},
    ("POST", "/api/v1/agreements/{agreement_id}/resume"): {"path": "/api/v1/agreements/1/resume", "json": {}},
    ("POST", "/api/v1/agreements/{agreement_id}/terminate"): {"path": "/api/v1/agreements/1/terminate", "json": {}},
    ("PUT", "/api/v1/awards"): {"json": {"org_id": A, "code": "MSC-AI", "title": "MSc Artificial Intelligence",
                                         "total_credit": "180", "level": 7}},
    ("GET", "/api/v1/qualification-offers"): {},
    ("POST", "/api/v1/qualification-offers/{offer_id}/confirm"): {"path": "/api/v1/qualification-offers/1/confirm",
                                                                  "json": {}},
    ("POST", "/api/v1/qualification-offers/{offer_id}/dismiss"): {"path": "/api/v1/qualification-offers/1/dismiss"},
    ("GET", "/api/v1/transfer-requests"): {},
    ("POST", "/api/v1/transfer-requests"): {"json": {}},
    ("GET", "/api/v1/transfer-requests/queue"): {},
    ("GET", "/api/v1/transfer-requests/{request_id}"): {"path": "/api/v1/transfer-requests/1"},
    ("POST", "/api/v1/transfer-requests/{request_id}/decision"): {"path": "/api/v1/transfer-requests/1/decision",
                                                                 "json": {}},
    ("POST", "/api/v1/transfer-requests/{request_id}/withdraw"): {"path": "/api/v1/transfer-requests/1/withdraw"},
    ("POST", "/api/v1/transfer-requests/{request_id}/appeal"): {"path": "/api/v1/transfer-requests/1/appeal",
                                                               "json": {}},
    ("GET", "/api/v1/learners/me/credit"): {},
    ("PUT", "/api/v1/members/{org_id}/webhook"): {"path": f"/api/v1/members/{A}/webhook",
                                                  "json": {"url": "https://hooks.example.org/climbing-frame"}},
    ("DELETE", "/api/v1/members/{org_id}/webhook"): {"path": f"/api/v1/members/{A}/webhook"},
}

# Operations whose call above must succeed (2xx); the others are answered with a problem document the
# call provokes on purpose (an empty body, an id the seed does not make), which must validate as well.
MUST_SUCCEED = {key for key in CALLS if key[0] == "GET" and key[1] != "/api/v1/learners/me/credit"} | {
    ("POST", "/api/v1/planner/evaluate"), ("PUT", "/api/v1/providers/{provider_id}/catalogue"),
    ("PUT", "/api/v1/providers/{provider_id}/feed"), ("PUT", "/api/v1/awards"),
    ("PUT", "/api/v1/members/{org_id}/webhook"), ("DELETE", "/api/v1/members/{org_id}/webhook")}


@pytest.fixture(scope="module")
def api(tmp_path_factory, database_kind):
    instance, app, token = seeded_app(tmp_path_factory.mktemp("contract"), database_kind)
    yield app.test_client(), {"Authorization": f"Bearer {token}"}
    instance.close()


@pytest.fixture(scope="module")
def document(api) -> dict:
    client, _ = api
    return client.get("/api/v1/openapi.json").json


def _operations(document: dict) -> set[tuple[str, str]]:
    return {(method.upper(), path) for path, item in document["paths"].items() for method in item
            if method in ("get", "put", "post", "delete", "patch")}


def _as_json_schema(node: Any) -> Any:
    """OpenAPI 3.0's ``nullable`` as JSON Schema's null type."""
    if isinstance(node, list):
        return [_as_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _as_json_schema(value) for key, value in node.items()}
    if node.pop("nullable", False):
        if "type" in node:
            node["type"] = [node["type"], "null"]
        else:
            node = {"anyOf": [node, {"type": "null"}]}
    return node


def _response_schema(document: dict, operation: dict, status: int) -> tuple[str, dict | None]:
    declared = operation["responses"].get(str(status)) or operation["responses"].get("default")
    assert declared is not None, f"status {status} is not documented"
    if "$ref" in declared:
        declared = document["components"]["responses"][declared["$ref"].rsplit("/", 1)[1]]
    content = declared.get("content") or {}
    if not content:
        return "", None
    [(media_type, body)] = content.items()
    return media_type, body.get("schema")


def _validate(document: dict, schema: dict, body: Any) -> None:
    components = _as_json_schema(copy.deepcopy(document["components"]))
    jsonschema.validate(body, {**_as_json_schema(schema), "components": components})


def test_every_operation_has_a_contract_call(document):
    assert _operations(document) == set(CALLS), "each operation of the document needs a call in CALLS"


def test_answer_schemas_are_closed(document):
    # Problem documents stay open on purpose: RFC 9457 extension members (invalid_params, report, ...).
    open_ = [name for name, schema in document["components"]["schemas"].items()
             if schema.get("properties") and schema.get("additionalProperties") is not False
             and not name.endswith("In") and name != "ProblemOut"]
    assert open_ == []


@pytest.mark.parametrize("key", list(CALLS), ids=[f"{m} {p}" for m, p in CALLS])
def test_the_answer_keeps_to_the_document(api, document, key):
    client, headers = api
    method, path = key
    call = dict(CALLS[key])
    response = client.open(call.pop("path", path), method=method, headers=headers, **call)
    assert response.status_code < 500, response.get_data(as_text=True)
    if key in MUST_SUCCEED:
        assert response.status_code < 300, response.get_data(as_text=True)
    operation = document["paths"][path][method.lower()]
    media_type, schema = _response_schema(document, operation, response.status_code)
    if schema is None:
        assert not response.get_data()
        return
    assert response.mimetype == media_type
    _validate(document, schema, response.json)


def test_a_bad_cursor_is_a_problem_document(api, document):
    client, _ = api
    response = client.get("/api/v1/courses", query_string={"cursor": "not-a-cursor"})
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    _, schema = _response_schema(document, document["paths"]["/api/v1/courses"]["get"], 400)
    _validate(document, schema, response.json)
    # A cursor of another list is not a position in this one.
    other = client.get("/api/v1/providers", query_string={"per_page": 1}).json["next_cursor"]
    assert client.get("/api/v1/courses", query_string={"cursor": other}).status_code == 400


@pytest.mark.parametrize("path", ["/api/v1/providers", "/api/v1/courses", f"/api/v1/courses/{COURSE}/versions"])
def test_walking_a_list_by_cursor_returns_every_item_once_in_order(api, path):
    client, _ = api
    everything = client.get(path, query_string={"per_page": 100}).json
    seen, cursor, pages = [], None, 0
    while True:
        body = client.get(path, query_string={"per_page": 1, **({"cursor": cursor} if cursor else {})}).json
        seen += body["results"]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            assert body["next"] is None
            break
        assert body["next"].endswith(f"cursor={cursor}") or f"cursor={cursor}" in body["next"]
    assert seen == everything["results"] and len(seen) == everything["total"] and pages == max(len(seen), 1)


def test_the_next_link_is_the_next_page(api):
    client, _ = api
    first = client.get("/api/v1/courses", query_string={"per_page": 1})
    second = client.get(first.json["next"])
    assert second.status_code == 200 and second.json["page"] is None
    by_number = client.get("/api/v1/courses", query_string={"per_page": 1, "page": 2}).json
    assert second.json["results"] == by_number["results"]


def test_a_field_the_schema_does_not_declare_fails_the_contract(api, document):
    client, _ = api
    body = client.get("/api/v1/providers").json
    schema = document["paths"]["/api/v1/providers"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    _validate(document, schema, body)
    body["results"][0]["drifted"] = True
    with pytest.raises(jsonschema.ValidationError):
        _validate(document, schema, body)
