"""Transfer request services: plain functions over a session taking the caller's identity. They flush,
never commit.

Who: a learner submits, withdraws and appeals their own requests; staff with the ``transfers``
permission decide requests made to their own organisation; administrators may do what staff do. An
appeal is decided by a different person from the one who made the decision appealed against.
Whether: ``workflow.transition``. Every move is an optimistic ``UPDATE ... WHERE version = :read``:
of two staff deciding at once one wins and the other gets Conflict.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import orjson
from sqlalchemy import select, tuple_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from directory.catalogue.models import Course, CourseVersion
from directory.credit import course_facts
from directory.db import utcnow
from directory.errors import Conflict, Forbidden, Invalid, NotFound
from directory.identity.identity import Identity

from .. import audit, ledger, notifications
from ..agreements.rules import Purpose
from ..awards import get_award
from ..policy import DEFAULT_POLICY, ExchangePolicy
from ..timeliness import due_date, is_overdue
from . import preassessment, recheck
from .models import RequestAchievement, RequestHistory, TransferRequest
from .workflow import DECIDABLE, DECIDED, OPEN, RequestAction, RequestState, transition

READ = ("transfers:read", "transfers:decide")  # either lets staff read their requests
DECIDE = "transfers:decide"
MAX_ACHIEVEMENTS = 20


@dataclass(frozen=True)
class AchievementClaim:
    """One achievement as the learner claims it: a directory course version, or an external achievement."""

    awarded_on: date
    evidence: str | None = None  # certificate reference or URL
    grade: Decimal | None = None  # percentage mark
    course_version_id: int | None = None
    content_hash: str | None = None
    # External achievements only:
    provider_id: str | None = None  # a member's organisation id, when the provider is a member
    provider_name: str | None = None
    title: str | None = None
    credit: Decimal | None = None  # CATS
    level: int | None = None  # EQF


@dataclass(frozen=True)
class RequestDraft:
    target_org: str
    award_code: str
    purpose: Purpose
    achievements: tuple[AchievementClaim, ...]


@dataclass(frozen=True)
class Submitted:
    request: TransferRequest
    replayed: bool  # True: the same Idempotency-Key and body were submitted before; this is that request


@dataclass(frozen=True)
class Decision:
    action: RequestAction  # ACCEPT the proposal, CHANGE it, or REFUSE
    note: str = ""
    # CHANGE only: credits per achievement position (those left out get none).
    credits: Mapping[int, Decimal] = field(default_factory=dict)


@dataclass(frozen=True)
class QueueItem:
    request_id: int
    learner_id: int
    award_code: str
    purpose: Purpose
    state: RequestState
    submitted_at: datetime
    due_on: date
    overdue: bool
    version: int


# --- reading ---------------------------------------------------------------------------------------


def _get(session: Session, request_id: int) -> TransferRequest:
    request = session.get(TransferRequest, request_id)
    if request is None:
        raise NotFound(f"there is no transfer request {request_id}")
    return request


def may_read(actor: Identity, request: TransferRequest) -> bool:
    if actor.is_learner:
        return actor.user_id == request.learner_id
    return actor.allows_any(*READ) and (actor.is_admin or actor.org_id == request.target_org)


def get_request(session: Session, actor: Identity, request_id: int) -> TransferRequest:
    request = _get(session, request_id)
    if not may_read(actor, request):
        raise NotFound(f"there is no transfer request {request_id}")
    return request


def history(session: Session, actor: Identity, request_id: int) -> list[RequestHistory]:
    get_request(session, actor, request_id)
    return list(session.scalars(select(RequestHistory).where(RequestHistory.request_id == request_id)
                                .order_by(RequestHistory.id)))


def list_requests(session: Session, actor: Identity, *, state: RequestState | None = None,
                  after: int | None = None, limit: int = 50) -> list[TransferRequest]:
    """The caller's requests (learners), their organisation's (staff) or all (administrators), by id."""
    query = select(TransferRequest).order_by(TransferRequest.id).limit(limit)
    if actor.is_learner:
        query = query.where(TransferRequest.learner_id == actor.require_learner())
    elif not actor.is_admin:
        actor.check("transfers:read")
        query = query.where(TransferRequest.target_org == actor.org_id)
    if state is not None:
        query = query.where(TransferRequest.state == state)
    if after is not None:
        query = query.where(TransferRequest.id > after)
    return list(session.scalars(query))


def staff_queue(session: Session, actor: Identity, *, today: date, org_id: str | None = None,
                after: tuple[date, int] | None = None, limit: int = 50) -> list[QueueItem]:
    """Open requests to the caller's organisation, soonest due first, overdue ones marked.

    Keyset pagination: pass the last item's ``(due_on, request_id)`` as ``after``.
    """
    org = org_id if actor.is_admin and org_id else actor.org_id
    actor.check("transfers:read", org)
    query = (
        select(TransferRequest.id, TransferRequest.learner_id, TransferRequest.award_code,
               TransferRequest.purpose, TransferRequest.state, TransferRequest.submitted_at,
               TransferRequest.due_on, TransferRequest.version)
        .where(TransferRequest.target_org == org, TransferRequest.state.in_(OPEN))
        .order_by(TransferRequest.due_on, TransferRequest.id).limit(limit)
    )
    if after is not None:
        query = query.where(tuple_(TransferRequest.due_on, TransferRequest.id) > tuple_(*after))
    return [QueueItem(r.id, r.learner_id, r.award_code, r.purpose, r.state, r.submitted_at, r.due_on,
                      is_overdue(r.due_on, today), r.version)
            for r in session.execute(query)]


def learner_credit(session: Session, actor: Identity) -> ledger.CreditStatement:
    """``/learners/me/credit``: the caller's ledger and net credit per award."""
    return ledger.statement(session, actor)


