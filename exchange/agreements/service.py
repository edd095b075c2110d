"""Agreement services: plain functions over a session taking the caller's identity. They flush, never
commit; notifications go to the exchange outbox in the same transaction and are sent after the commit.

Who: staff with the ``agreements`` permission act for their own organisation when it is a party;
administrators manage every agreement. Whether: ``lifecycle.transition``. Every move writes a history
row and an audit event.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from directory.db import utcnow
from directory.errors import Conflict, Forbidden, Invalid, NotFound
from directory.identity.identity import OPERATOR, Identity

from .. import audit, notifications
from . import rules
from . import terms as terms_module
from .lifecycle import FINAL, IN_FORCE, AgreementAction, AgreementState, after_amend, transition
from .models import Agreement, AgreementHistory, AgreementParty, AgreementVersion, Approval
from .terms import AgreementContent, Change

# History actions that bring a version into force (``versions_in_force``).
IN_FORCE_ACTIONS = ("activate", "amendment_in_force")
READ = ("agreements:read", "agreements:approve")  # either lets a party's staff see its drafts
APPROVE = "agreements:approve"  # drafting, proposing, approving, suspending, ending
Action = AgreementAction


# --- reading ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ApprovalView:
    org_id: str
    terms_hash: str
    approved_by: str
    approved_at: datetime
    voided_at: datetime | None


@dataclass(frozen=True)
class VersionView:
    """One version as it was approved (or not): readable for ever."""

    agreement_id: int
    version_id: int
    number: int
    content: AgreementContent
    terms_hash: str
    created: datetime
    created_by: str
    approvals: tuple[ApprovalView, ...]

    @property
    def approved_by_all(self) -> bool:
        approved = {a.org_id for a in self.approvals if a.voided_at is None and a.terms_hash == self.terms_hash}
        return approved >= set(self.content.parties)


def get_agreement(session: Session, agreement_id: int) -> Agreement:
    agreement = session.get(Agreement, agreement_id)
    if agreement is None:
        raise NotFound(f"there is no agreement {agreement_id}")
    return agreement


def _content(version: AgreementVersion) -> AgreementContent:
    return _cached_content(version.id, version.terms_hash, lambda: version.content)


# Versions never change, so their parsed content is kept (keyed by id and hash, bounded).
_CONTENT: dict[tuple[int, str], AgreementContent] = {}
_CONTENT_LIMIT = 20_000


def _cached_content(version_id: int, hashed: str, load) -> AgreementContent:
    key = (version_id, hashed)
    found = _CONTENT.get(key)
    if found is None:
        if len(_CONTENT) >= _CONTENT_LIMIT:
            _CONTENT.clear()
        found = _CONTENT[key] = terms_module.from_dict(load())
    return found


def may_read(actor: Identity, agreement: Agreement) -> bool:
    """Agreements in force or past are public (learners must know what is recognised); drafts and
    proposals only to the parties' staff and administrators."""
    if agreement.state not in (AgreementState.DRAFT, AgreementState.PROPOSED):
        return True
    parties = set(_content(agreement.current).parties)
    return actor.is_admin or (actor.org_id in parties and _is_staff(actor))


def _is_staff(actor: Identity) -> bool:
    return actor.allows_any(*READ)


def may_see_pending(actor: Identity, agreement: Agreement) -> bool:
    """A pending amendment is the parties' business until every party approves it: their staff and
    administrators see it; everyone else sees the version in force."""
    return actor.is_admin or (actor.org_id in set(_content(agreement.current).parties) and _is_staff(actor))


def shown_version(actor: Identity, agreement: Agreement) -> AgreementVersion:
    """The version ``actor`` reads as the agreement: the newest for the parties, the one in force for others."""
    if agreement.in_force is not None and not may_see_pending(actor, agreement):
        return agreement.in_force
    return agreement.current


def in_force_version(agreement: Agreement) -> AgreementVersion:
    """The version that applies: the one every party approved, else (never in force) the current one."""
    return agreement.in_force or agreement.current


