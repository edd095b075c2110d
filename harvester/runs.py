"""What the runs recorded, for pages, the API and the CLI: runs newest first, the quarantine providers have
to fix now, and one run's quarantine."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from directory.catalogue import service as catalogue
from directory.paging import Key, page_of

from .keyset import keyset_rows
from .models import HarvestRun, QuarantineEntry, RunOutcome

RUNS = Key("runs", (HarvestRun.id,), lambda run: (run.id,), descending=frozenset({0}))
QUARANTINE = Key("quarantine", (QuarantineEntry.feed_id, QuarantineEntry.id), lambda e: (e.feed_id, e.id))


def latest_runs(session: Session, feed_id: str | None, page: int, per_page: int, *,
                member: str | None = None, cursor: str | None = None) -> catalogue.Page:
    """Runs, newest first: of one feed, of every feed of ``member``, or of all."""
    where = [HarvestRun.feed_id == feed_id] if feed_id else []
    if member:
        where.append(HarvestRun.provider_id == member)
    total = session.scalar(select(func.count()).select_from(HarvestRun).where(*where))
    return page_of(session, select(HarvestRun).where(*where), RUNS, total=total, page=page, per_page=per_page,
                   cursor=cursor)


def current_quarantine(session: Session, feed_id: str | None, page: int, per_page: int, *,
                       member: str | None = None, cursor: str | None = None) -> catalogue.Page:
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
    return page_of(session, select(QuarantineEntry).where(*where), QUARANTINE, total=total, page=page,
                   per_page=per_page, cursor=cursor)


def run_quarantine(session: Session, run_id: int) -> Iterator[QuarantineEntry]:
    """Every record one run quarantined (courses, then pathways as they came), in the order it met them. Read
    in keyset pages (a feed's quarantine grows with its catalogue): iterate it while the session is open."""
    statement = select(QuarantineEntry.id, QuarantineEntry).where(QuarantineEntry.run_id == run_id)
    return (entry for _, entry in keyset_rows(session, statement, QuarantineEntry.id))
