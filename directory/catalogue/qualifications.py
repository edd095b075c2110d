"""Qualifications members' feeds publish: offered to the exchange's awards register, never listed as courses.

The harvester recognises a record describing a whole award (harvester.qualifications) and writes it here as
an offer, keyed by the member (``provider_id``) and the feed's own id of the qualification. The exchange
reads the offers and its member staff decide each one (exchange.qualifications): confirmed (it became, or
was linked to, an award of the awards register) or dismissed. The harvester writes only what the feed says;
the decision and the award are the exchange's.

Guarantees a caller may rely on:
- ``offer_from_feed`` of the same qualifications again changes nothing (no row, no timestamp).
- A decision stands when the feed changes: the feed's new values are stored on the offer (``changed``
  is then true for a confirmed offer: the award was made from other values) and the award itself is not
  touched; staff confirm again to carry them over.
- A qualification the feed no longer lists keeps its offer and its decision (``in_feed`` false): an award
  made from it may be named by transfer requests already.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Boolean, Enum, Index, Integer, Numeric, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from directory.db import Base, JSONType, UTCDateTime
from directory.errors import NotFound


class OfferState(enum.Enum):
    OFFERED = "offered"
    CONFIRMED = "confirmed"
    DISMISSED = "dismissed"


class QualificationOffer(Base):
    __tablename__ = "qualification_offers"
    __table_args__ = (
        UniqueConstraint("provider_id", "qualification_id", name="uq_qualification_offers_provider_qualification"),
        Index("ix_qualification_offers_provider_state", "provider_id", "state"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    provider_id: Mapped[str] = mapped_column(String(100))
    qualification_id: Mapped[str] = mapped_column(String(200))  # the feed's id of the qualification
    feed_id: Mapped[str | None] = mapped_column(String(100))  # the feed that last offered it
    title: Mapped[str] = mapped_column(String(500))
    level_framework: Mapped[str | None] = mapped_column(String(10))
    level_value: Mapped[int | None] = mapped_column(Integer)
    # Where the level came from: the feed's text, or "award" (the FHEQ level of the award the title names).
    level_source: Mapped[str | None] = mapped_column(String(200))
    credit_value: Mapped[Decimal | None] = mapped_column(Numeric(7, 2))
    credit_system: Mapped[str | None] = mapped_column(String(10))  # CATS | ECTS | SCQF | CQFW; None: unmapped
    credit_scheme: Mapped[str | None] = mapped_column(String(200))  # the feed's own label
    url: Mapped[str | None] = mapped_column(String(2000))
    awarding_body: Mapped[str | None] = mapped_column(String(300))
    reason: Mapped[str] = mapped_column(Text, default="")  # which rule recognised it
    state: Mapped[OfferState] = mapped_column(
        Enum(OfferState, name="qualification_offer_state", values_callable=lambda e: [m.value for m in e]),
        default=OfferState.OFFERED,
    )
    in_feed: Mapped[bool] = mapped_column(Boolean, default=True)
    # The exchange's award it became or was linked to (exchange_awards.id; the directory does not know it).
    award_id: Mapped[int | None] = mapped_column(Integer)
    # The offer's values as they were confirmed: ``changed`` compares the feed's with them.
    confirmed_values: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    offered_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)  # when the feed's values last changed
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by: Mapped[str | None] = mapped_column(String(100))

    def values(self) -> dict[str, Any]:
        """What the feed says, JSON-ready: compared with ``confirmed_values``."""
        return {"title": self.title, "level_framework": self.level_framework, "level_value": self.level_value,
                "credit_value": _plain(self.credit_value), "credit_system": self.credit_system,
                "credit_scheme": self.credit_scheme, "url": self.url}

    @property
    def changed(self) -> bool:
        """Confirmed, and the feed has said something else since."""
        return self.state is OfferState.CONFIRMED and self.confirmed_values is not None \
            and self.confirmed_values != self.values()


@dataclass(frozen=True)
class OfferedValues:
    """One qualification as a feed gives it (harvester.qualifications.Qualification.as_dict())."""

    qualification_id: str
    title: str
    level_framework: str | None
    level_value: int | None
    level_source: str | None
    credit_value: Decimal | None
    credit_system: str | None
    credit_scheme: str | None
    url: str | None
    awarding_body: str | None
    reason: str

    @classmethod
    def from_dict(cls, found: Mapping[str, Any]) -> OfferedValues:
        level, credit = found.get("level") or {}, found.get("credit") or {}
        return cls(
            qualification_id=str(found["id"])[:200], title=(found.get("title") or found["id"])[:500],
            level_framework=level.get("framework"), level_value=level.get("value"),
            level_source=(level.get("source") or None) and str(level["source"])[:200],
            credit_value=_credit(credit.get("value")), credit_system=credit.get("system"),
            credit_scheme=(credit.get("scheme") or None) and str(credit["scheme"])[:200],
            url=(found.get("url") or None) and str(found["url"])[:2000],
            awarding_body=(found.get("awarding_body") or None) and str(found["awarding_body"])[:300],
            reason=str(found.get("reason") or ""),
        )


_FEED_FIELDS = ("title", "level_framework", "level_value", "level_source", "credit_value", "credit_system",
                "credit_scheme", "url", "awarding_body", "reason")


def offer_from_feed(session: Session, provider_id: str, feed_id: str | None, found: Iterable[Mapping[str, Any]],
                    now: datetime) -> int:
    """Store the qualifications one run of ``feed_id`` recognised (new offers, the feed's new values on known
    ones) and mark the feed's other offers as no longer in it. Returns how many rows changed."""
    offered = {v.qualification_id: v for v in map(OfferedValues.from_dict, found)}
    known = {o.qualification_id: o for o in session.scalars(
        select(QualificationOffer).where(QualificationOffer.provider_id == provider_id))}
    touched = 0
    for qid, values in offered.items():
        offer = known.get(qid)
        if offer is None:
            session.add(QualificationOffer(provider_id=provider_id, qualification_id=qid, feed_id=feed_id,
                                           state=OfferState.OFFERED, in_feed=True, offered_at=now, updated_at=now,
                                           **{f: getattr(values, f) for f in _FEED_FIELDS}))
            touched += 1
            continue
        differs = [f for f in _FEED_FIELDS if getattr(offer, f) != getattr(values, f)]
        if differs or not offer.in_feed or offer.feed_id != feed_id:
            for name in differs:
                setattr(offer, name, getattr(values, name))
            offer.in_feed, offer.feed_id = True, feed_id
            if differs:
                offer.updated_at = now
            touched += 1
    for qid, offer in known.items():
        # Only the offers this feed made: another feed of the member still lists its own.
        if qid not in offered and offer.in_feed and offer.feed_id == feed_id:
            offer.in_feed = False
            touched += 1
    session.flush()
    return touched


def list_offers(session: Session, provider_id: str, state: OfferState | None = None) -> list[QualificationOffer]:
    """A member's offers, those waiting for a decision first, then by title."""
    query = select(QualificationOffer).where(QualificationOffer.provider_id == provider_id)
    if state is not None:
        query = query.where(QualificationOffer.state == state)
    rows = session.scalars(query.order_by(QualificationOffer.title, QualificationOffer.id)).all()
    return sorted(rows, key=lambda o: o.state is not OfferState.OFFERED)


def get_offer(session: Session, offer_id: int, *, for_update: bool = False) -> QualificationOffer:
    query = select(QualificationOffer).where(QualificationOffer.id == offer_id)
    offer = session.scalar(query.with_for_update() if for_update else query)
    if offer is None:
        raise NotFound(f"no qualification offer {offer_id}")
    return offer


def _credit(value: Any) -> Decimal | None:
    if value is None:
        return None
    found = Decimal(str(value))
    # The column's size (7 digits, 2 after the point): a larger value is no award's credit.
    return found.quantize(Decimal("0.01")) if found < Decimal("100000") else None


def _plain(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")
