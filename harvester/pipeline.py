"""The harvest pipeline: one feed document in, one consistent catalogue and one run report out.

Guarantees a caller may rely on:
- A run ends succeeded, failed or held, and its report is written in the same transaction as its
  changes: either both are stored or neither (then a failed report is written on its own).
- At most one run of a feed is under way, across processes (harvester.lease). A run whose process ended
  without finishing holds its feed for at most ``harvest_lease_seconds``; the next run records it as failed.
  A run that has lost its lease (unlocked by an administrator) writes nothing and raises Conflict.
- A feed that cannot be fetched or parsed changes nothing in the catalogue.
- A document is the feed's when any identifier of its provider names the feed's member (its id or an alias,
  directory.identity.organisations); its courses are stored under the member's id, never under the
  document's identifier. Any other document fails the run, naming its identifiers. An aggregator feed's
  document may list several providers: each one's courses are stored under the member it names; those of
  providers outside the consortium are not imported, counted (``not_imported``) and named (``outsiders``).
- A course remembers the feed that listed it last (``courses.feed_id``), and only that feed withdraws it. A
  record of an active course another feed of its member listed last is quarantined, naming that feed; a
  course no registered feed answers for becomes the listing feed's.
- A bad record is quarantined with its field path and reason; the rest of the feed goes on. A course
  whose new record is bad keeps its last good version and is not withdrawn.
- A record whose raw form is unchanged since the last run is neither validated, rewritten nor indexed.
- Duplicate course ids of one member in one feed: the first wins, the others are quarantined (one rule for
  every format, harvester.sorting: adapters leave repeated ids to it).
- Withdrawals (courses the feed listed last that are missing from a successful run, or marked withdrawn)
  are held for confirmation when they would exceed ``harvest_withdraw_guard`` of the feed's active courses. A hold stands until
  an administrator confirms or rejects it (``confirm_withdrawals``, ``reject_withdrawals``) or a run reads
  a changed document (which supersedes it). Courses whose withdrawal is held are not marked seen.
- A 304 Not Modified, or the same bytes again, repeats the last run that read a document: a success as a
  success; a standing hold as held again (``held_run_id`` names the held run, nothing is withdrawn or
  confirmed, and the held run can still be confirmed or rejected); a decided hold as decided. With no run
  to repeat the document is fetched again without validators; a server that answers 304 to that too
  fails the run ("no earlier copy").
- Indexing and other side effects run after the commit, from the run's change set.
- The run's counts add up as harvester.report describes.
- The feed's mapping profile (harvester.mapping) is applied to every record before it is hashed and
  validated; the record and document hashes include the profile's digest, so a changed profile sorts every
  record again. Each run that reads a document keeps it (``feed_documents``, in the run's transaction), and
  ``resort`` sorts that document again without fetching it. Values no profile maps are reported grouped on
  the run (``unmapped_values``, harvester.unmapped); a repeat of an unchanged document repeats them.
- A record describing a whole qualification (harvester.qualifications) is neither listed nor quarantined:
  it is kept on the run (``qualifications``) and offered to the awards register (directory.catalogue.
  qualifications). A course listed before and recognised as a qualification now is not seen, so it is
  withdrawn like a course the feed dropped (the guard applies), its run entry saying so.

A run reads (harvester.sections: the document by member), sorts (harvester.sorting: validation, without
writing) and writes (harvester.storing, in one transaction); harvester.withdrawals decides a held run and
harvester.runs lists what the runs recorded. The names this module hands on from those two
(``confirm_withdrawals``, ``reject_withdrawals``, ``latest_runs``, ``current_quarantine``, ``run_quarantine``)
are where the CLI, the web and the services have always found them.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from directory.errors import FeedError, FetchError, Invalid, NotFound, ProfileError
from directory.settings import Settings

from . import formats, mapping, registry
from . import lease as leases
from .environment import HarvestEnvironment, Progress
from .fetch import FetchOptions, FetchResult, fetch_feed
from .formats import FeedDocument, FeedFormat
from .gc_budget import fewer_collections
from .mapping import MappingProfile
from .models import Feed, HarvestRun, QuarantineEntry, RunOutcome, StoredDocument
from .runs import current_quarantine, latest_runs, run_quarantine
from .sections import Section, sections_of
from .sorting import Sorting, make_validator, sort_document
from .storing import mark_feed_seen, store_run
from .unmapped import UnmappedValues
from .withdrawals import confirm_withdrawals, held_by_member, reject_withdrawals

__all__ = [
    "RULES_VERSION", "change_profile", "confirm_withdrawals",
    "current_quarantine", "feed_profile", "harvest", "ingest", "latest_runs", "reject_withdrawals", "resort",
    "run_quarantine", "unlock",
]

log = logging.getLogger(__name__)

# Bump when validation rules or derived fields change: every record is then validated again, even in
# feeds whose bytes have not changed.
# 2: LDCS subjects; JACS 3.0 mapped to the CAH v1.3 groups; 3: mapping profiles; 4: qualifications recognised
# (harvester.qualifications); 5: the listing policy (learning outcomes expected, not required, by default);
# 6: ``excludes`` validated (a record that sent it before kept it under extensions; re-sorting declares it,
# and a course without it keeps its content hash: no new versions)
RULES_VERSION = "6"


def harvest(env: HarvestEnvironment, feed_id: str, *, trigger: str = "manual",
            progress: Progress | None = None) -> HarvestRun:
    """Fetch a registered feed and ingest it. Raises Conflict when a run of that feed is under way, or when
    this run lost its lease before it could write (then it wrote nothing)."""
    started = env.clock()
    feed, lease = _acquire(env, feed_id, trigger)
    with leases.Heartbeat(lease, env.settings.harvest_lease_renew_seconds):
        return _harvest(env, feed, lease, started, trigger, progress)


def _harvest(env: HarvestEnvironment, feed: Feed, lease: leases.Lease, started: datetime, trigger: str,
             progress: Progress | None) -> HarvestRun:
    if not feed.url:
        return _record_failure(env, lease, feed, started, trigger, None, "feed has no URL (it is published by push)")
    try:
        fetched = _fetch(env, feed, conditional=True)
        stale = _sorted_otherwise(env, feed) if fetched.status == 304 else None
        if stale is not None:
            # Unchanged, but kept under another profile (or adapter, or rules): sort the kept copy again.
            body, format_name = stale
            return _ingest(env, lease, feed, body, started, trigger, 304, progress, format_name=format_name)
        if fetched.status == 304:
            # Not modified: the same outcome as the last run that read the document, without reading it.
            repeated = _repeat_unchanged(env, lease, feed, started, trigger, 304, None)
            if repeated is not None:
                return repeated
            # Nothing to repeat (no run has read a document yet): ask for the document itself.
            if feed.etag or feed.last_modified:
                fetched = _fetch(env, feed, conditional=False)
    except FetchError as exc:
        return _record_failure(env, lease, feed, started, trigger, exc.status, f"fetch failed: {exc.reason}")
    if fetched.status == 304 or fetched.body is None:
        return _record_failure(env, lease, feed, started, trigger, fetched.status,
                               "the server says the feed is unchanged (304 Not Modified), but there is no "
                               "earlier successful run to repeat and it did not send the document")
    return _ingest(env, lease, feed, fetched.body, started, trigger, fetched.status, progress,
                   validators=(fetched.etag, fetched.last_modified))


def _fetch(env: HarvestEnvironment, feed: Feed, *, conditional: bool) -> FetchResult:
    return fetch_feed(
        feed.url, etag=feed.etag if conditional else None,
        last_modified=feed.last_modified if conditional else None,
        options=FetchOptions.from_settings(env.settings),
    )


def ingest(env: HarvestEnvironment, feed_id: str, body: bytes, *, trigger: str = "publish",
           format_name: str | None = None, progress: Progress | None = None) -> HarvestRun:
    """Ingest a document pushed to us (member publishing) exactly as a pulled one."""
    started = env.clock()
    feed, lease = _acquire(env, feed_id, trigger)
    with leases.Heartbeat(lease, env.settings.harvest_lease_renew_seconds):
        return _ingest(env, lease, feed, body, started, trigger, None, progress, format_name=format_name)


def unlock(env: HarvestEnvironment, feed_id: str) -> HarvestRun | None:
    """Clear the feed's lease (administrators: the run holding it is gone), recording that run as failed.
    None, with nothing written, when no run holds the feed."""
    with env.sessions.begin() as session:
        return leases.unlock(session, feed_id, env.clock())


@fewer_collections  # a run's objects live until it ends: collecting them over and over is waste
def _ingest(env, lease: leases.Lease, feed: Feed, body: bytes, started: datetime, trigger: str,
            http_status: int | None, progress: Progress | None, *,
            validators: tuple[str | None, str | None] | None = None, format_name: str | None = None) -> HarvestRun:
    adapter = formats.adapter(format_name or feed.format)
    try:
        profile = feed_profile(feed)
    except ProfileError as exc:  # stored before a rule it breaks (a vocabulary changed): say so, change nothing
        return _record_failure(env, lease, feed, started, trigger, http_status,
                               f"the feed's mapping profile is refused: {exc.detail}")
    body_hash = hashlib.sha256(_salt(adapter, profile, env.settings) + body).hexdigest()
    if body_hash == feed.body_hash:
        repeated = _repeat_unchanged(env, lease, feed, started, trigger, http_status, validators)
        if repeated is not None:
            return repeated
    try:
        document = adapter.parse(body)
        # Sorting (validation) reads the store but writes nothing, so the write transaction below is short
        # and other feeds' runs can write meanwhile. The feed lease keeps this feed's courses still.
        with env.readers() as session:
            sections, outsiders = sections_of(session, feed, document)
        sortings = [_sort_records(env, feed, adapter, section, progress, profile) for section in sections]
        with env.sessions.begin() as session:
            run, changes = store_run(session, env, feed, document, sections, sortings, outsiders, started, trigger,
                                  http_status)
            run.unmapped_values = UnmappedValues.merged(s.unmapped for s in sortings).as_list()
            session.execute(update(Feed).where(Feed.id == feed.id).values(body_hash=body_hash))
            _keep_document(session, feed.id, adapter, profile, env.settings, body, env.clock())
            _remember_validators(session, feed, validators)
            # Last, so the feed's row is locked only for the moment before the commit (the heartbeat goes on).
            lease.confirm(session)
    except FeedError as exc:
        return _record_failure(env, lease, feed, started, trigger, http_status, f"unusable document: {exc}")
    except SQLAlchemyError as exc:
        log.exception("harvest of feed %s could not be stored", feed.id)
        return _record_failure(env, lease, feed, started, trigger, http_status,
                               f"store error, nothing changed: {type(exc).__name__}: {exc.args[0] if exc.args else ''}")
    for change_set in changes:
        if change_set:
            env.on_changes(change_set)
    return run


def feed_profile(feed: Feed) -> MappingProfile:
    """The feed's stored mapping profile (``mapping.EMPTY`` when it has none)."""
    return registry.stored_profile(feed)


