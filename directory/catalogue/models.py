"""The catalogue as stored: providers, courses and their immutable content versions.

A ``Course`` is the identity of one micro-credential (provider + the provider's own course id) and its
lifecycle (active or withdrawn). What the course *says* lives in ``CourseVersion`` rows, one per distinct
content, never edited after insert apart from ``last_seen`` (set once, when it stops being current): agreements and credit decisions cite a
version so they can show exactly what a course said when they were made.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import Enum, Float, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base, JSONType, UTCDateTime, utcnow


class CourseStatus(enum.Enum):
    ACTIVE = "active"
    WITHDRAWN = "withdrawn"


class Provider(Base):
    """A member university (or other provider) as its feed describes it."""

    __tablename__ = "providers"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    id_scheme: Mapped[str | None] = mapped_column(String(50))
    name: Mapped[str] = mapped_column(String(300))
    country: Mapped[str | None] = mapped_column(String(2))
    url: Mapped[str | None] = mapped_column(String(1000))
    created: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Course(Base):
    __tablename__ = "courses"
    __table_args__ = (
        UniqueConstraint("provider_id", "course_id", name="uq_courses_provider_course"),
        Index("ix_courses_provider_status", "provider_id", "status"),
        Index("ix_courses_feed_status", "feed_id", "status"),
    )

    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    provider_id: Mapped[str] = mapped_column(ForeignKey("providers.id"))
    course_id: Mapped[str] = mapped_column(String(200))
    status: Mapped[CourseStatus] = mapped_column(
        Enum(CourseStatus, name="course_status", values_callable=lambda e: [m.value for m in e])
    )
    # The feed that listed the course last (the harvester's feeds.id): only that feed withdraws it when it
    # stops listing it. None for a course no feed has listed. No foreign key: the catalogue knows nothing of
    # the harvester, and a removed feed's courses stay, remembering it.
    feed_id: Mapped[str | None] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(500))
    # Hash of the record exactly as the feed sent it: equal means unchanged, so validation is skipped.
    source_hash: Mapped[str] = mapped_column(String(64))
    current_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("course_versions.id", use_alter=True, name="fk_courses_current_version")
    )
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When a successful run last saw the current version. Kept on this narrow row, not on the version
    # (every run confirms every course: rewriting wide version rows would dominate a no-change harvest);
    # a version's own ``last_seen`` is set when it stops being current.
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    provider: Mapped[Provider] = relationship(lazy="joined")
    current_version: Mapped[CourseVersion | None] = relationship(
        foreign_keys=[current_version_id], lazy="joined"
    )

    @property
    def key(self) -> str:
        return f"{self.provider_id}/{self.course_id}"


class CourseVersion(Base):
    """One content of one course, immutable: cite it by id or by (course, content hash)."""

    __tablename__ = "course_versions"
    __table_args__ = (Index("ix_course_versions_course", "course_pk", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    course_pk: Mapped[int] = mapped_column(ForeignKey("courses.pk", ondelete="CASCADE"))
    content_hash: Mapped[str] = mapped_column(String(64))
    content: Mapped[dict[str, Any]] = mapped_column(JSONType)
    completeness: Mapped[float] = mapped_column(Float)
    missing: Mapped[list[str]] = mapped_column(JSONType, default=list)
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    harvest_run_id: Mapped[int | None] = mapped_column(Integer)