def read_agreement(session: Session, actor: Identity, agreement_id: int) -> tuple[Agreement, VersionView]:
    """The agreement and the version the caller reads as it (``shown_version``)."""
    agreement = get_agreement(session, agreement_id)
    if not may_read(actor, agreement):
        raise NotFound(f"there is no agreement {agreement_id}")
    return agreement, _view(session, shown_version(actor, agreement))


def versions(session: Session, agreement_id: int, actor: Identity | None = None) -> list[VersionView]:
    """Every version of an agreement, oldest first, each with its approvals (voided ones included). Given
    the caller, a pending amendment is left out for those who may not see it."""
    agreement = get_agreement(session, agreement_id)
    query = select(AgreementVersion).where(AgreementVersion.agreement_id == agreement_id)
    if actor is not None:
        query = query.where(AgreementVersion.number <= shown_version(actor, agreement).number)
    return [_view(session, v) for v in session.scalars(query.order_by(AgreementVersion.number))]


def versions_in_force(session: Session, agreement_id: int) -> list[int]:
    """The number of every version that has been in force, oldest first (from the lifecycle history)."""
    return list(session.scalars(
        select(AgreementHistory.version_number)
        .where(AgreementHistory.agreement_id == agreement_id, AgreementHistory.action.in_(IN_FORCE_ACTIONS))
        .order_by(AgreementHistory.id)))


def _view(session: Session, version: AgreementVersion) -> VersionView:
    approvals = session.scalars(select(Approval).where(Approval.version_id == version.id).order_by(Approval.id))
    return VersionView(
        version.agreement_id, version.id, version.number, _content(version), version.terms_hash,
        version.created, version.created_by,
        tuple(ApprovalView(a.org_id, a.terms_hash, a.approved_by, a.approved_at, a.voided_at) for a in approvals),
    )


def version_diff(session: Session, agreement_id: int, old_number: int, new_number: int,
                 actor: Identity | None = None) -> tuple[Change, ...]:
    """What changed from version ``old_number`` to ``new_number``, field by field, in words (given the
    caller, a pending amendment it may not see is not found)."""
    if actor is not None and max(old_number, new_number) > shown_version(actor, get_agreement(
            session, agreement_id)).number:
        raise NotFound(f"agreement {agreement_id} has no version {max(old_number, new_number)}")
    found = {v.number: v for v in session.scalars(select(AgreementVersion).where(
        AgreementVersion.agreement_id == agreement_id, AgreementVersion.number.in_([old_number, new_number])))}
    for number in (old_number, new_number):
        if number not in found:
            raise NotFound(f"agreement {agreement_id} has no version {number}")
    return terms_module.diff(_content(found[old_number]), _content(found[new_number]))


def list_agreements(session: Session, actor: Identity, *, org_id: str | None = None,
                    state: AgreementState | None = None, after: int | None = None,
                    limit: int = 50) -> list[Agreement]:
    """Agreements the caller may read, by id (keyset: pass the last id seen as ``after``)."""
    query = select(Agreement).order_by(Agreement.id).limit(limit)
    if org_id is not None:
        query = query.where(Agreement.current_version_id.in_(
            select(AgreementParty.version_id).where(AgreementParty.org_id == org_id)))
    if state is not None:
        query = query.where(Agreement.state == state)
    if after is not None:
        query = query.where(Agreement.id > after)
    if not actor.is_admin:
        visible = Agreement.state.notin_([AgreementState.DRAFT, AgreementState.PROPOSED])
        if actor.org_id is not None and _is_staff(actor):
            own = Agreement.current_version_id.in_(
                select(AgreementParty.version_id).where(AgreementParty.org_id == actor.org_id))
            visible = visible | own
        query = query.where(visible)
    return list(session.scalars(query))


# --- writing ---------------------------------------------------------------------------------------


def _require_party_staff(actor: Identity, parties: Sequence[str]) -> None:
    actor.check(APPROVE)
    if not actor.is_admin and actor.org_id not in parties:
        raise Forbidden("only staff of a party (or an administrator) may do this")


