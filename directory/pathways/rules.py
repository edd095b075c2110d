"""Pathway rules: a pure engine from a pathway's rules and a learner's achievements to their progress.

No session, no clock (``today`` is passed in), no I/O: functions from frozen dataclasses to results with
their reasons. The credit primitives (shelf-life, level thresholds, credit totals, share caps) and the
learner's ``Achievement`` are ``directory.credit``'s, which the exchange's pre-assessment applies too.

Decisions (QAA Characteristics Statement for Micro-credentials, 2022, 4.3 and 5.2):

* Which credit counts. A pathway that names option groups counts only the courses it names (core, option
  groups, capstone); one with no option groups counts any credit towards the rest of its total (the
  capstone model: a learner brings what they have and a capstone draws it together). Other credit is
  listed as "not named in this pathway": the awarding member may still recognise it through a transfer
  request (recognition of prior learning), which the planner offers.
* Shelf-life and span. Credit awarded on D with an N-year limit counts up to and including the N-year
  anniversary of D and not from the day after (29 February's anniversary is 28 February in a year that is
  not leap). A pathway's maximum span of years works the same way, measured from each credit to
  completion (planned as ``today``): credit older than the span does not count, so the learner sees a
  "complete by" date (the oldest counted credit's anniversary) rather than a failed rule. The stricter of
  the consortium's shelf-life and the pathway's span applies.
* Levels. A threshold in the same framework compares framework levels (FHEQ 5 is above FHEQ 4); across
  frameworks, EQF levels. Credit without a level never counts towards a level threshold.
* The share from other members. ``max_external_share`` of the pathway's *total* credit (rounded down to
  the hundredth of a credit) may come from members other than the awarding one, and from credit of
  unknown origin. External credit is spent in priority order (capstone and core first, then options,
  then other credit; higher level, larger credit, earlier award, key); credit beyond the cap is not
  counted (a course may count in part, as in the exchange). The rule itself is always met by
  construction: the planner shows how much of the allowance is used and what falls beyond it.
* Double counting. The same course held twice counts once (the latest award: the most shelf-life left).
  Of two courses in a confirmed overlap, one counts: the engine tries the choices (up to ``MAX_OVERLAP_CHOICES`` conflicting pairs; beyond that the later award
  gives way) and keeps the one meeting most rules, then most credit.
* Structure. Core courses and the capstone are met when held (within shelf-life, not given way to an
  overlap), whatever the cap leaves of their credit. A course appears in at most one of: core, one option
  group (the schema enforces it); the capstone may also be listed as core.
* Monotony. Adding an achievement never lowers the number of rules met, except through the external
  share cap: a new achievement from another member can take priority for the allowance and push an
  option course beyond it. (tests/directory/pathways/test_rules_properties.py checks both halves.)
"""

from __future__ import annotations

import enum
import itertools
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import NamedTuple

from ..credit import (
    ZERO,
    Achievement,
    Level,
    anniversary,
    capped,
    credit_sum,
    credits_text,
    expiring_soon,
    level_at_or_above,
    room_under,
    share_cap,
    shelf_life_ends,
    stricter_limit,
    within_shelf_life,
)

MAX_OVERLAP_CHOICES = 8


# --- inputs (the achievements are ``directory.credit.Achievement``) --------------------------------


@dataclass(frozen=True)
class OptionGroup:
    min_credit: Decimal
    courses: frozenset[str]
    title: str | None = None


class Role(enum.Enum):
    CORE = "core"
    OPTION = "option"
    CAPSTONE = "capstone"
    OTHER = "other"  # counts only in a pathway without option groups


@dataclass(frozen=True)
class PathwayRules:
    pathway_id: str
    awarding_provider_id: str
    total_credit: Decimal
    core: tuple[str, ...] = ()
    option_groups: tuple[OptionGroup, ...] = ()
    level: Level | None = None  # threshold of ``level_credit``
    level_credit: Decimal | None = None
    max_external_share: Fraction | None = None
    capstone: str | None = None
    max_span_years: int | None = None
    # Derived once: each named course's role and option group (the engine looks them up per achievement).
    roles: Mapping[str, tuple[Role, int | None]] = field(init=False, repr=False, compare=False)
    # Most credit from other members (share of the total, rounded down to a hundredth); None: no cap.
    external_cap: Decimal | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        roles: dict[str, tuple[Role, int | None]] = {}
        for index, group in enumerate(self.option_groups):
            for key in group.courses:
                roles.setdefault(key, (Role.OPTION, index))
        for key in self.core:
            roles[key] = (Role.CORE, None)
        if self.capstone is not None:
            roles[self.capstone] = (Role.CAPSTONE, None)
        object.__setattr__(self, "roles", roles)
        object.__setattr__(self, "external_cap", share_cap(self.total_credit, self.max_external_share))

    @property
    def open(self) -> bool:
        """Does any credit count towards the rest of the total (no option groups)?"""
        return not self.option_groups


