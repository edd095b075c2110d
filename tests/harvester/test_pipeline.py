"""The harvest pipeline against a real local HTTP server, a real database and a real index."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import func, select
from werkzeug import Response

from directory.catalogue import service as catalogue
from directory.catalogue.models import Course, CourseStatus, CourseVersion
from directory.errors import Conflict, Invalid
from directory.search.query import Filters, SearchQuery
from harvester import pipeline, registry
from harvester.environment import harvest_environment
from harvester.models import Feed, HarvestRun, QuarantineEntry, RunOutcome
from tests.clock import TODAY
from tests.factories import course, feed_bytes

PROVIDER = "10000001"


@pytest.fixture
def feed(instance, httpserver):
    with instance.sessions.begin() as session:
        registry.add_feed(session, registry.FeedSpec(PROVIDER, "University of Testing",
                                                     httpserver.url_for("/feed.json")), allow_private=True)
    return PROVIDER


def serve(httpserver, body: bytes, status: int = 200, headers: dict | None = None) -> None:
    httpserver.clear()
    httpserver.expect_request("/feed.json").respond_with_data(
        body, status=status, content_type="application/json", headers=headers or {})


def harvest(instance, feed_id=PROVIDER) -> HarvestRun:
    return pipeline.harvest(harvest_environment(instance), feed_id)


def active_ids(instance) -> list[str]:
    with instance.sessions() as session:
        return sorted(session.scalars(select(Course.course_id).where(Course.status == CourseStatus.ACTIVE)))


def searchable_ids(instance) -> list[str]:
    result = instance.search.search(SearchQuery(text="", filters=Filters(), per_page=100, today=TODAY))
    return sorted(hit.id.split("/", 1)[1] for hit in result.hits)


def versions_of(instance, course_id: str) -> list[CourseVersion]:
    with instance.sessions() as session:
        return list(session.scalars(select(CourseVersion).join(Course, Course.pk == CourseVersion.course_pk)
                                    .where(Course.course_id == course_id).order_by(CourseVersion.id)))


def test_a_good_feed_becomes_catalogue_and_index(instance, httpserver, feed):
    serve(httpserver, feed_bytes([course("A1"), course("A2"), course("A3")]))
    run = harvest(instance)
    assert run.outcome is RunOutcome.SUCCEEDED and run.http_status == 200
    assert (run.seen, run.new, run.changed, run.unchanged, run.withdrawn, run.quarantined) == (3, 3, 0, 0, 0, 0)
    assert active_ids(instance) == ["A1", "A2", "A3"]
    assert searchable_ids(instance) == ["A1", "A2", "A3"]
    with instance.sessions() as session:
        stored = catalogue.get_course(session, PROVIDER, "A1")
        assert stored.current_version.content["credit"] == {"value": 15, "scheme": "CATS", "cats": 15, "ects": 7.5}
        assert stored.current_version.content["level"]["eqf"] == 7
        assert stored.provider.name == "University of Testing"
    assert run.completeness_mean == 1.0


def test_unchanged_records_are_not_rewritten(instance, httpserver, feed):
    serve(httpserver, feed_bytes([course("A1"), course("A2")]))
    harvest(instance)
    before = versions_of(instance, "A1")
    run = harvest(instance)
    assert (run.new, run.changed, run.unchanged) == (0, 0, 2)
    assert [v.id for v in versions_of(instance, "A1")] == [v.id for v in before]


def test_only_the_updated_stamp_changing_is_not_a_new_version(instance, httpserver, feed):
    serve(httpserver, feed_bytes([course("A1")]))
    harvest(instance)
    serve(httpserver, feed_bytes([course("A1", updated="2026-11-21T10:00:00Z")]))
    run = harvest(instance)
    assert (run.changed, run.unchanged) == (0, 1)
    assert len(versions_of(instance, "A1")) == 1


def test_a_changed_course_gets_a_new_version_and_keeps_the_old(instance, httpserver, feed):
    serve(httpserver, feed_bytes([course("A1")]))
    harvest(instance)
    serve(httpserver, feed_bytes([course("A1", title="Applied topic, revised")]))
    run = harvest(instance)
    assert run.changed == 1
    first, second = versions_of(instance, "A1")
    assert first.content["title"] == "Applied topic A1"
    assert second.content["title"] == "Applied topic, revised"
    assert first.content_hash != second.content_hash
    result = instance.search.search(SearchQuery(text="revised", filters=Filters(), today=TODAY))
    assert [hit.id for hit in result.hits] == [f"{PROVIDER}/A1"]


def test_conditional_get_answered_304_is_a_cheap_no_op(instance, httpserver, feed):
    serve(httpserver, feed_bytes([course("A1")]), headers={"ETag": '"v1"'})
    harvest(instance)
    httpserver.clear()
    httpserver.expect_request("/feed.json", headers={"If-None-Match": '"v1"'}).respond_with_data("", status=304)
    run = harvest(instance)
    assert run.outcome is RunOutcome.SUCCEEDED and run.http_status == 304
    assert (run.seen, run.new, run.unchanged) == (1, 0, 1) and active_ids(instance) == ["A1"]


@pytest.mark.parametrize("status", [404, 500])
def test_a_failing_feed_changes_nothing(instance, httpserver, feed, status):
    serve(httpserver, feed_bytes([course("A1"), course("A2")]))
    harvest(instance)
    serve(httpserver, b"oops", status=status)
    run = harvest(instance)
    assert run.outcome is RunOutcome.FAILED and run.http_status == status
    assert "fetch failed" in run.errors[0]
    assert active_ids(instance) == ["A1", "A2"] and searchable_ids(instance) == ["A1", "A2"]


def test_a_server_error_then_success_is_retried(instance, httpserver, feed):
    httpserver.expect_ordered_request("/feed.json").respond_with_data("busy", status=503)
    httpserver.expect_ordered_request("/feed.json").respond_with_data(feed_bytes([course("A1")]))
    run = harvest(instance)
    assert run.outcome is RunOutcome.SUCCEEDED and active_ids(instance) == ["A1"]


@pytest.mark.parametrize("body, reason", [
    (b'{"format": "climbing-frame/catalogue-feed", "version": "1.0", "courses": [', "not valid JSON"),
    (b"[1, 2, 3]", "must be a JSON object"),
    (b'{"format": "something-else", "version": "1.0", "courses": []}', "format must be"),
    (b'{"format": "climbing-frame/catalogue-feed", "version": "9.9", "courses": []}', "not supported"),
])
def test_an_unusable_document_changes_nothing(instance, httpserver, feed, body, reason):
    serve(httpserver, feed_bytes([course("A1")]))
    harvest(instance)
    serve(httpserver, body)
    run = harvest(instance)
    assert run.outcome is RunOutcome.FAILED and reason in run.errors[0]
    assert active_ids(instance) == ["A1"]


def test_a_truncated_body_changes_nothing(instance, httpserver, feed):
    serve(httpserver, feed_bytes([course("A1")]))
    harvest(instance)
    body = feed_bytes([course("A1"), course("A2")])
    httpserver.clear()
    httpserver.expect_request("/feed.json").respond_with_response(
        Response(body[: len(body) // 2], headers={"Content-Length": str(len(body))}))
    run = harvest(instance)
    assert run.outcome is RunOutcome.FAILED
    assert active_ids(instance) == ["A1"]


def test_an_oversized_feed_is_refused(tmp_path, instance, httpserver, feed):
    from dataclasses import replace

    small = replace(instance.settings, harvest_max_bytes=1000)
    serve(httpserver, feed_bytes([course(f"A{i}") for i in range(20)]))
    env = replace(harvest_environment(instance), settings=small)
    run = pipeline.harvest(env, PROVIDER)
    assert run.outcome is RunOutcome.FAILED and "larger than" in run.errors[0]
    assert active_ids(instance) == []


def test_feed_urls_on_private_addresses_are_refused_unless_allowed(instance):
    with instance.sessions.begin() as session, pytest.raises(Invalid, match="private|loopback"):
        registry.add_feed(session, registry.FeedSpec("10000002", "Loopback U", "http://127.0.0.1:9/feed.json"),
                          allow_private=False)


def test_bad_records_are_quarantined_and_the_rest_goes_on(instance, httpserver, feed):
    courses = [course(f"C{i:02d}") for i in range(18)]
    courses.append(course("BAD1", credit={"value": 15, "scheme": "GUINEAS"}))
    courses.append(course("BAD2", subjects=[{"scheme": "HECoS", "code": "999999"}]))
    serve(httpserver, feed_bytes(courses))
    run = harvest(instance)
    assert run.outcome is RunOutcome.SUCCEEDED
    assert (run.seen, run.new, run.quarantined) == (20, 18, 2)
    with instance.sessions() as session:
        entries = {e.record_id: e for e in session.scalars(select(QuarantineEntry))}
    assert entries["BAD1"].field == "credit.scheme" and "CATS" in entries["BAD1"].reason
    assert entries["BAD2"].field == "subjects[0].code" and "not a HECoS code" in entries["BAD2"].reason
    assert entries["BAD1"].provider_id == PROVIDER


def test_a_course_whose_new_record_is_bad_keeps_its_last_good_version(instance, httpserver, feed):
    serve(httpserver, feed_bytes([course("A1"), course("A2")]))
    harvest(instance)
    serve(httpserver, feed_bytes([course("A1", mode=["telepathy"]), course("A2")]))
    run = harvest(instance)
    assert run.quarantined == 1 and run.withdrawn == 0
    assert active_ids(instance) == ["A1", "A2"]
    assert len(versions_of(instance, "A1")) == 1


def test_duplicate_ids_first_wins_rest_quarantined(instance, httpserver, feed):
    serve(httpserver, feed_bytes([course("D1", title="First"), course("D1", title="Second"), course("D2")]))
    run = harvest(instance)
    assert (run.new, run.quarantined) == (2, 1)
    with instance.sessions() as session:
        assert catalogue.get_course(session, PROVIDER, "D1").title == "First"
        entry = session.scalar(select(QuarantineEntry))
    assert entry.record_id == "D1" and entry.field == "id" and "duplicate" in entry.reason


def test_missing_and_marked_courses_are_withdrawn_but_stay_readable(instance, httpserver, feed, client):
    serve(httpserver, feed_bytes([course(f"W{i}") for i in range(6)]))
    harvest(instance)
    remaining = [course(f"W{i}") for i in range(4)]
    remaining[3] = course("W3", status="withdrawn")
    serve(httpserver, feed_bytes(remaining))
    run = harvest(instance)
    assert run.outcome is RunOutcome.SUCCEEDED and run.withdrawn == 3
    assert active_ids(instance) == ["W0", "W1", "W2"]
    assert searchable_ids(instance) == ["W0", "W1", "W2"]
    with instance.sessions() as session:
        withdrawn = catalogue.get_course(session, PROVIDER, "W5")
    assert withdrawn.status is CourseStatus.WITHDRAWN and withdrawn.withdrawn_at is not None


def test_a_withdrawn_course_that_returns_is_active_again(instance, httpserver, feed):
    serve(httpserver, feed_bytes([course("R1"), course("R2")]))
    harvest(instance)
    serve(httpserver, feed_bytes([course("R1")]))
    harvest(instance)
    serve(httpserver, feed_bytes([course("R1"), course("R2")]))
    run = harvest(instance)
    assert run.changed == 1 and active_ids(instance) == ["R1", "R2"]
    assert searchable_ids(instance) == ["R1", "R2"]


def test_mass_withdrawal_is_held_until_confirmed(instance, httpserver, feed):
    serve(httpserver, feed_bytes([course(f"M{i}") for i in range(10)]))
    harvest(instance)
    serve(httpserver, feed_bytes([course("M0"), course("M1"), course("NEW")]))
    run = harvest(instance)
    assert run.outcome is RunOutcome.HELD
    assert run.held_withdrawals == [f"M{i}" for i in range(2, 10)]
    assert run.new == 1 and run.withdrawn == 0
    assert len(active_ids(instance)) == 11
    confirmed = pipeline.confirm_withdrawals(harvest_environment(instance), run.id)
    assert confirmed.withdrawn == 8
    assert active_ids(instance) == ["M0", "M1", "NEW"] and searchable_ids(instance) == ["M0", "M1", "NEW"]
    with pytest.raises(Invalid):
        pipeline.confirm_withdrawals(harvest_environment(instance), run.id)


def test_a_held_run_superseded_by_a_newer_run_cannot_be_confirmed(instance, httpserver, feed):
    serve(httpserver, feed_bytes([course(f"M{i}") for i in range(4)]))
    harvest(instance)
    serve(httpserver, feed_bytes([]))
    held = harvest(instance)
    assert held.outcome is RunOutcome.HELD
    serve(httpserver, feed_bytes([course(f"M{i}") for i in range(4)]))
    harvest(instance)
    with pytest.raises(Conflict):
        pipeline.confirm_withdrawals(harvest_environment(instance), held.id)
    assert len(active_ids(instance)) == 4


def test_a_document_for_another_provider_is_refused(instance, httpserver, feed):
    serve(httpserver, feed_bytes([course("X1")], provider_id="99999999"))
    run = harvest(instance)
    assert run.outcome is RunOutcome.FAILED and "99999999" in run.errors[0]
    assert active_ids(instance) == []


def test_a_run_under_way_blocks_a_second_one(instance, httpserver, feed):
    from datetime import timedelta

    from sqlalchemy import update

    from directory.db import utcnow

    with instance.sessions.begin() as session:
        session.execute(update(Feed).values(lease_until=utcnow() + timedelta(minutes=5)))
    with pytest.raises(Conflict):
        harvest(instance)


def test_every_run_leaves_a_report(instance, httpserver, feed):
    serve(httpserver, feed_bytes([course("A1")]))
    harvest(instance)
    serve(httpserver, b"broken", status=500)
    harvest(instance)
    with instance.sessions() as session:
        outcomes = session.scalars(select(HarvestRun.outcome).order_by(HarvestRun.id)).all()
        assert session.scalar(select(func.count()).select_from(HarvestRun)) == 2
    assert outcomes == [RunOutcome.SUCCEEDED, RunOutcome.FAILED]


def test_incomplete_records_are_listed_with_what_is_missing(instance, httpserver, feed):
    sparse = course("S1")
    for key in ("summary", "aims", "cost", "entry_requirements", "quality_assurance"):
        sparse.pop(key)
    serve(httpserver, feed_bytes([course("A1"), sparse]))
    run = harvest(instance)
    assert run.completeness_mean < 1
    worst = run.incomplete[0]
    assert worst["course_id"] == "S1"
    assert {"summary", "aims", "cost", "entry_requirements", "quality_assurance"} <= set(worst["missing"])


XCRI = Path(__file__).resolve().parent / "data" / "xcri" / "scottish-latin1.xml"

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE catalog [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<catalog xmlns="http://xcri.org/profiles/1.2/catalog"><provider><course><title>&secret;</title></course></provider></catalog>"""

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<catalog xmlns="http://xcri.org/profiles/1.2/catalog"><provider><course><title>&lol3;</title></course></provider></catalog>"""


@pytest.fixture
def xcri_feed(instance, httpserver):
    with instance.sessions.begin() as session:
        registry.add_feed(session, registry.FeedSpec("10007790", "University of Glenaird",
                                                     httpserver.url_for("/xcri.xml"), format="xcri-cap"),
                          allow_private=True)
    return "10007790"


def serve_xml(httpserver, body: bytes) -> None:
    httpserver.clear()
    httpserver.expect_request("/xcri.xml").respond_with_data(body, content_type="application/xml")


def test_an_xcri_cap_feed_is_harvested_into_the_same_catalogue(instance, httpserver, xcri_feed):
    serve_xml(httpserver, XCRI.read_bytes())
    run = harvest(instance, xcri_feed)
    assert run.outcome is RunOutcome.SUCCEEDED and run.new >= 1
    with instance.sessions() as session:
        stored = catalogue.get_course(session, xcri_feed, "GLA-GD-11")
    assert stored.current_version.content["level"]["framework"] == "SCQF"
    assert stored.provider.name == "University of Glenaird"
    assert searchable_ids(instance)


@pytest.mark.parametrize("hostile", [XXE, BILLION_LAUGHS], ids=["external-entity", "entity-expansion"])
def test_hostile_xml_is_refused_and_nothing_is_indexed(instance, httpserver, xcri_feed, hostile):
    serve_xml(httpserver, XCRI.read_bytes())
    harvest(instance, xcri_feed)
    before = searchable_ids(instance)
    serve_xml(httpserver, hostile)
    run = harvest(instance, xcri_feed)
    assert run.outcome is RunOutcome.FAILED and "unusable document" in run.errors[0]
    assert searchable_ids(instance) == before
    with instance.sessions() as session:
        assert "root:" not in str([v.content for v in session.scalars(select(CourseVersion))])


def test_a_byte_identical_feed_repeats_the_last_outcome_with_its_quarantine(instance, httpserver, feed):
    serve(httpserver, feed_bytes([course("A1"), course("A2"), course("BAD", mode=[])]))
    first = harvest(instance)
    again = harvest(instance)
    assert again.outcome is RunOutcome.SUCCEEDED and again.id != first.id
    assert (again.seen, again.new, again.changed, again.unchanged, again.quarantined) == (3, 0, 0, 2, 1)
    with instance.sessions() as session:
        page = pipeline.current_quarantine(session, PROVIDER, 1, 10)
    assert [(e.record_id, e.run_id) for e in page.results] == [("BAD", again.id)]
    serve(httpserver, feed_bytes([course("A1")]))
    changed = harvest(instance)
    assert changed.withdrawn == 1 and active_ids(instance) == ["A1"]


def test_not_modified_keeps_the_counts_and_the_quarantine_and_confirms_the_courses(instance, httpserver, feed):
    serve(httpserver, feed_bytes([course("A1"), course("BAD", mode=[])]), headers={"ETag": '"v1"'})
    first = harvest(instance)
    httpserver.clear()
    httpserver.expect_request("/feed.json").respond_with_data("", status=304)
    again = harvest(instance)
    assert again.http_status == 304 and (again.seen, again.unchanged, again.quarantined) == (2, 1, 1)
    with instance.sessions() as session:
        assert [e.record_id for e in pipeline.current_quarantine(session, PROVIDER, 1, 10).results] == ["BAD"]
        stored = catalogue.get_course(session, PROVIDER, "A1")
        assert stored.last_seen >= again.started > first.finished


def test_a_replaced_version_keeps_when_it_was_last_seen(instance, httpserver, feed, client):
    serve(httpserver, feed_bytes([course("A1")]))
    first = harvest(instance)
    serve(httpserver, feed_bytes([course("A1", title="Revised")]))
    harvest(instance)
    versions = client.get(f"/api/v1/courses/{PROVIDER}/A1/versions").json["results"]
    newest, oldest = versions
    assert oldest["last_seen"] <= first.finished.isoformat() < newest["last_seen"]


# --- the failure paths the pipeline promises -------------------------------------------------------


@contextmanager
def refused_titles(instance, database_kind):
    """A database trigger that refuses to give any course the title 'Refused title': a store error in the
    middle of a run's write, after its report, quarantine and new courses have been written."""
    with instance.engine.begin() as connection:
        if database_kind == "postgresql":
            connection.exec_driver_sql(
                "CREATE FUNCTION refuse_title() RETURNS trigger LANGUAGE plpgsql AS "
                "$$ BEGIN RAISE EXCEPTION 'refused by the test trigger'; END $$")
            connection.exec_driver_sql(
                "CREATE TRIGGER refuse_title BEFORE UPDATE ON courses FOR EACH ROW "
                "WHEN (NEW.title = 'Refused title') EXECUTE FUNCTION refuse_title()")
        else:
            connection.exec_driver_sql(
                "CREATE TRIGGER refuse_title BEFORE UPDATE ON courses WHEN NEW.title = 'Refused title' "
                "BEGIN SELECT RAISE(ABORT, 'refused by the test trigger'); END")
    try:
        yield
    finally:
        with instance.engine.begin() as connection:
            connection.exec_driver_sql("DROP TRIGGER refuse_title" + (" ON courses" if database_kind == "postgresql" else ""))
            if database_kind == "postgresql":
                connection.exec_driver_sql("DROP FUNCTION refuse_title()")


