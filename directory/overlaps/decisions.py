"""People decide overlaps: confirm (the pair is the same learning, so only one course counts) or dismiss
(it is not, and the pair is not flagged again until one of the courses changes).

The review's states and actions are a transition table read by ``directory.workflow``, the engine every
workflow of the house uses; who may decide (administrators, and staff acting for either course's
provider) is checked here, apart from it. A declared pair (a feed's ``excludes``) is the feed's to change,
never a person's. Plain functions over a session; callers own the transaction (these flush, never commit).
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..catalogue.models import Course
from ..db import utcnow
from ..errors import Forbidden, IllegalTransition, NotFound
from ..identity.identity import Identity
from ..workflow import transition
from .models import Overlap, OverlapOrigin, OverlapStatus


class Action(enum.Enum):
    CONFIRM = "confirm"
    DISMISS = "dismiss"


TRANSITIONS: dict[Action, tuple[frozenset[OverlapStatus], OverlapStatus]] = {
    Action.CONFIRM: (frozenset({OverlapStatus.DETECTED, OverlapStatus.DISMISSED}), OverlapStatus.CONFIRMED),
    Action.DISMISS: (frozenset({OverlapStatus.DETECTED, OverlapStatus.CONFIRMED}), OverlapStatus.DISMISSED),
}


def confirm(session: Session, who: Identity, overlap_id: int, *, now: datetime | None = None) -> Overlap:
    """Record that the pair does overlap (the exchange will treat them as the same learning)."""
    return _decide(session, who, overlap_id, Action.CONFIRM, now or utcnow())


def dismiss(session: Session, who: Identity, overlap_id: int, *, now: datetime | None = None) -> Overlap:
    """Record that the pair does not overlap: not flagged again until one of the courses changes."""
    return _decide(session, who, overlap_id, Action.DISMISS, now or utcnow())


def may_decide(session: Session, who: Identity, overlap: Overlap) -> bool:
    """Consortium administrators, and staff acting for the provider of either course."""
    if who.is_admin:
        return True
    providers = session.scalars(
        select(Course.provider_id).where(Course.pk.in_((overlap.course_a_pk, overlap.course_b_pk)))
    ).all()
    return any(who.acts_for(provider) for provider in providers)


def _decide(session: Session, who: Identity, overlap_id: int, action: Action, now: datetime) -> Overlap:
    overlap = session.get(Overlap, overlap_id)
    if overlap is None:
        raise NotFound(f"no overlap {overlap_id}")
    if not may_decide(session, who, overlap):
        raise Forbidden("only an administrator or staff of either course's provider may decide an overlap")
    if overlap.origin is OverlapOrigin.DECLARED:
        # Confirming it again would be a no-op, dismissing it would let both count: either way the feed decides.
        raise IllegalTransition(f"overlap {overlap_id} is declared by the provider in its feed: the feed must change")
    overlap.status = transition(TRANSITIONS, overlap.status, action)
    overlap.decided, overlap.decided_by = now, who.actor
    session.flush()
    return overlap
