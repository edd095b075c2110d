"""Overlaps follow the catalogue a step behind harvests: recompute every stale course (new, changed or
withdrawn since its overlaps were computed) and re-index it with its partners, whose overlap counts move
too. Run by the scheduler every few minutes and by the ``harvest`` command at its end."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from ..catalogue.models import Course, CourseStatus
from ..search.backend import SearchBackend
from ..search.indexer import index_courses, reindex
from ..search.journal import RebuildRunning
from . import service


def refresh_stale(sessions: sessionmaker, readers: sessionmaker, search: SearchBackend, batch: int = 5000) -> int:
    """Bring every stale course's overlaps and search document up to date; returns how many courses."""
    with readers() as session:
        pending = len(service.stale(session))
        active = session.scalar(select(func.count()).select_from(Course)
                                .where(Course.status == CourseStatus.ACTIVE)) or 0
    if pending > max(batch, active // 5):
        # Most of the catalogue is new (a first harvest): one full pass beats many incremental ones.
        with sessions.begin() as session:
            service.recompute_all(session)
        with readers() as session:
            try:
                reindex(session, search)
            except RebuildRunning:
                # Another rebuild is under way and may have read these courses before their overlaps
                # moved: write each through the index, whose journal that rebuild replays before it swaps.
                keys = [tuple(row) for row in session.execute(
                    select(Course.provider_id, Course.course_id).where(Course.status == CourseStatus.ACTIVE))]
                index_courses(session, search, keys)
        return pending
    done = 0
    while True:
        with sessions.begin() as session:
            keys = service.stale(session, limit=batch)
            if not keys:
                return done
            partners = service.partners_of(session, keys)
            service.recompute_for(session, keys)
            partners |= service.partners_of(session, keys)
        with readers() as session:
            index_courses(session, search, [*keys, *sorted(partners)])
        done += len(keys)
