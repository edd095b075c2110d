"""The run counts add up, whatever a feed sends: random sequences of documents (valid, invalid, duplicate,
unusable and withdrawn records, valid and invalid pathways) through the real pipeline on the real database.

seen = new + changed + unchanged + quarantined + marked_withdrawn + qualifications (+ not_imported, 0 for a
member's own feed); withdrawn counts the active courses the run withdrew (apart from that sum), a course now
described as a qualification among them; pathways are counted apart (harvester.report)."""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from directory.catalogue.models import Course, CourseStatus, CourseVersion
from harvester import check, mapping, pipeline, registry
from harvester.environment import harvest_environment
from harvester.formats import Record, Rejection, adapter
from harvester.models import QuarantineEntry, RunOutcome
from harvester.web.schemas import present_run
from tests.factories import course, feed_bytes

IDS = ["C0", "C1", "C2", "C3", "C4"]
PROVIDERS = (f"3{n:07d}" for n in itertools.count())

RECORD_KINDS = st.sampled_from(["valid", "revised", "invalid", "withdrawn", "no id", "not an object", "qualification"])
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
        "qualification": lambda: course(course_id, title=f"MSc Applied Topics {course_id}",
                                        credit={"value": 180, "scheme": "CATS"}),
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


def expected_buckets(items: list[tuple[str, str]]) -> tuple[int, int, set[str], set[str], int]:
    """What the document says, read independently of the pipeline: (quarantined, marked withdrawn, course ids
    in the document, ids marked withdrawn, qualifications). A repeated id is quarantined whatever its record
    says; a qualification's id is not a course's."""
    quarantined, seen, marked, qualifications = 0, set(), set(), set()
    for kind, course_id in items:
        if kind in ("no id", "not an object") or course_id in seen | qualifications:
            quarantined += 1
            continue
        if kind == "qualification":
            qualifications.add(course_id)
            continue
        seen.add(course_id)
        if kind == "withdrawn":
            marked.add(course_id)
        elif kind == "invalid":
            quarantined += 1
    return quarantined, len(marked), seen, marked, len(qualifications)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sequence=documents)
def test_the_counts_of_every_run_add_up(instance, sequence):
    provider_id = next(PROVIDERS)  # a provider of its own per example: the examples share the database
    env = harvest_environment(instance)
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

        quarantined, marked_withdrawn, in_document, marked, qualifications = expected_buckets(items)
        assert run.seen == len(courses)
        assert run.seen == run.new + run.changed + run.unchanged + run.quarantined + run.marked_withdrawn \
            + len(run.qualifications)
        assert len(run.qualifications) == qualifications
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

        counts = present_run(run)["counts"]
        assert counts == {"seen": run.seen, "new": run.new, "changed": run.changed, "unchanged": run.unchanged,
                          "withdrawn": run.withdrawn, "quarantined": run.quarantined,
                          "marked_withdrawn": run.marked_withdrawn, "qualifications": len(run.qualifications),
                          "not_imported": 0,
                          "pathways": {"seen": run.pathways_seen, "quarantined": run.pathways_quarantined}}


# --- any document, any profile: every record accounted for, and the same records again change nothing -------
#
# Native and XCRI-CAP documents mixing good, bad, duplicate, id-less and withdrawn records with records that
# only a mapping profile makes listable (a university's own points scheme, no mode, a free-text subject),
# under random profiles. A model of the document, written apart from the pipeline, says which courses are
# listed; the dry run must tell the same story; and the same records again (the same bytes, or the same
# records in other bytes, so that every record is sorted again) add no version and change no status.

SCHEME = "Uni Points"
# A kind is listable always (None), never (False), or when the profile has the table named. Learning outcomes
# are expected by the default listing policy, not required, so "no outcomes" lists.
NEEDS = {"good": None, "own scheme": "credit_schemes", "no mode": "defaults", "free-text subject": "subjects",
         "bad subject": False, "no credit": False, "no outcomes": None, "no id": False, "withdrawn": False,
         "not an object": False}
XCRI_KINDS = [k for k in NEEDS if k not in ("withdrawn", "not an object")]
NATIVE_KINDS = [k for k in NEEDS if k != "free-text subject"]
MEMBER_IDS = ["K0", "K1", "K2", "K3"]


