"""Harvest operations for consortium administrators: every feed at a glance, and what the CLI's `harvest`,
`harvest confirm/reject` and `feeds add` do, for the web. Every function checks that the caller is an
administrator (the view checked too: a service never trusts its caller)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from directory.errors import Invalid, SettingsError
from directory.identity.identity import Identity
from directory.settings import parse_interval

from . import pipeline, registry
from .environment import HarvestEnvironment
from .models import Feed, HarvestRun, RunOutcome


@dataclass(frozen=True)
class FeedRow:
    """One feed on the dashboard: the feed, its latest run (None before the first) and the held runs whose
    withdrawals wait for a decision."""

    feed: Feed
    last_run: HarvestRun | None
    held: list[HarvestRun]
    next_run: datetime | None
    running: bool


def dashboard(session: Session, identity: Identity, now: datetime) -> list[FeedRow]:
    identity.check_admin()
    feeds = registry.list_feeds(session)
    latest = {feed_id: run_id for feed_id, run_id in session.execute(
        select(HarvestRun.feed_id, func.max(HarvestRun.id)).group_by(HarvestRun.feed_id))}
    runs = {r.feed_id: r for r in session.scalars(select(HarvestRun).where(HarvestRun.id.in_(latest.values())))}
    held: dict[str, list[HarvestRun]] = {}
    for run in session.scalars(select(HarvestRun).where(
            HarvestRun.outcome == RunOutcome.HELD, HarvestRun.held_run_id.is_(None),
            HarvestRun.withdrawals_confirmed.is_(None), HarvestRun.withdrawals_rejected.is_(None))
            .order_by(HarvestRun.id)):
        held.setdefault(run.feed_id, []).append(run)
    return [FeedRow(feed, runs.get(feed.id), held.get(feed.id, []), _next_run(feed, runs.get(feed.id), now),
                    feed.lease_until is not None and feed.lease_until > now)
            for feed in feeds]


def _next_run(feed: Feed, last: HarvestRun | None, now: datetime) -> datetime | None:
    """When the scheduler runs the feed next (None: paused). Its interval counts from the last run."""
    if not feed.enabled:
        return None
    if last is None:
        return now
    return max(now, last.started + timedelta(seconds=feed.interval_seconds))


def feed_detail(session: Session, identity: Identity, feed_id: str) -> tuple[Feed, list[HarvestRun]]:
    identity.check_admin()
    feed = registry.get_feed(session, feed_id)
    return feed, list(pipeline.latest_runs(session, feed_id, 1, 10).results)


def harvest_now(env: HarvestEnvironment, identity: Identity, feed_id: str) -> HarvestRun:
    """Run the feed now, as `harvest --feed` does; Conflict (naming the run) when a run holds its lease."""
    identity.check_admin()
    return pipeline.harvest(env, feed_id, trigger="manual")


def confirm(env: HarvestEnvironment, identity: Identity, run_id: int) -> HarvestRun:
    identity.check_admin()
    return pipeline.confirm_withdrawals(env, run_id)


def reject(env: HarvestEnvironment, identity: Identity, run_id: int) -> HarvestRun:
    identity.check_admin()
    return pipeline.reject_withdrawals(env, run_id)


def set_enabled(session: Session, identity: Identity, feed_id: str, enabled: bool) -> Feed:
    identity.check_admin()
    feed = registry.get_feed(session, feed_id)
    feed.enabled = enabled
    session.flush()
    return feed


def set_interval(session: Session, identity: Identity, feed_id: str, every: str) -> Feed:
    identity.check_admin()
    feed = registry.get_feed(session, feed_id)
    try:
        feed.interval_seconds = parse_interval((every or "").strip())
    except (ValueError, SettingsError) as exc:
        raise Invalid(f"interval: {exc} (for example 30m, 6h, 1d)") from None
    session.flush()
    return feed


def add_feed(session: Session, identity: Identity, spec: registry.FeedSpec, *, allow_private: bool) -> Feed:
    """`feeds add` for the web: the same registry call, the same checks."""
    identity.check_admin()
    if not spec.url:
        raise Invalid("a feed needs the address it is published at (members publishing by push set none "
                      "on their catalogue page)")
    return registry.add_feed(session, spec, allow_private=allow_private)

