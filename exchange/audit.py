"""The exchange's audit log: append-only and hash-chained.

Every state change of an agreement or a transfer request appends one event (actor, time, before, after).
Each event stores ``sha256(prev_hash + canonical event)``, so ``verify`` finds any edited or deleted event
and reports the first broken link. Deleting events from the *end* leaves a shorter valid chain: compare
the head with a copy kept elsewhere (``verify(session, expected_head=...)``) to detect that too.

Events are appended one at a time: on PostgreSQL a transaction-scoped advisory lock serialises writers
(SQLite writers are serialised already), so two transactions never chain onto the same predecessor.
Services take the lock first (``lock``), before any row lock, so lock order is the same everywhere.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy import Integer, String, event, select, text
from sqlalchemy.orm import Mapped, Session, mapped_column

from directory.db import Base, JSONType, UTCDateTime

GENESIS = "0" * 64
# pg_advisory_xact_lock key: the bytes "cfaudit" read as a number.
_LOCK_KEY = int.from_bytes(b"cfaudit", "big")


class AuditEvent(Base):
    __tablename__ = "exchange_audit"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(200))
    entity: Mapped[str] = mapped_column(String(50))
    entity_id: Mapped[str] = mapped_column(String(100), index=True)
    action: Mapped[str] = mapped_column(String(50))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash: Mapped[str] = mapped_column(String(64), unique=True)


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _append_only(_mapper, _connection, target) -> None:
    raise RuntimeError(f"audit event {target.seq} is append-only")


def canonical_event(seq: int, at: datetime, actor: str, entity: str, entity_id: str, action: str,
                    before: dict[str, Any] | None, after: dict[str, Any] | None) -> bytes:
    return orjson.dumps(
        {"seq": seq, "at": at.astimezone(UTC).isoformat(timespec="microseconds"), "actor": actor,
         "entity": entity, "entity_id": entity_id, "action": action, "before": before, "after": after},
        option=orjson.OPT_SORT_KEYS,
    )


def chain_hash(prev_hash: str, body: bytes) -> str:
    return hashlib.sha256(prev_hash.encode() + body).hexdigest()


def lock(session: Session) -> None:
    """Serialise appends until the end of the transaction (PostgreSQL; a no-op elsewhere)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})


def append(session: Session, *, actor: str, entity: str, entity_id: Any, action: str,
           before: dict[str, Any] | None, after: dict[str, Any] | None, at: datetime) -> AuditEvent:
    """Add one event at the end of the chain (flushed; the caller commits)."""
    lock(session)
    last = session.execute(select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)).first()
    seq, prev = (1, GENESIS) if last is None else (last.seq + 1, last.hash)
    # Microseconds are what every database keeps, so the stored time hashes the same when read back.
    at = at.astimezone(UTC)
    body = canonical_event(seq, at, actor, entity, str(entity_id), action, before, after)
    row = AuditEvent(seq=seq, at=at, actor=actor, entity=entity, entity_id=str(entity_id), action=action,
                     before=before, after=after, prev_hash=prev, hash=chain_hash(prev, body))
    session.add(row)
    session.flush()
    return row


@dataclass(frozen=True)
class Verification:
    ok: bool
    events: int
    head: str
    broken_at: int | None = None  # the sequence number of the first event that does not check out
    reason: str | None = None


def verify(session: Session, *, expected_head: str | None = None, batch: int = 1000) -> Verification:
    """Walk the chain from the start; report the first broken link (edit, deletion or reordering)."""
    prev, expected_seq, count = GENESIS, 1, 0
    rows = session.execute(
        select(AuditEvent.seq, AuditEvent.at, AuditEvent.actor, AuditEvent.entity, AuditEvent.entity_id,
               AuditEvent.action, AuditEvent.before, AuditEvent.after, AuditEvent.prev_hash, AuditEvent.hash)
        .order_by(AuditEvent.seq).execution_options(yield_per=batch)
    )
    for row in rows:
        if row.seq != expected_seq:
            return Verification(False, count, prev, expected_seq,
                                f"event {expected_seq} is missing (deleted); the next is {row.seq}")
        if row.prev_hash != prev:
            return Verification(False, count, prev, row.seq,
                                f"event {row.seq} does not follow event {row.seq - 1}: an event was replaced")
        body = canonical_event(row.seq, row.at, row.actor, row.entity, row.entity_id, row.action,
                               row.before, row.after)
        if chain_hash(prev, body) != row.hash:
            return Verification(False, count, prev, row.seq, f"event {row.seq} was edited after it was written")
        prev, expected_seq, count = row.hash, expected_seq + 1, count + 1
    if expected_head is not None and expected_head != prev:
        return Verification(False, count, prev, expected_seq,
                            "the chain ends before the expected head: events were removed from the end")
    return Verification(True, count, prev)


def history(session: Session, entity: str, entity_id: Any) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).where(
        AuditEvent.entity == entity, AuditEvent.entity_id == str(entity_id)).order_by(AuditEvent.seq)))
