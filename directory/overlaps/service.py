"""Overlap detection bookkeeping and reading: plain functions over a session. Callers own the transaction
(these flush, never commit). People's decisions on a pair are ``decisions``.

Recomputation keeps three promises:
- only active courses' current content is compared; a withdrawn course's undecided overlaps go, its
  decided ones stay (the exchange may still need a confirmed pair) but leave the course's active list;
- a dismissed pair is not flagged again unless one of its courses' content changes (its content hash
  differs from the one recorded when the pair was detected and dismissed);
- a confirmed pair stays confirmed (a person decided it); its score and reasons follow the content;
- a declared pair (a feed's ``excludes``) follows its declarations alone (``declared.sync``, run at the end
  of each recomputation): recomputation never removes, downgrades or rescores it.

``recompute_for`` is incremental: a changed course's band keys (``overlap_bands``) find its candidates in
one indexed lookup, and their stored signatures (``overlap_signatures``) drop unlikely partners before any
content is read, so the work is proportional to the change, not to the catalogue. The word counts that
weigh evidence (``overlap_terms``, ``rarity``) move by the changed courses: their previous version (the one
``overlap_state`` records) is counted out and the current one in, so both paths weigh words alike.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import and_, case, delete, func, insert, or_, select, tuple_
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, aliased

from ..catalogue.models import Course, CourseStatus, CourseVersion
from ..catalogue.service import Page, get_course
from ..db import utcnow
from ..paging import Key as ListOrder
from ..paging import page_of
from . import declared, detect
from .models import (
    Overlap,
    OverlapBand,
    OverlapOrigin,
    OverlapSignature,
    OverlapState,
    OverlapStatus,
    OverlapTerm,
)
from .rarity import COURSES, Rarity

Key = tuple[str, str]
Progress = Callable[[str, int, int], None]  # (stage, done, total)
CHUNK = 500


@dataclass(frozen=True)
class Recomputed:
    """What one recomputation did."""

    courses: int
    candidates: int
    detected: int  # pairs at or above the threshold
    added: int
    removed: int
    reflagged: int  # dismissed pairs flagged again because a course changed


@dataclass(frozen=True)
class _Course:
    pk: int
    provider_id: str
    course_id: str
    content_hash: str
    content: dict[str, Any]
    version_id: int


def _rows():
    return (
        select(Course.pk, Course.provider_id, Course.course_id, Course.status, CourseVersion.content_hash,
               CourseVersion.content, Course.current_version_id)
        .join(CourseVersion, CourseVersion.id == Course.current_version_id)
    )


def _course(r: Any) -> _Course:
    return _Course(r.pk, r.provider_id, r.course_id, r.content_hash, r.content, r.current_version_id)


def stale(session: Session, limit: int | None = None) -> list[Key]:
    """Courses whose overlaps do not reflect their current version: new or changed active courses, and
    courses that left the catalogue but still have overlap data."""
    query = (
        select(Course.provider_id, Course.course_id)
        .outerjoin(OverlapState, OverlapState.course_pk == Course.pk)
        .where(or_(
            and_(Course.status == CourseStatus.ACTIVE,
                 or_(OverlapState.version_id.is_(None), OverlapState.version_id != Course.current_version_id)),
            and_(Course.status != CourseStatus.ACTIVE, OverlapState.course_pk.is_not(None)),
        ))
        .order_by(Course.pk)
    )
    if limit is not None:
        query = query.limit(limit)
    return [(p, c) for p, c in session.execute(query)]


def _mark_current(session: Session, current: Sequence[_Course], gone: Sequence[int]) -> None:
    pks = [c.pk for c in current] + list(gone)
    for chunk in _chunks(pks):
        session.execute(delete(OverlapState).where(OverlapState.course_pk.in_(chunk)))
    rows = [{"course_pk": c.pk, "version_id": c.version_id} for c in current]
    for start in range(0, len(rows), 20_000):
        session.execute(insert(OverlapState.__table__), rows[start : start + 20_000])


def _active(row: Any) -> bool:
    return row.status is CourseStatus.ACTIVE and (row.content or {}).get("status", "active") == "active"


def _description(course: _Course) -> detect.CourseDescription:
    return detect.CourseDescription.from_content(course.pk, course.provider_id, course.content, course.course_id)


# --- recomputation -------------------------------------------------------------------------------


def recompute_for(session: Session, course_keys: Iterable[Key], *, tuning: detect.Tuning = detect.DEFAULT,
                  now: datetime | None = None) -> Recomputed:
    """Bring the overlaps of these (provider id, course id) courses up to date: new and changed courses
    against the whole active catalogue, withdrawn ones out of it."""
    now = now or utcnow()
    keys = list(dict.fromkeys(course_keys))
    rows = [row for chunk in _chunks(keys) for row in session.execute(
        _rows().where(tuple_(Course.provider_id, Course.course_id).in_(chunk)))]
    changed = [_course(r) for r in rows if _active(r)]
    leaving = [r.pk for r in rows if not _active(r)]
    touched = [r.pk for r in rows]
    profiles = [detect.profile(_description(c)) for c in changed]
    _move_counts(session, touched, profiles)
    for chunk in _chunks(touched):
        session.execute(delete(OverlapBand).where(OverlapBand.course_pk.in_(chunk)))
        session.execute(delete(OverlapSignature).where(OverlapSignature.course_pk.in_(chunk)))
    _mark_current(session, changed, leaving)
    if not changed:
        removed = _forget(session, leaving)
        declared.sync(session, touched, now)
        return Recomputed(0, 0, 0, 0, removed, 0)

    sigs = detect.signatures(profiles, tuning)
    keys_matrix = detect.band_keys(sigs, tuning)
    changed_pks = [c.pk for c in changed]
    _store_bands(session, changed_pks, keys_matrix, sigs)

    # Candidates by bucket, filtered by the stored signatures; only likely partners' content is read.
    mates = _bucket_mates(session, changed_pks, keys_matrix, tuning)
    mate_pks = sorted({pk for group in mates.values() for pk in group} - set(changed_pks))
    stored = _signatures(session, mate_pks, tuning)
    order = changed_pks + [pk for pk in mate_pks if pk in stored]
    index = {pk: n for n, pk in enumerate(order)}
    all_sigs = np.concatenate([sigs] + [stored[pk][None, :] for pk in order[len(changed):]])
    pairs = sorted({(min(index[a], index[b]), max(index[a], index[b]))
                    for a, group in mates.items() for b in group if b in index and b != a})
    candidates = np.array(pairs, dtype=np.int64).reshape(-1, 2)
    likely = detect.likely_pairs(all_sigs, candidates, tuning).tolist()
    partners = _load(session, sorted({order[n] for pair in likely for n in pair} - set(changed_pks)))
    everyone = changed + partners
    by_pk = {c.pk: c for c in everyone}
    profile_of = {index[c.pk]: p for c, p in zip(changed, profiles, strict=True)}
    profile_of.update({index[c.pk]: detect.profile(_description(c)) for c in partners})
    involved = {n for pair in likely for n in pair if n in profile_of}
    rarity = _rarity_for(session, [profile_of[n] for n in involved])
    weighed = {n: detect.weigh(profile_of[n], rarity) for n in involved}
    findings = detect.judge_pairs(weighed, [(i, j) for i, j in likely if i in weighed and j in weighed], tuning)

    hashes = {pk: c.content_hash for pk, c in by_pk.items()}
    scope = [c.pk for c in changed] + leaving
    existing = _existing(session, scope)
    added, removed, reflagged = _reconcile(session, findings, hashes, existing, now,
                                           scope_active={c.pk for c in changed})
    removed += _forget(session, leaving)
    declared.sync(session, touched, now)
    return Recomputed(len(changed), len(candidates), len(findings), added, removed, reflagged)


def recompute_all(session: Session, *, tuning: detect.Tuning = detect.DEFAULT, now: datetime | None = None,
                  progress: Progress | None = None, batch: int = 2000) -> Recomputed:
    """Recompute every overlap of the active catalogue and rebuild the band keys and word counts.

    Two passes keep memory small: signatures and word counts of every course (page by page), then
    profiles only of the courses in a likely pair."""
    now = now or utcnow()
    pks: list[int] = []
    hashes: dict[int, str] = {}
    signature_parts: list[np.ndarray] = []
    rarity = Rarity()
    total = session.scalar(select(func.count()).select_from(Course).where(Course.status == CourseStatus.ACTIVE)) or 0
    for table in (OverlapBand, OverlapSignature, OverlapState, OverlapTerm):
        session.execute(delete(table))
    for page in _active_pages(session, batch):
        _mark_current(session, page, ())
        profiles = [detect.profile(_description(c)) for c in page]
        for p in profiles:
            rarity.add(p.description.provider_id, p.counted)
        sigs = detect.signatures(profiles, tuning)
        _store_bands(session, [c.pk for c in page], detect.band_keys(sigs, tuning), sigs)
        signature_parts.append(sigs)
        for course in page:
            pks.append(course.pk)
            hashes[course.pk] = course.content_hash
        if progress:
            progress("signatures", len(pks), total)
    _store_counts(session, rarity.counts())
    sigs = np.concatenate(signature_parts) if signature_parts else np.empty((0, tuning.hashes), np.uint32)
    candidates = detect.candidate_pairs(detect.band_keys(sigs, tuning), tuning)
    likely = detect.likely_pairs(sigs, candidates, tuning)

    involved = np.unique(likely).tolist()
    weighed: dict[int, detect.Weighed] = {}
    for n, course in enumerate(_load(session, [pks[i] for i in involved])):
        weighed[involved[n]] = detect.weigh(detect.profile(_description(course)), rarity)
        if progress and n % batch == 0:
            progress("profiles", n, len(involved))
    findings = detect.judge_pairs(weighed, likely.tolist(), tuning)  # keys are course pks
    existing = list(session.scalars(select(Overlap)))
    added, removed, reflagged = _reconcile(session, findings, hashes, existing, now, scope_active=None)
    declared.sync_all(session, now)
    return Recomputed(len(pks), len(candidates), len(findings), added, removed, reflagged)


def _active_pages(session: Session, batch: int) -> Iterator[list[_Course]]:
    last = 0
    while True:
        rows = session.execute(
            _rows().where(Course.status == CourseStatus.ACTIVE, Course.pk > last).order_by(Course.pk).limit(batch)
        ).all()
        if not rows:
            return
        yield [_course(r) for r in rows if _active(r)]
        last = rows[-1].pk


def _load(session: Session, pks: Sequence[int]) -> list[_Course]:
    """Active courses by primary key, in the order asked (inactive or missing ones left out)."""
    found: dict[int, _Course] = {}
    for chunk in _chunks(list(pks)):
        for r in session.execute(_rows().where(Course.pk.in_(chunk))):
            if _active(r):
                found[r.pk] = _course(r)
    return [found[pk] for pk in pks if pk in found]


def _move_counts(session: Session, touched: Sequence[int], current: Sequence[detect.Profile]) -> None:
    """Count the touched courses' previously counted versions out of ``overlap_terms`` and their current
    active versions in. A course was counted when ``overlap_state`` names a version for it."""
    delta = Rarity()
    for chunk in _chunks(list(touched)):
        for provider_id, content in session.execute(
            select(Course.provider_id, CourseVersion.content)
            .join(OverlapState, OverlapState.course_pk == Course.pk)
            .join(CourseVersion, CourseVersion.id == OverlapState.version_id)
            .where(Course.pk.in_(chunk))
        ):
            delta.add(provider_id, detect.profile(
                detect.CourseDescription.from_content(None, provider_id, content or {})).counted, -1)
    for p in current:
        delta.add(p.description.provider_id, p.counted)
    moves = [{"scope": scope, "term": t, "courses": n}
             for scope, counter in (("", delta.everywhere), *delta.providers.items()) for t, n in counter.items() if n]
    if not moves:
        return
    table = OverlapTerm.__table__
    dialect_insert = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    upsert = dialect_insert(table)
    upsert = upsert.on_conflict_do_update(index_elements=[table.c.scope, table.c.term],
                                          set_={"courses": table.c.courses + upsert.excluded.courses})
    for start in range(0, len(moves), 20_000):
        session.execute(upsert, moves[start : start + 20_000])
    fallen: dict[str, list[str]] = defaultdict(list)  # words that may no longer be used by any course
    for row in moves:
        if row["courses"] < 0:
            fallen[row["scope"]].append(row["term"])
    for scope, scope_terms in fallen.items():
        for chunk in _chunks(scope_terms, 2000):
            session.execute(delete(OverlapTerm).where(OverlapTerm.scope == scope, OverlapTerm.term.in_(chunk),
                                                      OverlapTerm.courses <= 0))


def _counts(session: Session, wanted: Iterable[tuple[str, str, Any]]) -> dict[tuple[str, str], int]:
    """The stored counts of these (scope, term) keys, looked up scope by scope (a primary-key range)."""
    by_scope: dict[str, set[str]] = defaultdict(set)
    for scope, t, *_ in wanted:
        by_scope[scope].add(t)
    found: dict[tuple[str, str], int] = {}
    for scope, scope_terms in by_scope.items():
        for chunk in _chunks(sorted(scope_terms), 2000):
            found.update(((scope, t), n) for t, n in session.execute(
                select(OverlapTerm.term, OverlapTerm.courses)
                .where(OverlapTerm.scope == scope, OverlapTerm.term.in_(chunk))))
    return found


def _store_counts(session: Session, counts: Iterable[tuple[str, str, int]]) -> None:
    rows = [{"scope": scope, "term": t, "courses": n} for scope, t, n in counts]
    for start in range(0, len(rows), 20_000):
        session.execute(insert(OverlapTerm.__table__), rows[start : start + 20_000])


def _rarity_for(session: Session, profiles: Sequence[detect.Profile]) -> Rarity:
    """The stored word counts these profiles are weighed with: their terms in the whole catalogue and at
    their own providers, and each scope's number of courses."""
    wanted = {("", COURSES)}
    for p in profiles:
        provider_id = p.description.provider_id
        wanted.add((provider_id, COURSES))
        for t in p.shingles:
            wanted.add(("", t))
            wanted.add((provider_id, t))
        wanted.update((provider_id, key) for key in p.sentences)
    return Rarity.from_counts((scope, t, n) for (scope, t), n in _counts(session, wanted).items())