# --- outputs ---------------------------------------------------------------------------------------


class RuleKind(enum.Enum):
    TOTAL_CREDIT = "total_credit"
    LEVEL_CREDIT = "level_credit"
    CORE = "core"
    OPTION_GROUP = "option_group"
    CAPSTONE = "capstone"
    EXTERNAL_SHARE = "external_share"
    SPAN = "span"


class RuleProgress(NamedTuple):  # immutable, and cheap to make (the planner makes thousands per request)
    kind: RuleKind
    satisfied: bool
    have: Decimal  # never more than ``need``
    need: Decimal
    words: str
    missing: tuple[str, ...] = ()  # course keys still needed (core, capstone) or that would count (options)
    group: int | None = None  # the option group's index


class CreditUse(enum.Enum):
    COUNTED = "counted"
    EXPIRED = "expired"
    DOUBLE_COUNTED = "double_counted"
    BEYOND_EXTERNAL_CAP = "beyond_external_cap"
    NOT_NAMED = "not_named"


class CreditOutcome(NamedTuple):
    key: str
    use: CreditUse
    role: Role
    counted: Decimal
    reason: str
    expires_on: date | None = None
    expiring_soon: bool = False
    external: bool = False  # from a member other than the awarding one, or of unknown origin
    overlaps_with: str | None = None

    @property
    def needs_transfer(self) -> bool:
        """Credit the awarding member has to recognise: counted (at least partly) and from elsewhere, or
        not named in the pathway (recognition of prior learning)."""
        return (self.external and self.counted > 0) or self.use is CreditUse.NOT_NAMED


@dataclass(frozen=True)
class Progress:
    pathway_id: str
    rules: tuple[RuleProgress, ...]
    credits: tuple[CreditOutcome, ...]
    counted_credit: Decimal
    complete_by: date | None

    @property
    def complete(self) -> bool:
        return all(r.satisfied for r in self.rules)

    @property
    def satisfied(self) -> int:
        return sum(1 for r in self.rules if r.satisfied)

    @property
    def share_done(self) -> float:
        """Counted credit as a share of the total (0 to 1): what the planner sorts pathways by."""
        total = self.rules[0].need
        return float(min(self.counted_credit, total) / total) if total else 1.0

    def credit(self, key: str) -> CreditOutcome:
        return next(c for c in self.credits if c.key == key)


# --- the engine ------------------------------------------------------------------------------------


def _role(rules: PathwayRules, a: Achievement) -> tuple[Role, int | None] | None:
    """The achievement's place in the pathway, or None when it does not count towards it."""
    if a.course is not None:
        found = rules.roles.get(a.course)
        if found is not None:
            return found
    return (Role.OTHER, None) if rules.open else None


_RANK = {Role.CAPSTONE: 0, Role.CORE: 0, Role.OPTION: 1, Role.OTHER: 2}


def _priority(a: Achievement, role: Role):
    """The order external credit spends the allowance in: capstone and core, options, other credit; then
    higher level, larger credit, earlier award, key."""
    return (_RANK[role], -(a.level.eqf if a.level else 0), -a.credit, a.awarded_on, a.key)


@dataclass(frozen=True)
class _Held:
    achievement: Achievement
    role: Role
    group: int | None
    external: bool
    priority: tuple
    ends: date | None
    soon: bool


