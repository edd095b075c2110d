"""A decision's re-run of the pre-assessment, and what the decision may credit.

The pre-assessment stored at submission is advice as things stood then. A decision does not rely on it:
it re-runs the engine against the learner's ledger, the agreements and the confirmed overlaps as they
stand when staff decide (agreements judged in force on the day of the decision, shelf-life still measured
to the request date), so credit already counted towards the award by another request, an agreement
terminated or expired since, a cap reached since or an overlap confirmed since is not credited. Staff see
the differences in plain words before they decide (``changes``), and the decision keeps them with what
was not credited and why (``as_dict``). The service runs this under the lock that serialises decisions
for one learner and award (``ledger.lock_award``), so what it reads cannot change before it writes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from .. import ledger
from ..agreements import rules
from ..agreements.rules import OutcomeKind
from . import preassessment
from .models import TransferRequest

# Reasons that say nothing a reader of "what changed" needs (the rest explain the outcome).
_PLAIN = frozenset({"covered", "within_shelf_life", "recognised"})
_KIND_WORDS = {"recognise": "recognised", "needs_review": "needing review", "not_recognised": "not recognised"}


@dataclass(frozen=True)
class Grant:
    """Credit a decision writes to the ledger for one achievement, citing the agreement it rests on."""

    position: int
    credits: Decimal
    agreement_id: int | None
    agreement_version_id: int | None


@dataclass(frozen=True)
class NotCredited:
    """Credit the stored proposal (accept) or the decider (change) gave that the re-run does not support."""

    position: int
    credits: Decimal
    why: str


@dataclass(frozen=True)
class Recheck:
    on: date  # the day of the decision: agreements must be in force then
    inputs: preassessment.Inputs
    assessment: rules.Assessment
    changes: tuple[str, ...]  # what differs from the pre-assessment stored at submission, in words

    def as_dict(self, not_credited: tuple[NotCredited, ...] = ()) -> dict[str, Any]:
        return {"on": self.on.isoformat(), "changes": list(self.changes),
                "not_credited": [{"achievement": n.position, "credits": _credits(n.credits), "why": n.why}
                                 for n in not_credited],
                "assessment": preassessment.as_dict(self.assessment)}


def run(session: Session, request: TransferRequest, today: date,
        overlaps: preassessment.OverlapSource = preassessment.confirmed_overlaps) -> Recheck:
    """Re-run ``request``'s pre-assessment for a decision made ``today``.

    The request's own standing credit (an appealed decision's) is left out of the ledger: deciding the
    appeal reverses it.
    """
    own = {e.id for e in ledger.standing(session, request.id)}
    inputs = preassessment.load(session, request, overlaps, excluding=own)
    assessment = inputs.assess(request.request_date, in_force_on=today)
    return Recheck(today, inputs, assessment, tuple(differences(request, preassessment.as_dict(assessment))))


# --- what changed ----------------------------------------------------------------------------------


def _credits(value: Decimal) -> str:
    return str(Decimal(value).quantize(Decimal("0.01")))


def _standing(outcome: Mapping[str, Any]) -> tuple:
    return (outcome["kind"], Decimal(outcome["credits"]), outcome.get("agreement_id"),
            outcome.get("agreement_version_id"))


def _said(outcome: Mapping[str, Any] | None) -> str:
    if outcome is None:
        return "not assessed"
    words = _KIND_WORDS.get(outcome["kind"], outcome["kind"])
    if outcome["kind"] == OutcomeKind.RECOGNISE.value:
        words += f" for {outcome['credits']} credits"
    if outcome.get("agreement_id") is not None and outcome["kind"] == OutcomeKind.RECOGNISE.value:
        words += f" under agreement {outcome['agreement_id']} (version {outcome['agreement_version_id']})"
    return words


def _why(outcome: Mapping[str, Any]) -> str:
    return "; ".join(r["words"] for r in outcome.get("reasons", []) if r["code"] not in _PLAIN)


def differences(request: TransferRequest, fresh: Mapping[str, Any]) -> list[str]:
    """What the re-run ``fresh`` (``preassessment.as_dict``) says differently from the pre-assessment
    stored on ``request``, one sentence per achievement whose outcome, credit or agreement changed and
    one for the proposal; empty when nothing changed."""
    stored = request.assessment or {}
    titles = {str(a.position): a.title for a in request.achievements}
    before = {str(o["achievement"]): o for o in stored.get("outcomes", [])}
    changes = []
    for outcome in fresh["outcomes"]:
        key = str(outcome["achievement"])
        was = before.get(key)
        if was is not None and _standing(was) == _standing(outcome):
            continue
        why = _why(outcome)
        changes.append(f"Achievement {key} ({titles.get(key, '')}): {_said(was)} at submission, "
                       f"{_said(outcome)} now{f' ({why})' if why else ''}.")
    old, new = stored.get("proposal"), fresh["proposal"]
    if old is None or (old["kind"], Decimal(old["credits"])) != (new["kind"], Decimal(new["credits"])):
        then = "none" if old is None else f"{_KIND_WORDS.get(old['kind'], old['kind'])}, {old['credits']} credits"
        changes.append(f"The proposal: {then} at submission, {_KIND_WORDS.get(new['kind'], new['kind'])}, "
                       f"{new['credits']} credits now.")
    return changes


# --- what a decision credits -----------------------------------------------------------------------


def accepted(check: Recheck, request: TransferRequest) -> tuple[list[Grant], list[NotCredited]]:
    """Accepting the proposal credits the proposal as it stands at the decision (what staff were shown);
    credit the stored proposal gave and the re-run does not is listed as not credited, with why."""
    grants = [Grant(int(o.achievement_key), o.credits, o.agreement_id, o.agreement_version_id)
              for o in check.assessment.outcomes if o.kind is OutcomeKind.RECOGNISE and o.credits > 0]
    now = {int(o.achievement_key): o for o in check.assessment.outcomes}
    fresh = {int(o["achievement"]): o for o in preassessment.as_dict(check.assessment)["outcomes"]}
    dropped = []
    for was in (request.assessment or {}).get("outcomes", []):
        position, proposed = int(was["achievement"]), Decimal(was["credits"])
        if was["kind"] != OutcomeKind.RECOGNISE.value or position not in now:
            continue
        left = now[position].credits if now[position].kind is OutcomeKind.RECOGNISE else Decimal(0)
        if left < proposed:
            dropped.append(NotCredited(position, proposed - left, _why(fresh[position]) or _said(fresh[position])))
    return grants, dropped


def changed(check: Recheck, credits: Mapping[int, Decimal]) -> tuple[list[Grant], list[NotCredited]]:
    """Changing the proposal credits what the decider gave (``credits`` per position), except what
    would count learning already counted towards the award (in the ledger, or earlier in this decision:
    the same achievement, or a course in a confirmed overlap with a counted one).

    Each grant is checked, in request order, against the ledger with the grants before it, as the
    engine would check it; it cites the agreement the engine finds in force for it only when the
    credit given is within what that agreement recognises (its caps included). More than that, or no
    agreement in force, is the member's own recognition outside any agreement and cites none.
    """
    inputs, on = check.inputs, check.assessment.on
    standing = {g.version_id: rules.not_in_force(g, check.on) for g in inputs.agreements}
    running = list(inputs.entries)
    granted: dict[str, int] = {}
    grants, dropped = [], []
    for a in inputs.achievements:
        position = int(a.key)
        if position not in credits:
            continue
        given = credits[position]
        if a.ref in granted:
            dropped.append(NotCredited(position, given, f"{a.title} is listed more than once in this request; "
                                                        f"achievement {granted[a.ref]} is credited"))
            continue
        twice = rules.double_counted(a, inputs.target, running, inputs.pairs)
        if twice is not None:
            dropped.append(NotCredited(position, given, twice.words))
            continue
        outcome = rules.assess_achievement(a, inputs.target, on, inputs.agreements, running, inputs.pairs,
                                           standing)
        cite = outcome.kind is OutcomeKind.RECOGNISE and given <= outcome.credits
        grant = Grant(position, given, outcome.agreement_id if cite else None,
                      outcome.agreement_version_id if cite else None)
        grants.append(grant)
        granted[a.ref] = position
        running.append(rules.LedgerEntry(-1, inputs.target.org_id, inputs.target.award, given, a.ref,
                                         a.course_pk, grant.agreement_id, inputs.target.purpose))
    return grants, dropped
