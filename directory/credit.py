"""Credit: the learner's achievement and the primitives both rules engines apply to it.

The pathway planner (``directory.pathways.rules``) and the exchange's pre-assessment (``exchange.agreements.rules``)
judge the same credit with the same rules: one copy, here (the directory is the lower layer). Pure: no
session, no clock (the day is passed in), no I/O.

Decisions (QAA Characteristics Statement for Micro-credentials, 2022, 4.3):

* Shelf-life: credit awarded on D with an N-year limit is usable up to and including the N-year
  anniversary of D, and not from the day after. Credit awarded on 29 February has its anniversary on
  28 February in a year that is not leap (never 1 March: a limit never lasts longer than the years it
  names). No limit means the credit does not expire.
* Levels: a threshold in the same framework compares framework levels (FHEQ 5 is above FHEQ 4); across
  frameworks, EQF levels. Credit without a level never meets a level.
* Shares of an award are rounded down to the hundredth of a credit, so a cap is never exceeded.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_FLOOR, Decimal
from fractions import Fraction
from functools import lru_cache
from typing import TypeVar

ZERO = Decimal(0)
CENT = Decimal("0.01")
K = TypeVar("K")


@dataclass(frozen=True)
class Level:
    """A level in a qualifications framework, with its EQF level."""

    framework: str
    value: int
    eqf: int

    @classmethod
    def eqf_only(cls, eqf: int) -> Level:
        """A level known only on the EQF (a transfer request records no framework)."""
        return cls("EQF", eqf, eqf)


@dataclass(frozen=True)
class CourseFacts:
    """What the credit rules read of a stored course version's content (``course_facts``)."""

    title: str | None
    credit: Decimal  # CATS
    eqf: int | None
    cah_groups: frozenset[str]


def course_facts(content: dict) -> CourseFacts:
    """A course version's content (as the catalogue stores it) as the credit rules read it: one reading for
    a transfer request's recorded achievement and the planner's question, so the two cannot differ."""
    return CourseFacts(
        title=content.get("title"), credit=Decimal(str(content["credit"]["cats"])),
        eqf=(content.get("level") or {}).get("eqf"),
        cah_groups=frozenset(s[k] for s in content.get("subjects", ()) for k in ("cah1", "cah2", "cah3") if s.get(k)))


@dataclass(frozen=True)
class Achievement:
    """One completed micro-credential: a directory course (``course`` is its key) or one described by hand.

    The planner knows the first seven fields; a transfer request also records the grade, the course
    version cited and its subjects.
    """

    key: str  # unique among the achievements judged together
    title: str
    credit: Decimal  # CATS
    level: Level | None
    awarded_on: date
    provider_id: str | None  # the member's organisation id; None: a provider that is not a member, or not given
    course: str | None = None  # "<provider_id>/<course_id>" when picked from the directory
    grade: Decimal | None = None  # percentage mark
    course_pk: int | None = None
    course_version_id: int | None = None
    cah_groups: frozenset[str] = frozenset()
    provider_name: str | None = None

    @property
    def eqf(self) -> int | None:
        """The EQF level, or None when no level is given."""
        return None if self.level is None else self.level.eqf

    @property
    def ref(self) -> str:
        """What double counting compares: the course, or the external achievement's description."""
        if self.course is not None:
            return f"course:{self.course}"
        provider = (self.provider_id or self.provider_name or "").strip().casefold()
        return f"external:{provider}|{self.title.strip().casefold()}|{self.awarded_on.isoformat()}"


def credits_text(credits: Decimal) -> str:
    """A number of credits (or a grade, or a factor) as a sentence writes it: no trailing zeros, no
    exponent (15, 7.5, 33.33)."""
    return f"{credits.normalize():f}"


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
