"""Harvest operations on the web: the administrators' dashboard and feed page, the member's catalogue page
(problems, unmapped values, the mapping profile editor) and the dry-run page. Real HTTP feeds
(pytest-httpserver), the real database, the app's own test client with signed-in sessions."""

from __future__ import annotations

import html
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from directory.catalogue.models import Course
from directory.identity.identity import Role
from harvester import pipeline, registry
from harvester.environment import harvest_environment
from harvester.models import HarvestRun, RunOutcome
from harvester.web import words
from tests.auth import ALL_PERMISSIONS, add_user, csrf_of, signed_in
from tests.factories import course, feed_bytes

A, B = "10000001", "10000002"
OWN_SCHEME = {"value": 15, "scheme": "Testing Points"}
PROFILE = '[credit_schemes."Testing Points"]\nsystem = "CATS"\nfactor = 1.0\n'


def publish(instance, provider_id, courses, name="University of Testing"):
    with instance.sessions.begin() as session:
        if session.get(registry.Feed, provider_id) is None:
            registry.add_feed(session, registry.FeedSpec(provider_id, name, None), allow_private=False)
    return pipeline.ingest(harvest_environment(instance), provider_id, feed_bytes(courses, provider_id=provider_id))


@pytest.fixture
def people(app, instance):
    publish(instance, A, [course("A1"), course("OWN1", credit=OWN_SCHEME), course("OWN2", credit=OWN_SCHEME)])
    publish(instance, B, [course("B1")], name="Other University")
    admin = add_user(instance, "admin@example.org", Role.ADMIN)
    staff_a = add_user(instance, "staff@a.example.org", Role.STAFF, A, ALL_PERMISSIONS)
    staff_b = add_user(instance, "staff@b.example.org", Role.STAFF, B, ALL_PERMISSIONS)
    return {"admin": signed_in(app, instance, admin), "a": signed_in(app, instance, staff_a),
            "b": signed_in(app, instance, staff_b)}


def post(client, url, data=None, **kwargs):
    return client.post(url, data={**(data or {}), "csrf_token": csrf_of(client)}, **kwargs)


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def stored_mapping(instance, feed_id=A):
    with instance.readers() as session:
        return session.get(registry.Feed, feed_id).mapping


# --- the words ------------------------------------------------------------------------------------------


def test_ages_read_as_plain_words():
    now = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
    assert words.age(now - timedelta(hours=3, minutes=5), now) == "3 hours ago"
    assert words.age(now - timedelta(minutes=1), now) == "1 minute ago"
    assert words.age(now - timedelta(seconds=10), now) == "just now"
    assert words.age(now + timedelta(minutes=20), now) == "in 20 minutes"
    assert words.age(now - timedelta(days=2), now) == "2 days ago"


# --- the member's catalogue page ------------------------------------------------------------------------


def test_my_catalogue_shows_every_problem_with_title_and_bad_value_and_the_unmapped_values(people):
    page = text(people["a"].get("/member/catalogue"))
    assert "Applied topic OWN1" in page and "Testing Points" in page
    assert "credit.scheme" in page
    assert '[feed.mapping.credit_schemes."Testing Points"]' in page  # the line that would map it
    assert re.search(r"<td data-label=\"Value\">Testing Points</td><td data-label=\"Records\">2</td>", page)  # two records


def test_a_saved_profile_lists_the_quarantined_records_again_and_says_so(people, instance):
    response = post(people["a"], "/member/catalogue/profile", {"profile": PROFILE})
    assert response.status_code == 303
    page = text(people["a"].get(response.headers["Location"]))
    assert "2 courses listed again" in page
    assert stored_mapping(instance)["credit_schemes"]["Testing Points"]["system"] == "CATS"
    assert 'system = "CATS"' in page  # the editor shows the stored profile


def test_a_refused_profile_is_a_400_naming_key_and_line_and_keeps_the_textarea(people, instance):
    typed = PROFILE + '\n[levels]\n"Higher" = { framework = "NOPE", value = 6 }\n'
    response = post(people["a"], "/member/catalogue/profile", {"profile": typed})
    page = text(response)
    assert response.status_code == 400
    assert "line 6" in page and "levels" in page and "NOPE" in page
    assert '"Higher" = { framework = "NOPE", value = 6 }' in page  # the textarea keeps what was typed
    assert stored_mapping(instance) is None  # the stored profile stays


def test_staff_of_another_member_cannot_read_or_edit_the_profile(people, instance):
    assert people["b"].get(f"/member/catalogue?provider={A}").status_code == 403
    response = post(people["b"], "/member/catalogue/profile", {"provider": A, "profile": PROFILE})
    assert response.status_code == 403
    assert stored_mapping(instance) is None
    assert people["b"].get(f"/admin/harvest/{A}").status_code == 403


# --- the dry run ----------------------------------------------------------------------------------------


