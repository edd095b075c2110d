"""Agreements as stored. An ``Agreement`` is the identity and lifecycle state; what it says lives in
``AgreementVersion`` rows, never edited after insert. Approvals are per version and bound to the hash
of that version's terms; a new version voids the approvals of a pending one before it (kept, marked voided),
never those of the version in force."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, Enum, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from directory.db import Base, JSONType, UTCDateTime

from .lifecycle import AgreementState


class Agreement(Base):
    __tablename__ = "exchange_agreements"
    __table_args__ = (Index("ix_exchange_agreements_state", "state", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    state: Mapped[AgreementState] = mapped_column(
        Enum(AgreementState, name="agreement_state", values_callable=lambda e: [m.value for m in e]))
    current_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("exchange_agreement_versions.id", use_alter=True, name="fk_exchange_agreements_current"))
    # The version every party approved: what the public, the matrix and pre-assessments read. An amendment
    # (a newer ``current`` version) leaves it in force until every party has approved the amendment.
    in_force_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("exchange_agreement_versions.id", use_alter=True, name="fk_exchange_agreements_in_force"))
    # The terms hash of the version in force, written from the approvals themselves when it comes into force:
    # what pre-assessments read instead of counting approvals.
    approved_hash: Mapped[str | None] = mapped_column(String(64))
    # Bumped on every change, checked by writers that must not overwrite each other.
    row_version: Mapped[int] = mapped_column(Integer, default=1)
    created: Mapped[datetime] = mapped_column(UTCDateTime)
    updated: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(200))

    current: Mapped[AgreementVersion | None] = relationship(foreign_keys=[current_version_id], lazy="joined")
    in_force: Mapped[AgreementVersion | None] = relationship(foreign_keys=[in_force_version_id], lazy="joined")

    @property
    def amendment_pending(self) -> bool:
        """A newer version awaits the parties' approval while an earlier one stays in force."""
        return self.in_force_version_id is not None and self.in_force_version_id != self.current_version_id


class AgreementVersion(Base):
    __tablename__ = "exchange_agreement_versions"
    __table_args__ = (UniqueConstraint("agreement_id", "number", name="uq_exchange_agreement_versions_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("exchange_agreements.id"))
    number: Mapped[int] = mapped_column(Integer)
    content: Mapped[dict[str, Any]] = mapped_column(JSONType)  # terms.to_dict
    terms_hash: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(40))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date, index=True)
    created: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(200))


class AgreementParty(Base):
    """Who is party to a version: what 'agreements of member X' queries use."""

    __tablename__ = "exchange_agreement_parties"
    __table_args__ = (Index("ix_exchange_agreement_parties_org", "org_id", "version_id"),)

    version_id: Mapped[int] = mapped_column(ForeignKey("exchange_agreement_versions.id"), primary_key=True)
    org_id: Mapped[str] = mapped_column(String(100), primary_key=True)


class Approval(Base):
    __tablename__ = "exchange_agreement_approvals"
    __table_args__ = (UniqueConstraint("version_id", "org_id", name="uq_exchange_agreement_approvals_party"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("exchange_agreement_versions.id"))
    org_id: Mapped[str] = mapped_column(String(100))
    terms_hash: Mapped[str] = mapped_column(String(64))
    approved_by: Mapped[str] = mapped_column(String(200))
    approved_at: Mapped[datetime] = mapped_column(UTCDateTime)
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AgreementHistory(Base):
    """One row per lifecycle move (and per new version)."""

    __tablename__ = "exchange_agreement_history"
    __table_args__ = (Index("ix_exchange_agreement_history_agreement", "agreement_id", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("exchange_agreements.id"))
    action: Mapped[str] = mapped_column(String(30))
    from_state: Mapped[str | None] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    version_number: Mapped[int] = mapped_column(Integer)
    actor: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    note: Mapped[str | None] = mapped_column(String(2000))