def evaluate(
    rules: PathwayRules,
    achievements: Sequence[Achievement],
    today: date,
    *,
    overlaps: Collection[tuple[str, str]] = (),
    shelf_life_years: int | None = 5,
    warn_days: int = 365,
) -> Progress:
    """The learner's progress towards one pathway on ``today``.

    ``overlaps`` are confirmed overlaps between directory courses (pairs of course keys, either order);
    two achievements of the same course count once too.
    """
    limit = stricter_limit(shelf_life_years, rules.max_span_years)
    outcomes: dict[str, CreditOutcome] = {}
    held: list[_Held] = []
    for a in achievements:
        place = _role(rules, a)
        external = a.provider_id != rules.awarding_provider_id
        ends = shelf_life_ends(a.awarded_on, limit)
        if place is None:
            outcomes[a.key] = CreditOutcome(a.key, CreditUse.NOT_NAMED, Role.OTHER, ZERO,
                                            "not named in this pathway", ends, external=external)
        elif not within_shelf_life(a.awarded_on, today, limit):
            why = ("older than the pathway's span of " f"{rules.max_span_years} years"
                   if rules.max_span_years is not None and limit == rules.max_span_years
                   else f"older than the shelf-life of {limit} years")
            outcomes[a.key] = CreditOutcome(a.key, CreditUse.EXPIRED, place[0], ZERO,
                                            f"{why} (usable until {ends.isoformat()})", ends, external=external)
        else:
            held.append(_Held(a, place[0], place[1], external, _priority(a, place[0]), ends,
                              expiring_soon(a.awarded_on, today, limit, warn_days)))

    held, repeats = _once_per_course(held)
    conflicts = _conflicts(held, overlaps)
    best: tuple[_Tally, dict[str, str]] | None = None
    for dropped in _choices(held, conflicts):
        tally = _count(rules, [h for h in held if h.achievement.key not in dropped])
        if best is None or tally.score > best[0].score:
            best = (tally, dropped)
    assert best is not None
    tally, dropped = best
    outcomes.update(tally.outcomes)
    dropped = {**dropped, **repeats}
    for h in [*held, *repeated_of(repeats, achievements, rules, limit)]:
        key = h.achievement.key
        if key in dropped:
            other = dropped[key]
            outcomes[key] = CreditOutcome(
                key, CreditUse.DOUBLE_COUNTED, h.role, ZERO,
                f"covers the same learning as {other}, which counts instead",
                shelf_life_ends(h.achievement.awarded_on, limit), external=h.external, overlaps_with=other)
    return Progress(
        pathway_id=rules.pathway_id,
        rules=tally.rules,
        credits=tuple(outcomes[a.key] for a in achievements),
        counted_credit=tally.counted_credit,
        complete_by=tally.complete_by,
    )


def _once_per_course(held: list[_Held]) -> tuple[list[_Held], dict[str, str]]:
    """The same course held twice counts once: the latest award (the longest shelf-life left) counts.
    Returns the held achievements left and {repeat's key: the key that counts instead}."""
    latest: dict[str, _Held] = {}
    for h in held:
        course = h.achievement.course
        if course is None:
            continue
        current = latest.get(course)
        if current is None or (h.achievement.awarded_on, h.achievement.key) > (current.achievement.awarded_on,
                                                                              current.achievement.key):
            latest[course] = h
    if len(latest) == sum(1 for h in held if h.achievement.course is not None):
        return held, {}
    kept = [h for h in held if h.achievement.course is None or latest[h.achievement.course] is h]
    repeats = {h.achievement.key: latest[h.achievement.course].achievement.key
               for h in held if h.achievement.course is not None and latest[h.achievement.course] is not h}
    return kept, repeats


def repeated_of(repeats: Mapping[str, str], achievements: Sequence[Achievement], rules: PathwayRules,
                limit: int | None) -> list[_Held]:
    """The repeats given way to, as held achievements (for their outcome)."""
    found = []
    for a in achievements:
        if a.key in repeats:
            role, group = _role(rules, a) or (Role.OTHER, None)
            found.append(_Held(a, role, group, a.provider_id != rules.awarding_provider_id, (),
                               shelf_life_ends(a.awarded_on, limit), False))
    return found


def _conflicts(held: Sequence[_Held], overlaps: Collection[tuple[str, str]]) -> list[tuple[str, str]]:
    """Pairs of held achievements (keys, earlier award first) of which only one may count: two courses in
    a confirmed overlap (each course is held once by now)."""
    by_course: dict[str, list[Achievement]] = {}
    for h in held:
        if h.achievement.course is not None:
            by_course.setdefault(h.achievement.course, []).append(h.achievement)
    if not by_course:
        return []
    found: set[tuple[str, str]] = set()

    def add(a: Achievement, b: Achievement) -> None:
        first, second = sorted((a, b), key=lambda item: (item.awarded_on, item.key))
        found.add((first.key, second.key))

    for x, y in overlaps:
        if x != y and x in by_course and y in by_course:
            for a in by_course[x]:
                for b in by_course[y]:
                    add(a, b)
    return sorted(found)