@pytest.fixture
def refusing_store(instance, database_kind):
    with refused_titles(instance, database_kind):
        yield


def test_a_store_error_mid_write_leaves_no_half_state_and_fails_the_run(instance, httpserver, feed, refusing_store):
    serve(httpserver, feed_bytes([course("A1"), course("A2"), course("A3")]), headers={"ETag": '"v1"'})
    first = harvest(instance)
    with instance.sessions() as session:
        feed_before = session.get(Feed, PROVIDER)
        validators_before = (feed_before.etag, feed_before.body_hash)
    # New courses come first in the write, then the changed ones: A2's new title is refused by the store.
    second_body = feed_bytes([course("A1", title="A1, revised"), course("A2", title="Refused title"),
                              course("NEW1"), course("BAD", mode=[])])
    serve(httpserver, second_body, headers={"ETag": '"v2"'})
    run = harvest(instance)
    assert run.outcome is RunOutcome.FAILED and run.errors[0].startswith("store error, nothing changed")
    assert "refused by the test trigger" in run.errors[0]
    assert (run.seen, run.new, run.changed, run.quarantined) == (0, 0, 0, 0)
    assert active_ids(instance) == ["A1", "A2", "A3"] and searchable_ids(instance) == ["A1", "A2", "A3"]
    assert [len(versions_of(instance, c)) for c in ("A1", "A2", "A3")] == [1, 1, 1]
    with instance.sessions() as session:
        assert [r.id for r in session.scalars(select(HarvestRun).order_by(HarvestRun.id))] == [first.id, run.id]
        assert session.scalar(select(func.count()).select_from(QuarantineEntry)) == 0
        feed_after = session.get(Feed, PROVIDER)
        # Neither the new validators nor the document's hash were kept: the next run reads it in full.
        assert (feed_after.etag, feed_after.body_hash) == validators_before
        assert feed_after.lease_until is None
        assert session.scalar(select(func.count()).select_from(Course).where(Course.course_id == "NEW1")) == 0