def change_profile(env: HarvestEnvironment, feed_id: str, profile: MappingProfile) -> HarvestRun | None:
    """Store the feed's mapping profile (``mapping.EMPTY`` clears it) and, when it changed and a run has read
    a document, sort that document again at once (the run returned; None when nothing was sorted). The
    profile is stored first: when a run of the feed is under way (Conflict) it stays stored, and the next run
    sorts with it."""
    with env.sessions.begin() as session:
        changed = registry.set_mapping(session, feed_id, profile)
        kept = session.get(StoredDocument, feed_id) is not None
    if not changed or not kept:
        return None
    return resort(env, feed_id)


def _salt(adapter: FeedFormat, profile: MappingProfile, settings: Settings) -> bytes:
    """What every record hash and the document hash start with: a new adapter, rule set, profile or
    consortium listing policy re-sorts (a field moved to required quarantines the records that lack it)."""
    policy = hashlib.sha256(",".join(settings.listing_required).encode()).hexdigest()[:16]  # sorted_with is short
    return f"{adapter.FORMAT}:{adapter.VERSION}:{RULES_VERSION}:{profile.digest}:{policy}:".encode()


def _keep_document(session: Session, feed_id: str, adapter: FeedFormat, profile: MappingProfile,
                   settings: Settings, body: bytes,
                   now: datetime) -> None:
    session.execute(delete(StoredDocument).where(StoredDocument.feed_id == feed_id))
    session.add(StoredDocument(feed_id=feed_id, format=adapter.FORMAT, body=body, stored=now,
                               sorted_with=_salt(adapter, profile, settings).decode()))