# --- submitting ------------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value.normalize())
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Purpose):
        return value.value
    return value


def body_hash(draft: RequestDraft) -> str:
    """What 'the same body' means for an Idempotency-Key: equal drafts, whatever the number spelling."""
    data = asdict(draft, dict_factory=lambda items: {k: _plain(v) for k, v in items})
    return hashlib.sha256(orjson.dumps(data, option=orjson.OPT_SORT_KEYS)).hexdigest()


def _replay(session: Session, learner_id: int, key: str, hashed: str) -> Submitted | None:
    existing = session.scalar(select(TransferRequest).where(
        TransferRequest.learner_id == learner_id, TransferRequest.idempotency_key == key))
    if existing is None:
        return None
    if existing.body_hash != hashed:
        raise Conflict("this Idempotency-Key was used for a different request", request_id=existing.id)
    return Submitted(existing, replayed=True)


def _directory_row(session: Session, claim: AchievementClaim, position: int) -> RequestAchievement:
    found = session.execute(
        select(CourseVersion, Course).join(Course, Course.pk == CourseVersion.course_pk)
        .where(CourseVersion.id == claim.course_version_id)).first()
    if found is None:
        raise Invalid(f"achievement {position}: there is no course version {claim.course_version_id}")
    version, course = found
    if claim.content_hash != version.content_hash:
        raise Invalid(f"achievement {position}: course version {version.id} does not have content hash "
                      f"{claim.content_hash!r}", field=f"achievements[{position}].content_hash")
    facts = course_facts(version.content)
    return RequestAchievement(
        position=position, course_version_id=version.id, content_hash=version.content_hash, course_pk=course.pk,
        provider_id=course.provider_id, course_id=course.course_id, provider_name=None,
        title=facts.title or course.title, credit=facts.credit,
        level=facts.eqf, cah_groups=sorted(facts.cah_groups), grade=claim.grade,
        awarded_on=claim.awarded_on, evidence=claim.evidence)


def _external_row(claim: AchievementClaim, position: int) -> RequestAchievement:
    missing = [name for name in ("title", "credit", "level") if getattr(claim, name) is None]
    if not (claim.provider_id or claim.provider_name):
        missing.insert(0, "provider")
    if missing:
        raise Invalid(f"achievement {position}: an external achievement needs {', '.join(missing)}")
    if claim.credit <= 0 or not 1 <= claim.level <= 8:
        raise Invalid(f"achievement {position}: credit must be positive and the EQF level from 1 to 8")
    return RequestAchievement(
        position=position, provider_id=claim.provider_id, provider_name=claim.provider_name,
        title=claim.title.strip(), credit=claim.credit, level=claim.level, cah_groups=[], grade=claim.grade,
        awarded_on=claim.awarded_on, evidence=claim.evidence)


