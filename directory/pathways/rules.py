"""Pathway rules: a pure engine from a pathway's rules and a learner's achievements to their progress.

No session, no clock (``today`` is passed in), no I/O: functions from frozen dataclasses to results with
their reasons. The small primitives at the top (shelf-life, level thresholds, credit totals, share caps,
double counting through overlaps) are the ones the exchange's pre-assessment applies too; the exchange
imports them from here (the directory is the lower layer) rather than keeping a second copy.

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
from datetime import date, timedelta
from decimal import ROUND_FLOOR, Decimal
from fractions import Fraction
from functools import lru_cache
from typing import NamedTuple, TypeVar

ZERO = Decimal(0)
CENT = Decimal("0.01")
MAX_OVERLAP_CHOICES = 8
K = TypeVar("K")


# --- shared primitives (the exchange calls these) ---------------------------------------------------


@lru_cache(maxsize=65536)  # a learner's few award dates meet every pathway's limit: compute each once
def anniversary(day: date, years: int) -> date:
    """``day`` moved ``years`` years on; 29 February becomes 28 February in a year that is not leap."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def shelf_life_ends(awarded_on: date, years: int | None) -> date | None:
    """The last day on which credit awarded on ``awarded_on`` is still within its shelf-life (None: never)."""
    return None if years is None else anniversary(awarded_on, years)


def within_shelf_life(awarded_on: date, on: date, years: int | None) -> bool:
    """Is credit awarded on ``awarded_on`` still usable on ``on``? Exactly N years is within."""
    ends = shelf_life_ends(awarded_on, years)
    return ends is None or on <= ends


def expiring_soon(awarded_on: date, on: date, years: int | None, warn_days: int) -> bool:
    """Still usable on ``on`` but not ``warn_days`` days later."""
    ends = shelf_life_ends(awarded_on, years)
    return ends is not None and on <= ends < on + timedelta(days=warn_days)


def stricter_limit(*years: int | None) -> int | None:
    """The shortest of several year limits (None: no limit)."""
    given = [y for y in years if y is not None]
    return min(given) if given else None


def level_meets(level: int | None, required: int) -> bool:
    """An EQF level at or above ``required`` (no level never meets one)."""
    return level is not None and level >= required


def level_at_or_above(level: Level | None, threshold: Level) -> bool:
    """In the same framework, by framework level (FHEQ 5 above FHEQ 4); across frameworks, by EQF level."""
    if level is None:
        return False
    if level.framework == threshold.framework:
        return level.value >= threshold.value
    return level.eqf >= threshold.eqf


def credit_sum(credits: Iterable[Decimal]) -> Decimal:
    return sum(credits, ZERO)


