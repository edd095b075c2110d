"""The run counts add up, whatever a feed sends: random sequences of documents (valid, invalid, duplicate,
unusable and withdrawn records, valid and invalid pathways) through the real pipeline on the real database.

seen = new + changed + unchanged + quarantined + marked_withdrawn (+ not_imported, 0 for a member's own
feed); withdrawn counts the active courses the
run withdrew (apart from that sum); pathways are counted apart (harvester.report)."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from directory.catalogue.models import Course, CourseStatus
from harvester import pipeline, registry
from harvester.models import QuarantineEntry, RunOutcome
from harvester.report import run_as_dict
from tests.factories import course, feed_bytes

IDS = ["C0", "C1", "C2", "C3", "C4"]
PROVIDERS = (f"3{n:07d}" for n in itertools.count())

RECORD_KINDS = st.sampled_from(["valid", "revised", "invalid", "withdrawn", "no id", "not an object"])
records = st.lists(st.tuples(RECORD_KINDS, st.sampled_from(IDS)), max_size=7)
pathway_kinds = st.lists(st.sampled_from(["valid", "invalid"]), max_size=2)
documents = st.lists(st.tuples(records, pathway_kinds), min_size=1, max_size=4)


def record(kind: str, course_id: str):
    return {
        "valid": lambda: course(course_id),
        "revised": lambda: course(course_id, title=f"Revised topic {course_id}"),
        "invalid": lambda: course(course_id, credit={"value": 15, "scheme": "GUINEAS"}),
        "withdrawn": lambda: course(course_id, status="withdrawn"),
        "no id": lambda: {k: v for k, v in course(course_id).items() if k != "id"},
        "not an object": lambda: [course_id],
    }[kind]()


def pathway(kind: str, provider_id: str, index: int) -> dict:
    value = {"id": f"{provider_id}-pw{index}", "title": "PgCert Applied Topics",
             "level": {"framework": "FHEQ", "value": 7}, "total_credit": {"value": 30, "scheme": "CATS"},
             "rules": {"core": ["C0", "C1"]}, "description": "Two core courses."}
    if kind == "invalid":
        value.pop("title")
    return value


def statuses(session, provider_id: str) -> dict[str, CourseStatus]:
    return dict(session.execute(select(Course.course_id, Course.status).where(Course.provider_id == provider_id)).all())


def expected_buckets(items: list[tuple[str, str]]) -> tuple[int, int, set[str], set[str]]:
    """What the document says, read independently of the pipeline: (quarantined, marked withdrawn, ids in
    the document, ids marked withdrawn). A repeated id is quarantined whatever its record says."""
    quarantined, seen, marked = 0, set(), set()
    for kind, course_id in items:
        if kind in ("no id", "not an object") or course_id in seen:
            quarantined += 1
            continue
        seen.add(course_id)
        if kind == "withdrawn":
            marked.add(course_id)
        elif kind == "invalid":
            quarantined += 1
    return quarantined, len(marked), seen, marked


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sequence=documents)
def test_the_counts_of_every_run_add_up(instance, sequence):
    provider_id = next(PROVIDERS)  # a provider of its own per example: the examples share the database
    env = instance.harvest_environment()
    with instance.sessions.begin() as session:
        registry.add_feed(session, registry.FeedSpec(provider_id, f"U{provider_id}", None), allow_private=False)
    for items, pathway_list in sequence:
        courses = [record(kind, cid) for kind, cid in items]
        pathways = [pathway(kind, provider_id, i) for i, kind in enumerate(pathway_list)]
        with instance.sessions() as session:
            before = statuses(session, provider_id)
        run = pipeline.ingest(env, provider_id, feed_bytes(courses, provider_id=provider_id, pathways=pathways))
        assert run.outcome is not RunOutcome.FAILED, run.errors
        with instance.sessions() as session:
            after = statuses(session, provider_id)
            entries = list(session.scalars(select(QuarantineEntry).where(QuarantineEntry.run_id == run.id)))

        quarantined, marked_withdrawn, in_document, marked = expected_buckets(items)
        assert run.seen == len(courses)
        assert run.seen == run.new + run.changed + run.unchanged + run.quarantined + run.marked_withdrawn
        assert (run.quarantined, run.marked_withdrawn) == (quarantined, marked_withdrawn)
        assert run.new == len(set(after) - set(before))

        active = {cid for cid, status in before.items() if status is CourseStatus.ACTIVE}
        leaving = (active - in_document) | (active & marked)
        withdrawn_now = {cid for cid in active if after[cid] is CourseStatus.WITHDRAWN}
        if run.outcome is RunOutcome.HELD:
            assert run.withdrawn == 0 and not withdrawn_now and set(run.held_withdrawals) == leaving
        else:
            assert run.withdrawn == len(withdrawn_now) == len(leaving) and withdrawn_now == leaving

        pathway_entries = [e for e in entries if (e.record_id or "").startswith("pathway:")]
        assert run.pathways_seen == len(pathways)
        assert run.pathways_quarantined == len(pathway_entries) == pathway_list.count("invalid")
        assert run.quarantined == len(entries) - len(pathway_entries)

        counts = run_as_dict(run)["counts"]
        assert counts == {"seen": run.seen, "new": run.new, "changed": run.changed, "unchanged": run.unchanged,
                          "withdrawn": run.withdrawn, "quarantined": run.quarantined,
                          "marked_withdrawn": run.marked_withdrawn, "not_imported": 0,
                          "pathways": {"seen": run.pathways_seen, "quarantined": run.pathways_quarantined}}