def _rows(session: Session, draft: RequestDraft, today: date) -> list[RequestAchievement]:
    if not 1 <= len(draft.achievements) <= MAX_ACHIEVEMENTS:
        raise Invalid(f"a request lists 1 to {MAX_ACHIEVEMENTS} achievements")
    rows = []
    for position, claim in enumerate(draft.achievements, start=1):
        if claim.awarded_on > today:
            raise Invalid(f"achievement {position}: awarded in the future ({claim.awarded_on.isoformat()})")
        if claim.grade is not None and not 0 <= claim.grade <= 100:
            raise Invalid(f"achievement {position}: a grade is a percentage (0 to 100)")
        rows.append(_directory_row(session, claim, position) if claim.course_version_id is not None
                    else _external_row(claim, position))
    return rows


def submit(session: Session, actor: Identity, draft: RequestDraft, *, today: date,
           idempotency_key: str | None = None, now: datetime | None = None,
           policy: ExchangePolicy = DEFAULT_POLICY,
           overlaps: preassessment.OverlapSource = preassessment.confirmed_overlaps) -> Submitted:
    """Submit a request and pre-assess it at once (dated ``today``).

    With an ``idempotency_key`` a resubmission is safe: the same key and body return the first request
    (``replayed``); the same key with a different body is a Conflict.
    """
    learner_id = actor.require_learner()
    now = now or utcnow()
    hashed = body_hash(draft)
    if idempotency_key is not None and (found := _replay(session, learner_id, idempotency_key, hashed)):
        return found
    get_award(session, draft.target_org, draft.award_code)
    rows = _rows(session, draft, today)
    audit.lock(session)
    request = TransferRequest(
        learner_id=learner_id, idempotency_key=idempotency_key, body_hash=hashed, target_org=draft.target_org,
        award_code=draft.award_code, purpose=draft.purpose, state=RequestState.SUBMITTED, version=1,
        request_date=today, submitted_at=now,
        due_on=due_date(today, policy.decision_working_days, policy.bank_holidays), achievements=rows)
    try:
        with session.begin_nested():
            session.add(request)
            session.flush()
    except IntegrityError:
        # Another submit with the same key won the race: answer as if this one came second.
        if idempotency_key is not None and (found := _replay(session, learner_id, idempotency_key, hashed)):
            return found
        raise
    _record(session, request, actor, "submit", None, now)
    assessment = preassessment.run(session, request, today, overlaps)
    _move(session, actor, request, RequestAction.PRE_ASSESS, now, request.version,
          assessment=preassessment.as_dict(assessment))
    notifications.notify(session, kind="transfer_submitted", org=request.target_org, now=now,
                         subject=f"Transfer request {request.id} for {request.award_code}",
                         body=f"Due for a decision by {request.due_on.isoformat()}. Pre-assessment: "
                              f"{assessment.proposal.reasons[0].words}.")
    notifications.notify(session, kind="transfer_submitted", user=request.learner_id, now=now,
                         subject=f"We have your transfer request {request.id}",
                         body=f"{request.target_org} should decide by {request.due_on.isoformat()}.")
    return Submitted(request, replayed=False)


# --- moving ----------------------------------------------------------------------------------------


def _snapshot(request: TransferRequest) -> dict[str, Any]:
    return {"state": request.state.value, "version": request.version}


def _record(session: Session, request: TransferRequest, actor: Identity, action: str,
            before: dict[str, Any] | None, now: datetime, note: str | None = None) -> None:
    after = _snapshot(request)
    session.add(RequestHistory(request_id=request.id, action=action, from_state=before and before["state"],
                               to_state=after["state"], actor=actor.actor, at=now, note=note))
    audit.append(session, actor=actor.actor, entity="transfer_request", entity_id=request.id, action=action,
                 before=before, after={**after, **({"note": note} if note else {})}, at=now)