def test_a_dry_run_upload_shows_every_problem_and_stores_nothing(people, instance):
    with instance.readers() as session:
        courses_before = session.scalar(select(func.count()).select_from(Course))
        runs_before = session.scalar(select(func.count()).select_from(HarvestRun))
    document = feed_bytes([course("NEW1"), course("NEW2", credit=OWN_SCHEME, title="Bridges and tunnels")],
                          provider_id=A)
    response = people["a"].post("/member/catalogue/check", data={
        "csrf_token": csrf_of(people["a"]), "document": (io.BytesIO(document), "feed.json"), "format": ""},
        content_type="multipart/form-data")
    page = text(response)
    assert response.status_code == 200
    assert "2 courses seen, 1 could be listed" in page
    assert "Bridges and tunnels" in page and "credit.scheme" in page and "Testing Points" in page
    with instance.readers() as session:
        assert session.scalar(select(func.count()).select_from(Course)) == courses_before
        assert session.scalar(select(func.count()).select_from(HarvestRun)) == runs_before


def test_a_dry_run_under_a_typed_profile_lists_what_it_maps(people):
    document = feed_bytes([course("NEW2", credit=OWN_SCHEME)], provider_id=A)
    page = text(people["a"].post("/member/catalogue/check", data={
        "csrf_token": csrf_of(people["a"]), "document": (io.BytesIO(document), "feed.json"), "profile": PROFILE},
        content_type="multipart/form-data"))
    assert "1 courses seen, 1 could be listed" in page


def test_a_dry_run_by_address_fetches_it(people, httpserver):
    httpserver.expect_request("/try.json").respond_with_data(feed_bytes([course("T1")], provider_id=A),
                                                             content_type="application/json")
    response = post(people["a"], "/member/catalogue/check", {"url": httpserver.url_for("/try.json")})
    assert response.status_code == 200 and "1 courses seen, 1 could be listed" in text(response)


def test_a_dry_run_with_nothing_given_keeps_the_form(people):
    response = post(people["a"], "/member/catalogue/check", {"url": "", "profile": "# kept"})
    assert response.status_code == 400 and "give a document" in text(response) and "# kept" in text(response)


# --- the administrators' dashboard ---------------------------------------------------------------------


def test_the_dashboard_lists_every_feed_by_name_with_its_last_run(people):
    page = text(people["admin"].get("/admin/harvest"))
    assert "University of Testing" in page and "Other University" in page
    assert "Succeeded just now" in page or "Succeeded 1 minute ago" in page
    assert "1 value" in page  # A's unmapped credit scheme, linking to its page


def test_only_administrators_reach_the_dashboard(people):
    assert people["a"].get("/admin/harvest").status_code == 403
    assert post(people["a"], f"/admin/harvest/{A}/enabled", {"enabled": "false"}).status_code == 403


def test_the_confirm_button_applies_a_held_run(people, instance):
    publish(instance, A, [course("A1"), course("A2"), course("A3"), course("A4")])
    held = publish(instance, A, [course("A1")])
    assert held.outcome is RunOutcome.HELD
    page = text(people["admin"].get("/admin/harvest"))
    assert f"Confirm run {held.id}" in page
    response = post(people["admin"], f"/admin/harvest/runs/{held.id}/confirm")
    assert response.status_code == 303
    assert "3 courses withdrawn" in text(people["admin"].get(response.headers["Location"]))
    with instance.readers() as session:
        assert session.get(HarvestRun, held.id).withdrawals_confirmed is not None
    assert f"Confirm run {held.id}" not in text(people["admin"].get("/admin/harvest"))


def test_harvest_now_runs_the_feed(people, instance, httpserver):
    httpserver.expect_request("/a.json").respond_with_data(feed_bytes([course("A1"), course("A5")], provider_id=A))
    with instance.sessions.begin() as session:
        feed = session.get(registry.Feed, A)
        feed.url = httpserver.url_for("/a.json")
    response = post(people["admin"], f"/admin/harvest/{A}/run")
    assert response.status_code == 303
    assert "2 courses seen" in text(people["admin"].get(response.headers["Location"]))


def test_harvest_now_says_when_a_run_holds_the_lease(people, instance):
    with instance.sessions.begin() as session:
        feed = session.get(registry.Feed, A)
        feed.url = "https://www.example.ac.uk/a.json"
        feed.lease_until, feed.lease_holder = datetime.now(UTC) + timedelta(minutes=5), "other-host:1:x"
        feed.lease_started, feed.lease_trigger = datetime.now(UTC), "schedule"
    response = post(people["admin"], f"/admin/harvest/{A}/run")
    assert response.status_code == 409 and "Not harvested now" in text(response)


