"""From the relational store (the source of truth) to a search index.

``index_courses`` follows a harvest: call it after the harvest's transaction has committed, with the
courses it touched, so a failed write is never searchable. ``reindex`` rebuilds the whole index from the
database; readers keep the old index until the new one is complete.

Both read plain columns (provider id and name, course id, status, current content) in one joined
statement, so no ORM object and no lazy load is involved however large the catalogue.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import Session

from ..catalogue.models import Course, CourseStatus, CourseVersion, Provider
from ..overlaps.service import overlap_counts
from ..pathways.service import memberships
from .backend import Document, SearchBackend, batched
from .documents import course_document

Key = tuple[str, str]
Progress = Callable[[int, int], None]  # (courses read, active courses in all)


def _course_rows():
    return (
        select(Course.pk, Course.provider_id, Course.course_id, Course.status, Provider.name, CourseVersion.content)
        .join(Provider, Provider.id == Course.provider_id)
        .outerjoin(CourseVersion, CourseVersion.id == Course.current_version_id)
    )


def _document(row: Any, pathways: dict[Key, list[tuple[str, str]]], overlaps: dict[int, int]) -> Document | None:
    """The search document of one row, or None when the course must not be searchable."""
    if row.status is not CourseStatus.ACTIVE or row.content is None:
        return None
    try:
        return course_document(row.name, row.provider_id, row.course_id, row.content,
                               pathways.get((row.provider_id, row.course_id), ()), overlaps.get(row.pk, 0))
    except ValueError:
        return None  # the content itself says withdrawn


def index_courses(session: Session, backend: SearchBackend, keys: Iterable[Key], batch: int = 2000) -> tuple[int, int]:
    """Bring these (provider id, course id) courses up to date: active ones upserted, withdrawn or
    missing ones deleted. Returns (upserted, deleted).

    The database is read in chunks of ``batch`` keys, streamed into one ``upsert`` (one commit however
    many chunks); the courses not found active are deleted after it, in one more call if there are any.
    """
    gone: list[str] = []

    def documents() -> Iterator[Document]:
        for chunk in batched(dict.fromkeys(keys), batch):
            rows = session.execute(
                _course_rows().where(
                    Course.status == CourseStatus.ACTIVE, tuple_(Course.provider_id, Course.course_id).in_(chunk)
                )
            ).all()
            found: set[Key] = set()
            listed = memberships(session, ((row.provider_id, row.course_id) for row in rows))
            counts = overlap_counts(session, (row.pk for row in rows))
            for row in rows:
                document = _document(row, listed, counts)
                if document is not None:
                    found.add((row.provider_id, row.course_id))
                    yield document
            gone.extend(f"{p}/{c}" for p, c in chunk if (p, c) not in found)

    upserted = backend.upsert(documents())
    if gone:
        backend.delete(gone)
    return upserted, len(gone)


def active_documents(session: Session, batch: int = 2000, progress: Progress | None = None) -> Iterator[Document]:
    """Every active course's search document, read in keyset pages of ``batch`` courses."""
    last_pk = 0
    seen = 0
    total = session.scalar(select(func.count()).select_from(Course).where(Course.status == CourseStatus.ACTIVE)) or 0
    while True:
        rows = session.execute(
            _course_rows()
            .where(Course.status == CourseStatus.ACTIVE, Course.pk > last_pk)
            .order_by(Course.pk)
            .limit(batch)
        ).all()
        if not rows:
            return
        listed = memberships(session, ((row.provider_id, row.course_id) for row in rows))
        counts = overlap_counts(session, (row.pk for row in rows))
        for row in rows:
            document = _document(row, listed, counts)
            if document is not None:
                yield document
        last_pk = rows[-1].pk
        seen += len(rows)
        if progress is not None:
            progress(seen, total)


def reindex(session: Session, backend: SearchBackend, progress: Progress | None = None, batch: int = 2000) -> int:
    """Rebuild the whole index from the database; returns how many courses were indexed."""
    return backend.rebuild(active_documents(session, batch, progress))


def reindex_if_empty(session: Session, backend: SearchBackend) -> int | None:
    """Rebuild an empty index when the store has active courses (a new index schema recreated it empty,
    or its folder was lost); returns how many courses were indexed, or None when nothing was needed."""
    if backend.count() > 0:
        return None
    active = session.scalar(select(func.count()).select_from(Course).where(Course.status == CourseStatus.ACTIVE))
    if not active:
        return None
    return reindex(session, backend)