def _sorted_otherwise(env: HarvestEnvironment, feed: Feed) -> tuple[bytes, str] | None:
    """The kept document and its format when it was last sorted under another profile, adapter or rule set
    than the feed's now; None when repeating the last run is right (or nothing is kept)."""
    with env.readers() as session:
        kept = session.execute(select(StoredDocument.sorted_with, StoredDocument.format)
                               .where(StoredDocument.feed_id == feed.id)).first()
        if kept is None:
            return None
        try:
            current = _salt(formats.adapter(kept.format), feed_profile(feed), env.settings).decode()
        except (ValueError, ProfileError):
            return None  # _ingest reports a refused profile when the document is read
        if current == kept.sorted_with:
            return None
        body = session.scalar(select(StoredDocument.body).where(StoredDocument.feed_id == feed.id))
    return body, kept.format


def resort(env: HarvestEnvironment, feed_id: str, *, trigger: str = "profile",
           progress: Progress | None = None) -> HarvestRun:
    """Sort the feed's last document again (its mapping profile changed) without fetching it: a run like any
    other, recorded with ``trigger``. Invalid when no run has read a document of the feed yet; Conflict when
    a run of the feed is under way."""
    with env.readers() as session:
        if session.get(Feed, feed_id) is None:
            raise NotFound(f"no feed {feed_id!r}")
        stored = session.get(StoredDocument, feed_id)
        if stored is None:
            raise Invalid(f"feed {feed_id} has no document yet: no run has read one, so there is nothing to sort "
                          "again (its next harvest uses the profile)")
        body, format_name = stored.body, stored.format
    started = env.clock()
    feed, lease = _acquire(env, feed_id, trigger)
    with leases.Heartbeat(lease, env.settings.harvest_lease_renew_seconds):
        return _ingest(env, lease, feed, body, started, trigger, None, progress, format_name=format_name)


