"""The learner's climbing-frame planner: what they hold, against every relevant pathway.

``plan`` turns what a learner says they completed (``Claim``: a directory course, or one described by
hand) into the engine's achievements, evaluates each relevant pathway with the pure rules
(``directory.pathways.rules``), and adds what only the store knows: concrete suggestions for what is
missing (next start, mode, cost), confirmed overlaps between the learner's courses, and for credit the
awarding member has to recognise, whether an agreement covers it (``AgreementLookup``) and the link that
starts the transfer request. Suspected overlaps (detected, undecided) do not change what counts; the plan
names them so the learner is not surprised if the universities confirm one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..catalogue.models import Course
from ..catalogue.vocab import credit_in_cats, eqf_level
from ..credit import Achievement, Level
from ..errors import Invalid, VocabularyError
from ..search.documents import cost_gbp, next_start
from . import rules as engine
from .agreements import AgreementAnswer, AgreementLookup, NoAgreementInformation
from .models import Pathway, PathwayStatus
from .service import NamedCourse, named_course_details, pathway_rules, provider_names, split_key

SUGGESTIONS_PER_GROUP = 5
TRANSFER_REQUEST_PATH = "/exchange/requests/new"


@dataclass(frozen=True)
class Claim:
    """One completed micro-credential as the learner states it: ``course`` from the directory, or title,
    credit, level and award date (and provider) by hand."""

    awarded_on: date
    course: str | None = None
    title: str | None = None
    credit: Decimal | None = None
    credit_scheme: str = "CATS"
    level_framework: str | None = None
    level_value: int | None = None
    provider_id: str | None = None
    provider_name: str | None = None


@dataclass(frozen=True)
class PlannerOptions:
    shelf_life_years: int | None = 5
    warn_days: int = 365


@dataclass(frozen=True)
class Suggestion:
    key: str
    title: str
    provider_name: str
    credit_cats: float | None
    level: dict[str, Any] | None
    modes: tuple[str, ...]
    next_start: date | None
    schedule_type: str | None
    cost_gbp: float | None
    cost: dict[str, Any] | None


@dataclass(frozen=True)
class Transfer:
    achievement_key: str
    title: str
    credit: Decimal
    agreement: AgreementAnswer
    request_url: str


@dataclass(frozen=True)
class PathwayPlan:
    pathway_id: str
    title: str
    awarding_id: str
    awarding_name: str
    content: dict[str, Any]
    progress: engine.Progress
    suggestions: dict[int, list[Suggestion]] = field(default_factory=dict)  # rule index -> courses
    transfers: list[Transfer] = field(default_factory=list)
    expiring: list[engine.CreditOutcome] = field(default_factory=list)


@dataclass(frozen=True)
class SuspectedOverlap:
    """Two of the learner's courses detected as alike that nobody has confirmed or dismissed yet."""

    first: Achievement
    second: Achievement


@dataclass(frozen=True)
class Plan:
    achievements: list[Achievement]
    pathways: list[PathwayPlan]
    suspected: list[SuspectedOverlap] = field(default_factory=list)


def achievements(session: Session, claims: Sequence[Claim]) -> list[Achievement]:
    """The engine's achievements; Invalid naming ``achievements[i].<field>`` for a course the directory does
    not know or a hand-described one without what the rules need."""
    courses = named_course_details(session, [c.course for c in claims if c.course])
    found: list[Achievement] = []
    problems: list[dict[str, str]] = []
    for index, claim in enumerate(claims):
        key = f"a{index + 1}"
        if claim.course:
            course = courses.get(claim.course)
            if course is None or course.content is None:
                problems.append({"name": f"achievements[{index}].course", "reason": f"no course {claim.course!r}"})
                continue
            found.append(_from_course(key, claim, course))
            continue
        try:
            found.append(_described(key, claim))
        except Invalid as exc:
            problems.append({"name": f"achievements[{index}].{exc.extra['field']}", "reason": exc.detail})
    if problems:
        raise Invalid("; ".join(f"{p['name']}: {p['reason']}" for p in problems), invalid_params=problems)
    return found


