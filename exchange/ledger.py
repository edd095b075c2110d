"""The learner's credit ledger: append-only. A decision adds entries; a reversal is a new entry with the
negative credit, referencing the entry it reverses. Pre-assessments read it (as ``rules.LedgerEntry``)."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Integer, Numeric, String, event, select, text
from sqlalchemy.orm import Mapped, Session, mapped_column

from directory.db import Base, UTCDateTime
from directory.errors import Conflict
from directory.identity.identity import Identity

from .agreements import rules


class LedgerEntry(Base):
    __tablename__ = "exchange_ledger"
    __table_args__ = (Index("ix_exchange_ledger_learner", "learner_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    learner_id: Mapped[int] = mapped_column(Integer)
    target_org: Mapped[str] = mapped_column(String(100))
    award_code: Mapped[str] = mapped_column(String(100))
    purpose: Mapped[str] = mapped_column(String(30))
    credits: Mapped[Decimal] = mapped_column(Numeric(8, 2))
    achievement_ref: Mapped[str] = mapped_column(String(600))
    course_pk: Mapped[int | None] = mapped_column(Integer)
    course_version_id: Mapped[int | None] = mapped_column(Integer)
    agreement_id: Mapped[int | None] = mapped_column(Integer)
    agreement_version_id: Mapped[int | None] = mapped_column(Integer)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("exchange_transfer_requests.id"), index=True)
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("exchange_ledger.id"), unique=True)
    created: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(String(1000))


@event.listens_for(LedgerEntry, "before_update")
@event.listens_for(LedgerEntry, "before_delete")
def _append_only(_mapper, _connection, target) -> None:
    raise RuntimeError(f"ledger entry {target.id} is append-only: reverse it instead")


def lock_award(session: Session, learner_id: int, target_org: str, award_code: str) -> None:
    """Serialise, until the end of the transaction, whatever credits ``learner_id`` towards one award.

    A decision reads the ledger and then writes to it; two decisions for the same learner and award
    (two requests citing the same course) must not both read the ledger before either writes. On
    PostgreSQL a transaction-scoped advisory lock keyed by the learner and the award does it (taken
    after ``audit.lock``, so the lock order is the same everywhere), and every statement after it reads
    what the transaction before it committed (READ COMMITTED). On SQLite a writer's transaction holds the
    database's write lock from its BEGIN (``directory.db.make_sessionmaker``), which serialises it already;
    a reader's transaction that tried to write after another committed would fail rather than double count.
    """
    if session.get_bind().dialect.name == "postgresql":
        name = f"cf-ledger|{learner_id}|{target_org}|{award_code}".encode()
        key = int.from_bytes(hashlib.sha256(name).digest()[:8], "big", signed=True)
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def append(session: Session, entry: LedgerEntry) -> LedgerEntry:
    session.add(entry)
    session.flush()
    return entry


def reverse(session: Session, original: LedgerEntry, *, by: str, now: datetime, note: str) -> LedgerEntry:
    """A new entry cancelling ``original``; Conflict when it was reversed already."""
    if session.scalar(select(LedgerEntry.id).where(LedgerEntry.reverses_id == original.id)) is not None:
        raise Conflict(f"ledger entry {original.id} was reversed already")
    return append(session, LedgerEntry(
        learner_id=original.learner_id, target_org=original.target_org, award_code=original.award_code,
        purpose=original.purpose, credits=-original.credits, achievement_ref=original.achievement_ref,
        course_pk=original.course_pk, course_version_id=original.course_version_id,
        agreement_id=original.agreement_id, agreement_version_id=original.agreement_version_id,
        request_id=original.request_id, reverses_id=original.id, created=now, created_by=by, note=note))


def standing(session: Session, request_id: int) -> list[LedgerEntry]:
    """The request's entries that have not been reversed (and are not reversals)."""
    entries = list(session.scalars(select(LedgerEntry).where(LedgerEntry.request_id == request_id)
                                   .order_by(LedgerEntry.id)))
    reversed_ids = {e.reverses_id for e in entries if e.reverses_id is not None}
    return [e for e in entries if e.reverses_id is None and e.id not in reversed_ids]


def entries_for(session: Session, learner_id: int) -> list[rules.LedgerEntry]:
    """The learner's whole ledger as the rules engine reads it."""
    rows = session.execute(
        select(LedgerEntry.id, LedgerEntry.target_org, LedgerEntry.award_code, LedgerEntry.credits,
               LedgerEntry.achievement_ref, LedgerEntry.course_pk, LedgerEntry.agreement_id,
               LedgerEntry.purpose, LedgerEntry.reverses_id)
        .where(LedgerEntry.learner_id == learner_id).order_by(LedgerEntry.id)
    )
    return [rules.LedgerEntry(r[0], r[1], r[2], Decimal(r[3]), r[4], r[5], r[6], rules.Purpose(r[7]), r[8])
            for r in rows]


@dataclass(frozen=True)
class AwardCredit:
    target_org: str
    award_code: str
    purpose: str
    credits: Decimal


@dataclass(frozen=True)
class CreditStatement:
    """What ``/learners/me/credit`` shows: every entry, and the net credit per award."""

    learner_id: int
    entries: tuple[LedgerEntry, ...]
    totals: tuple[AwardCredit, ...]


def statement(session: Session, actor: Identity) -> CreditStatement:
    learner_id = actor.require_learner()
    entries = tuple(session.scalars(select(LedgerEntry).where(LedgerEntry.learner_id == learner_id)
                                    .order_by(LedgerEntry.id)))
    sums: dict[tuple[str, str, str], Decimal] = defaultdict(Decimal)
    for e in entries:
        sums[(e.target_org, e.award_code, e.purpose)] += e.credits
    totals = tuple(AwardCredit(org, award, purpose, credits)
                   for (org, award, purpose), credits in sorted(sums.items()))
    return CreditStatement(learner_id, entries, totals)
