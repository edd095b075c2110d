"""Catalogue services: plain functions over a session. Callers own the transaction (these flush, never
commit); indexing follows the caller's commit."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from ..errors import NotFound
from ..paging import Key, Page, page_of
from .completeness import STANDARDS, member_scorecard
from .models import Course, CourseStatus, CourseVersion, Provider

# Changing only a feed's "updated" stamp is not a change of what the course says.
_NOT_CONTENT = frozenset({"updated"})


def content_hash(record: dict[str, Any]) -> str:
    """Stable hash of what a canonical record says (key order and the ``updated`` stamp ignored)."""
    body = {key: value for key, value in record.items() if key not in _NOT_CONTENT}
    return hashlib.sha256(orjson.dumps(body, option=orjson.OPT_SORT_KEYS)).hexdigest()


@dataclass(frozen=True)
class CourseState:
    """What the store holds of one course, enough to decide whether a record changes it."""

    pk: int
    source_hash: str
    content_hash: str | None
    status: CourseStatus
    # The feed that listed it last (None: none has).
    feed_id: str | None = None


@dataclass(frozen=True)
class Content:
    """A validated canonical record ready to be stored as a version."""

    course_id: str
    source_hash: str
    record: dict[str, Any]
    content_hash: str
    completeness: float
    missing: list[str]


@dataclass
class ChangeSet:
    """What one write changed, for the search index and other after-commit work."""

    provider_id: str
    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    withdrawn: list[str] = field(default_factory=list)
    # Courses (of any provider) whose content did not change but whose index annotations did: the courses
    # a new, changed or withdrawn pathway names.
    reindex: list[tuple[str, str]] = field(default_factory=list)

    @property
    def keys(self) -> list[tuple[str, str]]:
        return [(self.provider_id, cid) for cid in (*self.new, *self.changed, *self.withdrawn)]

    def __bool__(self) -> bool:
        return bool(self.new or self.changed or self.withdrawn or self.reindex)


def upsert_provider(
    session: Session,
    provider_id: str,
    name: str,
    *,
    id_scheme: str | None = None,
    country: str | None = None,
    url: str | None = None,
) -> Provider:
    provider = session.get(Provider, provider_id)
    if provider is None:
        provider = Provider(id=provider_id, name=name, id_scheme=id_scheme, country=country, url=url)
        session.add(provider)
    else:
        for attribute, value in (("name", name), ("id_scheme", id_scheme), ("country", country), ("url", url)):
            if value is not None and getattr(provider, attribute) != value:
                setattr(provider, attribute, value)
    session.flush()
    return provider


def course_states(session: Session, provider_id: str) -> dict[str, CourseState]:
    rows = session.execute(
        select(Course.course_id, Course.pk, Course.source_hash, CourseVersion.content_hash, Course.status,
               Course.feed_id)
        .outerjoin(CourseVersion, CourseVersion.id == Course.current_version_id)
        .where(Course.provider_id == provider_id)
    )
    return {row[0]: CourseState(row[1], row[2], row[3], row[4], row[5]) for row in rows}


def feed_members(session: Session, feed_id: str) -> set[str]:
    """The providers some of whose courses the feed listed last."""
    return set(session.scalars(select(Course.provider_id).where(Course.feed_id == feed_id).distinct()))


def store_new(
    session: Session, provider_id: str, contents: Sequence[Content], now: datetime, run_id: int | None,
    feed_id: str | None = None,
) -> None:
    """Insert courses never seen before, each with its first version (listed by ``feed_id``)."""
    if not contents:
        return
    # RETURNING without sort_by_parameter_order: SQLite has no sentinel to order a batch by, so SQLAlchemy
    # would insert an ordered batch one row per statement; the rows are matched by their key instead.
    rows = session.execute(
        insert(Course).returning(Course.pk, Course.course_id),
        [
            {
                "provider_id": provider_id,
                "feed_id": feed_id,
                "course_id": c.course_id,
                "status": CourseStatus.ACTIVE,
                "title": c.record["title"],
                "source_hash": c.source_hash,
                "first_seen": now,
                "last_seen": now,
                "updated": now,
            }
            for c in contents
        ],
    ).all()
    pk_of = {course_id: pk for pk, course_id in rows}
    pks = [pk_of[c.course_id] for c in contents]
    _add_versions(session, list(zip(pks, contents, strict=True)), now, run_id)


def store_changed(
    session: Session, changes: Sequence[tuple[CourseState, Content]], now: datetime, run_id: int | None,
    feed_id: str | None = None,
) -> None:
    """Give existing courses a new current version (and reactivate withdrawn ones); with ``feed_id``, that
    feed listed them last."""
    if not changes:
        return
    if feed_id is not None:
        list_by(session, feed_id, [state.pk for state, _ in changes])
    pks = [state.pk for state, _ in changes]
    for start in range(0, len(pks), 500):
        # The versions being replaced keep, for good, when they were last seen.
        chunk = pks[start : start + 500]
        seen = select(Course.last_seen).where(Course.current_version_id == CourseVersion.id).scalar_subquery()
        session.execute(
            update(CourseVersion)
            .where(CourseVersion.id.in_(select(Course.current_version_id).where(Course.pk.in_(chunk))))
            .values(last_seen=seen),
            execution_options={"synchronize_session": False},
        )
    _add_versions(session, [(state.pk, content) for state, content in changes], now, run_id)


def list_by(session: Session, feed_id: str, pks: Sequence[int]) -> None:
    """Record that ``feed_id`` listed these courses last."""
    for start in range(0, len(pks), 500):
        session.execute(update(Course).where(Course.pk.in_(pks[start : start + 500])).values(feed_id=feed_id),
                        execution_options={"synchronize_session": False})


def store_source_hashes(session: Session, updates: Sequence[tuple[int, str]]) -> None:
    """Remember a new raw form for courses whose content did not change (e.g. only ``updated`` moved)."""
    if updates:
        session.execute(update(Course), [{"pk": pk, "source_hash": h} for pk, h in updates])


def _add_versions(
    session: Session, pairs: Sequence[tuple[int, Content]], now: datetime, run_id: int | None
) -> None:
    # Matched by course (each course gets one version here) rather than by order: see store_new.
    rows = session.execute(
        insert(CourseVersion).returning(CourseVersion.id, CourseVersion.course_pk),
        [
            {
                "course_pk": pk,
                "content_hash": c.content_hash,
                "content": c.record,
                "completeness": c.completeness,
                "missing": c.missing,
                "first_seen": now,
                "last_seen": now,
                "harvest_run_id": run_id,
            }
            for pk, c in pairs
        ],
    ).all()
    version_of = dict((course_pk, version_id) for version_id, course_pk in rows)
    if len(version_of) != len(pairs):
        raise ValueError("a course was given two versions in one write")
    # A Core executemany keyed by primary key: the ORM's bulk update by primary key costs several times more
    # per row, and there are no ORM objects to keep in step (the pipeline works on rows).
    courses = Course.__table__
    session.execute(
        update(courses).where(courses.c.pk == bindparam("b_pk")).values(
            current_version_id=bindparam("b_version"), title=bindparam("b_title"),
            source_hash=bindparam("b_hash"), status=CourseStatus.ACTIVE, withdrawn_at=None, last_seen=now,
            updated=now,
        ),
        [
            {"b_pk": pk, "b_version": version_of[pk], "b_title": c.record["title"], "b_hash": c.source_hash}
            for pk, c in pairs
        ],
    )


def withdraw(session: Session, provider_id: str, course_ids: Iterable[str], now: datetime) -> list[str]:
    """Withdraw the given active courses; returns those actually withdrawn. Versions stay readable."""
    ids = sorted(set(course_ids))
    withdrawn: list[str] = []
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        withdrawn += session.scalars(
            update(Course)
            .where(
                Course.provider_id == provider_id,
                Course.course_id.in_(chunk),
                Course.status == CourseStatus.ACTIVE,
            )
            .values(status=CourseStatus.WITHDRAWN, withdrawn_at=now, updated=now)
            .returning(Course.course_id)
        ).all()
    return sorted(withdrawn)


def mark_seen(session: Session, provider_id: str, now: datetime, *, except_ids: Iterable[str] = (),
              feed_id: str | None = None) -> None:
    """Record that a successful run saw every active course's current version (with ``feed_id``: every one
    that feed listed last), except ``except_ids`` (courses missing from the feed whose withdrawal is held:
    the feed did not confirm them)."""
    active = (Course.provider_id == provider_id, Course.status == CourseStatus.ACTIVE,
              *((Course.feed_id == feed_id,) if feed_id is not None else ()))
    kept = set(except_ids)
    if not kept:
        session.execute(update(Course).where(*active).values(last_seen=now),
                        execution_options={"synchronize_session": False})
        return
    seen = sorted(set(session.scalars(select(Course.course_id).where(*active))) - kept)
    for start in range(0, len(seen), 500):
        session.execute(update(Course).where(*active, Course.course_id.in_(seen[start : start + 500]))
                        .values(last_seen=now), execution_options={"synchronize_session": False})


# --- reading -------------------------------------------------------------------------------------


PROVIDERS = Key("providers", (Provider.name, Provider.id), lambda p: (p.name, p.id))
COURSES = Key("courses", (Course.provider_id, Course.course_id), lambda c: (c.provider_id, c.course_id))
VERSIONS = Key("versions", (CourseVersion.id,), lambda v: (v.id,), descending=frozenset({0}))


def list_providers(session: Session, page: int, per_page: int, cursor: str | None = None) -> Page:
    """Providers by name (then id), with their number of active courses: ``(provider, count)`` pairs."""
    total = session.scalar(select(func.count()).select_from(Provider))
    found = page_of(session, select(Provider), PROVIDERS, total=total, page=page, per_page=per_page, cursor=cursor)
    providers = found.results
    counts = dict(
        session.execute(
            select(Course.provider_id, func.count())
            .where(Course.status == CourseStatus.ACTIVE, Course.provider_id.in_([p.id for p in providers]))
            .group_by(Course.provider_id)
        ).all()
    )
    return replace(found, results=[(p, counts.get(p.id, 0)) for p in providers])


def get_provider(session: Session, provider_id: str) -> Provider:
    provider = session.get(Provider, provider_id)
    if provider is None:
        raise NotFound(f"no provider {provider_id!r}")
    return provider


def list_courses(session: Session, provider_id: str | None, page: int, per_page: int,
                 cursor: str | None = None) -> Page:
    """Active courses in a stable order (provider, then course id)."""
    where = [Course.status == CourseStatus.ACTIVE]
    if provider_id:
        where.append(Course.provider_id == provider_id)
    total = session.scalar(select(func.count()).select_from(Course).where(*where))
    return page_of(session, select(Course).where(*where), COURSES, total=total, page=page, per_page=per_page,
                   cursor=cursor)


def get_course(session: Session, provider_id: str, course_id: str) -> Course:
    """A course in any status (withdrawn courses stay readable: transcripts link to them)."""
    course = session.scalar(
        select(Course).where(Course.provider_id == provider_id, Course.course_id == course_id)
    )
    if course is None or course.current_version is None:
        raise NotFound(f"no course {provider_id}/{course_id}")
    return course


def course_versions(session: Session, provider_id: str, course_id: str, page: int, per_page: int,
                    cursor: str | None = None) -> Page:
    """A course's versions, newest first."""
    course = get_course(session, provider_id, course_id)
    total = session.scalar(select(func.count()).where(CourseVersion.course_pk == course.pk))
    return page_of(session, select(CourseVersion).where(CourseVersion.course_pk == course.pk), VERSIONS,
                   total=total, page=page, per_page=per_page, cursor=cursor)


def member_scorecards(session: Session, provider_id: str) -> dict[str, Any]:
    """The member's two completeness scorecards over its active courses (completeness.member_scorecard):
    ``{"qaa": ..., "eu": ...}``, each with the mean, per element how many courses publish it, and every
    course's score. The caller scopes ``provider_id`` to the member it acts for."""
    provider = session.get(Provider, provider_id)
    records = session.execute(
        select(Course.course_id, CourseVersion.content)
        .join(CourseVersion, CourseVersion.id == Course.current_version_id)
        .where(Course.provider_id == provider_id, Course.status == CourseStatus.ACTIVE)
        .order_by(Course.course_id)
    ).all()
    country = provider.country if provider is not None else None
    return {standard: member_scorecard(((cid, content) for cid, content in records), standard,
                                       issuer_country=country)
            for standard in STANDARDS}