def test_after_a_store_error_the_same_document_is_applied_in_full(instance, httpserver, feed, database_kind):
    serve(httpserver, feed_bytes([course("A1"), course("A2")]))
    harvest(instance)
    body = feed_bytes([course("A1"), course("A2", title="Refused title"), course("NEW1")])
    serve(httpserver, body)
    with refused_titles(instance, database_kind):
        assert harvest(instance).outcome is RunOutcome.FAILED
    run = harvest(instance)
    assert run.outcome is RunOutcome.SUCCEEDED and (run.new, run.changed, run.unchanged) == (1, 1, 1)
    assert active_ids(instance) == ["A1", "A2", "NEW1"]


# --- a held run stands until it is decided or the feed changes (issue 12) ------------------------------


def last_seen(instance, course_id: str):
    with instance.sessions() as session:
        return catalogue.get_course(session, PROVIDER, course_id).last_seen


def serve_unchanged(httpserver, body: bytes, how: str) -> None:
    """The feed as it was at the held run: the server answers 304 to its ETag, or sends the same bytes."""
    httpserver.clear()
    if how == "304":
        httpserver.expect_request("/feed.json", headers={"If-None-Match": '"held"'}).respond_with_data("", status=304)
    else:
        httpserver.expect_request("/feed.json").respond_with_data(body, content_type="application/json")


