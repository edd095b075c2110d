"""The member's catalogue page shows its own completeness scorecards, and only its own."""

from __future__ import annotations

import pytest

from directory.identity.identity import Role
from harvester import pipeline, registry
from harvester.environment import harvest_environment
from tests.auth import ALL_PERMISSIONS, add_user, signed_in
from tests.factories import course, feed_bytes

A, B = "10000001", "10000002"


def publish(instance, provider_id, courses):
    with instance.sessions.begin() as session:
        registry.add_feed(session, registry.FeedSpec(provider_id, "University", None), allow_private=False)
    return pipeline.ingest(harvest_environment(instance), provider_id, feed_bytes(courses, provider_id=provider_id))


@pytest.fixture
def staff_a(app, instance):
    publish(instance, A, [course("A1"), course("A2", learning_outcomes=[]), course("A3", quality_assurance=None)])
    publish(instance, B, [course("B1", learning_outcomes=[]), course("B2", learning_outcomes=[])])
    return signed_in(app, instance, add_user(instance, "staff@a.example.org", Role.STAFF, A, ALL_PERMISSIONS))


def test_the_catalogue_page_shows_both_scorecards_per_element_and_per_course(staff_a):
    page = staff_a.get("/member/catalogue")
    assert page.status_code == 200
    text = " ".join(page.get_data(as_text=True).split())
    assert "QAA minimum information set" in text and "EU Annex I mandatory elements" in text
    # Learning outcomes: 2 of 3 of this member's courses (the other member's two without them not counted).
    assert "<th scope=\"row\">Learning outcomes</th> <td>2 of 3 (1 missing)</td>" in text
    assert "<th scope=\"row\">Type of quality assurance</th> <td>2 of 3 (1 missing)</td>" in text
    assert "Not counted: recorded on each learner&#39;s certificate" in text
    assert "<code>A2</code>" in text and "<code>B1</code>" not in text
    assert "Scores of each course (3)" in text