def share_cap(total_credit: Decimal, share: Fraction | None) -> Decimal | None:
    """Most credit of an award that may come from elsewhere, rounded down to a hundredth (None: no cap)."""
    if share is None:
        return None
    exact = Fraction(total_credit) * share
    return (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(CENT, rounding=ROUND_FLOOR)


def room_under(cap: Decimal | None, used: Decimal) -> Decimal | None:
    """Credit still allowed under ``cap`` after ``used`` (never negative); None when there is no cap."""
    return None if cap is None else max(cap - used, ZERO)


def capped(wanted: Decimal, *rooms: Decimal | None) -> Decimal:
    """``wanted`` limited by every room that applies."""
    return min([wanted, *(r for r in rooms if r is not None)])


def overlapping(item: K | None, counted: Iterable[K], pairs: Iterable[tuple[K, K]]) -> K | None:
    """A counted item that ``item`` is confirmed to overlap (a pair in either order), or None."""
    if item is None:
        return None
    counted = set(counted)
    for a, b in pairs:
        if a == item and b in counted:
            return b
        if b == item and a in counted:
            return a
    return None


# --- inputs ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Level:
    framework: str
    value: int
    eqf: int


@dataclass(frozen=True)
class Achievement:
    """One completed micro-credential: a directory course (``course`` is its key) or one described by hand."""

    key: str
    title: str
    credit: Decimal  # CATS
    level: Level | None
    awarded_on: date
    provider_id: str | None  # None: a provider that is not a member, or not given
    course: str | None = None  # "<provider_id>/<course_id>" when picked from the directory


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


def _fmt(credit: Decimal) -> str:
    text = f"{credit.normalize():f}"
    return text


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
    best: tuple | None = None
    for dropped in _choices(held, conflicts):
        kept = [h for h in held if h.achievement.key not in dropped]
        result = _count(rules, kept, today, limit, warn_days)
        score = (sum(1 for r in result[0] if r.satisfied), result[2])
        if best is None or score > best[0]:
            best = (score, dropped, result)
    assert best is not None
    _score, dropped, (rule_results, counted_outcomes, counted, complete_by) = best
    outcomes.update(counted_outcomes)
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
        rules=rule_results,
        credits=tuple(outcomes[a.key] for a in achievements),
        counted_credit=counted,
        complete_by=complete_by,
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


def _count(rules: PathwayRules, kept: Sequence[_Held], today: date, limit: int | None, warn_days: int):
    """(rule results, outcomes of the kept credit, counted credit, complete-by date) for one choice."""
    cap = rules.external_cap
    counted_of: dict[str, Decimal] = {}
    external_used = ZERO
    beyond = ZERO
    for h in (sorted(kept, key=lambda h: h.priority) if cap is not None else kept):
        credit = h.achievement.credit
        if h.external and cap is not None:
            take = capped(credit, room_under(cap, external_used))
            external_used += take
            beyond += credit - take
        else:
            take = credit
            if h.external:
                external_used += take
        counted_of[h.achievement.key] = take

    outcomes: dict[str, CreditOutcome] = {}
    for h in kept:
        a = h.achievement
        take = counted_of[a.key]
        if take == a.credit:
            use, reason = CreditUse.COUNTED, "counts in full"
        elif take > 0:
            use, reason = CreditUse.COUNTED, (f"{_fmt(take)} of its {_fmt(a.credit)} credits count: the rest is "
                                              "beyond the share allowed from other members")
        else:
            use, reason = CreditUse.BEYOND_EXTERNAL_CAP, "beyond the share of credit allowed from other members"
        outcomes[a.key] = CreditOutcome(a.key, use, h.role, take, reason, h.ends, h.soon, h.external)

    held_courses = {h.achievement.course for h in kept if h.achievement.course is not None}
    counted = credit_sum(counted_of.values())
    results: list[RuleProgress] = [
        _progress(RuleKind.TOTAL_CREDIT, counted, rules.total_credit,
                  f"{_fmt(min(counted, rules.total_credit))} of {_fmt(rules.total_credit)} credits"),
    ]
    if rules.level is not None and rules.level_credit is not None:
        at_level = credit_sum(counted_of[h.achievement.key] for h in kept
                              if level_at_or_above(h.achievement.level, rules.level))
        results.append(_progress(
            RuleKind.LEVEL_CREDIT, at_level, rules.level_credit,
            f"{_fmt(min(at_level, rules.level_credit))} of {_fmt(rules.level_credit)} credits at "
            f"{rules.level.framework} level {rules.level.value} or above"))
    if rules.core:
        missing = tuple(key for key in rules.core if key not in held_courses)
        have = Decimal(len(rules.core) - len(missing))
        results.append(RuleProgress(RuleKind.CORE, not missing, have, Decimal(len(rules.core)),
                                    f"{have} of {len(rules.core)} core courses", missing))
    for index, group in enumerate(rules.option_groups):
        have = credit_sum(counted_of[h.achievement.key] for h in kept if h.role is Role.OPTION and h.group == index)
        name = group.title or f"option group {index + 1}"
        missing = tuple(sorted(group.courses - held_courses))
        result = _progress(RuleKind.OPTION_GROUP, have, group.min_credit,
                           f"{_fmt(min(have, group.min_credit))} of {_fmt(group.min_credit)} credits from {name}")
        results.append(RuleProgress(result.kind, result.satisfied, result.have, result.need, result.words,
                                    () if result.satisfied else missing, index))
    if rules.capstone is not None:
        present = rules.capstone in held_courses
        results.append(RuleProgress(RuleKind.CAPSTONE, present, Decimal(int(present)), Decimal(1),
                                    "capstone course " + ("held" if present else "still to take"),
                                    () if present else (rules.capstone,)))
    if cap is not None:
        words = f"{_fmt(min(external_used, cap))} of the {_fmt(cap)} credits allowed from other members used"
        if beyond:
            words += f"; {_fmt(beyond)} credits beyond that do not count"
        results.append(RuleProgress(RuleKind.EXTERNAL_SHARE, True, min(external_used, cap), cap, words))
    complete_by = None
    if rules.max_span_years is not None:
        oldest = min((h.achievement.awarded_on for h in kept), default=None)
        complete_by = anniversary(oldest, rules.max_span_years) if oldest else None
        words = (f"complete by {complete_by.isoformat()} ({rules.max_span_years} years from your oldest credit)"
                 if complete_by else f"complete within {rules.max_span_years} years of your first credit")
        results.append(RuleProgress(RuleKind.SPAN, True, Decimal(rules.max_span_years),
                                    Decimal(rules.max_span_years), words))
    return tuple(results), outcomes, counted, complete_by


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