def _choices(held: Sequence[_Held], conflicts: Sequence[tuple[str, str]]):
    """Every way of giving way in each conflicting pair: {dropped key: the key that counts instead}.

    The first choice drops the later award of each pair. Beyond ``MAX_OVERLAP_CHOICES`` pairs only that
    choice is tried.
    """
    if not conflicts:
        yield {}
        return
    options = [((second, first), (first, second)) for first, second in conflicts]
    if len(conflicts) > MAX_OVERLAP_CHOICES:
        options = [option[:1] for option in options]
    seen: set[frozenset[str]] = set()
    for combination in itertools.product(*options):
        dropped: dict[str, str] = {}
        for loser, winner in combination:
            dropped.setdefault(loser, winner)
        signature = frozenset(dropped)
        if signature in seen:
            continue
        seen.add(signature)
        yield dropped


class _Spent(NamedTuple):
    """How much of each kept credit counts once the external share is spent."""

    counted_of: dict[str, Decimal]  # achievement key -> credit counted
    external_used: Decimal
    beyond: Decimal  # external credit beyond the cap


class _Tally(NamedTuple):
    """What one choice of the kept credit counts: the rules' progress and each credit's outcome."""

    rules: tuple[RuleProgress, ...]
    outcomes: dict[str, CreditOutcome]
    counted_credit: Decimal
    complete_by: date | None

    @property
    def score(self) -> tuple[int, Decimal]:
        """What the best choice has most of: rules met, then credit counted."""
        return sum(1 for r in self.rules if r.satisfied), self.counted_credit


def _count(rules: PathwayRules, kept: Sequence[_Held]) -> _Tally:
    """The rules' progress and the credit outcomes for one choice of kept credit."""
    spent = _spend(rules.external_cap, kept)
    outcomes = {h.achievement.key: _credit_outcome(h, spent.counted_of[h.achievement.key]) for h in kept}
    held_courses = {h.achievement.course for h in kept if h.achievement.course is not None}
    counted = credit_sum(spent.counted_of.values())
    complete_by = _complete_by(rules, kept)
    results = [
        _total_rule(rules, counted),
        _level_rule(rules, kept, spent.counted_of),
        _core_rule(rules, held_courses),
        *_option_rules(rules, kept, spent.counted_of, held_courses),
        _capstone_rule(rules, held_courses),
        _external_rule(rules.external_cap, spent),
        _span_rule(rules, complete_by),
    ]
    return _Tally(tuple(r for r in results if r is not None), outcomes, counted, complete_by)


def _spend(cap: Decimal | None, kept: Sequence[_Held]) -> _Spent:
    """Credit counted per achievement: in full, except external credit beyond the cap (spent in priority
    order)."""
    counted_of: dict[str, Decimal] = {}
    external_used = beyond = ZERO
    for h in (sorted(kept, key=lambda h: h.priority) if cap is not None else kept):
        credit = h.achievement.credit
        take = capped(credit, room_under(cap, external_used)) if h.external else credit
        if h.external:
            external_used += take
            beyond += credit - take
        counted_of[h.achievement.key] = take
    return _Spent(counted_of, external_used, beyond)


def _credit_outcome(h: _Held, take: Decimal) -> CreditOutcome:
    """How a kept credit counts, given the part of it that does."""
    a = h.achievement
    if take == a.credit:
        use, reason = CreditUse.COUNTED, "counts in full"
    elif take > 0:
        use, reason = CreditUse.COUNTED, (f"{credits_text(take)} of its {credits_text(a.credit)} credits count: "
                                          "the rest is beyond the share allowed from other members")
    else:
        use, reason = CreditUse.BEYOND_EXTERNAL_CAP, "beyond the share of credit allowed from other members"
    return CreditOutcome(a.key, use, h.role, take, reason, h.ends, h.soon, h.external)


def _total_rule(rules: PathwayRules, counted: Decimal) -> RuleProgress:
    return _progress(RuleKind.TOTAL_CREDIT, counted, rules.total_credit,
                     f"{credits_text(min(counted, rules.total_credit))} of {credits_text(rules.total_credit)} credits")


