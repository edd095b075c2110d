"""Pathway services: plain functions over a session. Callers own the transaction (these flush, never
commit); re-indexing the courses a change names follows the caller's commit (``PathwayChanges.course_keys``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

import orjson
from marshmallow import ValidationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..catalogue.models import Course, CourseStatus, CourseVersion, Provider
from ..catalogue.schema import flatten_errors
from ..credit import Level
from ..errors import Conflict, Invalid, NotFound
from . import rules as engine
from .models import Pathway, PathwayCourse, PathwaySource, PathwayStatus
from .schema import PathwaySchema, named_courses  # noqa: F401  (named_courses: re-exported)

Key = tuple[str, str]


def content_hash(content: Mapping[str, Any]) -> str:
    return hashlib.sha256(orjson.dumps(content, option=orjson.OPT_SORT_KEYS)).hexdigest()


def split_key(key: str) -> Key:
    provider_id, _, course_id = key.partition("/")
    return provider_id, course_id


@dataclass(frozen=True)
class PathwayRejection:
    """One pathway of a feed that was not stored: where (``pathways[1].rules.core[0]``) and why."""

    pathway_id: str | None
    field: str
    reason: str
    problems: tuple[tuple[str, str], ...]
    excerpt: str


@dataclass
class PathwayChanges:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    withdrawn: list[str] = field(default_factory=list)
    rejected: list[PathwayRejection] = field(default_factory=list)
    # Courses named by a pathway before or after the change: their index annotations follow the commit.
    course_keys: set[Key] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.withdrawn)


# --- writing ---------------------------------------------------------------------------------------


def store_feed_pathways(session: Session, provider_id: str, raw_pathways: Sequence[Mapping[str, Any]],
                        now: datetime, *, withdraw_missing: bool = True) -> PathwayChanges:
    """Store the pathways a member's feed publishes; they are awarded by ``provider_id``.

    A bad pathway is rejected with its field path and reason and keeps its last good version (it is not
    withdrawn); the rest go on. A pathway id another member's (or a consortium) pathway holds is rejected.
    Active feed pathways of this provider missing from the feed are withdrawn when ``withdraw_missing``
    (the pipeline passes False while a run's course withdrawals are held).
    """
    changes = PathwayChanges()
    schema = PathwaySchema(provider_id)
    seen: set[str] = set()
    existing = {p.id: p for p in session.scalars(select(Pathway).where(Pathway.awarding_provider_id == provider_id,
                                                                      Pathway.source == PathwaySource.FEED))}
    for index, raw in enumerate(raw_pathways):
        raw_id = raw.get("id") if isinstance(raw, Mapping) else None
        pathway_id = raw_id.strip() if isinstance(raw_id, str) and raw_id.strip() else None
        if pathway_id is not None and pathway_id in seen:
            changes.rejected.append(_rejection(pathway_id, index, [("id", "duplicate pathway id in this feed: "
                                                                    "the first pathway with it was used")], raw))
            continue
        if pathway_id is not None:
            seen.add(pathway_id)
        try:
            content = schema.load(raw)
        except ValidationError as exc:
            problems = [(e.field, e.reason) for e in flatten_errors(exc.messages)]
            changes.rejected.append(_rejection(pathway_id, index, problems or [("(pathway)", "invalid")], raw))
            continue
        holder = session.get(Pathway, content["id"])
        if holder is not None and (holder.awarding_provider_id != provider_id or holder.source is not PathwaySource.FEED):
            changes.rejected.append(_rejection(pathway_id, index, [(
                "id", f"pathway id {content['id']!r} is already used by a pathway awarded by "
                      f"{holder.awarding_provider_id} ({holder.source.value})")], raw))
            continue
        _put(session, holder, content, provider_id, PathwaySource.FEED, now, changes)
    if withdraw_missing:
        for pathway in existing.values():
            if pathway.id not in seen and pathway.status is PathwayStatus.ACTIVE:
                _withdraw(session, pathway, now, changes)
    session.flush()
    return changes


def save_consortium_pathway(session: Session, raw: Mapping[str, Any], now: datetime) -> tuple[Pathway, PathwayChanges]:
    """Add or replace a consortium pathway (administrators). Invalid names every bad field; Conflict when
    the id is a member's feed pathway; NotFound for an awarding member the directory does not know."""
    try:
        content = PathwaySchema().load(raw)
    except ValidationError as exc:
        problems = flatten_errors(exc.messages)
        raise Invalid("; ".join(f"{p.field}: {p.reason}" for p in problems),
                      invalid_params=[{"name": p.field, "reason": p.reason} for p in problems]) from None
    awarding = content["awarding"]["id"]
    if session.get(Provider, awarding) is None:
        raise NotFound(f"no member provider {awarding!r} to award this pathway")
    holder = session.get(Pathway, content["id"])
    if holder is not None and holder.source is not PathwaySource.CONSORTIUM:
        raise Conflict(f"pathway id {content['id']!r} belongs to {holder.awarding_provider_id}'s feed")
    changes = PathwayChanges()
    pathway = _put(session, holder, content, awarding, PathwaySource.CONSORTIUM, now, changes)
    session.flush()
    return pathway, changes


def withdraw_consortium_pathway(session: Session, pathway_id: str, now: datetime) -> PathwayChanges:
    pathway = get_pathway(session, pathway_id)
    if pathway.source is not PathwaySource.CONSORTIUM:
        raise Conflict(f"pathway {pathway_id!r} comes from its member's feed: the feed withdraws it")
    changes = PathwayChanges()
    if pathway.status is PathwayStatus.ACTIVE:
        _withdraw(session, pathway, now, changes)
    session.flush()
    return changes


def _put(session: Session, pathway: Pathway | None, content: dict[str, Any], provider_id: str,
         source: PathwaySource, now: datetime, changes: PathwayChanges) -> Pathway:
    digest = content_hash(content)
    if pathway is not None and pathway.content_hash == digest and pathway.status is PathwayStatus.ACTIVE:
        return pathway
    if pathway is None:
        pathway = Pathway(id=content["id"], awarding_provider_id=provider_id, source=source, created=now)
        session.add(pathway)
        changes.added.append(content["id"])
    else:
        changes.changed.append(pathway.id)
        changes.course_keys.update(split_key(k) for k in named_courses(pathway.content))
    pathway.status, pathway.title, pathway.content = PathwayStatus.ACTIVE, content["title"], content
    pathway.content_hash, pathway.updated, pathway.withdrawn_at = digest, now, None
    session.flush()
    session.execute(delete(PathwayCourse).where(PathwayCourse.pathway_id == pathway.id))
    roles = named_courses(content)
    if roles:
        session.add_all(PathwayCourse(pathway_id=pathway.id, provider_id=split_key(key)[0],
                                      course_id=split_key(key)[1], role=role) for key, role in roles.items())
    changes.course_keys.update(split_key(k) for k in roles)
    return pathway


def _withdraw(session: Session, pathway: Pathway, now: datetime, changes: PathwayChanges) -> None:
    pathway.status, pathway.withdrawn_at, pathway.updated = PathwayStatus.WITHDRAWN, now, now
    changes.withdrawn.append(pathway.id)
    changes.course_keys.update(split_key(k) for k in named_courses(pathway.content))


def _rejection(pathway_id: str | None, index: int, problems: list[tuple[str, str]], raw: Any) -> PathwayRejection:
    prefixed = tuple((f"pathways[{index}]" + ("" if f == "(record)" else f".{f}"), r) for f, r in problems)
    try:
        excerpt = orjson.dumps(raw)[:1000].decode("utf-8", "replace")
    except TypeError:
        excerpt = repr(raw)[:1000]
    return PathwayRejection(pathway_id, prefixed[0][0], prefixed[0][1], prefixed, excerpt)


# --- reading ---------------------------------------------------------------------------------------


def get_pathway(session: Session, pathway_id: str) -> Pathway:
    """A pathway in any status (a withdrawn one stays readable)."""
    pathway = session.get(Pathway, pathway_id)
    if pathway is None:
        raise NotFound(f"no pathway {pathway_id!r}")
    return pathway


def list_pathways(session: Session, *, awarding: str | None = None,
                  include_withdrawn: bool = False) -> list[Pathway]:
    """Pathways by title (then id)."""
    where = [] if include_withdrawn else [Pathway.status == PathwayStatus.ACTIVE]
    if awarding:
        where.append(Pathway.awarding_provider_id == awarding)
    return list(session.scalars(select(Pathway).where(*where).order_by(Pathway.title, Pathway.id)))


def provider_names(session: Session, ids: Iterable[str]) -> dict[str, str]:
    wanted = set(ids)
    if not wanted:
        return {}
    return dict(session.execute(select(Provider.id, Provider.name).where(Provider.id.in_(wanted))).all())


def memberships(session: Session, keys: Iterable[Key]) -> dict[Key, list[tuple[str, str]]]:
    """(pathway id, role) of every active pathway that names each of these courses."""
    wanted = set(keys)
    if not wanted:
        return {}
    found: dict[Key, list[tuple[str, str]]] = {}
    providers = {p for p, _ in wanted}
    courses = sorted({c for _, c in wanted})
    for start in range(0, len(courses), 500):
        rows = session.execute(
            select(PathwayCourse.provider_id, PathwayCourse.course_id, PathwayCourse.pathway_id, PathwayCourse.role)
            .join(Pathway, Pathway.id == PathwayCourse.pathway_id)
            .where(Pathway.status == PathwayStatus.ACTIVE, PathwayCourse.provider_id.in_(providers),
                   PathwayCourse.course_id.in_(courses[start:start + 500]))
        )
        for provider_id, course_id, pathway_id, role in rows:
            if (provider_id, course_id) in wanted:
                found.setdefault((provider_id, course_id), []).append((pathway_id, role))
    return found


@dataclass(frozen=True)
class Annotation:
    """'Core course in <title>, awarded by <member>'."""

    pathway_id: str
    title: str
    role: str
    awarding_name: str

    @property
    def words(self) -> str:
        return f"{self.role.capitalize()} course in {self.title}, awarded by {self.awarding_name}"


def annotations(session: Session, provider_id: str, course_id: str,
                own_refs: Iterable[Mapping[str, Any]] = ()) -> list[Annotation]:
    """The active pathways a course belongs to: those that name it, and those its own record names (when
    the pathway is in the directory), each once (a pathway's own list wins over the course's claim)."""
    roles = dict(memberships(session, [(provider_id, course_id)]).get((provider_id, course_id), []))
    for ref in own_refs:
        if isinstance(ref, Mapping) and ref.get("id"):
            roles.setdefault(ref["id"], ref.get("role") or "option")
    if not roles:
        return []
    pathways = session.scalars(select(Pathway).where(Pathway.id.in_(roles),
                                                     Pathway.status == PathwayStatus.ACTIVE)).all()
    names = provider_names(session, (p.awarding_provider_id for p in pathways))
    return sorted((Annotation(p.id, p.title, roles[p.id], names.get(p.awarding_provider_id, p.awarding_provider_id))
                   for p in pathways), key=lambda a: (a.role != "core", a.title))


@dataclass(frozen=True)
class NamedCourse:
    """A course a pathway names, as the directory knows it (or not)."""

    key: str
    provider_id: str
    course_id: str
    title: str | None
    provider_name: str | None
    content: Mapping[str, Any] | None
    active: bool


def named_course_details(session: Session, keys: Iterable[str]) -> dict[str, NamedCourse]:
    """Title, provider and current content of each course key (unknown keys: title None), in one query."""
    wanted = set(keys)
    details = {key: NamedCourse(key, *split_key(key), None, None, None, False) for key in wanted}
    if not wanted:
        return details
    pairs = [split_key(k) for k in wanted]
    rows = session.execute(
        select(Course.provider_id, Course.course_id, Course.title, Course.status, Provider.name, CourseVersion.content)
        .join(Provider, Provider.id == Course.provider_id)
        .join(CourseVersion, CourseVersion.id == Course.current_version_id)
        .where(Course.provider_id.in_({p for p, _ in pairs}), Course.course_id.in_({c for _, c in pairs}))
    )
    for provider_id, course_id, title, status, provider_name, content in rows:
        key = f"{provider_id}/{course_id}"
        if key in wanted:
            details[key] = NamedCourse(key, provider_id, course_id, title, provider_name, content,
                                       status is CourseStatus.ACTIVE)
    return details


# --- from stored content to the rules engine -------------------------------------------------------


def pathway_rules(pathway_id: str, content: Mapping[str, Any]) -> engine.PathwayRules:
    """The engine's rules of one canonical pathway content."""
    rules = content["rules"]
    threshold = rules.get("min_credit_at_level")
    share = rules.get("max_external_share")
    return engine.PathwayRules(
        pathway_id=pathway_id,
        awarding_provider_id=content["awarding"]["id"],
        total_credit=Decimal(str(content["total_credit"]["cats"])),
        core=tuple(rules.get("core") or ()),
        option_groups=tuple(
            engine.OptionGroup(Decimal(str(g["min_credit"])), frozenset(g["courses"]), g.get("title"))
            for g in rules.get("option_groups") or ()
        ),
        level=Level(**threshold["level"]) if threshold else None,
        level_credit=Decimal(str(threshold["credit"])) if threshold else None,
        max_external_share=Fraction(str(share)) if share is not None else None,
        capstone=rules.get("capstone"),
        max_span_years=rules.get("max_span_years"),
    )


