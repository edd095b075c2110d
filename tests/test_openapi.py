"""The OpenAPI document (/api/v1/openapi.json): a valid OpenAPI 3.0 document (openapi-spec-validator),
errors documented as the problem documents they are, every id bounded to what the columns hold, and the
rules a request must satisfy written down; and the app keeps to those bounds on either database."""

from __future__ import annotations

from decimal import Decimal

import pytest
from openapi_spec_validator import validate

from directory.identity.identity import Role
from directory.web.ids import MAX_ID
from directory.web.problems import PROBLEM_JSON
from exchange.awards import AwardSpec, register_award
from tests.auth import add_org, add_user, csrf_of, signed_in
from tests.exchange.conftest import ADMIN

METHODS = ("get", "put", "post", "delete", "patch")


@pytest.fixture
def document(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json


def resolve(document, item):
    while isinstance(item, dict) and "$ref" in item:
        node = document
        for part in item["$ref"].removeprefix("#/").split("/"):
            node = node[part]
        item = node
    return item


def operations(document):
    for path, item in document["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method], item.get("parameters", []) + item[method].get("parameters", [])


def properties(document, schema):
    """Every (name, property schema) of a request schema, nested ones included."""
    schema = resolve(document, schema)
    for name, prop in (schema.get("properties") or {}).items():
        prop = resolve(document, prop)
        yield name, prop
        for inner in (prop, prop.get("items") or {}):
            inner = resolve(document, inner)
            if inner.get("properties"):
                yield from properties(document, inner)


def test_the_document_is_valid_openapi(document):
    validate(document)  # raises, naming the first problem (a string "maximum" was one)
    assert document["openapi"].startswith("3.0")


def test_every_error_response_is_documented_as_a_problem_document(document):
    count = 0
    for path, method, operation, _ in operations(document):
        for status, response in operation["responses"].items():
            if status.startswith("2"):
                continue
            content = resolve(document, response).get("content") or {}
            assert list(content) == [PROBLEM_JSON], (method, path, status, list(content))
            assert resolve(document, content[PROBLEM_JSON]["schema"])["properties"]["title"]["type"] == "string"
            count += 1
    assert count >= 40  # every operation's default error at least


def test_a_bad_argument_is_documented_as_the_400_it_is(client, document):
    listing = document["paths"]["/api/v1/agreements"]["get"]["responses"]
    assert "400" in listing and "422" not in listing
    response = client.get("/api/v1/agreements?limit=0")
    assert response.status_code == 400 and response.mimetype == PROBLEM_JSON
    assert response.json["invalid_params"][0]["name"] == "limit"


def test_every_id_is_bounded_by_the_columns_range(document):
    ids = []
    for path, method, operation, parameters in operations(document):
        for parameter in parameters:
            schema = parameter.get("schema") or {}
            if schema.get("type") == "integer" and (parameter["in"] == "path" or parameter["name"].endswith("id")
                                                    or parameter["name"] in ("after", "from", "to")):
                ids.append((method, path, parameter["name"], schema))
        body = (operation.get("requestBody") or {}).get("content", {}).get("application/json")
        if body:
            for name, prop in properties(document, body["schema"]):
                if prop.get("type") == "integer" and name.endswith("_id"):
                    ids.append((method, path, name, prop))
    names = {name for *_, name, _ in ids}
    assert {"agreement_id", "request_id", "overlap_id", "after", "after_id", "from", "to",
            "course_version_id"} <= names
    for method, path, name, schema in ids:
        assert schema.get("maximum") == MAX_ID and schema.get("minimum") in (0, 1), (method, path, name, schema)


def test_the_rules_a_request_must_satisfy_are_documented(document):
    search = {p["name"]: p for p in document["paths"]["/api/v1/search"]["get"]["parameters"]}
    for name in ("page", "per_page"):
        assert "page times per_page must not exceed 10000" in search[name]["description"]
    schemas = document["components"]["schemas"]
    for schema, field in (("ReasonIn", "reason"), ("AppealIn", "reason"), ("AgreementIn", "title")):
        prop = schemas[schema]["properties"][field]
        assert prop["pattern"] == r"\S" and prop["minLength"] == 1, (schema, field)
    credit = schemas["AchievementIn"]["properties"]["credit"]
    assert credit["minimum"] == 0 and credit["exclusiveMinimum"] is True and credit["maximum"] == 1000
    assert schemas["TermsIn"]["properties"]["credit_factor"] == {
        "type": "number", "default": 1, "minimum": 0, "exclusiveMinimum": True, "maximum": 1,
        "description": "Share of the credit recognised"}


# -- the bounds hold, on SQLite and on PostgreSQL (where 2^31 is "integer out of range") ------------

OUTSIDE = (MAX_ID + 1, 2**63)


@pytest.mark.parametrize("number", OUTSIDE)
@pytest.mark.parametrize("path", [
    "/api/v1/agreements/{}", "/api/v1/agreements/{}/versions", "/api/v1/agreements/{}/diff?from=1&to=2",
    "/api/v1/transfer-requests/{}", "/agreements/{}", "/requests/{}",
])
def test_an_id_outside_the_columns_range_in_a_path_is_not_found(client, path, number):
    response = client.get(path.format(number))
    assert response.status_code == 404


@pytest.mark.parametrize("number", OUTSIDE)
@pytest.mark.parametrize("method,path", [
    ("post", "/api/v1/overlaps/{}/confirm"), ("post", "/api/v1/agreements/{}/propose"),
    ("post", "/api/v1/transfer-requests/{}/withdraw"),
])
def test_an_id_outside_the_range_is_not_found_before_anything_else_is_asked(client, method, path, number):
    assert getattr(client, method)(path.format(number)).status_code == 404


def test_the_largest_id_the_column_holds_is_looked_up_and_names_nothing(client):
    assert client.get(f"/api/v1/agreements/{MAX_ID}").status_code == 404
    assert client.get(f"/api/v1/agreements?after={MAX_ID}").json["results"] == []


@pytest.mark.parametrize("number", OUTSIDE)
@pytest.mark.parametrize("query,name", [
    ("/api/v1/agreements?after={}", "after"), ("/api/v1/agreements/1/diff?from={}&to=1", "from"),
    ("/api/v1/agreements/1/diff?from=1&to={}", "to"),
])
def test_an_id_outside_the_range_in_a_query_is_a_bad_request_naming_it(client, query, name, number):
    response = client.get(query.format(number))
    assert response.status_code == 400 and response.mimetype == PROBLEM_JSON
    assert [p["name"] for p in response.json["invalid_params"]] == [name]


def test_an_id_outside_the_range_in_a_body_is_a_bad_request_naming_it(app, instance):
    learner = signed_in(app, instance, add_user(instance, "learner@example.org", Role.LEARNER))
    response = learner.post("/api/v1/transfer-requests", headers={"X-CSRFToken": csrf_of(learner)}, json={
        "target_org": "10000001", "award_code": "MSC", "purpose": "entry",
        "achievements": [{"awarded_on": "2025-01-01", "course_version_id": 2**63, "content_hash": "x"}]})
    assert response.status_code == 400
    assert [p["name"] for p in response.json["invalid_params"]] == ["achievements[0].course_version_id"]


def test_a_version_in_if_match_that_is_no_number_is_a_428_not_an_error(app, instance):

    admin = signed_in(app, instance, add_user(instance, "admin@example.org", Role.ADMIN))
    for value in ('"²"', "9" * 5000):
        response = admin.post("/api/v1/transfer-requests/1/decision", json={"action": "accept"},
                              headers={"X-CSRFToken": csrf_of(admin), "If-Match": value})
        assert response.status_code == 428 and response.mimetype == PROBLEM_JSON


def test_an_idempotency_key_longer_than_its_column_is_a_bad_request(app, instance):
    add_org(instance, "10000001")
    with instance.sessions.begin() as session:  # so that the request would be stored, key and all
        register_award(session, ADMIN, AwardSpec("10000001", "MSC", "MSc", Decimal(180), 7))
    learner = signed_in(app, instance, add_user(instance, "learner@example.org", Role.LEARNER))
    response = learner.post("/api/v1/transfer-requests", json={
        "target_org": "10000001", "award_code": "MSC", "purpose": "advanced_standing",
        "achievements": [{"awarded_on": "2025-01-01", "title": "Statistics", "provider_name": "Elsewhere",
                          "credit": 10, "level": 6}]},
        headers={"X-CSRFToken": csrf_of(learner), "Idempotency-Key": "k" * 201})
    assert response.status_code == 400
    assert [p["name"] for p in response.json["invalid_params"]] == ["Idempotency-Key"]