def _move(session: Session, actor: Identity, request: TransferRequest, action: RequestAction, now: datetime,
          expected_version: int, note: str | None = None, **values: Any) -> TransferRequest:
    """Apply ``action`` if the request is still at ``expected_version``; Conflict otherwise."""
    if request.version != expected_version:
        raise Conflict(f"transfer request {request.id} changed since you read it (now version "
                       f"{request.version}); reload and try again", current_version=request.version)
    to = transition(request.state, action)
    before = _snapshot(request)
    result = session.execute(
        update(TransferRequest)
        .where(TransferRequest.id == request.id, TransferRequest.version == expected_version)
        .values(state=to, version=expected_version + 1, **values)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise Conflict(f"transfer request {request.id} was changed by someone else at the same time; "
                       f"reload and try again")
    session.refresh(request)
    _record(session, request, actor, action.value, before, now, note)
    return request


def _asked(request: TransferRequest, decision: Decision) -> dict[int, Decimal]:
    """A change's credits per achievement, checked against what each achievement claims."""
    if decision.action is not RequestAction.CHANGE:
        return {}
    limits = {a.position: Decimal(a.credit) for a in request.achievements}
    for position, credits in decision.credits.items():
        if position not in limits:
            raise Invalid(f"the request has no achievement {position}")
        if not 0 <= credits <= limits[position]:
            raise Invalid(f"achievement {position}: credits must be from 0 to its {limits[position]} credits")
    return {p: Decimal(c) for p, c in decision.credits.items() if c > 0}


def recheck_request(session: Session, actor: Identity, request_id: int, *, today: date,
                    overlaps: preassessment.OverlapSource = preassessment.confirmed_overlaps
                    ) -> recheck.Recheck | None:
    """What a decision made ``today`` would find (``recheck.run``): the pre-assessment re-run against
    the ledger, the agreements in force and the confirmed overlaps as they stand, with what changed since
    submission in words. For staff who may read the request while it waits for a decision; None for a
    learner, or for a request that is not waiting for one."""
    request = get_request(session, actor, request_id)
    if actor.is_learner or request.state not in DECIDABLE:
        return None
    return recheck.run(session, request, today, overlaps)


def decide(session: Session, actor: Identity, request_id: int, decision: Decision, *, expected_version: int,
           now: datetime | None = None, today: date | None = None,
           overlaps: preassessment.OverlapSource = preassessment.confirmed_overlaps) -> TransferRequest:
    """Accept the proposal, change it, or refuse; the credit goes to the ledger.

    ``expected_version`` is the request version the decider read; ``today`` the day of the decision
    (``now``'s date when not given). The pre-assessment is re-run for the decision (``recheck``), under a
    lock that serialises decisions for one learner and award: accepting credits the proposal as it stands
    today, changing credits what staff give, and neither credits what the re-run finds already counted
    towards the award (another request's credit, an overlapping course) nor cites an agreement no longer
    in force or past its caps. The decision record keeps what changed since submission and what was not
    credited, with why. Deciding an appeal reverses the ledger entries of the first decision and writes
    the new ones (the re-run leaves the request's own first credit out).
    """
    now = now or utcnow()
    today = today or now.date()
    if decision.action not in (RequestAction.ACCEPT, RequestAction.CHANGE, RequestAction.REFUSE):
        raise Invalid("a decision accepts, changes or refuses")
    if decision.action is not RequestAction.ACCEPT and not decision.note.strip():
        raise Invalid("say why: a changed or refused request needs a note for the learner")
    audit.lock(session)
    request = _get(session, request_id)
    actor.check(DECIDE, request.target_org)
    appeal = request.state is RequestState.APPEALED
    if appeal and request.decided_by == actor.actor:
        raise Forbidden("an appeal must be decided by a different member of staff from the first decision")
    asked = _asked(request, decision)
    ledger.lock_award(session, request.learner_id, request.target_org, request.award_code)
    check = recheck.run(session, request, today, overlaps)
    grants, dropped = ([], []) if decision.action is RequestAction.REFUSE else (
        recheck.accepted(check, request) if decision.action is RequestAction.ACCEPT
        else recheck.changed(check, asked))
    previous = ledger.standing(session, request.id) if appeal else []
    record = {"action": decision.action.value, "note": decision.note, "appeal": appeal,
              "credits": {str(g.position): str(g.credits) for g in sorted(grants, key=lambda g: g.position)},
              "previous": request.decision, "recheck": check.as_dict(tuple(dropped))}
    _move(session, actor, request, decision.action, now, expected_version, note=decision.note or None,
          decision=record, decided_by=actor.actor, decided_at=now)
    for entry in previous:
        ledger.reverse(session, entry, by=actor.actor, now=now, note=f"appeal on request {request.id}")
    _ledger_entries(session, request, grants, actor, now)
    told = decision.note or ("Your request was accepted." if dropped else "Your request was accepted as proposed.")
    if dropped:
        told += "\n\nNot credited: " + "; ".join(f"achievement {d.position}: {d.why}" for d in dropped) + "."
    notifications.notify(session, kind="transfer_decided", user=request.learner_id, now=now,
                         subject=f"Your transfer request {request.id}: {request.state.value}", body=told)
    notifications.notify(session, kind="transfer_decided", org=request.target_org, now=now,
                         subject=f"Transfer request {request.id} decided: {request.state.value}",
                         body=f"Decided by {actor.actor}. {decision.note}".strip())
    return request


def _ledger_entries(session: Session, request: TransferRequest, grants: list[recheck.Grant], actor: Identity,
                    now: datetime) -> None:
    rows = {row.position: row for row in request.achievements}
    for grant in grants:
        row = rows[grant.position]
        ledger.append(session, ledger.LedgerEntry(
            learner_id=request.learner_id, target_org=request.target_org, award_code=request.award_code,
            purpose=request.purpose.value, credits=grant.credits,
            achievement_ref=preassessment.achievement(row).ref, course_pk=row.course_pk,
            course_version_id=row.course_version_id, agreement_id=grant.agreement_id,
            agreement_version_id=grant.agreement_version_id, request_id=request.id, created=now,
            created_by=actor.actor))


def _own(session: Session, actor: Identity, request_id: int) -> TransferRequest:
    learner_id = actor.require_learner()
    request = _get(session, request_id)
    if request.learner_id != learner_id:
        raise NotFound(f"there is no transfer request {request_id}")
    return request


def withdraw(session: Session, actor: Identity, request_id: int, *, expected_version: int | None = None,
             now: datetime | None = None) -> TransferRequest:
    """The learner takes the request back before it is decided."""
    now = now or utcnow()
    audit.lock(session)
    request = _own(session, actor, request_id)
    expected = request.version if expected_version is None else expected_version
    _move(session, actor, request, RequestAction.WITHDRAW, now, expected)
    for recipient in ({"org": request.target_org}, {"user": request.learner_id}):
        notifications.notify(session, kind="transfer_withdrawn", now=now, **recipient,
                             subject=f"Transfer request {request.id} withdrawn",
                             body="The learner withdrew the request before a decision; nothing more is needed.")
    return request


def appeal(session: Session, actor: Identity, request_id: int, reason: str, *, expected_version: int | None = None,
           now: datetime | None = None) -> TransferRequest:
    """The learner appeals a decision, once."""
    now = now or utcnow()
    if not reason.strip():
        raise Invalid("say why you appeal")
    audit.lock(session)
    request = _own(session, actor, request_id)
    if request.appealed_at is not None and request.state in DECIDED:
        raise Conflict("this request was appealed already; a decision can be appealed once")
    expected = request.version if expected_version is None else expected_version
    _move(session, actor, request, RequestAction.APPEAL, now, expected, note=reason, appeal_reason=reason,
          appealed_at=now)
    notifications.notify(session, kind="transfer_appealed", org=request.target_org, now=now,
                         subject=f"Appeal on transfer request {request.id}",
                         body=f"{reason}\n\nIt must be decided by someone other than {request.decided_by}.")
    notifications.notify(session, kind="transfer_appealed", user=request.learner_id, now=now,
                         subject=f"We have your appeal on transfer request {request.id}",
                         body="Someone other than the first decider will decide it.")
    return request


__all__ = [
    "AchievementClaim", "Decision", "QueueItem", "RequestDraft", "Submitted", "appeal", "body_hash", "decide",
    "get_request", "history", "learner_credit", "list_requests", "recheck_request", "staff_queue", "submit",
    "withdraw",
]
