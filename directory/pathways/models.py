"""Pathways as stored: one row per pathway (its canonical content) and one per course it names.

A pathway comes from its awarding member's feed (``source`` feed) or from a consortium administrator
(``source`` consortium). Ids are unique across the consortium: a feed may not take an id another member's
pathway (or a consortium pathway) holds. ``PathwayCourse`` lists every course a pathway names, so the
search index can annotate a course with the pathways that list it in one indexed lookup.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import Enum, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, JSONType, UTCDateTime, utcnow


class PathwayStatus(enum.Enum):
    ACTIVE = "active"
    WITHDRAWN = "withdrawn"


class PathwaySource(enum.Enum):
    FEED = "feed"
    CONSORTIUM = "consortium"


def _values(e):
    return [m.value for m in e]


class Pathway(Base):
    __tablename__ = "pathways"
    __table_args__ = (Index("ix_pathways_awarding_status", "awarding_provider_id", "status"),)

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    awarding_provider_id: Mapped[str] = mapped_column(ForeignKey("providers.id"))
    source: Mapped[PathwaySource] = mapped_column(
        Enum(PathwaySource, name="pathway_source", values_callable=_values))
    status: Mapped[PathwayStatus] = mapped_column(
        Enum(PathwayStatus, name="pathway_status", values_callable=_values))
    title: Mapped[str] = mapped_column(String(500))
    content: Mapped[dict[str, Any]] = mapped_column(JSONType)
    content_hash: Mapped[str] = mapped_column(String(64))
    created: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PathwayCourse(Base):
    """One course a pathway names, with its role there (core or option; the capstone counts as core)."""

    __tablename__ = "pathway_courses"
    __table_args__ = (Index("ix_pathway_courses_course", "provider_id", "course_id"),)

    pathway_id: Mapped[str] = mapped_column(ForeignKey("pathways.id", ondelete="CASCADE"), primary_key=True)
    provider_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    course_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    role: Mapped[str] = mapped_column(String(10))


class LearnerPlan(Base):
    """A signed-in person's planner: the achievements they listed, as the planner page keeps them
    (``directory.pathways.plans``). Someone not signed in keeps them in the browser's session instead."""

    __tablename__ = "learner_plans"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    achievements: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    updated: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
