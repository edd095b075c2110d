"""The exchange's audit log: append-only and chained under a key the database never sees.

Every state change of an agreement or a transfer request appends one event (actor, time, before, after).
Each event stores ``HMAC-SHA256(audit key, prev_hash + canonical event)``, and one signed head row
(``exchange_audit_head``: the last event's number and hash, HMAC'd too) moves in the same transaction as
every append. So ``verify`` finds, without the key being anywhere in the database:

- an edited, replaced, reordered or deleted event (the first broken link is named): recomputing the
  later hashes needs the key;
- events removed from the end, or added past the head: the head no longer matches the last event;
- a wrong key (or an edited head): the head's signature does not check out.

The key is the instance's (``audit_key``, else derived from ``secret_key``; see ``derive_key``) and
travels with every session the instance makes (``session_info``). Without one, appends are refused:
an instance with a random per-process secret would write chains nobody could verify after a restart.

What the database alone cannot show: a copy of the whole database (log and head) put back from an
earlier day is a valid, shorter chain. Keep the head the command prints elsewhere and pass it to
``verify(expected_head=...)`` (``climbing-frame audit verify --expected-head``) to detect that too.

Events written before migration 0009 were chained with plain SHA-256 (no key). The migration records how
many there were (``legacy_seq``) in an unsigned head; ``seal`` (``climbing-frame audit seal``, once after
the upgrade) checks them and signs that head, after which they are covered like the rest (the first keyed
event and the head commit to their last hash). Until then a non-empty legacy chain does not verify and
appends are refused: a head without a signature is also what an attacker would leave behind.

Events are appended one at a time: on PostgreSQL a transaction-scoped advisory lock serialises writers
(SQLite writers are serialised already), so two transactions never chain onto the same predecessor.
Services take the lock first (``lock``), before any row lock, so lock order is the same everywhere.
The database refuses UPDATE and DELETE of events (triggers, migration 0009); the ORM refuses them too.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import CheckConstraint, Integer, String, event, select, text
from sqlalchemy.orm import Mapped, Session, mapped_column

from directory.db import Base, JSONType, UTCDateTime
from directory.errors import AuditUnavailable, Conflict
from directory.settings import Settings

log = logging.getLogger(__name__)

GENESIS = "0" * 64
# pg_advisory_xact_lock key: the bytes "cfaudit" read as a number.
_LOCK_KEY = int.from_bytes(b"cfaudit", "big")
# The session.info entry holding the instance's audit key (bytes).
KEY_INFO = "exchange.audit_key"
# Domain separation: the key derived from secret_key serves nothing else, and a head's signed bytes can
# never be an event's (those start with a hex hash).
_KEY_PURPOSE = b"climbing-frame exchange audit chain v1"
_HEAD_PREFIX = b"climbing-frame audit head v1\n"
_HEAD_ID = 1


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


class AuditHead(Base):
    """The one row naming the chain's last event, signed with the audit key (``mac``). ``legacy_seq``:
    events up to this number were written before migration 0009, with plain SHA-256. ``mac`` is empty
    only in the head that migration wrote, until ``seal``."""

    __tablename__ = "exchange_audit_head"
    __table_args__ = (CheckConstraint("id = 1", name="one_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))
    legacy_seq: Mapped[int] = mapped_column(Integer)
    mac: Mapped[str | None] = mapped_column(String(64))


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _append_only(_mapper, _connection, target) -> None:
    raise RuntimeError(f"audit event {target.seq} is append-only")


def derive_key(settings: Settings) -> bytes | None:
    """The instance's audit key: ``audit_key`` when set, else one derived from ``secret_key`` (HKDF-SHA256,
    its own purpose string), else None (no key: appends are refused). The derived key is the hex text of
    the HKDF output, so that before rotating ``secret_key`` it can be set as ``audit_key`` unchanged."""
    if settings.audit_key:
        return settings.audit_key.encode()
    if settings.secret_key:
        derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_KEY_PURPOSE).derive(
            settings.secret_key.encode())
        return derived.hex().encode()
    return None


def session_info(settings: Settings) -> dict[str, Any]:
    """What the instance's sessions carry for this module (``sessionmaker(info=...)``)."""
    key = derive_key(settings)
    if key is None:
        log.warning("neither CF_AUDIT_KEY nor CF_SECRET_KEY is set: the exchange's audit log cannot be "
                    "written, so agreements and transfer requests cannot change (set one of them)")
        return {}
    return {KEY_INFO: key}