# Rows go in through the tables (Core executemany), not the ORM's bulk insert: these are the millions of rows
# of a full pass, and the ORM's per-row bookkeeping cost a third of it.


def _store_bands(session: Session, pks: Sequence[int], keys: np.ndarray, sigs: np.ndarray) -> None:
    rows = [{"course_pk": pk, "band_key": key}
            for pk, course_keys in zip(pks, keys.tolist(), strict=True) for key in set(course_keys) if key]
    for start in range(0, len(rows), 20_000):
        session.execute(insert(OverlapBand.__table__), rows[start : start + 20_000])
    signatures = [{"course_pk": pk, "signature": sig.astype("<u4").tobytes()}
                  for pk, sig, course_keys in zip(pks, sigs, keys, strict=True) if course_keys.any()]
    for start in range(0, len(signatures), 20_000):
        session.execute(insert(OverlapSignature.__table__), signatures[start : start + 20_000])


def _signatures(session: Session, pks: Sequence[int], tuning: detect.Tuning) -> dict[int, np.ndarray]:
    found: dict[int, np.ndarray] = {}
    for chunk in _chunks(list(pks)):
        for pk, blob in session.execute(
            select(OverlapSignature.course_pk, OverlapSignature.signature).where(OverlapSignature.course_pk.in_(chunk))
        ):
            signature = np.frombuffer(blob, dtype="<u4").astype(np.uint32)
            if signature.size == tuning.hashes:  # stored with other parameters: wait for a full recompute
                found[pk] = signature
    return found


