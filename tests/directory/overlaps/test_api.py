"""GET /api/v1/courses/<provider>/<course>/overlaps, over a catalogue harvested by the real pipeline."""

from __future__ import annotations

from directory.identity.identity import Identity, Role
from directory.overlaps import decisions
from harvester.environment import harvest_environment
from tests.directory.overlaps.test_service import GROUP_ACCOUNTS, MARKET_RESEARCH, REWRITTEN, publish
from tests.factories import course

A, B = "10000001", "10000002"


def harvest(instance, a_id="GA", b_id="GRP"):
    publish(instance, A, [course(a_id, **GROUP_ACCOUNTS)], name="First University")
    publish(instance, B, [course(b_id, **REWRITTEN), course("MR", **MARKET_RESEARCH)], name="Second University")


def test_overlaps_of_a_course_in_the_envelope(client, instance):
    harvest(instance)
    body = client.get(f"/api/v1/courses/{A}/GA/overlaps").json
    assert set(body) == {"total", "page", "per_page", "results", "next_cursor", "next"} and body["total"] == 1
    [item] = body["results"]
    assert item["course"] == {"id": f"{B}/GRP", "title": REWRITTEN["title"],
                              "provider": {"id": B, "name": "University of Testing"}}
    assert item["status"] == "detected" and item["level"] == "suspected" and 0.38 <= item["score"] <= 1
    assert item["reasons"] and set(item["reasons"][0]) == {"part", "outcome", "other_outcome", "similarity", "shared"}
    assert item["reasons"][0]["part"] == "outcomes"
    assert item["reasons"][0]["outcome"] in GROUP_ACCOUNTS["learning_outcomes"]
    assert item["reasons"][0]["shared"]  # the specific words, as this course writes them


def test_dismissed_overlaps_are_left_out_unless_asked_for(client, instance):
    harvest(instance)
    overlap_id = client.get(f"/api/v1/courses/{A}/GA/overlaps").json["results"][0]["id"]
    with instance.sessions.begin() as session:
        decisions.dismiss(session, Identity(user_id=1, role=Role.ADMIN), overlap_id)
    assert client.get(f"/api/v1/courses/{A}/GA/overlaps").json["total"] == 0
    body = client.get(f"/api/v1/courses/{A}/GA/overlaps?include_dismissed=true").json
    assert [(r["status"], r["level"]) for r in body["results"]] == [("dismissed", "dismissed")]


def test_course_ids_with_slashes_reach_the_overlaps_not_the_record(client, instance):
    harvest(instance, a_id="ACC/2027/GA", b_id="B/GRP")
    body = client.get(f"/api/v1/courses/{A}/ACC/2027/GA/overlaps").json
    assert body["total"] == 1 and body["results"][0]["course"]["id"] == f"{B}/B/GRP"
    record = client.get(f"/api/v1/courses/{A}/ACC/2027/GA").json
    assert record["id"] == f"{A}/ACC/2027/GA"


def test_an_unknown_course_is_a_404_problem(client, instance):
    response = client.get(f"/api/v1/courses/{A}/NOPE/overlaps")
    assert response.status_code == 404 and response.mimetype == "application/problem+json"


def test_bad_paging_is_a_400_problem(client, instance):
    harvest(instance)
    response = client.get(f"/api/v1/courses/{A}/GA/overlaps?per_page=0")
    assert response.status_code == 400 and response.json["invalid_params"][0]["name"] == "per_page"


def test_the_openapi_document_describes_the_overlaps(client, instance):
    spec = client.get("/api/v1/openapi.json").json
    assert "/api/v1/courses/{provider_id}/{course_id}/overlaps" in spec["paths"]


def test_both_course_pages_name_the_overlap_with_its_reasons(client, instance):
    from harvester import pipeline, registry
    from tests.factories import course, feed_bytes

    outcomes = ["Critically evaluate supervised machine learning models for classification problems",
                "Apply feature engineering and model selection to a workplace dataset",
                "Communicate the limitations of predictive models to non-specialist stakeholders"]
    for provider, course_id in (("10000001", "ML1"), ("10000002", "ML2")):
        with instance.sessions.begin() as session:
            registry.add_feed(session, registry.FeedSpec(provider, f"University {provider}", None), allow_private=False)
        pipeline.ingest(harvest_environment(instance), provider, feed_bytes(
            [course(course_id, title="Applied machine learning", learning_outcomes=outcomes,
                    subjects=[{"scheme": "HECoS", "code": "100992"}])], provider_id=provider))
    instance.refresh_overlaps()
    first = client.get("/courses/10000001/ML1").get_data(as_text=True)
    second = client.get("/courses/10000002/ML2").get_data(as_text=True)
    assert "May overlap — the universities will check" in first and "/courses/10000002/ML2" in first
    assert "If the universities confirm it, only one of the two will count" in first
    assert "Why we think so" in first and "supervised machine learning" in first
    assert "/courses/10000001/ML1" in second


def test_the_index_carries_overlap_counts_for_both_courses(client, instance):
    test_both_course_pages_name_the_overlap_with_its_reasons(client, instance)
    results = client.get("/api/v1/search?q=machine+learning").json["results"]
    assert {r["id"]: r["overlaps"] for r in results} == {"10000001/ML1": 1, "10000002/ML2": 1}
    assert "Shares content with 1 other course" in client.get("/?q=machine+learning").get_data(as_text=True)