def _remember_validators(session: Session, feed: Feed, validators: tuple[str | None, str | None] | None) -> None:
    if validators is not None:
        session.execute(
            update(Feed).where(Feed.id == feed.id).values(etag=validators[0], last_modified=validators[1])
        )


def _repeat_unchanged(env: HarvestEnvironment, lease: leases.Lease, feed: Feed, started: datetime, trigger: str,
                      http_status: int | None, validators) -> HarvestRun | None:
    """A run for the document the last run that read one applied (byte-identical, or a 304): the same outcome
    without parsing or validating (its quarantine carried over). A standing hold is repeated as held, naming
    the held run (``held_run_id``) and withdrawing or confirming nothing; a decided hold as decided (a
    success). None when no run has read a document yet."""
    with env.sessions.begin() as session:
        previous = session.scalar(select(HarvestRun).where(
            HarvestRun.feed_id == feed.id, HarvestRun.outcome != RunOutcome.FAILED).order_by(HarvestRun.id.desc()))
        if previous is None:
            return None
        held = session.get(HarvestRun, previous.held_run_id) if previous.held_run_id is not None else previous
        if held is None or held.outcome is not RunOutcome.HELD:
            held = None
        standing = held is not None and held.withdrawals_confirmed is None and held.withdrawals_rejected is None
        lease.confirm(session)
        # The feed still does not list the courses of a hold that stands or was rejected: not seen.
        unconfirmed = held is not None and held.withdrawals_confirmed is None
        mark_feed_seen(session, feed, env.clock(), held_by_member(held, feed.provider_id) if unconfirmed else {})
        # The same records again, in the same buckets, except that nothing is new or changed a second time.
        run = HarvestRun(
            feed_id=feed.id, provider_id=feed.provider_id, trigger=trigger, started=started, finished=env.clock(),
            outcome=RunOutcome.HELD if standing else RunOutcome.SUCCEEDED, http_status=http_status,
            seen=previous.seen, new=0, changed=0,
            unchanged=previous.new + previous.changed + previous.unchanged, withdrawn=0,
            quarantined=previous.quarantined, marked_withdrawn=previous.marked_withdrawn,
            pathways_seen=previous.pathways_seen, pathways_quarantined=previous.pathways_quarantined,
            errors=_repeat_notes(held, standing), held_withdrawals=list(held.held_withdrawals) if standing else [],
            held_elsewhere=dict(held.held_elsewhere or {}) if standing else {},
            held_run_id=held.id if held is not None else None,
            not_imported=previous.not_imported, outsiders=list(previous.outsiders or []),
            completeness_mean=previous.completeness_mean, incomplete=previous.incomplete,
            unmapped=previous.unmapped, unmapped_values=list(previous.unmapped_values or []),
            qualifications=list(previous.qualifications or []),
            warnings=list(previous.warnings or []),
        )
        session.add(run)
        session.flush()
        _copy_quarantine(session, previous.id, run.id)
        _remember_validators(session, feed, validators)
    return run