def _bucket_mates(session: Session, pks: Sequence[int], keys: np.ndarray,
                  tuning: detect.Tuning) -> dict[int, set[int]]:
    """For each course, the others sharing one of its buckets (buckets over ``bucket_cap`` skipped, as
    ``detect.candidate_pairs`` does)."""
    wanted: dict[int, list[int]] = defaultdict(list)
    for pk, course_keys in zip(pks, keys.tolist(), strict=True):
        for key in course_keys:
            if key:
                wanted[key].append(pk)
    members: dict[int, list[int]] = defaultdict(list)
    for chunk in _chunks(list(wanted)):
        # Buckets over the cap are counted in the index and never fetched: in a large catalogue a common
        # pair of words makes buckets of thousands.
        small = (select(OverlapBand.band_key).where(OverlapBand.band_key.in_(chunk))
                 .group_by(OverlapBand.band_key).having(func.count() <= tuning.bucket_cap))
        for key, pk in session.execute(
            select(OverlapBand.band_key, OverlapBand.course_pk).where(OverlapBand.band_key.in_(small))
        ):
            members[key].append(pk)
    mates: dict[int, set[int]] = defaultdict(set)
    for key, bucket in members.items():
        if 2 <= len(bucket) <= tuning.bucket_cap:
            for pk in wanted[key]:
                mates[pk].update(bucket)
    return mates


