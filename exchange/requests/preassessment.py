"""The pre-assessment's edges: load what the pure engine needs for one request (its achievements, the
target award, the agreements that could cover it, the learner's ledger and the confirmed overlaps) and
keep the result as plain JSON on the request."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from directory.credit import Achievement, Level

from .. import ledger
from ..agreements import rules
from ..agreements.service import snapshots_for
from ..awards import get_award
from .models import RequestAchievement, TransferRequest

# (session, course pks) -> confirmed overlapping pairs among them, as (smaller pk, larger pk).
OverlapSource = Callable[[Session, Iterable[int]], Iterable[tuple[int, int]]]


def confirmed_overlaps(session: Session, course_pks: Iterable[int]) -> Iterable[tuple[int, int]]:
    """The directory's confirmed overlaps (imported late: the overlaps package is optional here)."""
    from directory.overlaps.service import confirmed_pairs

    return confirmed_pairs(session, course_pks)


def achievement(row: RequestAchievement) -> Achievement:
    return Achievement(
        key=str(row.position), title=row.title, provider_id=row.provider_id, credit=Decimal(row.credit),
        level=None if row.level is None else Level.eqf_only(row.level), awarded_on=row.awarded_on,
        grade=None if row.grade is None else Decimal(row.grade),
        course=f"{row.provider_id}/{row.course_id}" if row.course_id and row.provider_id else None,
        course_pk=row.course_pk, course_version_id=row.course_version_id,
        cah_groups=frozenset(row.cah_groups or ()), provider_name=row.provider_name)


@dataclass(frozen=True)
class Inputs:
    """What the engine reads for one request, loaded from the store as it stands."""

    achievements: tuple[Achievement, ...]
    target: rules.Target
    agreements: tuple[rules.AgreementTerms, ...]
    entries: tuple[rules.LedgerEntry, ...]
    pairs: tuple[rules.OverlapPair, ...]

    def assess(self, on: date, *, in_force_on: date | None = None) -> rules.Assessment:
        return rules.assess(self.achievements, self.target, on, self.agreements, self.entries, self.pairs,
                            in_force_on=in_force_on)


def load(session: Session, request: TransferRequest, overlaps: OverlapSource = confirmed_overlaps, *,
         excluding: Collection[int] = ()) -> Inputs:
    """The engine's inputs for ``request``: the learner's ledger without the entries ``excluding`` (ids),
    the agreements that could cover it now and the confirmed overlaps among the courses involved."""
    award = get_award(session, request.target_org, request.award_code)
    target = rules.Target(request.target_org, award.code, Decimal(award.total_credit), award.level,
                          request.purpose)
    achievements = tuple(achievement(row) for row in request.achievements)
    entries = tuple(e for e in ledger.entries_for(session, request.learner_id) if e.entry_id not in excluding)
    pks = {a.course_pk for a in achievements if a.course_pk is not None}
    pks |= {e.course_pk for e in entries if e.course_pk is not None}
    pairs = tuple(rules.OverlapPair.of(a, b) for a, b in overlaps(session, pks)) if len(pks) > 1 else ()
    return Inputs(achievements, target, tuple(snapshots_for(session, request.target_org)), entries, pairs)


def run(session: Session, request: TransferRequest, on: date,
        overlaps: OverlapSource = confirmed_overlaps) -> rules.Assessment:
    """Pre-assess ``request`` as of ``on`` (its request date) from what the store holds now."""
    return load(session, request, overlaps).assess(on)


def _credits(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01")))


def as_dict(assessment: rules.Assessment) -> dict[str, Any]:
    """JSON for the request row and the API: credits as strings, reasons as code and words."""
    proposal = assessment.proposal
    return {
        "on": assessment.on.isoformat(),
        "outcomes": [
            {"achievement": o.achievement_key, "kind": o.kind.value, "credits": _credits(o.credits),
             "agreement_id": o.agreement_id, "agreement_version_id": o.agreement_version_id,
             "reasons": [{"code": r.code, "words": r.words} for r in o.reasons]}
            for o in assessment.outcomes
        ],
        "proposal": {"kind": proposal.kind.value, "credits": _credits(proposal.credits),
                     "entry": proposal.entry.value if proposal.entry else None,
                     "reasons": [{"code": r.code, "words": r.words} for r in proposal.reasons]},
    }