def key_of(session: Session) -> bytes:
    key = session.info.get(KEY_INFO)
    if key is None:
        raise AuditUnavailable("the audit log has no key: set CF_AUDIT_KEY (or CF_SECRET_KEY) for this instance")
    return key


def canonical_event(seq: int, at: datetime, actor: str, entity: str, entity_id: str, action: str,
                    before: dict[str, Any] | None, after: dict[str, Any] | None) -> bytes:
    return orjson.dumps(
        {"seq": seq, "at": at.astimezone(UTC).isoformat(timespec="microseconds"), "actor": actor,
         "entity": entity, "entity_id": entity_id, "action": action, "before": before, "after": after},
        option=orjson.OPT_SORT_KEYS,
    )


def chain_hash(prev_hash: str, body: bytes) -> str:
    """The link of an event written before migration 0009 (plain SHA-256: anyone can recompute it)."""
    return hashlib.sha256(prev_hash.encode() + body).hexdigest()


def chain_mac(key: bytes, prev_hash: str, body: bytes) -> str:
    """The link of every later event."""
    return hmac.new(key, prev_hash.encode() + body, hashlib.sha256).hexdigest()


def head_mac(key: bytes, seq: int, last_hash: str, legacy_seq: int) -> str:
    signed = orjson.dumps({"seq": seq, "hash": last_hash, "legacy_seq": legacy_seq}, option=orjson.OPT_SORT_KEYS)
    return hmac.new(key, _HEAD_PREFIX + signed, hashlib.sha256).hexdigest()


