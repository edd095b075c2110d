"""The catalogue API and pages, over a catalogue built by the real pipeline."""

from __future__ import annotations

import pytest

from directory.identity.identity import Role
from harvester import pipeline, registry
from harvester.environment import harvest_environment
from tests.auth import add_user, signed_in
from tests.factories import course, feed_bytes

A, B = "10000001", "10000002"


def publish(instance, provider_id, courses, name="University"):
    with instance.sessions.begin() as session:
        if provider_id not in {f.id for f in registry.list_feeds(session)}:
            registry.add_feed(session, registry.FeedSpec(provider_id, name, None), allow_private=False)
    return pipeline.ingest(harvest_environment(instance), provider_id, feed_bytes(courses, provider_id=provider_id))


@pytest.fixture
def catalogue(instance):
    publish(instance, A, [course("A1"), course("A2"), course("A3", credit={"value": "x", "scheme": "CATS"})])
    publish(instance, B, [course("B1")], name="Second University")
    publish(instance, A, [course("A1", title="Applied topic A1, second edition")])  # A2 withdrawn
    return instance


def test_health(client, instance):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok"}


def test_providers_list_in_the_envelope(client, catalogue):
    body = client.get("/api/v1/providers").json
    # The envelope grew the keyset cursor (issue 14): next_cursor and its link, null on the last page.
    assert set(body) == {"total", "page", "per_page", "results", "next_cursor", "next"}
    assert body["next_cursor"] is None and body["next"] is None
    assert body["total"] == 2
    counts = {p["id"]: p["active_courses"] for p in body["results"]}
    assert counts == {A: 1, B: 1}


def test_courses_lists_active_only_with_stable_paging(client, catalogue):
    body = client.get("/api/v1/courses?per_page=1&page=1").json
    assert body["total"] == 2 and body["per_page"] == 1
    second = client.get("/api/v1/courses?per_page=1&page=2").json
    assert [body["results"][0]["id"], second["results"][0]["id"]] == [f"{A}/A1", f"{B}/B1"]
    only_b = client.get(f"/api/v1/courses?provider={B}").json
    assert [c["id"] for c in only_b["results"]] == [f"{B}/B1"]


def test_bad_parameters_get_a_problem_document_naming_them(client, catalogue):
    response = client.get("/api/v1/courses?per_page=1000")
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert response.json["invalid_params"][0]["name"] == "per_page"
    assert "per_page" in response.json["detail"]


def test_a_course_record_carries_the_minimum_information_set(client, catalogue):
    record = client.get(f"/api/v1/courses/{A}/A1").json
    assert record["status"] == "active" and record["title"] == "Applied topic A1, second edition"
    assert record["credit"]["ects"] == 7.5 and record["level"]["eqf"] == 7
    assert record["subjects"][0]["cah1"].startswith("CAH")
    for key in ("aims", "learning_outcomes", "mode", "awarding_body", "assessment", "version", "completeness"):
        assert key in record


def test_a_withdrawn_course_is_still_returned_with_its_date(client, catalogue):
    record = client.get(f"/api/v1/courses/{A}/A2").json
    assert record["status"] == "withdrawn" and record["withdrawn_at"]


def test_a_course_never_seen_is_a_404_problem(client, catalogue):
    response = client.get(f"/api/v1/courses/{A}/NOPE")
    assert response.status_code == 404 and response.mimetype == "application/problem+json"
    assert response.json["status"] == 404 and "NOPE" in response.json["detail"]


def test_versions_newest_first(client, catalogue):
    body = client.get(f"/api/v1/courses/{A}/A1/versions").json
    assert body["total"] == 2
    titles = [v["content"]["title"] for v in body["results"]]
    assert titles == ["Applied topic A1, second edition", "Applied topic A1"]


@pytest.fixture
def admin(app, instance):
    """Run reports and quarantines are members' own: an administrator sees every feed's."""
    return signed_in(app, instance, add_user(instance, "admin@example.org", Role.ADMIN))


def test_harvest_runs_and_quarantine(admin, catalogue):
    client = admin
    runs = client.get(f"/api/v1/harvest/runs?feed={A}").json
    assert runs["total"] == 2
    latest = runs["results"][0]
    assert latest["feed"] == A and latest["outcome"] == "succeeded"
    assert latest["counts"] == {"seen": 1, "new": 0, "changed": 1, "unchanged": 0, "withdrawn": 1, "quarantined": 0,
                                "marked_withdrawn": 0, "qualifications": 0, "not_imported": 0,
                                "pathways": {"seen": 0, "quarantined": 0}}
    first = runs["results"][1]
    assert first["counts"]["quarantined"] == 1
    # The quarantine is the latest run's: A's latest run had nothing bad.
    assert client.get(f"/api/v1/harvest/quarantine?feed={A}").json["total"] == 0


def test_quarantine_names_field_and_reason(admin, instance):
    client = admin
    publish(instance, A, [course("A1"), course("BAD", level={"framework": "FHEQ", "value": 2})])
    entries = client.get("/api/v1/harvest/quarantine").json["results"]
    assert [(e["record_id"], e["field"]) for e in entries] == [("BAD", "level.value")]
    assert "not a higher-education level" in entries[0]["reason"]


def test_the_openapi_document_describes_the_api(client, instance):
    spec = client.get("/api/v1/openapi.json").json
    for path in ("/api/v1/providers", "/api/v1/courses", "/api/v1/courses/{provider_id}/{course_id}",
                 "/api/v1/harvest/runs", "/api/v1/harvest/quarantine"):
        assert path in spec["paths"], path


def test_unknown_api_routes_are_problem_documents(client, instance):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404 and response.mimetype == "application/problem+json"


def test_catalogue_and_course_pages(client, catalogue):
    page = client.get("/").get_data(as_text=True)
    assert "Applied topic A1, second edition" in page and "15 credits (7.5 ECTS), master" in page
    course_page = client.get(f"/courses/{A}/A1").get_data(as_text=True)
    assert "Critically evaluate current approaches" in course_page
    withdrawn = client.get(f"/courses/{A}/A2")
    assert withdrawn.status_code == 200 and "has been withdrawn" in withdrawn.get_data(as_text=True)
    missing = client.get(f"/courses/{A}/NOPE", headers={"Accept": "text/html"})
    assert missing.status_code == 404 and "<html" in missing.get_data(as_text=True)
