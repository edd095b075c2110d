"""After a commit: the search index brought in line with everything the commit changed, overlaps included.

This module sits above search, overlaps and pathways, so none of them knows the others: it assembles a
course's search document (``search.documents.course_document``) from the store's row, the pathways that
name the course (``pathways.service.memberships``) and its overlap count (``overlaps.service``), and hands
it to the generic indexer (``search.indexer``), which journals and replays writes around a rebuild.

``index_commit`` is what the composition root calls once per committed change set (a harvest's, a
pathway's). Overlaps of the changed courses are computed in the same step when the commit is small (up
to ``INLINE_OVERLAPS`` courses, a member's routine update), so each changed course and each partner whose
overlap count moved is indexed once. A larger commit (a first harvest of a whole catalogue) is indexed at
once, so it is searchable as soon as it is stored, and its overlaps follow in ``refresh_overlaps``, a few
minutes behind (the scheduler) or at the end of the ``harvest`` command: comparing thousands of new
courses with the catalogue takes longer than the harvest itself. That pass re-indexes only courses whose
overlap count moved.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import Session, sessionmaker

from .catalogue.models import Course, CourseStatus, CourseVersion, Provider
from .catalogue.service import ChangeSet
from .db import utcnow
from .errors import RebuildRunning
from .overlaps import service as overlaps
from .pathways.service import memberships
from .search import indexer
from .search.backend import Document, SearchBackend
from .search.documents import course_document
from .search.indexer import Key, Progress

INLINE_OVERLAPS = 500  # stale courses at most whose overlaps a commit computes itself
REFRESH_BATCH = 5000  # stale courses per transaction of the deferred pass


def _course_rows():
    return (
        select(Course.pk, Course.provider_id, Course.course_id, Course.status, Provider.name, CourseVersion.content)
        .join(Provider, Provider.id == Course.provider_id)
        .outerjoin(CourseVersion, CourseVersion.id == Course.current_version_id)
    )


def _active() -> Any:
    return select(func.count()).select_from(Course).where(Course.status == CourseStatus.ACTIVE)


class CourseDocuments:
    """The directory's ``search.indexer.DocumentSource``: active courses with their pathways and overlaps.

    Both read plain columns (provider id and name, course id, status, current content) in one joined
    statement, so no ORM object and no lazy load is involved however large the catalogue."""

    def for_keys(self, session: Session, keys: Sequence[Key]) -> Iterator[tuple[Key, Document]]:
        rows = session.execute(_course_rows().where(
            Course.status == CourseStatus.ACTIVE, tuple_(Course.provider_id, Course.course_id).in_(keys))).all()
        for row, document in self._documents(session, rows):
            yield (row.provider_id, row.course_id), document

    def every(self, session: Session, batch: int, progress: Progress | None) -> Iterator[Document]:
        """Keyset pages of ``batch`` courses in primary-key order."""
        last_pk = 0
        seen = 0
        total = session.scalar(_active()) or 0
        while rows := session.execute(
            _course_rows().where(Course.status == CourseStatus.ACTIVE, Course.pk > last_pk)
            .order_by(Course.pk).limit(batch)
        ).all():
            for _row, document in self._documents(session, rows):
                yield document
            last_pk = rows[-1].pk
            seen += len(rows)
            if progress is not None:
                progress(seen, total)

    def count(self, session: Session) -> int:
        return session.scalar(_active()) or 0

    @staticmethod
    def _documents(session: Session, rows: Sequence[Any]) -> Iterator[tuple[Any, Document]]:
        listed = memberships(session, ((row.provider_id, row.course_id) for row in rows))
        counts = overlaps.overlap_counts(session, (row.pk for row in rows))
        for row in rows:
            if row.content is None:
                continue
            try:
                document = course_document(row.name, row.provider_id, row.course_id, row.content,
                                           listed.get((row.provider_id, row.course_id), ()), counts.get(row.pk, 0))
            except ValueError:
                continue  # the content itself says withdrawn
            yield row, document


COURSES = CourseDocuments()


def index_courses(session: Session, backend: SearchBackend, keys: Iterable[Key], batch: int = 2000) -> tuple[int, int]:
    """These courses' documents written (active ones) or deleted (the rest); (upserted, deleted)."""
    return indexer.index_courses(session, backend, COURSES, keys, batch)