def xcri_record(kind: str, course_id: str) -> str:
    identifier = "" if kind == "no id" else f"<dc:identifier>{course_id}</dc:identifier>"
    url = "" if kind == "no id" else f"<mlo:url>https://www.example.ac.uk/c/{course_id}</mlo:url>"
    subject = {"free-text subject": "<dc:subject>Local history</dc:subject>",
               "bad subject": '<dc:subject xsi:type="courseDataProgramme:LDCS" identifier="ZZ.9"/>'}.get(
        kind, '<dc:subject identifier="100366">Computer science</dc:subject>')
    credit = "" if kind == "no credit" else (
        f"<mlo:credit><credit:scheme>{SCHEME if kind == 'own scheme' else 'CATS'}</credit:scheme>"
        f"<credit:level>{'M' if kind == 'own scheme' else '7'}</credit:level>"
        "<credit:value>20</credit:value></mlo:credit>")
    outcomes = "" if kind == "no outcomes" else "<learningOutcome>Write a program.</learningOutcome>"
    presentation = "" if kind == "no mode" else (
        '<presentation><mlo:start dtf="2027-01-11"/><attendanceMode identifier="CM">Campus</attendanceMode>'
        "</presentation>")
    return (f"<course>{identifier}<dc:title>Course {course_id}</dc:title>{subject}{url}{outcomes}{credit}"
            f"{presentation}</course>")


def xcri_document(items, provider_id: str, generated: str) -> bytes:
    namespaces = ('xmlns="http://xcri.org/profiles/1.2/catalog" xmlns:dc="http://purl.org/dc/elements/1.1/" '
                  'xmlns:mlo="http://purl.org/net/mlo" xmlns:credit="http://purl.org/net/cm" '
                  'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:courseDataProgramme="http://xcri.co.uk"')
    courses = "".join(xcri_record(kind, cid) for kind, cid in items)
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<catalog {namespaces} generated="{generated}"><provider>'
            f"<dc:identifier>{provider_id}</dc:identifier><dc:title>U{provider_id}</dc:title>{courses}"
            "</provider></catalog>").encode()


def native_record(kind: str, course_id: str):
    changes = {"good": {}, "own scheme": {"credit": {"value": 20, "scheme": SCHEME}}, "no mode": {"mode": []},
               "bad subject": {"subjects": [{"scheme": "HECoS", "code": "109999"}]},
               "no credit": {"credit": None}, "no outcomes": {"learning_outcomes": []},
               "withdrawn": {"status": "withdrawn"}}
    if kind == "no id":
        return {k: v for k, v in course(course_id).items() if k != "id"}
    if kind == "not an object":
        return [course_id]
    return course(course_id, **changes[kind])


def native_document(items, provider_id: str, generated: str) -> bytes:
    return feed_bytes([native_record(kind, cid) for kind, cid in items], provider_id=provider_id,
                      generated=generated)


PROFILE_PARTS = st.fixed_dictionaries({}, optional={
    "credit_schemes": st.builds(
        lambda system, factor, levels: {SCHEME: {"system": system, "factor": factor, **levels}},
        st.sampled_from(["CATS", "ECTS"]), st.sampled_from([0.5, 1, 2]),
        st.sampled_from([{}, {"levels": {"M": {"framework": "FHEQ", "value": 7}}},
                         {"levels": {"M": {"framework": "SCQF", "value": 11}}}])),
    "defaults": st.sampled_from([{"mode": ["blended"]}, {"mode": ["online-asynchronous"], "language": "en"}]),
    "subjects": st.just({"Local history": "100308"}),
})


@st.composite
def feeds(draw):
    fmt = draw(st.sampled_from(["native", "xcri-cap"]))
    kinds = NATIVE_KINDS if fmt == "native" else XCRI_KINDS
    items = draw(st.lists(st.tuples(st.sampled_from(kinds), st.sampled_from(MEMBER_IDS)), max_size=8))
    return fmt, items, draw(PROFILE_PARTS)