@pytest.fixture
def held(instance, httpserver, feed):
    """Ten courses, then a document that lists one: run held, nine withdrawals waiting."""
    serve(httpserver, feed_bytes([course(f"M{i}") for i in range(10)]))
    harvest(instance)
    body = feed_bytes([course("M0")])
    serve(httpserver, body, headers={"ETag": '"held"'})
    run = harvest(instance)
    assert run.outcome is RunOutcome.HELD and run.held_withdrawals == [f"M{i}" for i in range(1, 10)]
    return run, body


@pytest.mark.parametrize("how", ["304", "same bytes"])
def test_an_unchanged_feed_repeats_the_hold_and_the_held_run_can_still_be_confirmed(instance, httpserver, held,
                                                                                    how):
    run, body = held
    serve_unchanged(httpserver, body, how)
    again = harvest(instance)
    assert again.outcome is RunOutcome.HELD and again.held_run_id == run.id
    assert again.held_withdrawals == run.held_withdrawals and again.withdrawn == 0
    assert f"unchanged since run {run.id}" in again.errors[0] and f"harvest confirm {run.id}" in again.errors[0]
    assert len(active_ids(instance)) == 10
    third = harvest(instance)  # and again: still the first held run's hold
    assert third.outcome is RunOutcome.HELD and third.held_run_id == run.id

    confirmed = pipeline.confirm_withdrawals(harvest_environment(instance), run.id)
    assert confirmed.id == run.id and confirmed.withdrawn == 9
    assert active_ids(instance) == ["M0"] and searchable_ids(instance) == ["M0"]
    with instance.sessions() as session:
        assert session.get(HarvestRun, again.id).withdrawals_confirmed == confirmed.withdrawals_confirmed
    after = harvest(instance)  # decided: the unchanged feed is now a plain success
    assert after.outcome is RunOutcome.SUCCEEDED and after.withdrawn == 0 and after.errors == []