def reindex(session: Session, backend: SearchBackend, progress: Progress | None = None, batch: int = 2000,
            now: Callable[[], datetime] = utcnow) -> int:
    """The whole index rebuilt from the store beside the live one (``search.indexer.reindex``)."""
    return indexer.reindex(session, backend, COURSES, progress, batch, now)


def reindex_if_needed(session: Session, backend: SearchBackend, progress: Progress | None = None) -> str | None:
    """A rebuild when the index is of another schema or empty while the store is not; why, or None."""
    return indexer.reindex_if_needed(session, backend, COURSES, progress)


def index_commit(sessions: sessionmaker, readers: sessionmaker, backend: SearchBackend, changes: ChangeSet) -> None:
    """Everything one committed change set moved, indexed once (see the module docstring)."""
    keys = [*changes.keys, *changes.reindex]
    if not keys:
        return
    with readers() as session:
        stale = overlaps.stale(session, limit=INLINE_OVERLAPS + 1)
    moved: set[Key] = set()
    if len(stale) <= INLINE_OVERLAPS:
        moved = _recompute(sessions, readers, stale)
    with readers() as session:
        index_courses(session, backend, [*keys, *stale, *sorted(moved)])


def _recompute(sessions: sessionmaker, readers: sessionmaker, stale: list[Key]) -> set[Key]:
    """Overlaps of ``stale`` recomputed; the partners (old and new) whose overlap count moved."""
    if not stale:
        return set()
    with sessions.begin() as session:
        partners = overlaps.partners_of(session, stale)
        before = _counts(session, partners)
        overlaps.recompute_for(session, stale)
        partners |= overlaps.partners_of(session, stale)
    with readers() as session:
        after = _counts(session, partners)
    return {key for key in partners if before.get(key) != after.get(key)}


def _counts(session: Session, keys: Iterable[Key]) -> dict[Key, int]:
    """Each course's listed-overlap count, by (provider id, course id)."""
    keys = list(keys)
    if not keys:
        return {}
    rows = session.execute(select(Course.pk, Course.provider_id, Course.course_id).where(
        tuple_(Course.provider_id, Course.course_id).in_(keys))).all()
    counts = overlaps.overlap_counts(session, (row.pk for row in rows))
    return {(row.provider_id, row.course_id): counts.get(row.pk, 0) for row in rows}


def refresh_overlaps(sessions: sessionmaker, readers: sessionmaker, backend: SearchBackend,
                     batch: int = REFRESH_BATCH) -> int:
    """The deferred pass: every stale course's overlaps recomputed, and the courses whose document moved
    (the stale ones, their partners whose count moved) re-indexed; returns how many courses were stale."""
    with readers() as session:
        pending = len(overlaps.stale(session))
        active = session.scalar(_active()) or 0
    if pending > max(batch, active // 5):
        # Most of the catalogue is new (a first harvest): one full pass beats many incremental ones.
        with sessions.begin() as session:
            overlaps.recompute_all(session)
        with readers() as session:
            try:
                reindex(session, backend)
            except RebuildRunning:
                # Another rebuild is under way and may have read these courses before their overlaps
                # moved: write each through the index, whose journal that rebuild replays before it swaps.
                keys = [tuple(row) for row in session.execute(
                    select(Course.provider_id, Course.course_id).where(Course.status == CourseStatus.ACTIVE))]
                index_courses(session, backend, keys)
        return pending
    done = 0
    while True:
        with readers() as session:
            keys = overlaps.stale(session, limit=batch)
        if not keys:
            return done
        moved = _recompute(sessions, readers, keys)
        with readers() as session:
            index_courses(session, backend, [*keys, *sorted(moved)])
        done += len(keys)