def _existing(session: Session, pks: Sequence[int]) -> list[Overlap]:
    found: dict[int, Overlap] = {}
    for chunk in _chunks(list(pks)):
        for overlap in session.scalars(
            select(Overlap).where(or_(Overlap.course_a_pk.in_(chunk), Overlap.course_b_pk.in_(chunk)))
        ):
            found[overlap.id] = overlap
    return list(found.values())


def _forget(session: Session, pks: Sequence[int]) -> int:
    """Undecided overlaps of courses that left the catalogue go; decided and declared ones stay as a record
    (``declared.sync`` removes a declared one when its declaration goes)."""
    removed = 0
    for chunk in _chunks(list(pks)):
        removed += session.execute(
            delete(Overlap).where(
                Overlap.status == OverlapStatus.DETECTED, Overlap.origin != OverlapOrigin.DECLARED,
                or_(Overlap.course_a_pk.in_(chunk), Overlap.course_b_pk.in_(chunk)),
            )
        ).rowcount
    return removed


def _reconcile(session: Session, findings: Sequence[detect.Finding], hashes: dict[int, str],
               existing: Sequence[Overlap], now: datetime, *, scope_active: set[int] | None) -> tuple[int, int, int]:
    """Store findings against what is stored: returns (added, removed, reflagged).

    Stored undecided pairs no longer found are removed: all of them in a full recomputation
    (``scope_active`` None), those of the recomputed courses otherwise."""
    stored = {(o.course_a_pk, o.course_b_pk): o for o in existing}
    found: set[tuple[int, int]] = set()
    added_rows: list[dict[str, Any]] = []
    reflagged = 0
    for finding in findings:
        a, b, reasons = _ordered(finding)
        found.add((a, b))
        overlap = stored.get((a, b))
        score = finding.score
        if overlap is not None and overlap.origin is OverlapOrigin.DECLARED:
            continue  # the feed confirmed it: declared.sync alone changes it
        if overlap is None:
            added_rows.append({"course_a_pk": a, "course_b_pk": b, "score": score, "reasons": reasons,
                               "status": OverlapStatus.DETECTED, "content_hash_a": hashes[a],
                               "content_hash_b": hashes[b], "detected": now})
            continue
        same_content = (overlap.content_hash_a, overlap.content_hash_b) == (hashes[a], hashes[b])
        if overlap.status is OverlapStatus.DISMISSED:
            if same_content:
                continue
            overlap.status, overlap.decided, overlap.decided_by = OverlapStatus.DETECTED, None, None
            reflagged += 1
        if overlap.status is OverlapStatus.DETECTED:
            overlap.content_hash_a, overlap.content_hash_b = hashes[a], hashes[b]
            if not same_content:
                overlap.detected = now
        if overlap.score != score or overlap.reasons != reasons:
            overlap.score, overlap.reasons = score, reasons
    for start in range(0, len(added_rows), 5000):
        session.execute(insert(Overlap), added_rows[start : start + 5000])
    stale = [o.id for pair, o in stored.items() if pair not in found and o.status is OverlapStatus.DETECTED
             and o.origin is not OverlapOrigin.DECLARED
             and (scope_active is None or pair[0] in scope_active or pair[1] in scope_active)]
    for chunk in _chunks(stale):
        session.execute(delete(Overlap).where(Overlap.id.in_(chunk)))
    session.flush()
    return len(added_rows), len(stale), reflagged


