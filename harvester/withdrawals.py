"""Deciding a held run's withdrawals: an administrator confirms them (the courses are withdrawn) or rejects
them (they stay active). A hold stands until one of them, or until a run reads a changed document (which
supersedes it); runs that found the document unchanged repeat the hold and carry its decision.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from directory.catalogue import service as catalogue
from directory.errors import Conflict, Invalid, NotFound

from .environment import HarvestEnvironment
from .models import HarvestRun, RunOutcome

log = logging.getLogger(__name__)


def confirm_withdrawals(env: HarvestEnvironment, run_id: int) -> HarvestRun:
    """Apply the withdrawals a held run is waiting for, unless a later run read a changed document (runs that
    found it unchanged repeat the hold and do not supersede it). Naming such a repeating run confirms the
    held run it repeats. Returns the held run, its ``withdrawn`` count set."""
    with env.sessions.begin() as session:
        run = _standing_hold(session, run_id)
        now = env.clock()
        changes = [catalogue.ChangeSet(member, withdrawn=catalogue.withdraw(session, member, ids, now))
                   for member, ids in held_by_member(run, run.provider_id).items()]
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


def held_by_member(run: HarvestRun, member: str) -> dict[str, list[str]]:
    """The courses a held run would withdraw, by member: the feed's own (``member``) and the others'."""
    return {member: list(run.held_withdrawals or []), **{m: list(ids) for m, ids in (run.held_elsewhere or {}).items()}}