def test_courses_whose_withdrawal_is_held_are_not_marked_seen(instance, httpserver, held):
    run, body = held
    with instance.sessions() as session:
        first_run = session.scalar(select(HarvestRun).where(HarvestRun.id < run.id).order_by(HarvestRun.id.desc()))
    assert last_seen(instance, "M5") <= first_run.finished < run.started <= last_seen(instance, "M0")
    serve_unchanged(httpserver, body, "304")
    again = harvest(instance)
    assert last_seen(instance, "M5") <= first_run.finished and last_seen(instance, "M0") >= again.started


def test_a_repeating_run_named_for_confirmation_confirms_the_held_run(instance, httpserver, held):
    run, body = held
    serve_unchanged(httpserver, body, "same bytes")
    again = harvest(instance)
    assert pipeline.confirm_withdrawals(harvest_environment(instance), again.id).id == run.id
    assert active_ids(instance) == ["M0"]
    with pytest.raises(Invalid):
        pipeline.confirm_withdrawals(harvest_environment(instance), run.id)


def test_a_rejected_hold_keeps_the_courses_and_the_unchanged_feed_then_succeeds(instance, httpserver, held):
    run, body = held
    serve_unchanged(httpserver, body, "304")
    repeat = harvest(instance)
    rejected = pipeline.reject_withdrawals(harvest_environment(instance), repeat.id)
    assert rejected.id == run.id and rejected.withdrawals_rejected is not None and rejected.withdrawn == 0
    assert len(active_ids(instance)) == 10
    for how in ("304", "same bytes"):
        serve_unchanged(httpserver, body, how)
        again = harvest(instance)
        assert again.outcome is RunOutcome.SUCCEEDED and again.withdrawn == 0 and again.held_withdrawals == []
        assert "withdrawals were rejected" in again.errors[0] and again.held_run_id == run.id
    assert len(active_ids(instance)) == 10
    assert last_seen(instance, "M5") < run.started  # still not listed by the feed: not marked seen
    for decide in (pipeline.confirm_withdrawals, pipeline.reject_withdrawals):
        with pytest.raises(Invalid, match="rejected"):
            decide(harvest_environment(instance), run.id)
    # A changed document is judged afresh: still missing nine of ten, it is held again.
    serve(httpserver, feed_bytes([course("M0", title="Revised")]))
    changed = harvest(instance)
    assert changed.outcome is RunOutcome.HELD and changed.held_run_id is None and len(changed.held_withdrawals) == 9