def _snapshot(agreement: Agreement) -> dict[str, Any]:
    current = agreement.current
    return {"state": agreement.state.value, "version": current.number if current else None,
            "terms_hash": current.terms_hash if current else None}


def _record(session: Session, agreement: Agreement, actor: Identity, action: str, before: dict[str, Any] | None,
            now: datetime, note: str | None = None) -> None:
    after = _snapshot(agreement)
    session.add(AgreementHistory(agreement_id=agreement.id, action=action, from_state=before and before["state"],
                                 to_state=after["state"], version_number=after["version"],
                                 actor=actor.actor, at=now, note=note))
    audit.append(session, actor=actor.actor, entity="agreement", entity_id=agreement.id, action=action,
                 before=before, after={**after, **({"note": note} if note else {})}, at=now)


def _add_version(session: Session, agreement: Agreement, content: AgreementContent, number: int,
                 actor: Identity, now: datetime) -> AgreementVersion:
    version = AgreementVersion(
        agreement_id=agreement.id, number=number, content=terms_module.to_dict(content),
        terms_hash=terms_module.terms_hash(content), kind=content.kind.value, valid_from=content.valid_from,
        valid_until=content.valid_until, created=now, created_by=actor.actor)
    session.add(version)
    session.flush()
    session.add_all(AgreementParty(version_id=version.id, org_id=org) for org in content.parties)
    agreement.current_version_id = version.id
    agreement.current = version
    return version


