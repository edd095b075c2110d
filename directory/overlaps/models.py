"""Overlaps as stored: detected pairs with their reasons and the decision taken on them, and the MinHash
band keys that let a changed course find its candidates without comparing it with every course."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, JSONType, UTCDateTime, utcnow


class OverlapStatus(enum.Enum):
    DETECTED = "detected"
    CONFIRMED = "confirmed"
    DISMISSED = "dismissed"


class OverlapOrigin(enum.Enum):
    DETECTED = "detected"  # found by comparing the courses' content (detect.py)
    DECLARED = "declared"  # a feed said the courses cannot be counted together (declared.py)


class Overlap(Base):
    """Two courses (``course_a_pk < course_b_pk``) whose content overlaps: a double-counting risk.

    ``content_hash_a``/``_b`` are the courses' content hashes when the pair was last detected; a dismissal
    holds while both are unchanged. A DECLARED overlap is confirmed by the provider's feed and follows the
    feed alone (``declared.sync``): recomputation and staff decisions leave it as it is.
    """

    __tablename__ = "course_overlaps"  # "overlaps" is a reserved word in PostgreSQL
    __table_args__ = (
        UniqueConstraint("course_a_pk", "course_b_pk", name="uq_course_overlaps_pair"),
        CheckConstraint("course_a_pk < course_b_pk", name="ordered_pair"),
        Index("ix_course_overlaps_course_b", "course_b_pk"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    course_a_pk: Mapped[int] = mapped_column(ForeignKey("courses.pk", ondelete="CASCADE"))
    course_b_pk: Mapped[int] = mapped_column(ForeignKey("courses.pk", ondelete="CASCADE"))
    score: Mapped[float] = mapped_column(Float)
    # The closest outcome pairs, best first: [{"outcome", "other_outcome", "similarity"}], a's outcome first.
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    status: Mapped[OverlapStatus] = mapped_column(
        Enum(OverlapStatus, name="overlap_status", values_callable=lambda e: [m.value for m in e]),
        default=OverlapStatus.DETECTED,
    )
    origin: Mapped[OverlapOrigin] = mapped_column(
        Enum(OverlapOrigin, name="overlap_origin", values_callable=lambda e: [m.value for m in e]),
        default=OverlapOrigin.DETECTED, server_default=OverlapOrigin.DETECTED.value,
    )
    content_hash_a: Mapped[str] = mapped_column(String(64))
    content_hash_b: Mapped[str] = mapped_column(String(64))
    detected: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by: Mapped[str | None] = mapped_column(String(200))


class OverlapBand(Base):
    """One MinHash band key of one active course's current content (``detect.band_keys``)."""

    __tablename__ = "overlap_bands"
    __table_args__ = (Index("ix_overlap_bands_key", "band_key"),)

    course_pk: Mapped[int] = mapped_column(ForeignKey("courses.pk", ondelete="CASCADE"), primary_key=True)
    band_key: Mapped[int] = mapped_column(BigInteger, primary_key=True)


class OverlapSignature(Base):
    """An active course's MinHash signature (``detect.signatures``, uint32 little-endian), so that a
    changed course's bucket mates are filtered by estimated similarity before any content is read."""

    __tablename__ = "overlap_signatures"

    course_pk: Mapped[int] = mapped_column(ForeignKey("courses.pk", ondelete="CASCADE"), primary_key=True)
    signature: Mapped[bytes] = mapped_column(LargeBinary)


class OverlapState(Base):
    """Which version of a course its overlaps were last computed from. A course is *stale* when it is
    active and its current version differs (or it has no row), or when it has a row but is no longer
    active: ``service.stale`` finds those, so overlap work follows harvests without running inside them."""

    __tablename__ = "overlap_state"

    course_pk: Mapped[int] = mapped_column(ForeignKey("courses.pk", ondelete="CASCADE"), primary_key=True)
    version_id: Mapped[int] = mapped_column(Integer)


class OverlapTerm(Base):
    """How many active courses use a term (``rarity.Rarity``): in the whole catalogue (``scope`` "") and
    at each provider (``scope`` the provider id). Term "" holds the scope's number of courses. Derived
    from the courses' current content: ``service.recompute_all`` rebuilds it, ``recompute_for`` moves it
    by the changed courses."""

    __tablename__ = "overlap_terms"

    scope: Mapped[str] = mapped_column(String(200), primary_key=True)
    term: Mapped[str] = mapped_column(String(200), primary_key=True)
    courses: Mapped[int] = mapped_column(Integer)


class DeclaredExclusion(Base):
    """One entry of the ``excludes`` of an active course's current content: the declaring course may not be
    counted together with the course (provider id, course id) names, which may not be in the directory yet
    (the index finds the declarations naming a course when it arrives)."""

    __tablename__ = "declared_exclusions"
    __table_args__ = (Index("ix_declared_exclusions_target", "provider_id", "course_id"),)

    course_pk: Mapped[int] = mapped_column(ForeignKey("courses.pk", ondelete="CASCADE"), primary_key=True)
    provider_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    course_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    reason: Mapped[str | None] = mapped_column(Text)
