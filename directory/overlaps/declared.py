"""Declared exclusions: the courses a provider's feed says cannot be counted together (a course's
``excludes``, docs/feed-format.md) become confirmed overlaps at once, with "declared by the provider" as
the reason, so the planner and the exchange's pre-assessment refuse to count both (``confirmed_pairs``).

What callers may rely on:
- ``declared_exclusions`` mirrors the ``excludes`` of every *active* course's current content; a
  withdrawn course declares nothing.
- A declaration takes effect as soon as both courses are in the directory: the course it names may come
  later (its arrival is a change, and ``sync`` of a course also reads the declarations naming it). The named
  course may be active or withdrawn: credit outlives courses, as in ``confirmed_pairs``.
- A declared overlap is CONFIRMED with origin DECLARED, score 1.0; recomputation does not rescore or remove
  it and staff cannot dismiss it (the feed must change). A pair detected, dismissed or confirmed by staff
  before becomes declared.
- When no declaration holds a declared pair any more (the feed dropped it, or the declaring course was
  withdrawn) the row is deleted, whatever it was before it was declared: the detector finds the pair again
  on the next recomputation of either course if their content overlaps, as an ordinary detected pair.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, or_, select, tuple_
from sqlalchemy.orm import Session

from ..catalogue.models import Course, CourseStatus, CourseVersion
from .models import DeclaredExclusion, Overlap, OverlapOrigin, OverlapStatus

CHUNK = 500
Pair = tuple[int, int]


@dataclass(frozen=True)
class Synced:
    """What one sync did to the declared overlaps."""

    declared: int  # pairs now declared among those the courses are in
    added: int
    turned: int  # stored pairs that became declared (or whose declarations changed)
    removed: int


@dataclass(frozen=True)
class _Declaration:
    course_pk: int
    provider_id: str  # of the declaring course
    target: tuple[str, str]
    reason: str | None


def sync(session: Session, courses: Iterable[int], now: datetime) -> Synced:
    """Bring the declarations of these courses (by pk: new, changed or withdrawn) and the declared
    overlaps they are in up to date. Flushes, never commits."""
    pks = sorted(set(courses))
    if not pks:
        return Synced(0, 0, 0, 0)
    _replace_declarations(session, pks)
    declarations = _declarations_about(session, pks)
    target_pk = _resolve(session, {d.target for d in declarations})
    wanted: dict[Pair, list[_Declaration]] = defaultdict(list)
    for d in declarations:
        other = target_pk.get(d.target)
        if other is not None and other != d.course_pk:
            wanted[(min(d.course_pk, other), max(d.course_pk, other))].append(d)
    return _reconcile(session, pks, wanted, now)


def sync_all(session: Session, now: datetime, batch: int = CHUNK) -> Synced:
    """``sync`` of every course in the directory, a batch at a time. Correct across batches: a pair is
    reconciled again with the later of its two courses' batches, when both courses' declarations are current."""
    totals = [0, 0, 0, 0]
    last = 0
    while True:
        pks = list(session.scalars(select(Course.pk).where(Course.pk > last).order_by(Course.pk).limit(batch)))
        if not pks:
            break
        done = sync(session, pks, now)
        totals = [t + n for t, n in zip(totals, (done.declared, done.added, done.turned, done.removed), strict=True)]
        last = pks[-1]
    return Synced(*totals)


def _replace_declarations(session: Session, pks: Sequence[int]) -> None:
    rows: list[dict[str, Any]] = []
    for chunk in _chunks(pks):
        session.execute(delete(DeclaredExclusion).where(DeclaredExclusion.course_pk.in_(chunk)))
        # Only the two keys read from the database, not whole contents: sync_all reads every course.
        for pk, status, listed, excludes in session.execute(
            select(Course.pk, Course.status, CourseVersion.content["status"].as_string(),
                   CourseVersion.content["excludes"])
            .join(CourseVersion, CourseVersion.id == Course.current_version_id).where(Course.pk.in_(chunk))
        ):
            if status is not CourseStatus.ACTIVE or (listed or "active") != "active" or not excludes:
                continue
            # The validator collapsed duplicates; a set keeps the primary key safe for content stored otherwise.
            seen: set[tuple[str, str]] = set()
            for entry in excludes:
                key = (entry.get("provider_id"), entry.get("course_id"))
                if None in key or key in seen:
                    continue
                seen.add(key)
                rows.append({"course_pk": pk, "provider_id": key[0], "course_id": key[1],
                             "reason": entry.get("reason")})
    for start in range(0, len(rows), 5000):
        session.execute(insert(DeclaredExclusion), rows[start : start + 5000])


def _declarations_about(session: Session, pks: Sequence[int]) -> list[_Declaration]:
    """Every declaration these courses make or are named in: all that can hold a pair one of them is in."""
    keys = [tuple(k) for chunk in _chunks(pks) for k in session.execute(
        select(Course.provider_id, Course.course_id).where(Course.pk.in_(chunk)))]
    found: dict[tuple[int, str, str], _Declaration] = {}
    query = (select(DeclaredExclusion, Course.provider_id)
             .join(Course, Course.pk == DeclaredExclusion.course_pk))
    wheres = [DeclaredExclusion.course_pk.in_(chunk) for chunk in _chunks(pks)]
    wheres += [tuple_(DeclaredExclusion.provider_id, DeclaredExclusion.course_id).in_(chunk) for chunk in _chunks(keys)]
    for where in wheres:
        for row, provider_id in session.execute(query.where(where)):
            found[(row.course_pk, row.provider_id, row.course_id)] = _Declaration(
                row.course_pk, provider_id, (row.provider_id, row.course_id), row.reason)
    return list(found.values())


def _resolve(session: Session, targets: set[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """The named courses in the directory, active or withdrawn."""
    found: dict[tuple[str, str], int] = {}
    for chunk in _chunks(sorted(targets)):
        for pk, provider_id, course_id in session.execute(
            select(Course.pk, Course.provider_id, Course.course_id)
            .where(tuple_(Course.provider_id, Course.course_id).in_(chunk))
        ):
            found[(provider_id, course_id)] = pk
    return found


def _reconcile(session: Session, pks: Sequence[int], wanted: dict[Pair, list[_Declaration]],
               now: datetime) -> Synced:
    stored: dict[Pair, Overlap] = {}
    for chunk in _chunks(pks):
        for overlap in session.scalars(
            select(Overlap).where(or_(Overlap.course_a_pk.in_(chunk), Overlap.course_b_pk.in_(chunk)))
        ):
            stored[(overlap.course_a_pk, overlap.course_b_pk)] = overlap
    hashes = _hashes(session, sorted({pk for pair in wanted for pk in pair}))
    added: list[dict[str, Any]] = []
    turned = 0
    for (a, b), holding in sorted(wanted.items()):
        values = {"status": OverlapStatus.CONFIRMED, "origin": OverlapOrigin.DECLARED, "score": 1.0,
                  "reasons": _reasons(holding), "decided_by": _decided_by(holding)}
        overlap = stored.get((a, b))
        if overlap is None:
            added.append({"course_a_pk": a, "course_b_pk": b, **values, "content_hash_a": hashes.get(a, ""),
                          "content_hash_b": hashes.get(b, ""), "detected": now, "decided": now})
        elif any(getattr(overlap, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(overlap, key, value)
            overlap.decided = now
            overlap.content_hash_a, overlap.content_hash_b = hashes.get(a, ""), hashes.get(b, "")
            turned += 1
    for start in range(0, len(added), 5000):
        session.execute(insert(Overlap), added[start : start + 5000])
    gone = [o.id for pair, o in stored.items() if o.origin is OverlapOrigin.DECLARED and pair not in wanted]
    for chunk in _chunks(gone):
        session.execute(delete(Overlap).where(Overlap.id.in_(chunk)))
    session.flush()
    return Synced(len(wanted), len(added), turned, len(gone))


def _reasons(holding: Sequence[_Declaration]) -> list[dict[str, Any]]:
    # The shape of a detected pair's reasons (outcome, other_outcome, similarity), so that every reader of
    # reasons keeps working, with what the provider said instead of the outcomes.
    return [{"part": "declared", "declared_by": d.provider_id, "reason": d.reason, "outcome": "",
             "other_outcome": "", "similarity": 1.0}
            for d in sorted(holding, key=lambda d: (d.provider_id, d.course_pk))]


def _decided_by(holding: Sequence[_Declaration]) -> str:
    return f"declared by {' and '.join(sorted({d.provider_id for d in holding}))}"[:200]


def _hashes(session: Session, pks: Sequence[int]) -> dict[int, str]:
    found: dict[int, str] = {}
    for chunk in _chunks(pks):
        found.update((pk, content_hash) for pk, content_hash in session.execute(
            select(Course.pk, CourseVersion.content_hash)
            .join(CourseVersion, CourseVersion.id == Course.current_version_id).where(Course.pk.in_(chunk))
        ))
    return found


def _chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