def test_pause_and_interval(people, instance):
    assert post(people["admin"], f"/admin/harvest/{A}/enabled", {"enabled": "false"}).status_code == 303
    assert post(people["admin"], f"/admin/harvest/{A}/interval", {"every": "2h"}).status_code == 303
    bad = post(people["admin"], f"/admin/harvest/{A}/interval", {"every": "soon"})
    assert bad.status_code == 400 and "not an interval" in text(bad)
    with instance.readers() as session:
        feed = session.get(registry.Feed, A)
        assert (feed.enabled, feed.interval_seconds) == (False, 7200)
    assert "Paused" in text(people["admin"].get("/admin/harvest"))


def test_add_a_feed_and_a_refused_one_keeps_what_was_typed(people, instance):
    form = {"provider_id": "10000050", "name": "New College", "url": "https://www.new.ac.uk/xcri.xml",
            "format": "xcri-cap", "every": "1d", "aliases": "http://www.new.ac.uk/\nNEWCOLL"}
    assert post(people["admin"], "/admin/harvest/feeds", form).status_code == 303
    with instance.readers() as session:
        feed = session.get(registry.Feed, "10000050")
        assert (feed.name, feed.format, feed.interval_seconds) == ("New College", "xcri-cap", 86400)
        assert set(registry.feed_aliases(session, feed)) >= {"http://www.new.ac.uk/", "NEWCOLL"}
    again = post(people["admin"], "/admin/harvest/feeds", {**form, "name": "Typed Name"})
    assert again.status_code == 400 and "has a feed already" in text(again) and "Typed Name" in text(again)
    assert "NEWCOLL" in text(again)
    # The member's second feed (one per system) under an id of its own, and an aggregator's.
    second = {**form, "url": "https://vle.new.ac.uk/feed.xml", "feed_id": "10000050-vle", "aliases": ""}
    assert post(people["admin"], "/admin/harvest/feeds", second).status_code == 303
    federation = {"provider_id": "10000051", "name": "Federation", "url": "https://fed.example.ac.uk/all.xml",
                  "format": "xcri-cap", "every": "1d", "aggregator": "yes"}
    assert post(people["admin"], "/admin/harvest/feeds", federation).status_code == 303
    with instance.readers() as session:
        vle = session.get(registry.Feed, "10000050-vle")
        assert (vle.provider_id, vle.aggregator) == ("10000050", False)
        assert session.get(registry.Feed, "10000051").aggregator is True


def test_the_feed_page_shows_runs_unmapped_values_problems_and_edits_the_profile(people, instance):
    page = text(people["admin"].get(f"/admin/harvest/{A}"))
    assert "Applied topic OWN1" in page and '[feed.mapping.credit_schemes."Testing Points"]' in page
    response = post(people["admin"], f"/admin/harvest/{A}/profile", {"profile": PROFILE})
    assert response.status_code == 303
    assert "2 courses listed again" in text(people["admin"].get(response.headers["Location"]))
    refused = post(people["admin"], f"/admin/harvest/{A}/profile", {"profile": "[defaults]\nmode = ['by-post']\n"})
    assert refused.status_code == 400 and "by-post" in text(refused)
    assert stored_mapping(instance)["credit_schemes"]


def test_a_member_with_two_feeds_chooses_the_feed_its_page_is_about(people, instance):
    with instance.sessions.begin() as session:
        registry.add_feed(session, registry.FeedSpec(A, "Member A VLE", "https://vle.a.ac.uk/feed.json",
                                                     id=f"{A}-vle"), allow_private=True)
    page = text(people["a"].get("/member/catalogue"))
    assert "publishes 2 feeds" in page and f"{A}-vle" in page
    other = text(people["a"].get(f"/member/catalogue?feed={A}-vle"))
    assert "https://vle.a.ac.uk/feed.json" in other
    # Its profile is saved on that feed, not on the member's first one.
    response = post(people["a"], "/member/catalogue/profile",
                    {"feed": f"{A}-vle", "profile": '[defaults]\nmode = ["online-asynchronous"]\n'})
    assert response.status_code == 303 and f"feed={A}-vle" in response.headers["Location"]
    with instance.readers() as session:
        assert registry.stored_profile(session.get(registry.Feed, f"{A}-vle")).default_mode == ("online-asynchronous",)


def test_a_dry_run_names_what_lists_with_a_warning_and_the_whole_qualifications(people):
    document = feed_bytes([course("NEW3", learning_outcomes=[]),
                           course("DEG1", title="BSc (Hons) Computing", credit={"value": 360, "scheme": "CATS"})],
                          provider_id=A)
    page = text(people["a"].post("/member/catalogue/check", data={
        "csrf_token": csrf_of(people["a"]), "document": (io.BytesIO(document), "feed.json")},
        content_type="multipart/form-data"))
    page = " ".join(page.split())
    assert "2 courses seen, 1 could be listed, 0 would be quarantined, 1 is a whole qualification" in page
    assert "Listed, but not publishing what learners expect" in page and "NEW3" in page
    assert "BSc (Hons) Computing (DEG1)" in page
