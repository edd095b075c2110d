"""Transfer requests as stored: the request, its achievements (a cited course version or an external
achievement) and one history row per move."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, Enum, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from directory.db import Base, JSONType, UTCDateTime

from ..agreements.rules import Purpose
from .workflow import RequestState


class TransferRequest(Base):
    __tablename__ = "exchange_transfer_requests"
    __table_args__ = (
        UniqueConstraint("learner_id", "idempotency_key", name="uq_exchange_transfer_requests_idempotency"),
        Index("ix_exchange_transfer_requests_queue", "target_org", "state", "due_on", "id"),
        Index("ix_exchange_transfer_requests_learner", "learner_id", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    learner_id: Mapped[int] = mapped_column(Integer)
    idempotency_key: Mapped[str | None] = mapped_column(String(200))
    body_hash: Mapped[str] = mapped_column(String(64))
    target_org: Mapped[str] = mapped_column(String(100))
    award_code: Mapped[str] = mapped_column(String(100))
    purpose: Mapped[Purpose] = mapped_column(
        Enum(Purpose, name="transfer_purpose", values_callable=lambda e: [m.value for m in e]))
    state: Mapped[RequestState] = mapped_column(
        Enum(RequestState, name="transfer_state", values_callable=lambda e: [m.value for m in e]))
    # Optimistic lock: every move is an UPDATE ... WHERE version = <the version the mover read>.
    version: Mapped[int] = mapped_column(Integer, default=1)
    request_date: Mapped[date] = mapped_column(Date)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_on: Mapped[date] = mapped_column(Date)
    assessment: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    decision: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    decided_by: Mapped[str | None] = mapped_column(String(200))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    appeal_reason: Mapped[str | None] = mapped_column(Text)
    appealed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    achievements: Mapped[list[RequestAchievement]] = relationship(
        order_by="RequestAchievement.position", lazy="selectin", cascade="all, delete-orphan")


class RequestAchievement(Base):
    __tablename__ = "exchange_request_achievements"
    __table_args__ = (UniqueConstraint("request_id", "position", name="uq_exchange_request_achievements_pos"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("exchange_transfer_requests.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    # A course from the directory: the version cited, with its content hash, and where it came from.
    course_version_id: Mapped[int | None] = mapped_column(ForeignKey("course_versions.id"))
    content_hash: Mapped[str | None] = mapped_column(String(64))
    course_pk: Mapped[int | None] = mapped_column(Integer)
    provider_id: Mapped[str | None] = mapped_column(String(100))
    course_id: Mapped[str | None] = mapped_column(String(200))
    provider_name: Mapped[str | None] = mapped_column(String(300))
    title: Mapped[str] = mapped_column(String(500))
    credit: Mapped[Decimal] = mapped_column(Numeric(7, 2))  # CATS
    level: Mapped[int | None] = mapped_column(Integer)  # EQF
    cah_groups: Mapped[list[str]] = mapped_column(JSONType, default=list)
    grade: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    awarded_on: Mapped[date] = mapped_column(Date)
    evidence: Mapped[str | None] = mapped_column(String(2000))


class RequestHistory(Base):
    __tablename__ = "exchange_request_history"
    __table_args__ = (Index("ix_exchange_request_history_request", "request_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("exchange_transfer_requests.id", ondelete="CASCADE"))
    action: Mapped[str] = mapped_column(String(30))
    from_state: Mapped[str | None] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    note: Mapped[str | None] = mapped_column(Text)
