"""The feed lease: at most one run of a feed at a time, across processes, and never held by a run that has
stopped.

A run takes its feed's lease (``take``), renews it while it works (``Heartbeat``: every
``harvest_lease_renew_seconds``, for ``harvest_lease_seconds`` from the renewal), confirms it inside every
transaction that writes its results (``Lease.confirm``: a run that has lost its lease writes nothing) and
gives it back when it ends (``Lease.release``). A run whose process ends without giving the lease back
(killed, crashed, the machine lost) stops renewing: its lease expires within ``harvest_lease_seconds``, and
the next run of the feed records it as a failed run before taking the lease. ``unlock`` clears a lease at
once (administrators, `climbing-frame harvest unlock FEED`), recording the abandoned run as failed.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from directory.errors import Conflict, NotFound

from .models import Feed, HarvestRun, RunOutcome

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Lease:
    """One run's hold on one feed."""

    sessions: sessionmaker
    feed_id: str
    holder: str
    duration: timedelta
    clock: Callable[[], datetime]

    def _extend(self, session: Session) -> bool:
        return session.execute(
            update(Feed).where(Feed.id == self.feed_id, Feed.lease_holder == self.holder)
            .values(lease_until=self.clock() + self.duration)
            .execution_options(synchronize_session=False)
        ).rowcount == 1

    def renew(self) -> bool:
        """Extend the lease by its duration from now; False when this run no longer holds it."""
        with self.sessions.begin() as session:
            return self._extend(session)

    def confirm(self, session: Session) -> None:
        """Inside the transaction that writes a run's results: extend the lease, or raise Conflict (and so
        roll the transaction back) when this run has lost it."""
        if not self._extend(session):
            raise Conflict(
                f"this run of feed {self.feed_id!r} lost its lease (an administrator unlocked the feed, or the "
                "run stopped renewing it for longer than the lease lasts): it wrote nothing"
            )

    def release(self) -> None:
        """Give the lease back, if this run still holds it."""
        with self.sessions.begin() as session:
            session.execute(
                update(Feed).where(Feed.id == self.feed_id, Feed.lease_holder == self.holder)
                .values(lease_until=None, lease_holder=None, lease_started=None, lease_trigger=None)
                .execution_options(synchronize_session=False)
            )


def holder_name() -> str:
    """Who holds a lease, as an operator reads it: host, process id, and a random part (one process may
    run several harvests)."""
    return f"{socket.gethostname()[:120]}:{os.getpid()}:{secrets.token_hex(4)}"


def take(sessions: sessionmaker, feed_id: str, *, trigger: str, duration: timedelta,
         clock: Callable[[], datetime]) -> tuple[Feed, Lease]:
    """Take the feed's lease for a new run. A lease past its expiry belongs to a run that stopped without
    finishing: that run is recorded as failed, in the same transaction. Raises NotFound for an unknown feed
    and Conflict while another run holds a live lease."""
    now = clock()
    lease = Lease(sessions, feed_id, holder_name(), duration, clock)
    with sessions.begin() as session:
        feed = session.get(Feed, feed_id)
        if feed is None:
            raise NotFound(f"no feed {feed_id!r}")
        if feed.lease_until is not None and feed.lease_until >= now:
            raise Conflict(
                f"feed {feed_id!r} is being harvested by another run (its lease runs until "
                f"{feed.lease_until.isoformat(timespec='seconds')}; if that run is gone, "
                f"`climbing-frame harvest unlock {feed_id}` clears it)"
            )
        previous = feed.lease_holder
        # The holder read above must still be the holder: of two runs starting together, one takes it.
        taken = session.execute(
            update(Feed)
            .where(Feed.id == feed_id, Feed.lease_holder.is_(None) if previous is None else Feed.lease_holder == previous,
                   Feed.lease_until.is_(None) | (Feed.lease_until < now))
            .values(lease_until=now + duration, lease_holder=lease.holder, lease_started=now, lease_trigger=trigger)
            .execution_options(synchronize_session=False)
        ).rowcount
        if not taken:
            raise Conflict(f"feed {feed_id!r} is being harvested by another run")
        if feed.lease_until is not None:
            _record_abandoned(session, feed, now, "the run stopped without finishing (process ended); "
                              f"lease expired at {feed.lease_until.isoformat(timespec='seconds')}")
        session.expunge(feed)
    return feed, lease


def unlock(session: Session, feed_id: str, now: datetime) -> HarvestRun | None:
    """Clear the feed's lease at once (administrators), recording the run that held it as failed. None, and
    nothing written, when no run holds the feed. A run that is in fact still working writes nothing after
    this (its lease is gone: ``Lease.confirm``)."""
    feed = session.get(Feed, feed_id)
    if feed is None:
        raise NotFound(f"no feed {feed_id!r}")
    if feed.lease_until is None:
        return None
    run = _record_abandoned(session, feed, now, "the run was abandoned: an administrator cleared its lease "
                            f"(harvest unlock) at {now.isoformat(timespec='seconds')}")
    feed.lease_until = feed.lease_holder = feed.lease_started = feed.lease_trigger = None
    session.flush()
    return run


def _record_abandoned(session: Session, feed: Feed, now: datetime, reason: str) -> HarvestRun:
    holder = f" (held by {feed.lease_holder})" if feed.lease_holder else ""
    run = HarvestRun(
        feed_id=feed.id, provider_id=feed.provider_id, trigger=feed.lease_trigger or "unknown",
        started=feed.lease_started or feed.lease_until, finished=min(now, feed.lease_until),
        outcome=RunOutcome.FAILED, errors=[reason + holder], held_withdrawals=[], incomplete=[], unmapped=[],
    )
    session.add(run)
    session.flush()
    log.warning("harvest of feed %s: %s%s", feed.id, reason, holder)
    return run


class Heartbeat:
    """Renews a lease every ``every`` seconds in a background thread while the ``with`` block runs; gives
    the lease back when it ends. ``wait`` is how the thread waits between renewals (tests pass their own)."""

    def __init__(self, lease: Lease, every: float, wait: Callable[[threading.Event, float], bool] | None = None):
        self.lease = lease
        self.every = min(every, lease.duration.total_seconds() / 3)
        self._wait = wait or (lambda stop, seconds: stop.wait(seconds))
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"lease {lease.feed_id}", daemon=True)

    def _beat(self) -> None:
        while not self._wait(self._stop, self.every):
            try:
                if not self.lease.renew():
                    log.warning("harvest of feed %s lost its lease; it will write nothing", self.lease.feed_id)
                    return
            except SQLAlchemyError:  # the store busy or away for a moment: the next beat tries again
                log.warning("could not renew the lease of feed %s", self.lease.feed_id, exc_info=True)

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        self._thread.join()
        self.lease.release()