def lock(session: Session) -> None:
    """Serialise appends until the end of the transaction (PostgreSQL; a no-op elsewhere)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})


def _head(session: Session) -> AuditHead | None:
    # populate_existing: a session kept across transactions must not trust the head it saw before.
    return session.get(AuditHead, _HEAD_ID, populate_existing=True)


def _head_problem(key: bytes, head: AuditHead | None, last_seq: int, last_hash: str) -> tuple[int | None, str] | None:
    """Why the head does not vouch for a chain ending at (last_seq, last_hash), with the first event it
    leaves unaccounted for (None: no particular one); None when it vouches."""
    if head is None:
        return None if last_seq == 0 else (None, "the chain's signed head is missing")
    if head.mac is None:
        if head.seq == 0 and last_seq == 0:
            return None
        return (None, f"the {head.legacy_seq} events written before the upgrade are not sealed: run "
                      "`climbing-frame audit seal` once after upgrading (a head that was sealed before and now "
                      "is not means the database was edited)")
    if not hmac.compare_digest(head.mac, head_mac(key, head.seq, head.hash, head.legacy_seq)):
        return (None, "the head's signature does not check out: a different audit key, or the head was edited")
    if last_seq < head.seq:
        return (last_seq + 1, f"the chain ends at event {last_seq} but its head is event {head.seq}: "
                              "events were removed from the end")
    if last_seq > head.seq:
        return (head.seq + 1, f"the chain goes on past its head (event {head.seq}): events were added without "
                              "the key")
    if head.hash != last_hash:
        return (last_seq, f"event {last_seq} is not the one the head signed: it was replaced")
    return None


def append(session: Session, *, actor: str, entity: str, entity_id: Any, action: str,
           before: dict[str, Any] | None, after: dict[str, Any] | None, at: datetime) -> AuditEvent:
    """Add one event at the end of the chain and move the head (flushed; the caller commits).

    AuditUnavailable when the session has no key or the head does not vouch for the chain's end: chaining
    onto a truncated or forged end would sign it."""
    key = key_of(session)
    lock(session)
    last = session.execute(select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)).first()
    seq, prev = (1, GENESIS) if last is None else (last.seq + 1, last.hash)
    head = _head(session)
    problem = _head_problem(key, head, seq - 1, prev)
    if problem is not None:
        raise AuditUnavailable(f"the audit chain does not check out ({problem[1]}); "
                               "see `climbing-frame audit verify`")
    # Microseconds are what every database keeps, so the stored time hashes the same when read back.
    at = at.astimezone(UTC)
    body = canonical_event(seq, at, actor, entity, str(entity_id), action, before, after)
    row = AuditEvent(seq=seq, at=at, actor=actor, entity=entity, entity_id=str(entity_id), action=action,
                     before=before, after=after, prev_hash=prev, hash=chain_mac(key, prev, body))
    session.add(row)
    if head is None:
        head = AuditHead(id=_HEAD_ID, legacy_seq=0)
        session.add(head)
    head.seq, head.hash = seq, row.hash
    head.mac = head_mac(key, seq, row.hash, head.legacy_seq)
    session.flush()
    return row


@dataclass(frozen=True)
class Verification:
    ok: bool
    events: int
    head: str
    broken_at: int | None = None  # the sequence number of the first event that does not check out
    reason: str | None = None


def _walk(session: Session, key: bytes | None, legacy_seq: int, batch: int) -> Verification:
    """The chain from the start: events up to ``legacy_seq`` by SHA-256, later ones by ``key``."""
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
        if row.seq <= legacy_seq:
            link = chain_hash(prev, body)
        elif key is None:
            return Verification(False, count, prev, row.seq, f"event {row.seq} was written after the upgrade")
        else:
            link = chain_mac(key, prev, body)
        if not hmac.compare_digest(link, row.hash):
            return Verification(False, count, prev, row.seq, f"event {row.seq} was edited after it was written")
        prev, expected_seq, count = row.hash, expected_seq + 1, count + 1
    return Verification(True, count, prev)


def _one_snapshot(session: Session) -> None:
    # The head and the events are two reads: under READ COMMITTED an append committed between them
    # would look like an event added past the head. A fresh session's transaction on PostgreSQL is made
    # REPEATABLE READ; a transaction on SQLite reads one snapshot already.
    if session.get_bind().dialect.name == "postgresql" and not session.in_transaction():
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})


def verify(session: Session, *, expected_head: str | None = None, key: bytes | None = None,
           batch: int = 1000) -> Verification:
    """Check the head's signature, walk the chain from the start and compare its end with the head;
    report the first problem (an edit, deletion, reordering, truncation, a wrong key). ``key`` defaults to
    the session's (AuditUnavailable without one); ``expected_head`` is a head hash kept elsewhere.
    Reads one snapshot when given a session outside a transaction (or the caller's own snapshot)."""
    key = key if key is not None else key_of(session)
    _one_snapshot(session)
    head = _head(session)
    if head is not None and head.mac is not None:
        # First, so that a wrong key is named as such rather than as an edit of the first keyed event.
        signed = _head_problem(key, head, head.seq, head.hash)
        if signed is not None:
            return Verification(False, 0, GENESIS, *signed)
    walked = _walk(session, key, head.legacy_seq if head is not None else 0, batch)
    if not walked.ok:
        return walked
    problem = _head_problem(key, head, walked.events, walked.head)
    if problem is not None:
        return Verification(False, walked.events, walked.head, *problem)
    if expected_head is not None and expected_head != walked.head:
        return Verification(False, walked.events, walked.head, walked.events + 1,
                            "the chain ends before the expected head: events were removed from the end")
    return walked


def seal(session: Session) -> Verification:
    """Sign the head migration 0009 left for the events written before it, after checking them (SHA-256
    links, the head naming the last one). Conflict when there is nothing to seal; the failed
    Verification, unsigned, when the legacy chain is broken. Flushed; the caller commits."""
    key = key_of(session)
    lock(session)
    head = _head(session)
    if head is None or head.mac is not None:
        raise Conflict("the audit head is signed already (or there is no legacy chain): nothing to seal")
    walked = _walk(session, None, head.legacy_seq, 1000)
    if walked.ok and (walked.events, walked.head) != (head.seq, head.hash):
        walked = Verification(False, walked.events, walked.head, min(walked.events, head.seq) + 1,
                              f"the chain ends at event {walked.events}, the head written by the upgrade at "
                              f"event {head.seq}")
    if walked.ok:
        head.mac = head_mac(key, head.seq, head.hash, head.legacy_seq)
        session.flush()
    return walked


def history(session: Session, entity: str, entity_id: Any) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).where(
        AuditEvent.entity == entity, AuditEvent.entity_id == str(entity_id)).order_by(AuditEvent.seq)))