def test_a_changed_feed_supersedes_a_standing_hold(instance, httpserver, held):
    run, body = held
    serve_unchanged(httpserver, body, "304")
    harvest(instance)
    serve(httpserver, feed_bytes([course(f"M{i}") for i in range(10)]))
    restored = harvest(instance)
    assert restored.outcome is RunOutcome.SUCCEEDED
    for decide in (pipeline.confirm_withdrawals, pipeline.reject_withdrawals):
        with pytest.raises(Conflict, match=f"superseded by run {restored.id}"):
            decide(harvest_environment(instance), run.id)
    assert len(active_ids(instance)) == 10


def test_not_modified_without_any_earlier_copy_fails_the_run(instance, httpserver, feed):
    """A server that answers 304 to a plain request: there is no earlier copy to keep, so the run fails."""
    serve(httpserver, b"", status=304)
    run = harvest(instance)
    assert run.outcome is RunOutcome.FAILED and run.http_status == 304
    assert "no earlier successful run" in run.errors[0]
    with instance.sessions() as session:
        assert pipeline.current_quarantine(session, PROVIDER, 1, 10).total == 0


def test_a_record_that_cannot_be_serialised_is_quarantined_and_keeps_its_course(instance, httpserver, feed,
                                                                                monkeypatch):
    """An adapter that hands over a value JSON has no form for (here a set): the record is quarantined, the
    course keeps its last good version, the rest of the document goes on."""
    from types import SimpleNamespace

    from harvester import formats
    from harvester.formats import FeedDocument, Record

    def parse(data: bytes) -> FeedDocument:
        return FeedDocument(provider=None, items=[Record("A1", course("A1")),
                                                  Record("A2", course("A2", skills={"analysis"}))], total=2)

    monkeypatch.setitem(formats.ADAPTERS, "objects", SimpleNamespace(FORMAT="objects", VERSION="1", parse=parse))
    serve(httpserver, feed_bytes([course("A1"), course("A2")]))
    harvest(instance)
    run = pipeline.ingest(harvest_environment(instance), PROVIDER, b"any", format_name="objects")
    assert run.outcome is RunOutcome.SUCCEEDED
    assert (run.seen, run.unchanged, run.quarantined, run.withdrawn) == (2, 1, 1, 0)
    assert active_ids(instance) == ["A1", "A2"]
    with instance.sessions() as session:
        (entry,) = pipeline.current_quarantine(session, PROVIDER, 1, 10).results
    assert entry.record_id == "A2" and entry.field == "(record)" and "not representable as JSON" in entry.reason
    assert entry.excerpt.startswith("{'id': 'A2'")
