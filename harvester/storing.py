"""The write phase of a run: one sorted document stored as one run, in the caller's transaction (its
providers, quarantine, new and changed courses, withdrawals or their hold, qualifications offered,
pathways, and the run's counts and report figures).

Withdrawals (courses the feed listed last that are missing from the document, or marked withdrawn) are
held for confirmation when they would exceed ``harvest_withdraw_guard`` of the feed's active courses
(harvester.withdrawals decides a hold). Courses whose withdrawal is held are not marked seen.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from directory.catalogue import listing
from directory.catalogue import qualifications as offers
from directory.catalogue import service as catalogue
from directory.catalogue.models import Course, CourseStatus, CourseVersion
from directory.identity import organisations
from directory.pathways.service import store_feed_pathways

from .environment import HarvestEnvironment
from .formats import FeedDocument
from .keyset import keyset_rows
from .models import Feed, HarvestRun, QuarantineEntry, RunOutcome
from .sections import Section
from .sorting import Sorting

INCOMPLETE_LISTED = 50


def store_run(session: Session, env: HarvestEnvironment, feed: Feed, document: FeedDocument, sections: list[Section],
           sortings: list[Sorting], outsiders: list[dict], started: datetime, trigger: str,
           http_status: int | None) -> tuple[HarvestRun, list[catalogue.ChangeSet]]:
    run = HarvestRun(feed_id=feed.id, provider_id=feed.provider_id, trigger=trigger, started=started,
                     finished=started, outcome=RunOutcome.SUCCEEDED, http_status=http_status,
                     unmapped=sorted(set(document.unmapped)), outsiders=outsiders,
                     not_imported=sum(o["courses"] for o in outsiders))
    session.add(run)
    session.flush()
    now = env.clock()
    changes: dict[str, catalogue.ChangeSet] = {}
    leaving: dict[str, list[str]] = {}
    owned: dict[str, set[str]] = {}
    active_count = 0
    for section, sorting in zip(sections, sortings, strict=True):
        _store_section(session, feed, section, sorting, run, now)
        changes[section.member] = catalogue.ChangeSet(
            section.member, new=[c.course_id for c in sorting.new],
            changed=[content.course_id for _, content in sorting.changed])
        # Only the courses this feed listed last (or now claims) are its to withdraw.
        claimed = _claimed(feed, section, sorting)
        own = {cid for cid, state in section.states.items() if state.status is CourseStatus.ACTIVE
               and (state.feed_id == feed.id or cid in claimed)}
        owned[section.member] = own
        active_count += len(own)
        leaving[section.member] = sorted((own - sorting.seen) | (own & set(sorting.marked_withdrawn)))
    leaving_count = sum(len(ids) for ids in leaving.values())
    if leaving_count and leaving_count > env.settings.harvest_withdraw_guard * active_count:
        run.outcome = RunOutcome.HELD
        run.held_withdrawals = leaving.get(feed.provider_id, [])
        run.held_elsewhere = {m: ids for m, ids in leaving.items() if m != feed.provider_id and ids}
        run.errors = [
            f"held: this run would withdraw {leaving_count} of {active_count} active courses "
            f"(more than {env.settings.harvest_withdraw_guard:.0%}); an administrator must confirm"
        ]
    else:
        for member, ids in leaving.items():
            changes[member].withdrawn = catalogue.withdraw(session, member, ids, now)
    mark_feed_seen(session, feed, now, leaving if run.outcome is RunOutcome.HELD else {})
    run.qualifications = [entry for section, sorting in zip(sections, sortings, strict=True)
                          for entry in _offer_qualifications(session, feed, section.member, sorting,
                                                             owned[section.member], leaving[section.member],
                                                             run, now)]
    pathways = store_feed_pathways(session, feed.provider_id, document.pathways, now,
                                   withdraw_missing=run.outcome is not RunOutcome.HELD)
    changes[feed.provider_id].reindex = sorted(pathways.course_keys)
    session.add_all(QuarantineEntry(
        run_id=run.id, feed_id=feed.id, provider_id=feed.provider_id, record_id=f"pathway:{r.pathway_id or '?'}",
        field=r.field, reason=r.reason, problems=[{"field": f, "reason": why} for f, why in r.problems],
        excerpt=r.excerpt) for r in pathways.rejected)

    run.seen = sum(s.count for s in sortings) + run.not_imported
    run.new, run.changed = sum(len(s.new) for s in sortings), sum(len(s.changed) for s in sortings)
    run.unchanged = sum(s.unchanged for s in sortings)
    run.quarantined = sum(len(s.quarantine) for s in sortings)
    run.marked_withdrawn = sum(len(s.marked_withdrawn) for s in sortings)
    run.withdrawn = sum(len(c.withdrawn) for c in changes.values())
    run.pathways_seen, run.pathways_quarantined = len(document.pathways), len(pathways.rejected)
    run.completeness_mean, run.incomplete = _completeness_summary(session, feed.id)
    run.warnings = _expected_warnings(session, feed.id, sortings[0].expected if sortings else ())
    run.finished = env.clock()
    session.flush()
    return run, list(changes.values())


def _store_section(session: Session, feed: Feed, section: Section, sorting: Sorting, run: HarvestRun,
                   now: datetime) -> None:
    """One member's records of the run: its provider row, its quarantine, its new and changed courses."""
    provider = section.provider
    if provider is not None:
        # Under the member's id whatever identifier the document used (member_of matched it): a web
        # address cannot be a path segment of the course's address. Its scheme only when it is that id.
        same = provider.id == section.member
        catalogue.upsert_provider(session, section.member, provider.name,
                                  id_scheme=provider.id_scheme if same else None,
                                  country=provider.country, url=provider.url)
    elif section.member == feed.provider_id:
        catalogue.upsert_provider(session, feed.provider_id, feed.name)
    if provider is not None or section.member == feed.provider_id:
        organisations.ensure_for_provider(session, section.member, provider.name if provider else feed.name)
    for entry in sorting.quarantine:
        entry.run_id = run.id
    session.add_all(sorting.quarantine)
    catalogue.store_new(session, section.member, sorting.new, now, run.id, feed.id)
    catalogue.store_changed(session, sorting.changed, now, run.id, feed.id)
    catalogue.store_source_hashes(session, sorting.rehashed)
    catalogue.list_by(session, feed.id, [section.states[cid].pk for cid in sorted(_claimed(feed, section, sorting))])