def _level_rule(rules: PathwayRules, kept: Sequence[_Held], counted_of: Mapping[str, Decimal]) -> RuleProgress | None:
    """Credit counted at the pathway's threshold level or above (None: the pathway sets none)."""
    if rules.level is None or rules.level_credit is None:
        return None
    at_level = credit_sum(counted_of[h.achievement.key] for h in kept
                          if level_at_or_above(h.achievement.level, rules.level))
    return _progress(RuleKind.LEVEL_CREDIT, at_level, rules.level_credit,
                     f"{credits_text(min(at_level, rules.level_credit))} of {credits_text(rules.level_credit)} "
                     f"credits at {rules.level.framework} level {rules.level.value} or above")


def _core_rule(rules: PathwayRules, held_courses: Collection[str]) -> RuleProgress | None:
    """Core courses held (None: the pathway names none)."""
    if not rules.core:
        return None
    missing = tuple(key for key in rules.core if key not in held_courses)
    have = Decimal(len(rules.core) - len(missing))
    return RuleProgress(RuleKind.CORE, not missing, have, Decimal(len(rules.core)),
                        f"{have} of {len(rules.core)} core courses", missing)


def _option_rules(rules: PathwayRules, kept: Sequence[_Held], counted_of: Mapping[str, Decimal],
                  held_courses: Collection[str]) -> list[RuleProgress]:
    """Credit counted from each option group, with the group's courses not held while it is unmet."""
    results = []
    for index, group in enumerate(rules.option_groups):
        have = credit_sum(counted_of[h.achievement.key] for h in kept if h.role is Role.OPTION and h.group == index)
        name = group.title or f"option group {index + 1}"
        words = f"{credits_text(min(have, group.min_credit))} of {credits_text(group.min_credit)} credits from {name}"
        satisfied = have >= group.min_credit
        missing = () if satisfied else tuple(sorted(group.courses - set(held_courses)))
        results.append(RuleProgress(RuleKind.OPTION_GROUP, satisfied, min(have, group.min_credit), group.min_credit,
                                    words, missing, index))
    return results


def _capstone_rule(rules: PathwayRules, held_courses: Collection[str]) -> RuleProgress | None:
    """Is the capstone held (None: the pathway has none)?"""
    if rules.capstone is None:
        return None
    present = rules.capstone in held_courses
    return RuleProgress(RuleKind.CAPSTONE, present, Decimal(int(present)), Decimal(1),
                        "capstone course " + ("held" if present else "still to take"),
                        () if present else (rules.capstone,))


def _external_rule(cap: Decimal | None, spent: _Spent) -> RuleProgress | None:
    """How much of the allowance from other members is used, and what falls beyond it (always met)."""
    if cap is None:
        return None
    words = f"{credits_text(min(spent.external_used, cap))} of the {credits_text(cap)} credits allowed from other members used"
    if spent.beyond:
        words += f"; {credits_text(spent.beyond)} credits beyond that do not count"
    return RuleProgress(RuleKind.EXTERNAL_SHARE, True, min(spent.external_used, cap), cap, words)


def _complete_by(rules: PathwayRules, kept: Sequence[_Held]) -> date | None:
    """The last day to complete within the pathway's span: the oldest kept credit's anniversary."""
    if rules.max_span_years is None:
        return None
    oldest = min((h.achievement.awarded_on for h in kept), default=None)
    return anniversary(oldest, rules.max_span_years) if oldest else None


def _span_rule(rules: PathwayRules, complete_by: date | None) -> RuleProgress | None:
    """The date to complete by (always met: credit older than the span does not count; None: no span)."""
    if rules.max_span_years is None:
        return None
    years = rules.max_span_years
    words = (f"complete by {complete_by.isoformat()} ({years} years from your oldest credit)"
             if complete_by else f"complete within {years} years of your first credit")
    return RuleProgress(RuleKind.SPAN, True, Decimal(years), Decimal(years), words)


def _progress(kind: RuleKind, have: Decimal, need: Decimal, words: str) -> RuleProgress:
    return RuleProgress(kind, have >= need, min(have, need), need, words)


def evaluate_all(
    pathways: Iterable[PathwayRules],
    achievements: Sequence[Achievement],
    today: date,
    **options,
) -> list[Progress]:
    """``evaluate`` for each pathway, most complete first (then by id)."""
    results = [evaluate(rules, achievements, today, **options) for rules in pathways]
    return sorted(results, key=lambda p: (not p.complete, -p.share_done, p.pathway_id))


def relevant(rules: PathwayRules, achievements: Sequence[Achievement]) -> bool:
    """Does the learner hold anything this pathway would count (a named course, or any credit for an
    open pathway)?"""
    if rules.open:
        return bool(achievements)
    return any(a.course in rules.roles for a in achievements if a.course is not None)
