"""Declared exclusions: a feed's ``excludes`` become confirmed overlaps at once, over catalogues harvested by
the real pipeline and kept current by the overlap refresh (what the scheduler runs after harvests)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from directory.catalogue.models import Course, CourseVersion
from directory.errors import Conflict
from directory.identity.identity import Identity, Role
from directory.overlaps import decisions, declared
from directory.overlaps import service as overlaps
from directory.overlaps.models import DeclaredExclusion, Overlap, OverlapOrigin, OverlapStatus
from harvester import pipeline, registry
from harvester.environment import harvest_environment
from harvester.models import QuarantineEntry
from tests.auth import ALL_PERMISSIONS, add_user, csrf_of, signed_in
from tests.directory.overlaps.test_service import GROUP_ACCOUNTS, REWRITTEN, WOUND_CARE
from tests.factories import course, feed_bytes

A, B = "10000001", "10000002"
ADMIN = Identity(user_id=1, role=Role.ADMIN)


def publish(instance, provider_id, courses):
    with instance.sessions.begin() as session:
        if provider_id not in {f.id for f in registry.list_feeds(session)}:
            registry.add_feed(session, registry.FeedSpec(provider_id, f"University {provider_id}", None),
                              allow_private=False)
    run = pipeline.ingest(harvest_environment(instance), provider_id, feed_bytes(courses, provider_id=provider_id))
    assert run.outcome.value == "succeeded", run.errors
    instance.refresh_overlaps()
    return run


def pk_of(session, provider_id, course_id):
    return session.scalar(select(Course.pk).where(Course.provider_id == provider_id, Course.course_id == course_id))


def pair(instance, first, second):
    """The stored overlap between two (provider, course) keys, or None."""
    with instance.readers() as session:
        a, b = sorted((pk_of(session, *first), pk_of(session, *second)))
        return session.scalar(select(Overlap).where(Overlap.course_a_pk == a, Overlap.course_b_pk == b))


def confirmed(instance, *keys):
    with instance.readers() as session:
        return overlaps.confirmed_pairs(session, [pk_of(session, *k) for k in keys])


def test_a_feed_exclusion_is_a_confirmed_declared_overlap_with_its_reason(instance):
    publish(instance, A, [course("NEW", excludes=[{"course_id": "OLD", "reason": "replaces OLD from 2025"}]),
                          course("OLD", **WOUND_CARE)])
    overlap = pair(instance, (A, "NEW"), (A, "OLD"))
    assert (overlap.status, overlap.origin, overlap.score) == (OverlapStatus.CONFIRMED, OverlapOrigin.DECLARED, 1.0)
    assert overlap.decided_by == f"declared by {A}" and overlap.decided is not None
    assert overlap.reasons == [{"part": "declared", "declared_by": A, "reason": "replaces OLD from 2025",
                                "outcome": "", "other_outcome": "", "similarity": 1.0}]
    assert len(confirmed(instance, (A, "NEW"), (A, "OLD"))) == 1


def test_a_declaration_across_two_members_holds_and_each_side_reads_who_declared_it(instance, client):
    publish(instance, B, [course("BX", **WOUND_CARE)])
    publish(instance, A, [course("AX", excludes=[{"course_id": "BX", "provider_id": B}])])
    assert len(confirmed(instance, (A, "AX"), (B, "BX"))) == 1
    [item] = client.get(f"/api/v1/courses/{B}/BX/overlaps").json["results"]
    assert item["origin"] == "declared" and item["status"] == "confirmed" and item["course"]["id"] == f"{A}/AX"
    assert item["reasons"][0]["declared_by"] == A and item["reasons"][0]["reason"] is None


def test_a_declaration_takes_effect_when_the_course_it_names_arrives_in_a_later_harvest(instance):
    publish(instance, A, [course("AX", excludes=[{"course_id": "LATER", "provider_id": B, "reason": "same unit"}])])
    with instance.readers() as session:
        kept = session.scalars(select(DeclaredExclusion)).all()
        assert [(d.provider_id, d.course_id, d.reason) for d in kept] == [(B, "LATER", "same unit")]
        assert session.scalars(select(Overlap)).all() == []
    publish(instance, B, [course("LATER", **WOUND_CARE)])
    overlap = pair(instance, (A, "AX"), (B, "LATER"))
    assert overlap.origin is OverlapOrigin.DECLARED and overlap.reasons[0]["reason"] == "same unit"


def test_a_declaration_the_feed_drops_takes_the_declared_pair_with_it(instance):
    publish(instance, A, [course("NEW", excludes=[{"course_id": "OLD"}]), course("OLD", **WOUND_CARE)])
    assert pair(instance, (A, "NEW"), (A, "OLD")) is not None
    publish(instance, A, [course("NEW"), course("OLD", **WOUND_CARE)])
    assert pair(instance, (A, "NEW"), (A, "OLD")) is None
    assert confirmed(instance, (A, "NEW"), (A, "OLD")) == set()
    with instance.readers() as session:
        assert session.scalars(select(DeclaredExclusion)).all() == []


def test_a_withdrawn_declaring_course_declares_nothing(instance):
    publish(instance, A, [course("NEW", excludes=[{"course_id": "OLD"}]), course("OLD", **WOUND_CARE)])
    publish(instance, A, [course("NEW", status="withdrawn", excludes=[{"course_id": "OLD"}]),
                          course("OLD", **WOUND_CARE)])
    assert pair(instance, (A, "NEW"), (A, "OLD")) is None


def test_a_withdrawn_named_course_keeps_the_pair_since_credit_outlives_courses(instance):
    publish(instance, A, [course("NEW", excludes=[{"course_id": "OLD"}]), course("OLD", **WOUND_CARE)])
    publish(instance, A, [course("NEW", excludes=[{"course_id": "OLD"}]),
                          course("OLD", status="withdrawn", **WOUND_CARE)])
    assert len(confirmed(instance, (A, "NEW"), (A, "OLD"))) == 1


def test_a_detected_pair_that_is_declared_becomes_declared_and_goes_when_the_declaration_goes(instance):
    publish(instance, A, [course("GA", **GROUP_ACCOUNTS)])
    publish(instance, B, [course("GRP", **REWRITTEN)])
    detected = pair(instance, (A, "GA"), (B, "GRP"))
    assert (detected.status, detected.origin) == (OverlapStatus.DETECTED, OverlapOrigin.DETECTED)
    with instance.sessions.begin() as session:
        decisions.dismiss(session, ADMIN, detected.id)
    publish(instance, B, [course("GRP", **REWRITTEN, excludes=[{"course_id": "GA", "provider_id": A}])])
    now = pair(instance, (A, "GA"), (B, "GRP"))
    assert (now.id, now.status, now.origin, now.score) == (detected.id, OverlapStatus.CONFIRMED,
                                                           OverlapOrigin.DECLARED, 1.0)
    publish(instance, A, [course("GA", **{**GROUP_ACCOUNTS, "summary": "Group accounts, revised."})])  # recomputed
    assert pair(instance, (A, "GA"), (B, "GRP")).origin is OverlapOrigin.DECLARED  # not rescored
    publish(instance, B, [course("GRP", **REWRITTEN)])
    assert pair(instance, (A, "GA"), (B, "GRP")) is None  # the declared row went ...
    publish(instance, A, [course("GA", **GROUP_ACCOUNTS)])
    again = pair(instance, (A, "GA"), (B, "GRP"))  # ... and the detector finds the pair again
    assert (again.status, again.origin) == (OverlapStatus.DETECTED, OverlapOrigin.DETECTED)


def test_a_full_recomputation_keeps_and_rebuilds_declared_pairs(instance):
    publish(instance, A, [course("NEW", excludes=[{"course_id": "OLD"}]), course("OLD", **WOUND_CARE)])
    with instance.sessions.begin() as session:
        session.execute(DeclaredExclusion.__table__.delete())
        overlaps.recompute_all(session)
    overlap = pair(instance, (A, "NEW"), (A, "OLD"))
    assert overlap.origin is OverlapOrigin.DECLARED
    with instance.readers() as session:
        assert len(session.scalars(select(DeclaredExclusion)).all()) == 1


def test_sync_of_unchanged_declarations_changes_nothing(instance):
    publish(instance, A, [course("NEW", excludes=[{"course_id": "OLD"}]), course("OLD", **WOUND_CARE)])
    with instance.sessions.begin() as session:
        done = declared.sync_all(session, overlaps.utcnow())
    assert (done.declared, done.added, done.turned, done.removed) == (1, 0, 0, 0)


LONG = "r" * 501


@pytest.mark.parametrize("entry, field, reason, value", [
    ({"provider_id": B}, "excludes[0].course_id", "names the course_id", None),
    ({"course_id": ""}, "excludes[0].course_id", "minimum length 1", ""),
    ({"course_id": "X" * 201}, "excludes[0].course_id", "maximum length 200", "X" * 201),
    ({"course_id": "SELF"}, "excludes[0].course_id", "cannot exclude itself", "SELF"),
    ({"course_id": "SELF", "provider_id": A}, "excludes[0].course_id", "cannot exclude itself", "SELF"),
    ({"course_id": "Y", "reason": LONG}, "excludes[0].reason", "maximum length 500", f'"{LONG[:150]}'),
    ({"course_id": "Y", "reason": 7}, "excludes[0].reason", "Not a valid string", 7),
    ("Y", "excludes[0]", "Not a valid mapping", "Y"),
])
def test_a_bad_exclusion_is_quarantined_naming_field_value_and_reason(instance, entry, field, reason, value):
    run = publish(instance, A, [course("SELF", excludes=[entry]), course("OK")])
    assert run.quarantined == 1
    with instance.readers() as session:
        quarantined = session.scalar(select(QuarantineEntry).where(QuarantineEntry.run_id == run.id))
    assert (quarantined.record_id, quarantined.field) == ("SELF", field) and reason in quarantined.reason
    problem = quarantined.problems[0]
    assert problem["field"] == field and problem["reason"] == quarantined.reason
    if value is None:  # nothing at that path to show
        assert "value" not in problem
    elif value == f'"{LONG[:150]}':  # a long value is shown cut short
        assert problem["value"].startswith(value) and problem["value"].endswith("…")
    else:
        assert problem["value"] == value


def test_duplicate_exclusions_collapse_to_one_with_the_first_reason(instance):
    publish(instance, A, [course("NEW", excludes=[{"course_id": "OLD", "reason": "first"},
                                                  {"course_id": "OLD", "provider_id": A, "reason": "second"}]),
                          course("OLD")])
    with instance.readers() as session:
        content = session.get(Course, pk_of(session, A, "NEW")).current_version.content
    assert content["excludes"] == [{"provider_id": A, "course_id": "OLD", "reason": "first"}]


def test_a_course_without_exclusions_has_no_excludes_key_so_its_content_hash_is_unchanged(instance):
    publish(instance, A, [course("PLAIN")])
    with instance.readers() as session:
        assert "excludes" not in session.get(Course, pk_of(session, A, "PLAIN")).current_version.content


def test_nobody_may_dismiss_or_confirm_a_declared_pair(app, instance):
    publish(instance, A, [course("NEW", excludes=[{"course_id": "OLD"}]), course("OLD", **WOUND_CARE)])
    overlap_id = pair(instance, (A, "NEW"), (A, "OLD")).id
    staff = signed_in(app, instance, add_user(instance, "staff@a.example.org", Role.STAFF, A, ALL_PERMISSIONS))
    for action in ("dismiss", "confirm"):
        response = staff.post(f"/api/v1/overlaps/{overlap_id}/{action}", headers={"X-CSRFToken": csrf_of(staff)})
        assert response.status_code == 409 and response.mimetype == "application/problem+json"
        assert "declared by the provider in its feed: the feed must change" in response.json["detail"]
    with instance.sessions.begin() as session, pytest.raises(Conflict):
        decisions.dismiss(session, ADMIN, overlap_id)
    assert pair(instance, (A, "NEW"), (A, "OLD")).status is OverlapStatus.CONFIRMED



def test_a_record_that_sent_excludes_before_the_field_existed_declares_it_at_the_next_harvest(instance):
    body = [course("NEW", excludes=[{"course_id": "OLD"}]), course("OLD", **WOUND_CARE)]
    publish(instance, A, body)
    with instance.sessions.begin() as session:  # what the rules before this field stored: an extension
        new = session.get(Course, pk_of(session, A, "NEW"))
        content = dict(new.current_version.content)
        content["extensions"] = {"excludes": [{"course_id": "OLD"}]}
        del content["excludes"]
        session.execute(CourseVersion.__table__.update().where(CourseVersion.id == new.current_version_id)
                        .values(content=content, content_hash="before"))
        session.execute(Overlap.__table__.delete())
        session.execute(DeclaredExclusion.__table__.delete())
        # The rules version is part of every record's hash (pipeline.RULES_VERSION): the hash of the record as
        # sorted under the rules before differs, so the unchanged record is validated again.
        session.execute(Course.__table__.update().values(source_hash="sorted under rules version 5"))
    publish(instance, A, [*body, course("ANOTHER")])  # a changed document (the same one is not read again)
    assert pair(instance, (A, "NEW"), (A, "OLD")).origin is OverlapOrigin.DECLARED
