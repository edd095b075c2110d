"""Overlaps as people read them: three levels said plainly, the review queue scoped to who is asking, and
the matched passages with their shared words marked.

- **confirmed** (declared by a provider in its feed, or confirmed by a person): the planner and the
  exchange count only one of the two courses;
- **suspected** (detected above the threshold, nobody has decided yet): shown as "may overlap", and queued
  for the staff of both members;
- **dismissed** (or below the threshold, so never stored): nothing is shown to learners.

Plain functions over a session; callers own the transaction. Highlighting is computed when a page is
drawn, from the stored reasons and ``text.term``, so it follows the current vocabulary without a
recomputation.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session, aliased

from ..catalogue.models import Course, CourseStatus, Provider
from ..catalogue.service import Page, get_course
from ..errors import Forbidden
from ..identity.identity import Identity, Role
from ..identity.models import OAuthClient, User
from . import service, text
from .models import Overlap, OverlapOrigin, OverlapStatus


class Level(enum.Enum):
    """What an overlap means to a learner, in the words the pages and the API use."""

    CONFIRMED = "confirmed"
    SUSPECTED = "suspected"
    DISMISSED = "dismissed"


LEVELS = {OverlapStatus.CONFIRMED: Level.CONFIRMED, OverlapStatus.DETECTED: Level.SUSPECTED,
          OverlapStatus.DISMISSED: Level.DISMISSED}


def level_of(status: OverlapStatus) -> Level:
    return LEVELS[status]


# --- the course page -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Note:
    """One overlap as a learner reads it on a course's page: the other course, and who said so.

    ``declared_by`` is the name of the provider that declared the exclusion in its feed; otherwise
    ``decided_by`` names who confirmed it ("Aldport University's staff", "the consortium") on ``decided``."""

    id: int
    other: Course
    level: Level
    declared_by: str | None = None
    declared_reason: str | None = None
    decided_by: str | None = None
    decided: datetime | None = None
    reasons: tuple[dict[str, Any], ...] = ()  # from this course's side: "outcome" is this course's text

    @property
    def passages(self) -> list[Passage]:
        """The matched passages with their shared words marked (none for a declared pair)."""
        return _passages(self.reasons)


@dataclass(frozen=True)
class CourseNotes:
    confirmed: list[Note]
    confirmed_total: int
    suspected: list[Note]
    suspected_total: int

    @property
    def any(self) -> bool:
        return bool(self.confirmed_total or self.suspected_total)


def course_notes(session: Session, provider_id: str, course_id: str, *, shown: int = 5) -> CourseNotes:
    """A course's confirmed and suspected overlaps with other active courses (up to ``shown`` of each,
    highest score first); dismissed ones are not listed, nor any of a withdrawn course. NotFound for an
    unknown course."""
    course = get_course(session, provider_id, course_id)
    if course.status is not CourseStatus.ACTIVE:
        return CourseNotes([], 0, [], 0)
    found: dict[OverlapStatus, tuple[list[tuple[Overlap, Course]], int]] = {}
    for status in (OverlapStatus.CONFIRMED, OverlapStatus.DETECTED):
        found[status] = _of_course(session, course.pk, status, shown)
    confirmed, confirmed_total = found[OverlapStatus.CONFIRMED]
    suspected, suspected_total = found[OverlapStatus.DETECTED]
    names = _names(session, [o for o, _ in confirmed])
    return CourseNotes([_note(o, other, names) for o, other in confirmed], confirmed_total,
                       [Note(o.id, other, Level.SUSPECTED, reasons=_from_side(o, course.pk)) for o, other in suspected],
                       suspected_total)


def _of_course(session: Session, pk: int, status: OverlapStatus, limit: int) -> tuple[list[tuple[Overlap, Course]], int]:
    other = aliased(Course)
    other_pk = case((Overlap.course_a_pk == pk, Overlap.course_b_pk), else_=Overlap.course_a_pk)
    base = (select(Overlap, other).join(other, other.pk == other_pk)
            .where(or_(Overlap.course_a_pk == pk, Overlap.course_b_pk == pk), Overlap.status == status,
                   other.status == CourseStatus.ACTIVE))
    total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    rows = session.execute(base.order_by(Overlap.score.desc(), Overlap.id).limit(limit)).all()
    return [(o, c) for o, c in rows], total


def _note(overlap: Overlap, other: Course, names: _Names) -> Note:
    declared = declaration(overlap)
    if declared is not None:
        return Note(overlap.id, other, Level.CONFIRMED, declared_by=names.provider(declared.get("declared_by")),
                    declared_reason=declared.get("reason") or None)
    return Note(overlap.id, other, Level.CONFIRMED, decided_by=names.decider(overlap.decided_by),
                decided=overlap.decided)


def _from_side(overlap: Overlap, pk: int) -> tuple[dict[str, Any], ...]:
    """The reasons with ``outcome`` the text of course ``pk`` (stored from the first course's side); every
    other key kept (``part``, ``shared``)."""
    reasons = overlap.reasons or []
    return tuple(reasons if overlap.course_a_pk == pk else service.flipped(reasons))


def declaration(overlap: Overlap) -> dict[str, Any] | None:
    """The reason a provider gave when it declared the pair in its feed (``{"part": "declared",
    "declared_by", "reason"}``, ``declared.sync``), or None for a detected pair."""
    if overlap.origin is not OverlapOrigin.DECLARED:
        return None
    return next((r for r in overlap.reasons or [] if r.get("part") == "declared"), {"part": "declared"})


# --- who said so ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Names:
    providers: dict[str, str]
    deciders: dict[str, str]

    def provider(self, provider_id: str | None) -> str | None:
        return self.providers.get(provider_id or "", provider_id)

    def decider(self, decided_by: str | None) -> str | None:
        return self.deciders.get(decided_by or "") if decided_by else None


def _names(session: Session, overlaps: Sequence[Overlap]) -> _Names:
    """Provider names for declarations, and words for deciders: "<member>'s staff" for a member's person or
    system, "the consortium" for an administrator or the operator."""
    declared = {d.get("declared_by") for o in overlaps if (d := declaration(o)) is not None} - {None}
    users, clients = set(), set()
    for o in overlaps:
        kind, _, ident = (o.decided_by or "").partition(":")
        if kind == "user" and ident.isdigit():
            users.add(int(ident))
        elif kind == "client" and ident:
            clients.add(ident)
    orgs: dict[str, str | None] = {}  # decided_by -> org id (None: the consortium)
    if users:
        for user_id, role, org_id in session.execute(select(User.id, User.role, User.org_id).where(User.id.in_(users))):
            orgs[f"user:{user_id}"] = org_id if role is Role.STAFF else None
    if clients:
        for client_id, org_id in session.execute(
                select(OAuthClient.client_id, OAuthClient.org_id).where(OAuthClient.client_id.in_(clients))):
            orgs[f"client:{client_id}"] = org_id
    wanted = declared | {org for org in orgs.values() if org}
    providers: dict[str, str] = {}
    if wanted:
        providers = {pid: name for pid, name in session.execute(
            select(Provider.id, Provider.name).where(Provider.id.in_(wanted)))}
    deciders = {by: f"{providers.get(org, org)}'s staff" if org else "the consortium" for by, org in orgs.items()}
    for o in overlaps:  # "operator" (the command line), or an account since removed
        if o.decided_by and o.decided_by not in deciders:
            deciders[o.decided_by] = "the consortium"
    return _Names(providers, deciders)


# --- the review queue ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Passage:
    """One matched pair of passages, each as segments ``(words, shared?)`` to mark up."""

    part: str  # in words: "learning outcomes", "aims", "description", "title"
    first: tuple[tuple[str, bool], ...]
    second: tuple[tuple[str, bool], ...]
    similarity: float | None


@dataclass(frozen=True)
class PairToReview:
    """An overlap with both its courses, for the people who confirm or dismiss it."""

    id: int
    first: Course
    second: Course
    score: float
    status: OverlapStatus
    level: Level
    reasons: list[dict[str, Any]]
    declared_by: str | None
    declared_reason: str | None
    decided_by: str | None
    decided: datetime | None


def may_review(reviewer: Identity) -> bool:
    return reviewer.is_admin or bool(reviewer.org_id)


def pairs_for(session: Session, reviewer: Identity, status: OverlapStatus = OverlapStatus.DETECTED, *,
              page: int = 1, per_page: int = 20) -> Page:
    """Overlaps in ``status`` between two active courses, highest score first: every pair for an
    administrator, the pairs where either course is their member's for a member's staff. Forbidden for
    anyone else (learners act for no member)."""
    if not may_review(reviewer):
        raise Forbidden("only a member's staff or a consortium administrator may review overlaps")
    first, second = aliased(Course), aliased(Course)
    base = (select(Overlap, first, second).join(first, first.pk == Overlap.course_a_pk)
            .join(second, second.pk == Overlap.course_b_pk)
            .where(Overlap.status == status, first.status == CourseStatus.ACTIVE,
                   second.status == CourseStatus.ACTIVE))
    if not reviewer.is_admin:
        base = base.where(or_(first.provider_id == reviewer.org_id, second.provider_id == reviewer.org_id))
    total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    # OFFSET, as the administrators' queue always did: a review queue is read a page or two deep.
    rows = session.execute(base.order_by(Overlap.score.desc(), Overlap.id)
                           .limit(per_page).offset((page - 1) * per_page)).all()
    names = _names(session, [o for o, _, _ in rows])
    results = []
    for o, a, b in rows:
        declared = declaration(o)
        results.append(PairToReview(
            o.id, a, b, o.score, o.status, level_of(o.status), list(o.reasons or []),
            declared_by=names.provider(declared.get("declared_by")) if declared else None,
            declared_reason=(declared.get("reason") or None) if declared else None,
            decided_by=names.decider(o.decided_by), decided=o.decided))
    return Page(total, page, per_page, results)


# --- highlighting --------------------------------------------------------------------------------


PART_WORDS = {"outcomes": "learning outcomes", "aims": "aims", "description": "description", "title": "title"}


def highlighted(pair: PairToReview) -> list[Passage]:
    """The pair's matched passages with the words they share marked: two words match when their content
    terms (``text.term``) are equal and not empty; when a reason lists its ``shared`` words, only those.
    Declared pairs have no passages."""
    return _passages(pair.reasons)


def _passages(reasons: Iterable[dict[str, Any]]) -> list[Passage]:
    return [passage(r) for r in reasons if r.get("part") != "declared" and
            (r.get("outcome") or r.get("other_outcome"))]


def passage(reason: dict[str, Any]) -> Passage:
    first, second = reason.get("outcome") or "", reason.get("other_outcome") or ""
    common = text.term_set(first) & text.term_set(second)
    if "shared" in reason:  # the detector named the specific words (maybe none): only those are marked
        listed = set()
        for word in reason["shared"]:
            listed |= text.term_set(str(word)) | {text.fold(str(word))}  # a word, or already a term
        common &= listed
    return Passage(PART_WORDS.get(reason.get("part") or "outcomes", str(reason.get("part"))),
                   segments(first, common), segments(second, common), reason.get("similarity"))


def segments(passage_text: str, marked: Iterable[str]) -> tuple[tuple[str, bool], ...]:
    """``passage_text`` cut into runs of ``(text, marked)``, a word marked when one of its terms is in
    ``marked``; joined back, the runs are the text unchanged."""
    marked = frozenset(marked)
    runs: list[tuple[str, bool]] = []
    at = 0
    for match in text.WORD_AS_WRITTEN.finditer(passage_text):
        word_terms = text.term_set(match.group())
        if word_terms & marked:
            if match.start() > at:
                runs.append((passage_text[at:match.start()], False))
            runs.append((match.group(), True))
            at = match.end()
    if at < len(passage_text):
        runs.append((passage_text[at:], False))
    return tuple(runs)


# --- the planner ---------------------------------------------------------------------------------


def suspected_pairs(session: Session, course_pks: Iterable[int]) -> set[tuple[int, int]]:
    """Suspected (detected, undecided) overlaps among these courses, as (smaller pk, larger pk): the
    planner says they may overlap, and counts both until someone confirms it."""
    return service.pairs_among(session, course_pks, OverlapStatus.DETECTED)
