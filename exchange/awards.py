"""The receiving members' awards and programmes that credit can count towards: their size and level are
what the share-of-award cap and the level check need."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Integer, Numeric, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from directory.db import Base, UTCDateTime, utcnow
from directory.errors import Invalid, NotFound
from directory.identity.identity import Identity
from directory.pathways.models import Pathway, PathwayStatus


class Award(Base):
    __tablename__ = "exchange_awards"
    __table_args__ = (UniqueConstraint("org_id", "code", name="uq_exchange_awards_org_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    org_id: Mapped[str] = mapped_column(String(100))
    code: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(300))
    total_credit: Mapped[Decimal] = mapped_column(Numeric(7, 2))  # CATS
    level: Mapped[int] = mapped_column(Integer)  # EQF
    updated: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


@dataclass(frozen=True)
class AwardSpec:
    org_id: str
    code: str
    title: str
    total_credit: Decimal
    level: int


def register_award(session: Session, actor: Identity, spec: AwardSpec) -> Award:
    """Create or update a member's award (staff with ``agreements`` for that member, or administrators)."""
    actor.check("agreements:approve", spec.org_id)
    if spec.total_credit <= 0 or not 1 <= spec.level <= 8 or not spec.code.strip():
        raise Invalid("an award needs a code, a positive total credit and an EQF level from 1 to 8")
    award = session.scalar(select(Award).where(Award.org_id == spec.org_id, Award.code == spec.code))
    if award is None:
        award = Award(org_id=spec.org_id, code=spec.code)
        session.add(award)
    award.title, award.total_credit, award.level = spec.title, spec.total_credit, spec.level
    session.flush()
    return award


def get_award(session: Session, org_id: str, code: str) -> Award:
    award = session.scalar(select(Award).where(Award.org_id == org_id, Award.code == code))
    if award is None:
        raise NotFound(f"organisation {org_id!r} has no award {code!r}")
    return award


def list_awards(session: Session, org_id: str) -> list[Award]:
    """A member's awards, by code (what a learner may ask credit towards)."""
    return list(session.scalars(select(Award).where(Award.org_id == org_id).order_by(Award.code)))


def award_for_pathway(session: Session, org_id: str, pathway_id: str) -> Award | None:
    """The award a pathway of ``org_id`` leads to, or None when the register has none for it.

    A pathway names no award code (docs/feed-format.md: its ``title`` is the award's title), while an
    agreement's terms and a transfer request name awards by code: this is the one place the two meet. The
    award whose code is the pathway's id, else the one whose title is the pathway's (case and spacing
    aside); a pathway of another member, or withdrawn, has none.
    """
    pathway = session.get(Pathway, pathway_id)
    if pathway is None or pathway.awarding_provider_id != org_id or pathway.status is not PathwayStatus.ACTIVE:
        return None
    owned = list_awards(session, org_id)
    title = " ".join(pathway.title.split()).casefold()
    return (next((a for a in owned if a.code == pathway_id), None)
            or next((a for a in owned if " ".join(a.title.split()).casefold() == title), None))
