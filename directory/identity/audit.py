"""The security audit log: who did (or tried) what, when, from where, and how it ended."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..db import utcnow
from .identity import Identity
from .models import EventKind, Outcome, SecurityEvent


@dataclass(frozen=True)
class Source:
    """Where a request came from, as far as the web layer can tell."""

    address: str | None = None
    user_agent: str | None = None


def record(session: Session, event: EventKind, outcome: Outcome, *, actor: Identity | str,
           source: Source | None = None, at: datetime | None = None, **detail: Any) -> SecurityEvent:
    """Add one event to the log in the caller's transaction."""
    entry = SecurityEvent(
        at=at or utcnow(), actor=actor.actor if isinstance(actor, Identity) else actor[:400],
        source_address=source.address if source else None, event=event, outcome=outcome, detail=detail,
    )
    session.add(entry)
    session.flush()
    return entry


def failures_from(session: Session, address: str | None, since: datetime) -> int:
    """Failed sign-ins from one address since a time (per-address throttling)."""
    if not address:
        return 0
    return session.scalar(
        select(func.count()).select_from(SecurityEvent).where(
            SecurityEvent.source_address == address, SecurityEvent.event == EventKind.SIGN_IN,
            SecurityEvent.outcome != Outcome.SUCCESS, SecurityEvent.at >= since,
        )
    ) or 0


def recent(session: Session, identity: Identity, *, before_id: int | None = None,
           limit: int = 100) -> list[SecurityEvent]:
    """The newest events (administrators only), a page at a time by id (keyset)."""
    identity.check_admin()
    query = select(SecurityEvent).order_by(SecurityEvent.id.desc()).limit(limit)
    if before_id is not None:
        query = query.where(SecurityEvent.id < before_id)
    return list(session.scalars(query))


def window(now: datetime, seconds: int) -> datetime:
    return now - timedelta(seconds=seconds)
