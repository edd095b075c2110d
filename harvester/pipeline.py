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
- Duplicate course ids of one member in one feed: the first wins, the others are quarantined.
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
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import ModuleType

import orjson
from marshmallow import ValidationError
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from directory.catalogue import listing
from directory.catalogue import qualifications as offers
from directory.catalogue import service as catalogue
from directory.catalogue.completeness import completeness
from directory.catalogue.models import Course, CourseStatus, CourseVersion
from directory.catalogue.schema import CourseValidator
from directory.catalogue.vocab import Vocabularies
from directory.db import utcnow
from directory.errors import Conflict, Invalid, NotFound
from directory.identity import organisations
from directory.pathways.service import store_feed_pathways
from directory.settings import Settings

from . import formats, mapping, qualifications, registry, report
from . import lease as leases
from .fetch import FetchError, FetchOptions, FetchResult, fetch_feed
from .formats import FeedDocument, FeedError, ProviderInfo, Record, Rejection
from .gc_budget import fewer_collections
from .mapping import MappingProfile, ProfileError
from .models import Feed, HarvestRun, QuarantineEntry, RunOutcome, StoredDocument
from .unmapped import UnmappedValues

log = logging.getLogger(__name__)

INCOMPLETE_LISTED = 50
# Bump when validation rules or derived fields change: every record is then validated again, even in
# feeds whose bytes have not changed.
# 2: LDCS subjects; JACS 3.0 mapped to the CAH v1.3 groups; 3: mapping profiles; 4: qualifications recognised
# (harvester.qualifications); 5: the listing policy (learning outcomes expected, not required, by default);
# 6: ``excludes`` validated (a record that sent it before kept it under extensions; re-sorting declares it,
# and a course without it keeps its content hash: no new versions)
RULES_VERSION = "6"


@dataclass(frozen=True)
class HarvestEnvironment:
    """What a run needs from the composition root."""

    sessions: sessionmaker
    readers: sessionmaker
    settings: Settings
    vocab: Vocabularies
    # Called after each commit that changed the catalogue (the search index follows it).
    on_changes: Callable[[catalogue.ChangeSet], None] = lambda changes: None
    # Every time a run reads or stamps (leases, reports, last seen); tests pass their own.
    clock: Callable[[], datetime] = utcnow