def _ordered(finding: detect.Finding) -> tuple[int, int, list[dict[str, Any]]]:
    """The pair as stored (smaller pk first) with its reasons from the first course's side."""
    flip = finding.a > finding.b
    # "shared" words are as the first course writes them; either side's words give the same terms.
    reasons = [{"part": r.part, "outcome": r.other_outcome if flip else r.outcome,
                "other_outcome": r.outcome if flip else r.other_outcome,
                "similarity": r.similarity, "shared": list(r.shared)} for r in finding.comparison.reasons]
    return (finding.b, finding.a, reasons) if flip else (finding.a, finding.b, reasons)


def _chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# --- reading -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CourseOverlap:
    """One overlap as seen from one of its courses: the other course, and reasons from this side."""

    id: int
    other: Course
    score: float
    status: OverlapStatus
    reasons: list[dict[str, Any]]
    detected: datetime
    decided: datetime | None
    decided_by: str | None
    origin: OverlapOrigin = OverlapOrigin.DETECTED


OVERLAPS = ListOrder("overlaps", (Overlap.score, Overlap.id), lambda row: (row[0].score, row[0].id), frozenset({0}))


def overlaps_of(session: Session, provider_id: str, course_id: str, *, include_dismissed: bool = False,
                page: int = 1, per_page: int = 20, cursor: str | None = None) -> Page:
    """The overlaps of one course with other active courses, highest score first (dismissed ones only
    when asked). A withdrawn course has none listed. NotFound for an unknown course."""
    course = get_course(session, provider_id, course_id)
    if course.status is not CourseStatus.ACTIVE:
        return Page(0, page, per_page, [])
    mine = or_(Overlap.course_a_pk == course.pk, Overlap.course_b_pk == course.pk)
    other = aliased(Course)
    other_pk = case((Overlap.course_a_pk == course.pk, Overlap.course_b_pk), else_=Overlap.course_a_pk)
    where = [mine, other.status == CourseStatus.ACTIVE]
    if not include_dismissed:
        where.append(Overlap.status != OverlapStatus.DISMISSED)
    base = select(Overlap, other).join(other, other.pk == other_pk).where(*where)
    total = session.scalar(select(func.count()).select_from(base.subquery()))
    found = page_of(session, base, OVERLAPS, total=total, page=page, per_page=per_page, cursor=cursor, scalars=False)
    results = [
        CourseOverlap(o.id, c, o.score, o.status, o.reasons if o.course_a_pk == course.pk else flipped(o.reasons),
                      o.detected, o.decided, o.decided_by, o.origin)
        for o, c in found.results
    ]
    return replace(found, results=results)


