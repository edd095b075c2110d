"""The planner's list of achievements, kept with a signed-in person's account.

The planner page keeps what someone not signed in lists in the browser's session; once they sign in, that
list joins the one kept with their account (``merge``), so planning before signing in loses nothing and a
plan follows its owner from one browser to the next. Items are the planner page's plain dicts; the page
validates them before they are kept. Only the person's own plan is ever read or written: every function
takes the caller's user id, never one from the request.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy.orm import Session

from ..db import utcnow
from ..errors import Invalid
from .models import LearnerPlan

Item = dict[str, Any]


def saved(session: Session, user_id: int) -> list[Item]:
    plan = session.get(LearnerPlan, user_id)
    return list(plan.achievements) if plan is not None else []


def save(session: Session, user_id: int, items: list[Item], limit: int) -> None:
    """Keep ``items`` as the person's plan (Invalid beyond ``limit`` items)."""
    if len(items) > limit:
        raise Invalid(f"the planner holds at most {limit} achievements")
    plan = session.get(LearnerPlan, user_id)
    if plan is None:
        session.add(LearnerPlan(user_id=user_id, achievements=list(items), updated=utcnow()))
    else:
        plan.achievements, plan.updated = list(items), utcnow()
    session.flush()


def merge(session: Session, user_id: int, items: Iterable[Item], limit: int) -> list[Item]:
    """Add the items the plan does not hold yet, up to ``limit``; returns the plan as it now is."""
    kept = saved(session, user_id)
    added: list[Item] = []
    for item in items:
        if isinstance(item, dict) and item not in kept and item not in added and len(kept) + len(added) < limit:
            added.append(item)
    if added:
        save(session, user_id, kept + added, limit)
    return kept + added