def model(items, profile_table) -> tuple[set[str], set[str], int]:
    """(ids listed, ids marked withdrawn, records quarantined) as the document and profile say, read apart from
    the pipeline: the first record with an id is the one used; an id-less record is quarantined."""
    listed_ids, marked, quarantined, used = set(), set(), 0, set()
    for kind, course_id in items:
        if kind in ("no id", "not an object") or course_id in used:
            quarantined += 1
            continue
        used.add(course_id)
        need = NEEDS[kind]
        if kind == "withdrawn":
            marked.add(course_id)
        elif need is None or (need and need in profile_table):
            listed_ids.add(course_id)
        else:
            quarantined += 1
    return listed_ids, marked, quarantined


def catalogue_state(session, provider_id: str) -> tuple:
    versions = session.scalar(select(func.count()).select_from(CourseVersion)
                              .join(Course, Course.pk == CourseVersion.course_pk)
                              .where(Course.provider_id == provider_id))
    courses = session.execute(select(Course.course_id, Course.status, Course.current_version_id)
                              .where(Course.provider_id == provider_id).order_by(Course.course_id)).all()
    return versions, courses


def quarantine_of(session, run_id: int) -> list[tuple]:
    return sorted((e.record_id or "", e.field, e.reason) for e in
                  session.scalars(select(QuarantineEntry).where(QuarantineEntry.run_id == run_id)))


def buckets(run) -> tuple:
    return (run.seen, run.new + run.changed + run.unchanged, run.quarantined, run.marked_withdrawn)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(feed=feeds())
def test_any_document_under_any_profile_is_accounted_for_and_the_same_records_again_change_nothing(instance, feed):
    fmt, items, table = feed
    provider_id = next(PROVIDERS)
    profile = mapping.profile_from_table(table, source="profile", vocab=instance.vocab)
    write = native_document if fmt == "native" else xcri_document
    body = write(items, provider_id, "2026-11-20T08:00:00Z")
    env = harvest_environment(instance)
    with instance.sessions.begin() as session:
        registry.add_feed(session, registry.FeedSpec(provider_id, f"U{provider_id}", None, format=fmt,
                                                     mapping=profile), allow_private=False)

    run = pipeline.ingest(env, provider_id, body)
    assert run.outcome is RunOutcome.SUCCEEDED, run.errors
    listed_ids, marked, quarantined = model(items, table)
    assert run.seen == len(items) == run.new + run.changed + run.unchanged + run.quarantined + run.marked_withdrawn
    assert (run.new, run.quarantined, run.marked_withdrawn) == (len(listed_ids), quarantined, len(marked))
    with instance.sessions() as session:
        assert statuses(session, provider_id) == dict.fromkeys(listed_ids, CourseStatus.ACTIVE)
        held = quarantine_of(session, run.id)
        state = catalogue_state(session, provider_id)
    # No course lost: each id of the document is listed, marked withdrawn or quarantined with a reason.
    document_ids = {item.id if isinstance(item, Record) else item.record_id
                    for item in adapter(fmt).parse(body).items if not isinstance(item, Rejection) or item.record_id}
    assert document_ids == listed_ids | marked | {cid for cid, _, _ in held if cid}
    assert len(held) == quarantined and all(reason for _, _, reason in held)

    # The dry run of the same bytes under the same profile gives the same counts and unmapped values.
    dry = check.check_document(instance.vocab, body, format_name=fmt, profile=profile, settings=instance.settings)
    assert (dry.seen, dry.listable, dry.quarantined, dry.marked_withdrawn) == buckets(run)
    assert dry.unmapped == run.unmapped_values

    # The same bytes, then the same records in other bytes (every record sorted again): nothing changes.
    for again_body in (body, write(items, provider_id, "2026-11-27T08:00:00Z")):
        again = pipeline.ingest(env, provider_id, again_body)
        assert again.outcome is RunOutcome.SUCCEEDED, again.errors
        assert (again.new, again.changed, again.withdrawn) == (0, 0, 0)
        assert buckets(again) == buckets(run) and again.unmapped_values == run.unmapped_values
        with instance.sessions() as session:
            assert catalogue_state(session, provider_id) == state
            assert quarantine_of(session, again.id) == held
    # And the same profile again sorts nothing.
    assert pipeline.change_profile(env, provider_id, profile) is None