def _claimed(feed: Feed, section: Section, sorting: Sorting) -> set[str]:
    """Courses the document lists that no registered feed answers for (published through the API, or listed
    by a feed since removed): this feed's from now on. Another feed's active courses stay that feed's."""
    return {cid for cid in sorting.seen if (state := section.states.get(cid)) is not None
            and state.feed_id != feed.id and state.feed_id not in section.rival_feeds}


def mark_feed_seen(session: Session, feed: Feed, now: datetime, held: dict[str, list[str]]) -> None:
    """Every active course this feed listed last was seen, but those whose withdrawal is held."""
    for member in sorted(catalogue.feed_members(session, feed.id) | {feed.provider_id}):
        catalogue.mark_seen(session, member, now, feed_id=feed.id, except_ids=held.get(member, ()))


def _offer_qualifications(session: Session, feed: Feed, member: str, sorting: Sorting, active: set[str],
                          leaving: list[str], run: HarvestRun, now: datetime) -> list[dict]:
    """One member's qualifications of the run as reported, each saying whether it withdrew a listed course;
    offered to that member's awards register."""
    entries = []
    for found in sorting.qualifications:
        entry = found.as_dict()
        if found.id in active:
            entry["course"] = ("held: withdrawn from the catalogue when an administrator confirms the run's "
                               "withdrawals" if run.outcome is RunOutcome.HELD and found.id in leaving else
                               "withdrawn from the catalogue: the feed now describes it as a qualification")
        entries.append(entry)
    offers.offer_from_feed(session, member, feed.id, entries, now)
    return entries


def _completeness_summary(session: Session, feed_id: str) -> tuple[float | None, list[dict]]:
    """Of the active courses the feed listed last."""
    current = (
        select(Course.course_id, CourseVersion.completeness, CourseVersion.missing)
        .join(CourseVersion, CourseVersion.id == Course.current_version_id)
        .where(Course.feed_id == feed_id, Course.status == CourseStatus.ACTIVE)
    )
    mean = session.scalar(select(func.avg(current.subquery().c.completeness)))
    worst = session.execute(
        current.where(CourseVersion.completeness < 1).order_by(CourseVersion.completeness, Course.course_id)
        .limit(INCOMPLETE_LISTED)
    ).all()
    return (
        round(float(mean), 3) if mean is not None else None,
        [{"course_id": cid, "score": score, "missing": missing} for cid, score, missing in worst],
    )


def _expected_warnings(session: Session, feed_id: str, expected: tuple[str, ...]) -> list[dict]:
    """The expected fields the active courses this feed listed last do not publish, after the run (listed
    courses the run did not validate again count too: the report describes the catalogue, not the run's
    changes)."""
    if not expected:
        return []
    return listing.warnings(_listed_missing(session, feed_id), expected)


def _listed_missing(session: Session, feed_id: str) -> Iterator[tuple[str, list[str]]]:
    """(course id, missing fields) of the feed's active courses, read in keyset pages by ``Course.pk``."""
    statement = (select(Course.pk, Course.course_id, CourseVersion.missing)
                 .join(CourseVersion, CourseVersion.id == Course.current_version_id)
                 .where(Course.feed_id == feed_id, Course.status == CourseStatus.ACTIVE))
    return ((course_id, missing) for _, course_id, missing in keyset_rows(session, statement, Course.pk))
