"""Overlaps in three levels, as people read them: the course page (confirmed apart from suspected, nothing
for dismissed), the review queue scoped to a member's staff, the shared words marked, and the planner's
warning. A catalogue of three universities built by the real pipeline; overlaps found by the real detector."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from directory.catalogue.models import Course
from directory.errors import Forbidden
from directory.identity.identity import ANONYMOUS, Identity, Role
from directory.overlaps import decisions, review
from directory.overlaps.models import Overlap, OverlapOrigin, OverlapStatus
from harvester import pipeline, registry
from harvester.environment import harvest_environment
from tests.auth import ALL_PERMISSIONS, add_org, add_user, csrf_of, form_token, signed_in
from tests.directory.overlaps.test_service import GROUP_ACCOUNTS, REWRITTEN, WOUND_CARE
from tests.factories import course, feed_bytes

A, B, C = "10000001", "10000002", "10000003"
NAMES = {A: "Aldport University", B: "Bexley University", C: "Carrow University"}
ADMIN = Identity(user_id=1, role=Role.ADMIN)
DECIDED = datetime(2027, 3, 3, 10, 0, tzinfo=UTC)


def publish(instance, provider_id, courses):
    with instance.sessions.begin() as session:
        if provider_id not in {f.id for f in registry.list_feeds(session)}:
            registry.add_feed(session, registry.FeedSpec(provider_id, NAMES[provider_id], None), allow_private=False)
    body = feed_bytes(courses, provider_id=provider_id, name=NAMES[provider_id])
    assert pipeline.ingest(harvest_environment(instance), provider_id, body).outcome.value == "succeeded"


def build(instance):
    """Wound care at all three (three pairs among them), group accounts at Aldport and Bexley (one more)."""
    wound = {**WOUND_CARE, "credit": {"value": 20, "scheme": "CATS"}}
    publish(instance, A, [course("WA", **wound), course("GA", **GROUP_ACCOUNTS)])
    publish(instance, B, [course("WB", **{**wound, "title": "Wound care in the community"}),
                          course("GRP", **REWRITTEN)])
    publish(instance, C, [course("WC", **{**wound, "title": "Caring for wounds"})])
    instance.refresh_overlaps()
    for org in (A, B, C):
        add_org(instance, org, NAMES[org])
    return pairs(instance)


def pairs(instance) -> dict[frozenset[str], int]:
    """Overlap ids by the course ids of their two courses."""
    with instance.readers() as session:
        ids = {pk: course_id for pk, course_id in session.execute(select(Course.pk, Course.course_id))}
        return {frozenset({ids[o.course_a_pk], ids[o.course_b_pk]}): o.id for o in session.scalars(select(Overlap))}


@pytest.fixture
def world(instance):
    found = build(instance)
    assert set(found) == {frozenset(p) for p in (("WA", "WB"), ("WA", "WC"), ("WB", "WC"), ("GA", "GRP"))}
    return found


def staff(instance, org, email=None, permissions=ALL_PERMISSIONS):
    user = add_user(instance, email or f"staff@{org}.example.org", Role.STAFF, org, permissions)
    return user, Identity(user_id=user.id, org_id=org, role=Role.STAFF, permissions=permissions)


def listed(instance, reviewer, status=OverlapStatus.DETECTED):
    with instance.readers() as session:
        page = review.pairs_for(session, reviewer, status)
    return {frozenset({p.first.course_id, p.second.course_id}) for p in page.results}, page


def decide(instance, action, who, overlap_id, now=DECIDED):
    with instance.sessions.begin() as session:
        action(session, who, overlap_id, now=now)


# --- the review queue's scope --------------------------------------------------------------------


def test_staff_of_a_member_see_the_pairs_involving_their_member_only(instance, world):
    _, carrow = staff(instance, C)
    seen, page = listed(instance, carrow)
    assert seen == {frozenset({"WA", "WC"}), frozenset({"WB", "WC"})} and page.total == 2
    _, aldport = staff(instance, A)
    assert listed(instance, aldport)[0] == {frozenset({"WA", "WB"}), frozenset({"WA", "WC"}), frozenset({"GA", "GRP"})}


def test_an_administrator_sees_every_pair(instance, world):
    assert listed(instance, ADMIN)[0] == set(world)


def test_a_learner_or_nobody_may_not_read_the_queue(instance, world):
    learner = Identity(user_id=99, role=Role.LEARNER)
    for who in (learner, ANONYMOUS):
        with instance.readers() as session, pytest.raises(Forbidden):
            review.pairs_for(session, who)


def test_the_queue_follows_the_status_asked_for(instance, world):
    _, carrow = staff(instance, C)
    decide(instance, decisions.dismiss, carrow, world[frozenset({"WB", "WC"})])
    assert listed(instance, carrow)[0] == {frozenset({"WA", "WC"})}
    seen, page = listed(instance, carrow, OverlapStatus.DISMISSED)
    assert seen == {frozenset({"WB", "WC"})}
    [pair] = page.results
    assert pair.level is review.Level.DISMISSED and pair.decided_by == "Carrow University's staff"


def test_staff_may_not_decide_a_pair_of_two_other_members(instance, world):
    _, carrow = staff(instance, C)
    with instance.sessions.begin() as session, pytest.raises(Forbidden):
        decisions.confirm(session, carrow, world[frozenset({"GA", "GRP"})])


# --- the review page -----------------------------------------------------------------------------


def test_the_staff_review_page_shows_both_courses_side_by_side_with_shared_words_marked(app, instance, world):
    user, _ = staff(instance, B)
    page = signed_in(app, instance, user).get("/member/overlaps/").get_data(as_text=True)
    assert "Consolidated financial statements" in page and "Group accounts and consolidation" in page
    assert "Aldport University" in page and "Bexley University" in page
    assert "20 credits" in page and "Matched in the learning outcomes" in page
    marked = set(re.findall(r"<mark>([^<]+)</mark>", page))
    assert {"consolidated", "IFRS", "wound"} <= marked
    assert not marked & {"and", "the", "Use", "Apply"}  # function words and the outcome register never match
    assert "Confirm overlap" in page and "Dismiss" in page


def test_staff_confirm_a_pair_of_their_member_through_the_page(app, instance, world, client):
    user, _ = staff(instance, B)
    browser = signed_in(app, instance, user)
    token = form_token(browser.get("/member/overlaps/").get_data(as_text=True))
    overlap_id = world[frozenset({"GA", "GRP"})]
    done = browser.post(f"/member/overlaps/{overlap_id}", data={"decision": "confirm", "csrf_token": token})
    assert done.status_code == 303 and done.headers["Location"].endswith("/member/overlaps/?status=detected")
    confirmed = browser.get("/member/overlaps/?status=confirmed").get_data(as_text=True)
    assert "Group accounts and consolidation" in confirmed and "Confirmed by Bexley University&#39;s staff on" in confirmed
    assert client.get(f"/api/v1/courses/{A}/GA/overlaps").json["results"][0]["level"] == "confirmed"


def test_staff_of_a_third_member_are_refused_on_the_page(app, instance, world):
    user, _ = staff(instance, C)
    browser = signed_in(app, instance, user)
    token = csrf_of(browser)
    refused = browser.post(f"/member/overlaps/{world[frozenset({'GA', 'GRP'})]}",
                           data={"decision": "confirm", "csrf_token": token})
    assert refused.status_code == 403 and "Forbidden" in refused.get_data(as_text=True)
    assert "Consolidated financial statements" not in browser.get("/member/overlaps/").get_data(as_text=True)


def test_a_learner_is_refused_the_review_page(app, instance, world):
    learner = signed_in(app, instance, add_user(instance, "learner@example.org", Role.LEARNER))
    assert learner.get("/member/overlaps/").status_code == 403


def test_the_administrators_page_still_lists_every_pair(app, instance, world):
    admin = signed_in(app, instance, add_user(instance, "admin@example.org", Role.ADMIN))
    page = admin.get("/admin/overlaps/").get_data(as_text=True)
    assert "4 pairs suspected" in page and "Caring for wounds" in page and "Consolidated financial statements" in page
    assert "Overlaps to review" in page  # the account menu links it
    assert 'href="/admin/overlaps/"' in admin.get("/admin/").get_data(as_text=True)


def test_staff_find_the_review_from_their_menu_and_catalogue_page(app, instance, world):
    user, _ = staff(instance, A)
    browser = signed_in(app, instance, user)
    assert 'href="/member/overlaps/"' in browser.get("/").get_data(as_text=True)
    assert 'href="/member/overlaps/"' in browser.get(f"/member/catalogue?provider={A}").get_data(as_text=True)


# --- the course page -----------------------------------------------------------------------------


def test_the_course_page_lists_confirmed_and_suspected_apart_and_leaves_out_dismissed(app, instance, world, client):
    _, bexley = staff(instance, B)
    decide(instance, decisions.confirm, bexley, world[frozenset({"WA", "WB"})])
    decide(instance, decisions.dismiss, bexley, world[frozenset({"WB", "WC"})])
    page = client.get(f"/courses/{A}/WA").get_data(as_text=True)
    confirmed, suspected = page.split("May overlap — the universities will check")
    assert "Cannot be counted together" in confirmed and "Wound care in the community" in confirmed
    assert "at Bexley University" in confirmed
    assert "confirmed by Bexley University&#39;s staff on 3 March 2027" in confirmed
    assert "Caring for wounds" in suspected and "at Carrow University" in suspected
    other = client.get(f"/courses/{B}/WB").get_data(as_text=True)
    assert "Cannot be counted together" in other and "Wound care" in other
    assert "May overlap" not in other and "Caring for wounds" not in other  # dismissed: nothing


def test_a_declared_overlap_says_who_declared_it(instance, world, client):
    with instance.sessions.begin() as session:
        row = session.get(Overlap, world[frozenset({"WA", "WC"})])
        # as declared.sync stores a provider's declaration
        row.reasons = [{"part": "declared", "declared_by": C, "reason": "The same module under two codes"}]
        row.status, row.origin = OverlapStatus.CONFIRMED, OverlapOrigin.DECLARED
    page = client.get(f"/courses/{A}/WA").get_data(as_text=True)
    assert "Cannot be counted together" in page
    assert "declared by Carrow University: “The same module under two codes”" in page
    levels = {r["course"]["id"]: r["level"] for r in client.get(f"/api/v1/courses/{A}/WA/overlaps").json["results"]}
    assert levels == {f"{B}/WB": "suspected", f"{C}/WC": "confirmed"}


def test_a_declared_pair_on_the_review_page_offers_no_decision(app, instance, world):
    """Only the feed can change a declared pair (the service refuses a decision with 409): no buttons, and the
    page does not say a person confirmed it."""
    with instance.sessions.begin() as session:
        row = session.get(Overlap, world[frozenset({"WA", "WC"})])
        row.reasons = [{"part": "declared", "declared_by": C, "reason": None}]
        row.status, row.origin = OverlapStatus.CONFIRMED, OverlapOrigin.DECLARED
        row.decided, row.decided_by = row.detected, f"declared by {C}"
    user, _ = staff(instance, A)
    page = signed_in(app, instance, user).get("/member/overlaps/?status=confirmed").get_data(as_text=True)
    assert "Declared by Carrow University" in page and "Only the provider's feed can change" in page
    assert 'value="dismiss"' not in page and "Confirmed by" not in page


def test_a_decision_by_an_administrator_is_the_consortiums(instance, world, client):
    admin = add_user(instance, "admin@example.org", Role.ADMIN)
    decide(instance, decisions.confirm, Identity(user_id=admin.id, role=Role.ADMIN), world[frozenset({"GA", "GRP"})])
    page = client.get(f"/courses/{B}/GRP").get_data(as_text=True)
    assert "confirmed by the consortium on 3 March 2027" in page


def test_the_search_card_says_what_is_true_of_both_levels(instance, world, client):
    page = client.get("/?q=wound").get_data(as_text=True)
    assert "Shares content with 2 other courses: see the course page" in page


# --- the planner ---------------------------------------------------------------------------------


def plan_with(client, *keys):
    token = form_token(client.get("/planner").get_data(as_text=True))
    for key in keys:
        assert client.post("/planner/achievements", data={"csrf_token": token, "course": key,
                                                          "awarded_on": "2026-01-10"}).status_code == 302
    return client.get("/planner").get_data(as_text=True)


def test_the_planner_says_two_of_your_courses_may_overlap(instance, world, client):
    page = plan_with(client, f"{A}/WA", f"{C}/WC", f"{A}/GA")
    assert ("<strong>Wound care</strong> and <strong>Caring for wounds</strong> may overlap — the universities will "
            "check; if they confirm it, only one will count.") in page
    assert page.count("may overlap — the universities will check") == 1


def test_the_planner_names_no_suspected_overlap_once_it_is_decided(instance, world, client):
    decide(instance, decisions.dismiss, ADMIN, world[frozenset({"WA", "WC"})])
    assert "may overlap" not in plan_with(client, f"{A}/WA", f"{C}/WC")


def test_the_planner_api_lists_suspected_overlaps(instance, world, client):
    body = client.post("/api/v1/planner/evaluate", json={"achievements": [
        {"course": f"{A}/WA", "awarded_on": "2026-01-10"}, {"course": f"{B}/WB", "awarded_on": "2026-01-10"}]}).json
    assert body["suspected_overlaps"] == [{"achievements": ["a1", "a2"], "words": (
        "Wound care and Wound care in the community may overlap — the universities will check; if they confirm "
        "it, only one will count")}]


def test_suspected_pairs_are_the_undecided_ones_among_the_courses_asked_about(instance, world):
    with instance.readers() as session:
        pk = {course_id: pk for course_id, pk in session.execute(select(Course.course_id, Course.pk))}
        assert review.suspected_pairs(session, [pk["WA"], pk["WB"], pk["GA"]]) == {tuple(sorted((pk["WA"], pk["WB"])))}
        assert review.suspected_pairs(session, [pk["WA"]]) == set()