def _from_course(key: str, claim: Claim, course: NamedCourse) -> Achievement:
    content = course.content or {}
    level = content.get("level")
    credit = content.get("credit") or {}
    return Achievement(
        key=key, title=content.get("title") or course.key,
        credit=Decimal(str(credit.get("cats", 0))),
        level=Level(level["framework"], level["value"], level["eqf"]) if level else None,
        awarded_on=claim.awarded_on, provider_id=course.provider_id, course=course.key,
    )


def _described(key: str, claim: Claim) -> Achievement:
    if not claim.title:
        raise Invalid("a title is needed for a micro-credential described by hand", field="title")
    if claim.credit is None or claim.credit <= 0:
        raise Invalid("credit is needed (a positive number)", field="credit")
    try:
        cats = credit_in_cats(claim.credit, claim.credit_scheme)
    except VocabularyError as exc:
        raise Invalid(str(exc), field="credit_scheme") from None
    level = None
    if claim.level_framework is not None and claim.level_value is not None:
        try:
            level = Level(claim.level_framework, claim.level_value,
                                 eqf_level(claim.level_framework, claim.level_value))
        except VocabularyError as exc:
            raise Invalid(str(exc), field="level") from None
    return Achievement(key=key, title=claim.title, credit=cats, level=level, awarded_on=claim.awarded_on,
                              provider_id=claim.provider_id or None)


def _course_pks(session: Session, held: Iterable[Achievement]) -> dict[int, str]:
    """The catalogue's primary keys of the learner's directory courses, to their course keys."""
    keys = {a.course for a in held if a.course}
    if len(keys) < 2:
        return {}
    pairs = [split_key(k) for k in keys]
    rows = session.execute(select(Course.pk, Course.provider_id, Course.course_id).where(
        Course.provider_id.in_({p for p, _ in pairs}), Course.course_id.in_({c for _, c in pairs})))
    return {pk: f"{p}/{c}" for pk, p, c in rows if f"{p}/{c}" in keys}


def learner_overlaps(session: Session, held: Iterable[Achievement]) -> set[tuple[str, str]]:
    """Confirmed overlaps among the learner's directory courses, as pairs of course keys."""
    try:
        from ..overlaps.service import confirmed_pairs
    except ImportError:  # overlap detection not installed: nothing counts twice but the same course
        return set()
    key_of = _course_pks(session, held)
    if not key_of:
        return set()
    return {(key_of[a], key_of[b]) for a, b in confirmed_pairs(session, key_of) if a in key_of and b in key_of}


def learner_suspected(session: Session, held: Sequence[Achievement]) -> list[SuspectedOverlap]:
    """Suspected overlaps among the learner's directory courses: both still count (nobody has confirmed
    them), but the learner is told that if the universities confirm one, only one course will."""
    try:
        from ..overlaps.review import suspected_pairs
    except ImportError:  # overlap detection not installed
        return []
    key_of = _course_pks(session, held)
    if not key_of:
        return []
    by_course = {a.course: a for a in held if a.course}
    found = [(by_course[key_of[a]], by_course[key_of[b]]) for a, b in suspected_pairs(session, key_of)]
    return sorted((SuspectedOverlap(x, y) for x, y in found), key=lambda s: (s.first.key, s.second.key))