def _bump(session: Session, agreement: Agreement, expected: int | None, **values: Any) -> None:
    """Write ``values`` only if nobody changed the agreement since ``expected`` (its row_version)."""
    expected = agreement.row_version if expected is None else expected
    result = session.execute(
        update(Agreement).where(Agreement.id == agreement.id, Agreement.row_version == expected)
        .values(row_version=expected + 1, **values).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise Conflict(f"agreement {agreement.id} changed since you read it; reload and try again",
                       agreement_id=agreement.id)
    session.refresh(agreement)


def _notify_parties(session: Session, content: AgreementContent, agreement: Agreement, kind: str,
                    subject: str, body: str, now: datetime, *, except_org: str | None = None) -> None:
    for org in content.parties:
        if org != except_org:
            notifications.notify(session, kind=kind, subject=subject, body=body, now=now, org=org)


def create(session: Session, actor: Identity, content: AgreementContent, *, now: datetime | None = None) -> Agreement:
    """A new agreement in draft, with its first version."""
    now = now or utcnow()
    content = terms_module.validate(content)
    _require_party_staff(actor, content.parties)
    audit.lock(session)
    agreement = Agreement(state=AgreementState.DRAFT, created=now, updated=now, created_by=actor.actor)
    session.add(agreement)
    session.flush()
    _add_version(session, agreement, content, 1, actor, now)
    session.flush()
    _record(session, agreement, actor, "create", None, now)
    return agreement


def new_version(session: Session, actor: Identity, agreement_id: int, content: AgreementContent, *,
                expected_row_version: int | None = None, now: datetime | None = None) -> Agreement:
    """Change what the agreement says: a new version, the old ones kept unchanged, approvals voided.

    A draft stays a draft and a proposal stays proposed. An active or suspended agreement keeps its state
    and its version in force: the new version is pending until every party has approved it (``approve``).
    Unchanged content changes nothing.
    """
    now = now or utcnow()
    content = terms_module.validate(content)
    audit.lock(session)
    agreement = get_agreement(session, agreement_id)
    old = agreement.current
    _require_party_staff(actor, _content(old).parties)
    _require_party_staff(actor, content.parties)
    if terms_module.terms_hash(content) == old.terms_hash:
        return agreement
    action = Action.EDIT if agreement.state is AgreementState.DRAFT else Action.AMEND
    to = transition(agreement.state, action) if action is Action.EDIT else after_amend(agreement.state)
    in_force = agreement.in_force
    before = _snapshot(agreement)
    _bump(session, agreement, expected_row_version, state=to, updated=now)
    version = _add_version(session, agreement, content, old.number + 1, actor, now)
    if old.id != agreement.in_force_version_id:  # the approvals of the version in force stand
        session.execute(update(Approval).where(Approval.version_id == old.id, Approval.voided_at.is_(None))
                        .values(voided_at=now))
    session.flush()
    _record(session, agreement, actor, action.value, before, now, note=f"version {version.number}")
    if action is Action.AMEND:
        changes = "; ".join(c.words for c in terms_module.diff(_content(old), content))
        _notify_parties(session, content, agreement, "agreement_amended",
                        f"Agreement {agreement.id} changed: your approval is needed again",
                        f"Version {version.number} of '{content.title}' replaces version {old.number}. "
                        + (f"Version {in_force.number} stays in force until every party approves version "
                           f"{version.number}. " if in_force is not None else
                           "Approvals of the earlier terms no longer count. ")
                        + f"Changes: {changes}", now)
    return agreement


def _move(session: Session, actor: Identity, agreement: Agreement, action: Action, now: datetime,
          expected_row_version: int | None, note: str | None = None, **values: Any) -> Agreement:
    to = transition(agreement.state, action)
    before = _snapshot(agreement)
    _bump(session, agreement, expected_row_version, state=to, updated=now, **values)
    _record(session, agreement, actor, action.value, before, now, note)
    return agreement


def propose(session: Session, actor: Identity, agreement_id: int, *, expected_row_version: int | None = None,
            now: datetime | None = None) -> Agreement:
    """Send a draft to every party for approval."""
    now = now or utcnow()
    audit.lock(session)
    agreement = get_agreement(session, agreement_id)
    content = _content(agreement.current)
    _require_party_staff(actor, content.parties)
    _move(session, actor, agreement, Action.PROPOSE, now, expected_row_version)
    _notify_parties(session, content, agreement, "agreement_proposed",
                    f"Agreement {agreement.id} proposed: '{content.title}'",
                    f"Please review version {agreement.current.number} and approve it if your organisation "
                    f"agrees (terms hash {agreement.current.terms_hash}).", now)
    return agreement


def approve(session: Session, actor: Identity, agreement_id: int, terms_hash: str, *, org_id: str | None = None,
            now: datetime | None = None) -> Agreement:
    """Approve the current version for one party, bound to ``terms_hash`` (the terms the approver read).

    Staff approve for their own organisation only; an administrator names the party (``org_id``).
    When the last party approves, a proposed agreement becomes active, and a pending amendment of an
    agreement in force replaces the version in force. Approving twice changes nothing.
    """
    now = now or utcnow()
    org = org_id if actor.is_admin and org_id else actor.org_id
    actor.check(APPROVE, org)
    audit.lock(session)
    # Lock the agreement row: parallel approvals queue here, so the last one sees all the others.
    agreement = session.scalar(select(Agreement).where(Agreement.id == agreement_id).with_for_update(of=Agreement)
                               .execution_options(populate_existing=True))
    if agreement is None:
        raise NotFound(f"there is no agreement {agreement_id}")
    version = agreement.current
    content = _content(version)
    if org not in content.parties:
        raise Forbidden(f"organisation {org!r} is not a party to agreement {agreement_id}")
    amending = agreement.state in IN_FORCE and agreement.amendment_pending
    if agreement.state is not AgreementState.PROPOSED and not amending:
        raise Conflict(f"agreement {agreement_id} is {agreement.state.value}; only a proposed agreement or a "
                       "pending amendment is approved")
    if terms_hash != version.terms_hash:
        raise Conflict("the terms changed since you read them: review the current version and approve that",
                       current_terms_hash=version.terms_hash)
    approved = set(session.scalars(select(Approval.org_id).where(
        Approval.version_id == version.id, Approval.voided_at.is_(None), Approval.terms_hash == terms_hash)))
    if org in approved:
        return agreement
    session.add(Approval(version_id=version.id, org_id=org, terms_hash=terms_hash, approved_by=actor.actor,
                         approved_at=now))
    before = _snapshot(agreement)
    _bump(session, agreement, None, updated=now)
    session.flush()
    audit.append(session, actor=actor.actor, entity="agreement", entity_id=agreement.id, action="approve",
                 before=before, after={**_snapshot(agreement), "approved_for": org}, at=now)
    if approved | {org} >= set(content.parties) and amending:
        replaced = agreement.in_force.number
        before = _snapshot(agreement)
        _bump(session, agreement, None, updated=now, approved_hash=terms_hash, in_force_version_id=version.id)
        _record(session, agreement, actor, "amendment_in_force", before, now,
                note=f"every party approved version {version.number}; it replaces version {replaced}")
        _notify_parties(session, content, agreement, "agreement_amendment_in_force",
                        f"Agreement {agreement.id} amended: '{content.title}'",
                        f"Every party approved version {version.number}; it replaces version {replaced} and "
                        f"applies from {content.valid_from.isoformat()}.", now)
    elif approved | {org} >= set(content.parties):
        _move(session, actor, agreement, Action.ACTIVATE, now, None, note="every party approved",
              approved_hash=terms_hash, in_force_version_id=version.id)
        _notify_parties(session, content, agreement, "agreement_active",
                        f"Agreement {agreement.id} is active: '{content.title}'",
                        f"Every party approved version {version.number}; it applies from "
                        f"{content.valid_from.isoformat()}.", now)
    return agreement


def suspend(session: Session, actor: Identity, agreement_id: int, reason: str, *,
            expected_row_version: int | None = None, now: datetime | None = None) -> Agreement:
    return _party_move(session, actor, agreement_id, Action.SUSPEND, reason, expected_row_version, now)


def resume(session: Session, actor: Identity, agreement_id: int, reason: str, *,
           expected_row_version: int | None = None, now: datetime | None = None) -> Agreement:
    return _party_move(session, actor, agreement_id, Action.RESUME, reason, expected_row_version, now)


def terminate(session: Session, actor: Identity, agreement_id: int, reason: str, *,
              expected_row_version: int | None = None, now: datetime | None = None) -> Agreement:
    """End an agreement for good (any party or an administrator). Decisions already made stand."""
    return _party_move(session, actor, agreement_id, Action.TERMINATE, reason, expected_row_version, now)


def _party_move(session: Session, actor: Identity, agreement_id: int, action: Action, reason: str,
                expected_row_version: int | None, now: datetime | None) -> Agreement:
    if not reason.strip():
        raise Invalid(f"say why you {action.value} the agreement")
    now = now or utcnow()
    audit.lock(session)
    agreement = get_agreement(session, agreement_id)
    content = _content(agreement.current)
    _require_party_staff(actor, content.parties)
    _move(session, actor, agreement, action, now, expected_row_version, note=reason)
    _notify_parties(session, content, agreement, f"agreement_{agreement.state.value}",
                    f"Agreement {agreement.id} {agreement.state.value}: '{content.title}'", reason, now,
                    except_org=None if actor.is_admin else actor.org_id)
    return agreement


# --- scheduled -------------------------------------------------------------------------------------

# The version that applies, as SQL (``in_force_version``): the one in force, else the current one.
_APPLYING = func.coalesce(Agreement.in_force_version_id, Agreement.current_version_id)


def expire_due(session: Session, today: date, *, now: datetime | None = None) -> list[int]:
    """Expire every agreement whose end date is before ``today`` (the scheduler runs this daily)."""
    now = now or utcnow()
    audit.lock(session)
    due = session.scalars(
        select(Agreement).join(AgreementVersion, AgreementVersion.id == _APPLYING)
        .where(Agreement.state.in_([AgreementState.PROPOSED, AgreementState.ACTIVE, AgreementState.SUSPENDED]),
               AgreementVersion.valid_until < today)
        .order_by(Agreement.id)
    ).all()
    for agreement in due:
        content = _content(in_force_version(agreement))
        _move(session, OPERATOR, agreement, Action.EXPIRE, now, None,
              note=f"ended on {content.valid_until.isoformat()}")
        _notify_parties(session, content, agreement, "agreement_expired",
                        f"Agreement {agreement.id} has expired: '{content.title}'",
                        f"It ended on {content.valid_until.isoformat()}. Credit already recognised under it "
                        f"stands; new requests are no longer covered by it.", now)
    return [a.id for a in due]


def warn_before_expiry(session: Session, today: date, days: int = 30, *, now: datetime | None = None) -> int:
    """Tell every party of an active agreement ending within ``days`` (once per version and party)."""
    now = now or utcnow()
    rows = session.scalars(
        select(Agreement).join(AgreementVersion, AgreementVersion.id == _APPLYING)
        .where(Agreement.state == AgreementState.ACTIVE, AgreementVersion.valid_until >= today,
               AgreementVersion.valid_until <= today + timedelta(days=days))
        .order_by(Agreement.id)
    ).all()
    written = 0
    for agreement in rows:
        content = _content(in_force_version(agreement))
        left = (content.valid_until - today).days
        for org in content.parties:
            message = notifications.notify(
                session, kind="agreement_expiry_warning", org=org, now=now,
                dedupe_key=f"expiry:{agreement.id}:{in_force_version(agreement).id}:{org}",
                subject=f"Agreement {agreement.id} ends in {left} days: '{content.title}'",
                body=f"It ends on {content.valid_until.isoformat()}. Agree a new version before then to keep "
                     f"recognising credit under it.")
            written += message is not None
    return written


# --- for the pre-assessment ------------------------------------------------------------------------

_RELEVANT = (AgreementState.ACTIVE, AgreementState.SUSPENDED, AgreementState.EXPIRED)


@lru_cache(maxsize=8192)
def _all_approved(hashed: str, parties: tuple[str, ...]) -> frozenset[tuple[str, str]]:
    return frozenset((party, hashed) for party in parties)


def snapshots_for(session: Session, target_org: str) -> list[rules.AgreementTerms]:
    """Every agreement that could cover credit towards ``target_org``'s awards, as the engine reads it:
    active ones, and suspended or expired ones so that the reasons can name them, each as its version in
    force (a pending amendment applies only once every party approved it). The approvals are those the
    version came into force on (``Agreement.approved_hash``)."""
    rows = session.execute(
        select(Agreement.id, Agreement.state, Agreement.approved_hash, AgreementVersion.id,
               AgreementVersion.terms_hash)
        .join(AgreementVersion, AgreementVersion.id == _APPLYING)
        .join(AgreementParty, AgreementParty.version_id == AgreementVersion.id)
        .where(AgreementParty.org_id == target_org, Agreement.state.in_(_RELEVANT))
    ).all()
    missing = [r[3] for r in rows if (r[3], r[4]) not in _CONTENT]
    loaded: dict[int, dict[str, Any]] = {}
    if missing:
        loaded = {version_id: content for version_id, content in session.execute(
            select(AgreementVersion.id, AgreementVersion.content).where(AgreementVersion.id.in_(missing)))}
    snapshots = []
    for agreement_id, state, approved_hash, version_id, hashed in rows:
        content = _cached_content(version_id, hashed, lambda v=version_id: loaded[v])
        snapshots.append(rules.AgreementTerms(
            agreement_id=agreement_id, version_id=version_id, title=content.title,
            parties=frozenset(content.parties), scope=content.scope, terms=content.terms, state=state,
            valid_from=content.valid_from, valid_until=content.valid_until, terms_hash=hashed,
            approvals=_all_approved(approved_hash, content.parties) if approved_hash else frozenset()))
    return snapshots


__all__ = [
    "FINAL", "VersionView", "approve", "create", "expire_due", "get_agreement", "in_force_version",
    "list_agreements", "may_see_pending", "new_version", "propose", "read_agreement", "resume", "shown_version",
    "snapshots_for", "suspend", "terminate", "version_diff", "versions", "versions_in_force",
    "warn_before_expiry",
]
