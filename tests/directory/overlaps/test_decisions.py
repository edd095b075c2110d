"""People decide detected overlaps: administrators everywhere, staff for their own courses, nobody else."""

from __future__ import annotations

import pytest

from directory.identity.identity import Role
from harvester import pipeline, registry
from harvester.environment import harvest_environment
from tests.auth import ALL_PERMISSIONS, add_org, add_user, csrf_of, signed_in
from tests.factories import course, feed_bytes

A, B, C = "10000001", "10000002", "10000003"
OUTCOMES = ["Critically evaluate supervised machine learning models for classification problems",
            "Apply feature engineering and model selection to a workplace dataset",
            "Communicate the limitations of predictive models to non-specialist stakeholders"]


@pytest.fixture
def overlap_id(instance, client):
    for provider, course_id in ((A, "ML1"), (B, "ML2")):
        with instance.sessions.begin() as session:
            registry.add_feed(session, registry.FeedSpec(provider, f"University {provider}", None), allow_private=False)
        pipeline.ingest(harvest_environment(instance), provider, feed_bytes(
            [course(course_id, title="Applied machine learning", learning_outcomes=OUTCOMES,
                    subjects=[{"scheme": "HECoS", "code": "100992"}])], provider_id=provider))
    instance.refresh_overlaps()
    return client.get(f"/api/v1/courses/{A}/ML1/overlaps").json["results"][0]["id"]


def post(client, url):
    return client.post(url, headers={"X-CSRFToken": csrf_of(client)})


def test_staff_of_either_provider_may_confirm_and_others_may_not(app, instance, overlap_id):
    add_org(instance, C, "Third University")
    outsider = signed_in(app, instance, add_user(instance, "staff@c.example.org", Role.STAFF, C, ALL_PERMISSIONS))
    learner = signed_in(app, instance, add_user(instance, "learner@example.org", Role.LEARNER))
    staff_b = signed_in(app, instance, add_user(instance, "staff@b.example.org", Role.STAFF, B, ALL_PERMISSIONS))
    assert post(learner, f"/api/v1/overlaps/{overlap_id}/confirm").status_code == 403
    assert post(outsider, f"/api/v1/overlaps/{overlap_id}/confirm").status_code == 403
    confirmed = post(staff_b, f"/api/v1/overlaps/{overlap_id}/confirm")
    assert confirmed.status_code == 200 and confirmed.json["status"] == "confirmed"
    assert post(staff_b, f"/api/v1/overlaps/{overlap_id}/confirm").status_code == 409


def test_an_administrator_reviews_and_dismisses_on_the_review_page(app, instance, overlap_id, client):
    admin = signed_in(app, instance, add_user(instance, "admin@example.org", Role.ADMIN))
    page = admin.get("/admin/overlaps/").get_data(as_text=True)
    assert "Applied machine learning" in page and "Confirm overlap" in page
    done = admin.post(f"/admin/overlaps/{overlap_id}", data={"decision": "dismiss", "csrf_token": csrf_of(admin)})
    assert done.status_code == 303
    assert client.get(f"/api/v1/courses/{A}/ML1/overlaps").json["total"] == 0
    assert admin.post(f"/admin/overlaps/{overlap_id}", data={"decision": "confirm"}).status_code == 400  # no CSRF