Progress = Callable[[int, int | None], None]  # (items done so far, total or None)


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
            sections, outsiders = _sections(session, feed, document)
        sortings = [_sort_records(env, feed, adapter, section, progress, profile) for section in sections]
        with env.sessions.begin() as session:
            run, changes = _apply(session, env, feed, document, sections, sortings, outsiders, started, trigger,
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


def _salt(adapter: ModuleType, profile: MappingProfile, settings: Settings) -> bytes:
    """What every record hash and the document hash start with: a new adapter, rule set, profile or
    consortium listing policy re-sorts (a field moved to required quarantines the records that lack it)."""
    policy = hashlib.sha256(",".join(settings.listing_required).encode()).hexdigest()[:16]  # sorted_with is short
    return f"{adapter.FORMAT}:{adapter.VERSION}:{RULES_VERSION}:{profile.digest}:{policy}:".encode()


def _keep_document(session: Session, feed_id: str, adapter: ModuleType, profile: MappingProfile,
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
        _mark_feed_seen(session, feed, env.clock(), _held_by_member(held, feed.provider_id) if unconfirmed else {})
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
        session.add_all(
            QuarantineEntry(run_id=run.id, feed_id=e.feed_id, provider_id=e.provider_id, record_id=e.record_id,
                            title=e.title, field=e.field, reason=e.reason, problems=e.problems, excerpt=e.excerpt)
            for e in session.scalars(select(QuarantineEntry).where(QuarantineEntry.run_id == previous.id))
        )
        _remember_validators(session, feed, validators)
    return run


def _repeat_notes(held: HarvestRun | None, standing: bool) -> list[str]:
    if held is None or held.withdrawals_confirmed is not None:
        return []
    count = len(held.held_withdrawals) + sum(len(ids) for ids in (held.held_elsewhere or {}).values())
    if standing:
        return [f"held: the feed is unchanged since run {held.id}, whose withdrawal of {count} courses still "
                f"waits for an administrator: `harvest confirm {held.id}` or `harvest reject {held.id}`"]
    return [f"the feed is unchanged since run {held.id}, whose withdrawals were rejected: the {count} courses "
            "missing from it stay active"]


@dataclass
class Section:
    """The records of one member in a document (an ordinary feed's document has one section), with what the
    store holds of the member's courses and the member's other feeds (whose active courses stay theirs)."""

    member: str
    provider: ProviderInfo | None
    items: list[Record | Rejection]
    states: dict[str, catalogue.CourseState] = field(default_factory=dict)
    rival_feeds: frozenset[str] = frozenset()


def _sections(session: Session, feed: Feed, document: FeedDocument) -> tuple[list[Section], list[dict]]:
    """The document's records by member, and the providers outside the consortium (aggregator feeds: not
    imported, reported). A member this feed listed courses of before has a section even when the document
    no longer names it, so that its courses missing from the feed are withdrawn."""
    by_member: dict[str, Section] = {}
    outsiders: list[dict] = []
    for provider, items in document.sections():
        member = member_of(session, feed, provider)
        if member is None:
            outsiders.append(outsider(provider, items))
        elif member in by_member:
            by_member[member].items.extend(items)
        else:
            by_member[member] = Section(member, provider, list(items))
    for member in sorted(catalogue.feed_members(session, feed.id) | {feed.provider_id}):
        by_member.setdefault(member, Section(member, None, []))
    for section in by_member.values():
        section.states = catalogue.course_states(session, section.member)
        section.rival_feeds = frozenset(session.scalars(
            select(Feed.id).where(Feed.provider_id == section.member, Feed.id != feed.id)))
    return list(by_member.values()), outsiders


def member_of(session: Session, feed: Feed, provider: ProviderInfo | None) -> str | None:
    """The member whose courses these are: the feed's member when any identifier the document gives the
    provider names it (its id or one of its aliases, organisations.identifier_key compares them), so its
    courses are stored under the member's id, never under the document's identifier. An aggregator feed
    takes any member's provider (None: a provider outside the consortium); an ordinary feed refuses any
    other document (FeedError naming its identifiers)."""
    if provider is None:
        return feed.provider_id
    identifiers = provider.all_identifiers()
    if any(value.strip() == feed.provider_id for value, _ in identifiers):
        return feed.provider_id  # also for a feed registered before its organisation was created with it
    members = organisations.members_named(session, [value for value, _ in identifiers])
    if feed.provider_id in members:
        return feed.provider_id
    if feed.aggregator:
        return sorted(members)[0] if members else None
    named = ", ".join(f"{value!r} ({scheme})" if scheme else repr(value) for value, scheme in identifiers)
    if members:
        raise FeedError(f"the document is for provider {named}, which is member {sorted(members)[0]!r}; "
                        f"this feed is {feed.provider_id!r}'s (a feed listing several members' courses is "
                        f"registered as an aggregator: `feeds add --aggregator`, `aggregator = true`)")
    raise FeedError(
        f"the document is for a provider this consortium does not know, identified as {named}; this feed is "
        f"{feed.provider_id!r}'s. If the document is this member's, alias its identifier: "
        f"`climbing-frame feeds alias {feed.id} {_shell_quote(provider.id)}`"
    )


def outsider(provider: ProviderInfo, items: list) -> dict:
    """How a run reports a provider outside the consortium whose records it did not import."""
    return {"name": provider.name, "identifiers": [value for value, _ in provider.all_identifiers()],
            "courses": len(items),
            "command": f"climbing-frame feeds alias FEED {_shell_quote(provider.id)}  "
                       "(FEED: a feed of the member this provider is)"}


def provider_refusal(session: Session, provider_id: str, document: FeedDocument) -> str | None:
    """Why a feed of member ``provider_id`` would refuse the document (a provider is someone else), or
    None when it would take it: the dry run's check, by the harvest's own rule."""
    try:
        for provider, _ in document.sections():
            member_of(session, Feed(id=provider_id, provider_id=provider_id, aggregator=False), provider)
    except FeedError as exc:
        return str(exc)
    return None


def _shell_quote(value: str) -> str:
    return "'" + value.replace("'", "'\\''") + "'"


@dataclass
class _Sorting:
    """Every record of one document, sorted into what happens to it."""

    seen: set[str] = field(default_factory=set)
    new: list[catalogue.Content] = field(default_factory=list)
    changed: list[tuple[catalogue.CourseState, catalogue.Content]] = field(default_factory=list)
    rehashed: list[tuple[int, str]] = field(default_factory=list)
    unchanged: int = 0
    marked_withdrawn: list[str] = field(default_factory=list)
    quarantine: list[QuarantineEntry] = field(default_factory=list)
    qualifications: list[qualifications.Qualification] = field(default_factory=list)
    qualification_ids: set[str] = field(default_factory=set)
    count: int = 0
    unmapped: UnmappedValues = field(default_factory=UnmappedValues)
    expected: tuple[str, ...] = ()  # the listing policy's expected fields (the validator's)

    @property
    def listable(self) -> int:
        return len(self.new) + len(self.changed) + self.unchanged


def _apply(session: Session, env: HarvestEnvironment, feed: Feed, document: FeedDocument, sections: list[Section],
           sortings: list[_Sorting], outsiders: list[dict], started: datetime, trigger: str,
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
    _mark_feed_seen(session, feed, now, leaving if run.outcome is RunOutcome.HELD else {})
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


def _store_section(session: Session, feed: Feed, section: Section, sorting: _Sorting, run: HarvestRun,
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


def _claimed(feed: Feed, section: Section, sorting: _Sorting) -> set[str]:
    """Courses the document lists that no registered feed answers for (published through the API, or listed
    by a feed since removed): this feed's from now on. Another feed's active courses stay that feed's."""
    return {cid for cid in sorting.seen if (state := section.states.get(cid)) is not None
            and state.feed_id != feed.id and state.feed_id not in section.rival_feeds}


def _mark_feed_seen(session: Session, feed: Feed, now: datetime, held: dict[str, list[str]]) -> None:
    """Every active course this feed listed last was seen, but those whose withdrawal is held."""
    for member in sorted(catalogue.feed_members(session, feed.id) | {feed.provider_id}):
        catalogue.mark_seen(session, member, now, feed_id=feed.id, except_ids=held.get(member, ()))


def _held_by_member(run: HarvestRun, member: str) -> dict[str, list[str]]:
    return {member: list(run.held_withdrawals or []), **{m: list(ids) for m, ids in (run.held_elsewhere or {}).items()}}


def _offer_qualifications(session: Session, feed: Feed, member: str, sorting: _Sorting, active: set[str],
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


def make_validator(vocab: Vocabularies, settings: Settings, profile: MappingProfile) -> CourseValidator:
    """The validator a harvest and a dry run (harvester.check) both sort with, so they report alike: the
    consortium's listing policy, with the fields the member's profile adds (a member may be stricter, never
    laxer, so the profile's list only ever adds). ProfileError when the profile names a field the course
    record does not have."""
    try:
        extra = listing.check_names(profile.listing_required, "[listing] required")
    except listing.PolicyError as exc:
        raise ProfileError("mapping profile", "listing.required", None, str(exc)) from None
    return CourseValidator(vocab, (*settings.listing_required, *extra), settings.listing_expected)


def _sort_records(env: HarvestEnvironment, feed: Feed, adapter: ModuleType, section: Section,
                  progress: Progress | None, profile: MappingProfile = mapping.EMPTY) -> _Sorting:
    validator = make_validator(env.vocab, env.settings, profile)
    # The awarding-body default names the provider the records are listed under (an aggregator's members).
    name = section.provider.name if section.provider is not None and section.member != feed.provider_id else feed.name
    document = FeedDocument(section.provider, section.items, total=len(section.items))
    return sort_document(validator, document, profile=profile, salt=_salt(adapter, profile, env.settings), states=section.states,
                         feed_id=feed.id, provider_id=section.member, provider_name=name, progress=progress,
                         rival_feeds=section.rival_feeds)


Sorting = _Sorting


def sort_document(validator: CourseValidator, document: FeedDocument, *, profile: MappingProfile,
                  salt: bytes = b"", states: dict[str, catalogue.CourseState] | None = None,
                  feed_id: str | None = None, provider_id: str | None = None, provider_name: str = "",
                  progress: Progress | None = None, rival_feeds: frozenset[str] = frozenset()) -> _Sorting:
    """Sort every record of a parsed document (the profile applied to each first) into new, changed,
    unchanged, marked withdrawn and quarantined, collecting the values no profile maps. A record of an
    active course another feed of the member (``rival_feeds``) listed last is quarantined, naming that feed:
    the course stays with it. Reads and writes nothing: a harvest stores the result (``_apply``), a dry run
    only reports it (harvester.check)."""
    states = states if states is not None else {}
    sorting = _Sorting(expected=validator.expected)

    def quarantine(record_id: str | None, problems: list[tuple[str, str]], excerpt: str,
                   raw: dict | None = None) -> None:
        # The title and the bad values from the record itself: the excerpt is cut at 1000 characters.
        title = raw.get("title") if raw is not None else None
        sorting.quarantine.append(QuarantineEntry(
            feed_id=feed_id, provider_id=provider_id, record_id=record_id,
            title=title[:500] if isinstance(title, str) else None, field=problems[0][0], reason=problems[0][1],
            problems=[{"field": f, "reason": r, **report.bad_value(raw, f)} for f, r in problems],
            excerpt=excerpt[:1000],
        ))

    for item in document.items:
        sorting.count += 1
        if progress is not None and sorting.count % 500 == 0:
            progress(sorting.count, document.total)
        if isinstance(item, Rejection):
            if item.record_id:
                sorting.seen.add(item.record_id)
            quarantine(item.record_id, [(item.field, item.reason)], item.excerpt)
            continue
        if not profile.is_empty:
            item = Record(item.id, mapping.apply(profile, item.raw))
        taken = item.id in sorting.seen or item.id in sorting.qualification_ids
        found = None if taken else qualifications.recognise(item.id, item.raw, profile)
        if found is not None:  # not a course: offered to the awards register, never listed
            sorting.qualifications.append(found)
            sorting.qualification_ids.add(found.id)
        elif item.id in sorting.qualification_ids:
            quarantine(item.id, [("id", "duplicate id in this feed: the first record with it, a qualification, "
                                        "was used")], str(item.raw.get("title") or ""), dict(item.raw))
        else:
            _sort_record(item, sorting, states, validator, salt, quarantine, provider_name, rival_feeds, provider_id)
    if progress is not None:
        progress(sorting.count, document.total)
    return sorting


def _sort_record(item: Record, sorting: _Sorting, states, validator: CourseValidator, salt: bytes,
                 quarantine, provider_name: str, rival_feeds: frozenset[str] = frozenset(),
                 provider_id: str | None = None) -> None:
    unusable = None
    try:
        raw_bytes = orjson.dumps(item.raw, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS)
        excerpt = raw_bytes.decode("utf-8", "replace")
    except TypeError as exc:  # an adapter handed over a value JSON has no form for
        raw_bytes, excerpt, unusable = b"", repr(item.raw), f"not representable as JSON: {exc}"
    if item.id in sorting.seen:
        quarantine(item.id, [("id", "duplicate course id in this feed: the first record with it was used")], excerpt,
                   item.raw if unusable is None else None)
        return
    # Seen even when unusable: a course whose new record is bad keeps its last good version.
    sorting.seen.add(item.id)
    state = states.get(item.id)
    if state is not None and state.feed_id in rival_feeds and state.status is CourseStatus.ACTIVE:
        quarantine(item.id, [("id", f"feed {state.feed_id!r} of this member lists this course already: the course "
                                    f"stays with that feed; list it in one feed only")], excerpt,
                   item.raw if unusable is None else None)
        return
    if unusable is not None:
        quarantine(item.id, [("(record)", unusable)], excerpt)
        return
    if item.raw.get("status") == "withdrawn":
        sorting.marked_withdrawn.append(item.id)
        return
    source_hash = hashlib.sha256(salt + raw_bytes).hexdigest()
    if state is not None and state.source_hash == source_hash and state.status is CourseStatus.ACTIVE:
        sorting.unchanged += 1
        return
    raw = item.raw
    if "awarding_body" in validator.required and raw.get("awarding_body") in (None, {}) and provider_name:
        # The default below applies before a policy requiring an awarding body is checked: the provider is one.
        raw = {**raw, "awarding_body": {"name": provider_name}}
    try:
        record = validator.load(raw, provider_id)  # the member: an exclusion's provider by default
    except ValidationError as exc:
        problems = [(e.field, e.reason) for e in validator.errors(exc)]
        quarantine(item.id, problems or [("(record)", "invalid")], raw_bytes.decode("utf-8", "replace"), item.raw)
        sorting.unmapped.note(item.id, item.raw, problems)
        return
    if record["id"] != item.id:
        record["id"] = item.id
    if record.get("awarding_body") is None:
        # Unless a feed says otherwise, a provider awards its own micro-credentials.
        record["awarding_body"] = {"id": None, "name": provider_name}
    score, missing = completeness(record)  # of the record as stored, default included
    content = catalogue.Content(item.id, source_hash, record, catalogue.content_hash(record), score, missing)
    if state is None:
        sorting.new.append(content)
    elif state.content_hash == content.content_hash and state.status is CourseStatus.ACTIVE:
        sorting.rehashed.append((state.pk, source_hash))
        sorting.unchanged += 1
    else:
        sorting.changed.append((state, content))


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
    rows = session.execute(
        select(Course.course_id, CourseVersion.missing).join(CourseVersion, CourseVersion.id == Course.current_version_id)
        .where(Course.feed_id == feed_id, Course.status == CourseStatus.ACTIVE)
    ).all()
    return listing.warnings(rows, expected)


def warnings_of(sortings: list[_Sorting]) -> list[dict]:
    """A dry run's warnings: the expected fields its listable records do not publish (every record of its
    document is validated), over all the document's members."""
    contents = [c for s in sortings for c in (*s.new, *(content for _, content in s.changed))]
    expected = sortings[0].expected if sortings else ()
    return listing.warnings(((c.course_id, c.missing) for c in contents), expected)


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


def confirm_withdrawals(env: HarvestEnvironment, run_id: int) -> HarvestRun:
    """Apply the withdrawals a held run is waiting for, unless a later run read a changed document (runs that
    found it unchanged repeat the hold and do not supersede it). Naming such a repeating run confirms the
    held run it repeats. Returns the held run, its ``withdrawn`` count set."""
    with env.sessions.begin() as session:
        run = _standing_hold(session, run_id)
        now = env.clock()
        changes = [catalogue.ChangeSet(member, withdrawn=catalogue.withdraw(session, member, ids, now))
                   for member, ids in _held_by_member(run, run.provider_id).items()]
        run.withdrawn = sum(len(c.withdrawn) for c in changes)
        run.withdrawals_confirmed = now
        _decide_repeats(session, run, withdrawals_confirmed=now)
    for change_set in changes:
        if change_set:
            env.on_changes(change_set)
    return run


def reject_withdrawals(env: HarvestEnvironment, run_id: int) -> HarvestRun:
    """Drop the withdrawals a held run is waiting for (the same conditions as ``confirm_withdrawals``): the
    courses stay active, recorded on the run (``withdrawals_rejected``). Runs of the unchanged document
    repeat the decision; the next changed document is judged afresh. Returns the held run."""
    with env.sessions.begin() as session:
        run = _standing_hold(session, run_id)
        run.withdrawals_rejected = env.clock()
        _decide_repeats(session, run, withdrawals_rejected=run.withdrawals_rejected)
    log.info("held withdrawals of run %s (feed %s) rejected", run.id, run.feed_id)
    return run


def _standing_hold(session: Session, run_id: int) -> HarvestRun:
    named = session.get(HarvestRun, run_id)
    if named is None:
        raise NotFound(f"no harvest run {run_id}")
    run = session.get(HarvestRun, named.held_run_id) if named.held_run_id is not None else named
    if run is None or run.outcome is not RunOutcome.HELD:
        raise Invalid(f"run {run_id} holds no withdrawals waiting for confirmation")
    if run.withdrawals_confirmed is not None or run.withdrawals_rejected is not None:
        decided = ("confirmed", run.withdrawals_confirmed) if run.withdrawals_confirmed else \
            ("rejected", run.withdrawals_rejected)
        raise Invalid(f"run {run.id}'s withdrawals were {decided[0]} at {decided[1]:%Y-%m-%d %H:%M} UTC; "
                      "nothing waits for a decision")
    superseding = session.scalar(select(func.min(HarvestRun.id)).where(
        HarvestRun.feed_id == run.feed_id, HarvestRun.outcome != RunOutcome.FAILED, HarvestRun.id > run.id,
        or_(HarvestRun.held_run_id.is_(None), HarvestRun.held_run_id != run.id)))
    if superseding is not None:
        raise Conflict(f"run {run.id} was superseded by run {superseding}, which read a changed document; "
                       "its withdrawals no longer apply")
    return run


def _decide_repeats(session: Session, run: HarvestRun, **decision: datetime) -> None:
    """The runs that repeated the hold carry its decision too, so that none of them looks undecided."""
    session.execute(update(HarvestRun).where(HarvestRun.held_run_id == run.id).values(**decision),
                    execution_options={"synchronize_session": False})


def latest_runs(session: Session, feed_id: str | None, page: int, per_page: int, *,
                member: str | None = None) -> catalogue.Page:
    """Runs, newest first: of one feed, of every feed of ``member``, or of all."""
    where = [HarvestRun.feed_id == feed_id] if feed_id else []
    if member:
        where.append(HarvestRun.provider_id == member)
    total = session.scalar(select(func.count()).select_from(HarvestRun).where(*where))
    runs = session.scalars(select(HarvestRun).where(*where).order_by(HarvestRun.id.desc())
                           .limit(per_page).offset((page - 1) * per_page)).all()
    return catalogue.Page(total, page, per_page, list(runs))


def current_quarantine(session: Session, feed_id: str | None, page: int, per_page: int, *,
                       member: str | None = None) -> catalogue.Page:
    """Quarantined records of each feed's latest completed run: what the provider has to fix now (of one
    feed, or ``member``'s records in any feed, an aggregator's included)."""
    latest = (select(func.max(HarvestRun.id)).where(HarvestRun.outcome != RunOutcome.FAILED)
              .group_by(HarvestRun.feed_id))
    if feed_id:
        latest = latest.where(HarvestRun.feed_id == feed_id)
    where = [QuarantineEntry.run_id.in_(latest)]
    if member:
        where.append(QuarantineEntry.provider_id == member)
    total = session.scalar(select(func.count()).select_from(QuarantineEntry).where(*where))
    entries = session.scalars(select(QuarantineEntry).where(*where)
                              .order_by(QuarantineEntry.feed_id, QuarantineEntry.id)
                              .limit(per_page).offset((page - 1) * per_page)).all()
    return catalogue.Page(total, page, per_page, list(entries))


def run_quarantine(session: Session, run_id: int) -> list[QuarantineEntry]:
    """Every record one run quarantined (courses, then pathways as they came), in the order it met them."""
    return list(session.scalars(select(QuarantineEntry).where(QuarantineEntry.run_id == run_id)
                                .order_by(QuarantineEntry.id)))
