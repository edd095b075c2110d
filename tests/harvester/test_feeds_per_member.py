"""Several feeds per member, through the real pipeline on real local HTTP: each feed answers for the courses
it listed last, so a course missing from one feed is withdrawn only by that feed; the mass-withdrawal guard
counts per feed; a course another feed of the member lists already stays with that feed."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from werkzeug import Response

from directory.catalogue.models import Course
from directory.errors import Conflict, Invalid
from harvester import pipeline, registry
from harvester.environment import harvest_environment
from harvester.models import QuarantineEntry, RunOutcome
from tests.factories import course, feed_bytes

MEMBER = "10000001"
VLE = "testing-vle"


def add_feed(instance, httpserver, path, feed_id=None, provider_id=MEMBER):
    with instance.sessions.begin() as session:
        return registry.add_feed(session, registry.FeedSpec(provider_id, "University of Testing",
                                                            httpserver.url_for(path), id=feed_id),
                                 allow_private=True).id


@pytest.fixture
def documents(httpserver):
    """Serves a document per path; setting a path again replaces its document."""
    served: dict[str, bytes] = {}

    def handler(request):
        return Response(served[request.path], content_type="application/json")

    def set_document(path, course_ids):
        if path not in served:
            httpserver.expect_request(path).respond_with_handler(handler)
        served[path] = feed_bytes([course(cid) for cid in course_ids])

    return set_document


def courses(instance) -> dict[str, tuple[str, str | None]]:
    with instance.sessions() as session:
        return {c.course_id: (c.status.value, c.feed_id) for c in session.scalars(select(Course))}


def harvest(instance, feed_id):
    run = pipeline.harvest(harvest_environment(instance), feed_id)
    assert run.outcome is not RunOutcome.FAILED, run.errors
    return run


def test_a_course_missing_from_one_feed_is_withdrawn_by_that_feed_only(instance, httpserver, documents):
    documents("/sis", [f"S{n}" for n in range(10)])
    documents("/vle", ["V1", "V2", "V3"])
    add_feed(instance, httpserver, "/sis")
    add_feed(instance, httpserver, "/vle", feed_id=VLE)
    harvest(instance, MEMBER)
    harvest(instance, VLE)
    assert courses(instance)["S0"] == ("active", MEMBER) and courses(instance)["V1"] == ("active", VLE)

    # The student record system drops S9: its run withdraws S9, and not the VLE's courses it never lists.
    documents("/sis", [f"S{n}" for n in range(9)])
    run = harvest(instance, MEMBER)
    assert run.outcome is RunOutcome.SUCCEEDED and run.withdrawn == 1
    stored = courses(instance)
    assert stored["S9"] == ("withdrawn", MEMBER)
    assert {stored[v] for v in ("V1", "V2", "V3")} == {("active", VLE)}

    # The VLE drops V3: withdrawn by the VLE's run; the SIS's courses untouched.
    documents("/vle", ["V1", "V2"])
    run = harvest(instance, VLE)
    assert run.withdrawn == 1 and courses(instance)["V3"] == ("withdrawn", VLE)
    assert all(courses(instance)[f"S{n}"] == ("active", MEMBER) for n in range(9))


def test_the_withdrawal_guard_counts_the_feeds_own_courses(instance, httpserver, documents):
    documents("/sis", [f"S{n}" for n in range(10)])
    documents("/vle", ["V1", "V2"])
    add_feed(instance, httpserver, "/sis")
    add_feed(instance, httpserver, "/vle", feed_id=VLE)
    harvest(instance, MEMBER)
    harvest(instance, VLE)
    # Both of the VLE's courses go: 2 of its 2 (not 2 of the member's 12), so the run is held.
    documents("/vle", [])
    run = harvest(instance, VLE)
    assert run.outcome is RunOutcome.HELD and sorted(run.held_withdrawals) == ["V1", "V2"]
    assert courses(instance)["V1"] == ("active", VLE)
    confirmed = pipeline.confirm_withdrawals(harvest_environment(instance), run.id)
    assert confirmed.withdrawn == 2 and courses(instance)["V2"] == ("withdrawn", VLE)
    assert all(courses(instance)[f"S{n}"] == ("active", MEMBER) for n in range(10))


def test_a_course_two_feeds_list_stays_with_the_feed_that_listed_it_first(instance, httpserver, documents):
    documents("/sis", ["X", "S1", "S2"])
    documents("/vle", ["X", "V1"])
    add_feed(instance, httpserver, "/sis")
    add_feed(instance, httpserver, "/vle", feed_id=VLE)
    harvest(instance, MEMBER)
    run = harvest(instance, VLE)
    assert (run.seen, run.new, run.quarantined) == (2, 1, 1)
    with instance.sessions() as session:
        entry = session.scalars(select(QuarantineEntry).where(QuarantineEntry.run_id == run.id)).one()
    assert entry.record_id == "X" and entry.field == "id" and f"feed '{MEMBER}' of this member" in entry.reason
    assert courses(instance)["X"] == ("active", MEMBER)

    # The VLE's run again: X is still the SIS's, and the VLE withdraws nothing.
    assert harvest(instance, VLE).withdrawn == 0 and courses(instance)["X"] == ("active", MEMBER)
    # The SIS stops listing X: withdrawn by the SIS (it listed it last); the VLE then takes it over.
    documents("/sis", ["S1", "S2"])
    assert harvest(instance, MEMBER).withdrawn == 1 and courses(instance)["X"] == ("withdrawn", MEMBER)
    documents("/vle", ["X", "V1", "V9"])  # changed, so the run reads it again
    run = harvest(instance, VLE)
    assert run.quarantined == 0 and run.changed == 1 and courses(instance)["X"] == ("active", VLE)


def test_a_second_feed_of_a_member_needs_an_id_of_its_own(instance, httpserver):
    add_feed(instance, httpserver, "/sis")
    with pytest.raises(Invalid, match=r"has a feed already \(10000001\).*--id FEED_ID"):
        add_feed(instance, httpserver, "/vle")
    with pytest.raises(Conflict, match="there is a feed '10000001' already"):
        add_feed(instance, httpserver, "/vle", feed_id=MEMBER)
    with pytest.raises(Invalid, match="without slashes"):
        add_feed(instance, httpserver, "/vle", feed_id="a/b")
    assert add_feed(instance, httpserver, "/vle", feed_id=VLE) == VLE
    with instance.sessions() as session:
        assert [f.id for f in registry.member_feeds(session, MEMBER)] == [MEMBER, VLE]


def test_a_feed_takes_over_the_courses_of_a_removed_feed_it_lists(instance, httpserver, documents):
    documents("/old", ["C1", "C2", "C3"])
    add_feed(instance, httpserver, "/old")
    harvest(instance, MEMBER)
    with instance.sessions.begin() as session:
        registry.remove_feed(session, MEMBER)
    assert courses(instance)["C1"] == ("active", MEMBER)  # the courses stay, remembering the removed feed

    documents("/new", ["C1", "C2", "C3"])
    add_feed(instance, httpserver, "/new", feed_id="new-system")
    run = harvest(instance, "new-system")
    assert (run.new, run.unchanged, run.quarantined) == (0, 3, 0)
    assert {courses(instance)[c] for c in ("C1", "C2", "C3")} == {("active", "new-system")}
    documents("/new", ["C1", "C2"])
    assert harvest(instance, "new-system").withdrawn == 1 and courses(instance)["C3"] == ("withdrawn", "new-system")