def plan(session: Session, claims: Sequence[Claim], today: date, *, options: PlannerOptions = PlannerOptions(),
         lookup: AgreementLookup | None = None, pathway_ids: Sequence[str] | None = None) -> Plan:
    """Progress towards every relevant active pathway (or those named), most complete first."""
    lookup = lookup or NoAgreementInformation()
    held = achievements(session, claims)
    where = [Pathway.status == PathwayStatus.ACTIVE]
    if pathway_ids:
        where.append(Pathway.id.in_(set(pathway_ids)))
    rows = session.execute(select(Pathway.id, Pathway.content).where(*where).order_by(Pathway.id)).all()
    contents = {pathway_id: content for pathway_id, content in rows}
    candidates = [pathway_rules(pathway_id, content) for pathway_id, content in rows]
    if not pathway_ids:
        candidates = [r for r in candidates if engine.relevant(r, held)]
    overlaps = learner_overlaps(session, held)
    results = engine.evaluate_all(candidates, held, today, overlaps=overlaps,
                                  shelf_life_years=options.shelf_life_years, warn_days=options.warn_days)
    missing = {key for p in results for r in p.rules for key in r.missing}
    courses = named_course_details(session, missing)
    names = provider_names(session, {c["awarding"]["id"] for c in contents.values()})
    by_key = {a.key: a for a in held}
    plans = []
    for progress in results:
        content = contents[progress.pathway_id]
        awarding = content["awarding"]["id"]
        plans.append(PathwayPlan(
            pathway_id=progress.pathway_id, title=content["title"], awarding_id=awarding,
            awarding_name=names.get(awarding, awarding), content=content, progress=progress,
            suggestions=_suggestions(progress, courses, today),
            transfers=_transfers(progress, by_key, awarding, lookup),
            expiring=[c for c in progress.credits if c.expiring_soon],
        ))
    return Plan(held, plans, learner_suspected(session, held))


def _suggestions(progress: engine.Progress, courses: dict[str, NamedCourse],
                 today: date) -> dict[int, list[Suggestion]]:
    found: dict[int, list[Suggestion]] = {}
    for index, rule in enumerate(progress.rules):
        if rule.satisfied or not rule.missing:
            continue
        options = [_suggestion(courses[key], today) for key in rule.missing
                   if key in courses and courses[key].active]
        options.sort(key=lambda s: (s.next_start is None, s.next_start or today, s.title, s.key))
        if rule.kind is engine.RuleKind.OPTION_GROUP:
            options = options[:SUGGESTIONS_PER_GROUP]
        found[index] = options
    return found


def _suggestion(course: NamedCourse, today: date) -> Suggestion:
    content = course.content or {}
    schedule = content.get("schedule") or {}
    starts = sorted(p["start"] for p in schedule.get("presentations") or [] if p.get("start"))
    credit = content.get("credit") or {}
    return Suggestion(
        key=course.key, title=course.title or course.key, provider_name=course.provider_name or course.provider_id,
        credit_cats=credit.get("cats"), level=content.get("level"), modes=tuple(content.get("mode") or ()),
        next_start=next_start({"schedule_type": schedule.get("type"), "starts": starts}, today),
        schedule_type=schedule.get("type"), cost_gbp=cost_gbp(content.get("cost")), cost=content.get("cost"),
    )


def _transfers(progress: engine.Progress, held: dict[str, Achievement], awarding: str,
               lookup: AgreementLookup) -> list[Transfer]:
    transfers = []
    for outcome in progress.credits:
        if not outcome.needs_transfer:
            continue
        a = held[outcome.key]
        answer = lookup.coverage(achievement=a, awarding_provider_id=awarding, pathway_id=progress.pathway_id)
        transfers.append(Transfer(outcome.key, a.title, a.credit, answer, request_url(a, awarding, answer)))
    return transfers


def request_url(a: Achievement, awarding: str, answer: AgreementAnswer) -> str:
    """The transfer request form, filled in: the names are the form's own fields (``target``,
    ``award_code``, ``course``, ``awarded_on``, ``purpose``); a pathway counts credit towards its award, so
    the purpose is advanced standing. The award is the one the lookup answered for, so the request is
    pre-assessed towards the award the planner judged."""
    query = {"target": awarding}
    if answer.award_code:
        query["award_code"] = answer.award_code
    query["purpose"] = "advanced_standing"
    if a.course:
        query["course"] = a.course
    else:  # described by hand: what the planner knows of it
        query.update({"title": a.title, "credit": f"{a.credit.normalize():f}"})
        if a.provider_id:
            query["from"] = a.provider_id
    query["awarded_on"] = a.awarded_on.isoformat()
    return f"{TRANSFER_REQUEST_PATH}?{urlencode(query)}"