def flipped(reasons: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Reasons read from the other course's side (stored from the first course's)."""
    # Other keys kept: a declared pair's reason says who declared it, whichever side reads it.
    return [{**r, "outcome": r["other_outcome"], "other_outcome": r["outcome"]} for r in reasons]


def confirmed_pairs(session: Session, course_pks: Iterable[int]) -> set[tuple[int, int]]:
    """Confirmed overlaps among these courses, as (smaller pk, larger pk): what the exchange's
    double-counting check treats as the same learning (withdrawn courses included: credit outlives them)."""
    return pairs_among(session, course_pks, OverlapStatus.CONFIRMED)


def pairs_among(session: Session, course_pks: Iterable[int], status: OverlapStatus) -> set[tuple[int, int]]:
    """The overlaps in ``status`` between two of these courses, as (smaller pk, larger pk)."""
    pks = sorted(set(course_pks))
    pairs: set[tuple[int, int]] = set()
    if len(pks) < 2:
        return pairs
    for chunk in _chunks(pks):
        pairs.update((a, b) for a, b in session.execute(
            select(Overlap.course_a_pk, Overlap.course_b_pk).where(
                Overlap.status == status,
                Overlap.course_a_pk.in_(chunk),
                Overlap.course_b_pk.in_(pks),
            )
        ))
    return pairs


def partners_of(session: Session, course_keys: Iterable[Key]) -> set[Key]:
    """The (provider id, course id) of every course paired with one of these in a stored overlap: their
    overlap counts move when these courses change, so their search documents must follow."""
    keys = list(dict.fromkeys(course_keys))
    pks = [pk for chunk in _chunks(keys) for pk in session.scalars(
        select(Course.pk).where(tuple_(Course.provider_id, Course.course_id).in_(chunk)))]
    partner_pks: set[int] = set()
    for chunk in _chunks(pks):
        for mine, theirs in ((Overlap.course_a_pk, Overlap.course_b_pk), (Overlap.course_b_pk, Overlap.course_a_pk)):
            partner_pks.update(session.scalars(select(theirs).where(mine.in_(chunk))))
    return {(row.provider_id, row.course_id) for chunk in _chunks(sorted(partner_pks)) for row in session.execute(
        select(Course.provider_id, Course.course_id).where(Course.pk.in_(chunk)))}


def overlap_counts(session: Session, course_pks: Iterable[int]) -> dict[int, int]:
    """For the search index: how many listed (not dismissed) overlaps with active courses each course has."""
    pks = sorted(set(course_pks))
    counts: dict[int, int] = dict.fromkeys(pks, 0)
    other = aliased(Course)
    for chunk in _chunks(pks):
        for mine, theirs in ((Overlap.course_a_pk, Overlap.course_b_pk), (Overlap.course_b_pk, Overlap.course_a_pk)):
            for pk, count in session.execute(
                select(mine, func.count()).join(other, other.pk == theirs)
                .where(mine.in_(chunk), Overlap.status != OverlapStatus.DISMISSED,
                       other.status == CourseStatus.ACTIVE)
                .group_by(mine)
            ):
                counts[pk] += count
    return counts