def _copy_quarantine(session: Session, from_run: int, to_run: int) -> None:
    """The quarantine of run ``from_run`` recorded again for ``to_run``, in the order it was met (read in
    keyset pages: a feed's quarantine grows with its catalogue)."""
    session.add_all(
        QuarantineEntry(run_id=to_run, feed_id=e.feed_id, provider_id=e.provider_id, record_id=e.record_id,
                        title=e.title, field=e.field, reason=e.reason, problems=e.problems, excerpt=e.excerpt)
        for e in run_quarantine(session, from_run)
    )


def _repeat_notes(held: HarvestRun | None, standing: bool) -> list[str]:
    if held is None or held.withdrawals_confirmed is not None:
        return []
    count = len(held.held_withdrawals) + sum(len(ids) for ids in (held.held_elsewhere or {}).values())
    if standing:
        return [f"held: the feed is unchanged since run {held.id}, whose withdrawal of {count} courses still "
                f"waits for an administrator: `harvest confirm {held.id}` or `harvest reject {held.id}`"]
    return [f"the feed is unchanged since run {held.id}, whose withdrawals were rejected: the {count} courses "
            "missing from it stay active"]


def _sort_records(env: HarvestEnvironment, feed: Feed, adapter: FeedFormat, section: Section,
                  progress: Progress | None, profile: MappingProfile = mapping.EMPTY) -> Sorting:
    validator = make_validator(env.vocab, env.settings, profile)
    # The awarding-body default names the provider the records are listed under (an aggregator's members).
    name = section.provider.name if section.provider is not None and section.member != feed.provider_id else feed.name
    document = FeedDocument(section.provider, section.items, total=len(section.items))
    return sort_document(validator, document, profile=profile, salt=_salt(adapter, profile, env.settings), states=section.states,
                         feed_id=feed.id, provider_id=section.member, provider_name=name, progress=progress,
                         rival_feeds=section.rival_feeds)


def _record_failure(env: HarvestEnvironment, lease: leases.Lease, feed: Feed, started: datetime, trigger: str,
                    http_status: int | None, error: str) -> HarvestRun:
    log.warning("harvest of feed %s failed: %s", feed.id, error)
    with env.sessions.begin() as session:
        # A run that lost its lease has been recorded already (unlock, or the run that took over).
        lease.confirm(session)
        run = HarvestRun(feed_id=feed.id, provider_id=feed.provider_id, trigger=trigger, started=started,
                         finished=env.clock(), outcome=RunOutcome.FAILED, http_status=http_status, errors=[error])
        session.add(run)
    return run


def _acquire(env: HarvestEnvironment, feed_id: str, trigger: str) -> tuple[Feed, leases.Lease]:
    return leases.take(env.sessions, feed_id, trigger=trigger,
                       duration=timedelta(seconds=env.settings.harvest_lease_seconds), clock=env.clock)
