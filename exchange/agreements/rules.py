"""The automatic pre-assessment of a credit transfer request: a pure rules engine.

Functions from frozen dataclasses to an ``Assessment`` with a reason for every outcome; no session, no
clock (the request date is passed in), no I/O. The learner's ``Achievement`` and the credit primitives
(shelf-life, level, share caps, double counting through overlaps) are ``directory.credit``'s, which the
pathway planner applies too: call them, do not copy them.

Decisions, following the QAA Characteristics Statement for Micro-credentials (2022), 4.3 and 5.2:

* Shelf-life: credit awarded on D with an N-year shelf-life is within it up to and including the
  N-year anniversary of D, and not from the day after. Credit awarded on 29 February has its anniversary
  on 28 February in a year that is not a leap year (never on 1 March: a shelf-life never lasts longer
  than the years it names). No shelf-life means the credit does not expire.
* No agreement in force covering an achievement: *needs review*, not *not recognised*: recognition of
  prior learning outside an agreement is still the receiving member's to decide (an awarding body has no
  authority over whether another provider accepts its credit).
* Level: for advanced standing an achievement must be at least at the target award's EQF level; for
  entry, at least the level below it (entry to a level-L programme rests on learning at level L-1).
* Grade: below the agreement's minimum is not recognised; no grade given when a minimum is set needs
  review.
* Caps count credit already recognised in the learner's ledger (net of reversals) and credit proposed
  earlier in the same request, in request order. A cap reached exactly still recognises the achievement
  that reaches it; the next gets a partial recognition up to the cap or, with no room, none. The share
  of an award is rounded down to the hundredth of a credit, so a cap is never exceeded. Caps and double
  counting apply to advanced standing only: entry does not spend credit towards an award.
* Double counting: an achievement already counted towards the same award (same course, or the same
  external achievement), or a course in a confirmed overlap with a course already counted, is not
  recognised (QAA 5.2: overlapping courses would be double-counting for a macro-credential).
* The same achievement listed more than once in one request (equal ``Achievement.ref``) counts once, and
  which listing counts does not depend on the order of the list: the most recently awarded, then the one
  claiming most credit, then the latest course version, the highest level and the highest grade; only
  listings equal in all of these fall back to the first listed (they are assessed alike). The others
  are *not recognised* (``listed_twice``). Like the planner (``directory.pathways.rules``), the latest
  award of a course is the one that counts.
* Dates: shelf-life is measured to the request date (``on``: a learner who asked in time keeps their
  credit however long the decision takes); agreements are judged on ``in_force_on``, which a decision
  sets to its own day (credit is granted only under an agreement in force when it is granted). Both
  default to the request date.
* Several agreements may cover one achievement: the one recognising most credit wins (ties: the lowest
  version id); the reasons name it.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_FLOOR, Decimal

from directory.credit import (
    CENT,
    ZERO,
    Achievement,
    capped,
    credits_text,
    level_meets,
    overlapping,
    room_under,
    share_cap,
    shelf_life_ends,
    within_shelf_life,
)

from .lifecycle import AgreementState
from .terms import Recognition, Scope, Terms


class Purpose(enum.Enum):
    ENTRY = "entry"
    ADVANCED_STANDING = "advanced_standing"


class OutcomeKind(enum.Enum):
    RECOGNISE = "recognise"
    NEEDS_REVIEW = "needs_review"
    NOT_RECOGNISED = "not_recognised"


# --- inputs ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgreementTerms:
    """A snapshot of one agreement version as the engine needs it."""

    agreement_id: int
    version_id: int
    title: str
    parties: frozenset[str]
    scope: Scope
    terms: Terms
    state: AgreementState
    valid_from: date
    valid_until: date | None
    terms_hash: str
    approvals: frozenset[tuple[str, str]] = frozenset()  # (party, hash of the terms it approved)

    @property
    def receivers(self) -> frozenset[str]:
        return frozenset(self.terms.receiving_orgs) or self.parties

    @property
    def name(self) -> str:
        return f"agreement {self.agreement_id} ({self.title}), version {self.version_id}"


@dataclass(frozen=True)
class LedgerEntry:
    """One line of the learner's credit ledger (append-only; a reversal has negative credit)."""

    entry_id: int
    target_org: str
    award: str
    credits: Decimal
    achievement_ref: str
    course_pk: int | None = None
    agreement_id: int | None = None
    purpose: Purpose = Purpose.ADVANCED_STANDING
    reverses: int | None = None


@dataclass(frozen=True)
class Target:
    org_id: str
    award: str
    total_credit: Decimal
    level: int  # EQF
    purpose: Purpose = Purpose.ADVANCED_STANDING


@dataclass(frozen=True)
class OverlapPair:
    """Two courses (by pk) confirmed to overlap: counting both would count the same learning twice."""

    a: int
    b: int

    @classmethod
    def of(cls, a: int, b: int) -> OverlapPair:
        return cls(min(a, b), max(a, b))


# --- outputs ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reason:
    code: str
    words: str


@dataclass(frozen=True)
class Outcome:
    achievement_key: str
    kind: OutcomeKind
    credits: Decimal
    agreement_version_id: int | None
    reasons: tuple[Reason, ...]
    agreement_id: int | None = None


@dataclass(frozen=True)
class Proposal:
    kind: OutcomeKind
    credits: Decimal
    entry: Recognition | None  # for entry requests: what the recognised achievements give
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class Assessment:
    on: date
    target: Target
    outcomes: tuple[Outcome, ...]
    proposal: Proposal

    def outcome(self, key: str) -> Outcome:
        return next(o for o in self.outcomes if o.achievement_key == key)


# --- checks (the decision's recheck calls them too) ----------------------------------------


def credit_total(entries: Iterable[LedgerEntry], *, target_org: str | None = None, award: str | None = None,
                 agreement_id: int | None = None,
                 purpose: Purpose | None = Purpose.ADVANCED_STANDING) -> Decimal:
    """Net credit in ``entries`` (reversals subtract), optionally for one award, agreement or purpose."""
    return sum(
        (e.credits for e in entries
         if (target_org is None or e.target_org == target_org)
         and (award is None or e.award == award)
         and (agreement_id is None or e.agreement_id == agreement_id)
         and (purpose is None or e.purpose is purpose)),
        ZERO,
    )


def required_level(target: Target) -> int:
    return target.level if target.purpose is Purpose.ADVANCED_STANDING else target.level - 1


def grade_meets(grade: Decimal | None, minimum: Decimal | None) -> bool | None:
    """True or False, or None when a minimum is set and no grade was given (a person must look)."""
    if minimum is None:
        return True
    if grade is None:
        return None
    return grade >= minimum


def counted_refs(entries: Iterable[LedgerEntry], target_org: str, award: str) -> dict[str, Decimal]:
    """Achievements with net positive credit towards this award, by ``Achievement.ref``."""
    net: dict[str, Decimal] = {}
    for e in entries:
        if e.target_org == target_org and e.award == award and e.purpose is Purpose.ADVANCED_STANDING:
            net[e.achievement_ref] = net.get(e.achievement_ref, ZERO) + e.credits
    return {ref: credits for ref, credits in net.items() if credits > 0}


def counted_courses(entries: Iterable[LedgerEntry], target_org: str, award: str) -> frozenset[int]:
    """Course pks with net positive credit towards this award."""
    refs = counted_refs(entries, target_org, award)
    return frozenset(e.course_pk for e in entries if e.course_pk is not None and e.achievement_ref in refs)


def covers(agreement: AgreementTerms, achievement: Achievement, target: Target) -> bool:
    """Does the agreement's scope reach this achievement towards this target (in force or not)?"""
    scope = agreement.scope
    source = achievement.provider_id
    if target.org_id not in agreement.receivers or source is None or source == target.org_id:
        return False
    if source not in agreement.parties or (scope.source_providers and source not in scope.source_providers):
        return False
    if agreement.terms.awards and target.award not in agreement.terms.awards:
        return False
    if scope.courses:
        return any(str(course) == achievement.course for course in scope.courses)
    if scope.cah_groups and not achievement.cah_groups & set(scope.cah_groups):
        return False
    if scope.eqf_levels and achievement.eqf not in scope.eqf_levels:
        return False
    return scope.min_credit is None or achievement.credit >= scope.min_credit


def not_in_force(agreement: AgreementTerms, on: date) -> tuple[Reason, ...]:
    """Why this agreement version cannot be relied on, on ``on`` (empty when it can)."""
    name = agreement.name
    if agreement.state is AgreementState.EXPIRED or (agreement.valid_until and on > agreement.valid_until):
        ended = agreement.valid_until.isoformat() if agreement.valid_until else "earlier"
        return (Reason("agreement_expired", f"{name} expired ({ended})"),)
    if agreement.state is not AgreementState.ACTIVE:
        return (Reason("agreement_not_active", f"{name} is {agreement.state.value}, not active"),)
    if on < agreement.valid_from:
        return (Reason("agreement_not_yet_valid",
                       f"{name} applies from {agreement.valid_from.isoformat()}"),)
    approved = {org for org, hashed in agreement.approvals if hashed == agreement.terms_hash}
    missing = sorted(agreement.parties - approved)
    if missing:
        return (Reason("terms_not_approved",
                       f"{name}: these terms were not approved by {', '.join(missing)}"),)
    return ()


# --- the engine ------------------------------------------------------------------------------------


@dataclass
class _Running:
    """Credit proposed so far in this request, counted with the ledger."""

    entries: list[LedgerEntry] = field(default_factory=list)


def _under_agreement(a: Achievement, agreement: AgreementTerms, target: Target, on: date,
                     ledger: Sequence[LedgerEntry]) -> Outcome:
    terms, scope, name = agreement.terms, agreement.scope, agreement.name
    reasons = [Reason("covered", f"covered by {name}")]

    def outcome(kind: OutcomeKind, credits: Decimal = ZERO, *more: Reason) -> Outcome:
        return Outcome(a.key, kind, credits, agreement.version_id, (*reasons, *more), agreement.agreement_id)

    if not within_shelf_life(a.awarded_on, on, terms.shelf_life_years):
        ends = shelf_life_ends(a.awarded_on, terms.shelf_life_years)
        return outcome(OutcomeKind.NOT_RECOGNISED, ZERO, Reason(
            "shelf_life_passed",
            f"credit awarded on {a.awarded_on.isoformat()} was usable until {ends.isoformat()} under a "
            f"{terms.shelf_life_years}-year shelf-life; the request is dated {on.isoformat()}"))
    if terms.shelf_life_years is not None:
        reasons.append(Reason("within_shelf_life", f"within the {terms.shelf_life_years}-year shelf-life"))
    needed = required_level(target)
    if not level_meets(a.eqf, needed):
        shown = "not given" if a.eqf is None else f"EQF {a.eqf}"
        return outcome(OutcomeKind.NOT_RECOGNISED, ZERO, Reason(
            "level_below_target", f"level {shown} is below the EQF {needed} this {target.purpose.value} needs"))
    grade = grade_meets(a.grade, scope.min_grade)
    if grade is None:
        return outcome(OutcomeKind.NEEDS_REVIEW, ZERO, Reason(
            "grade_missing", f"no grade given; the agreement asks for at least {credits_text(scope.min_grade)}%"))
    if not grade:
        return outcome(OutcomeKind.NOT_RECOGNISED, ZERO, Reason(
            "grade_below_minimum", f"grade {credits_text(a.grade)}% is below the minimum {credits_text(scope.min_grade)}%"))
    wanted = (a.credit * terms.credit_factor).quantize(CENT, rounding=ROUND_FLOOR)
    if terms.credit_factor != 1:
        reasons.append(Reason("credit_factor",
                              f"{credits_text(terms.credit_factor)} of {credits_text(a.credit)} credits recognised"))
    if target.purpose is Purpose.ENTRY:
        words = ("guarantees entry" if terms.recognition is Recognition.GUARANTEES_ENTRY
                 else "supports an application for entry (it does not guarantee entry)")
        return outcome(OutcomeKind.RECOGNISE, wanted, Reason(terms.recognition.value, f"recognition {words}"))
    learner_room = room_under(terms.max_credit_per_learner,
                              credit_total(ledger, agreement_id=agreement.agreement_id))
    award_room = room_under(share_cap(target.total_credit, terms.max_share_of_award),
                            credit_total(ledger, target_org=target.org_id, award=target.award))
    credits = capped(wanted, learner_room, award_room)
    caps = []
    if learner_room is not None and learner_room <= credits:
        caps.append(f"the agreement's maximum of {credits_text(terms.max_credit_per_learner)} credits per learner")
    if award_room is not None and award_room <= credits:
        share = terms.max_share_of_award
        caps.append(f"at most {share.numerator}/{share.denominator} of the {credits_text(target.total_credit)}-credit "
                    f"award from recognised credit")
    if credits <= 0:
        return outcome(OutcomeKind.NOT_RECOGNISED, ZERO,
                       Reason("cap_reached", f"no credit left under {' and '.join(caps)}"))
    if credits < wanted:
        return outcome(OutcomeKind.RECOGNISE, credits, Reason(
            "capped", f"{credits_text(credits)} of {credits_text(wanted)} credits, limited by {' and '.join(caps)}"))
    return outcome(OutcomeKind.RECOGNISE, credits,
                   Reason("recognised", f"{credits_text(credits)} credits towards {target.award}"))


_RANK = {OutcomeKind.RECOGNISE: 0, OutcomeKind.NEEDS_REVIEW: 1, OutcomeKind.NOT_RECOGNISED: 2}


def _best(outcomes: Sequence[Outcome]) -> Outcome:
    return min(outcomes, key=lambda o: (_RANK[o.kind], -o.credits, o.agreement_version_id or 0))


def double_counted(a: Achievement, target: Target, ledger: Sequence[LedgerEntry],
                   pairs: Iterable[OverlapPair]) -> Reason | None:
    """Why counting ``a`` towards ``target`` would count learning already counted in ``ledger`` (the same
    achievement, or a course in a confirmed overlap with a counted one); None when it would not, and
    always None for entry (entry does not spend credit towards an award)."""
    if target.purpose is not Purpose.ADVANCED_STANDING:
        return None
    counted = counted_refs(ledger, target.org_id, target.award)
    if a.ref in counted:
        return Reason("already_counted",
                      f"{a.title} already counts {credits_text(counted[a.ref])} credits towards {target.award}")
    other = overlapping(a.course_pk, counted_courses(ledger, target.org_id, target.award),
                        ((pair.a, pair.b) for pair in pairs))
    if other is not None:
        return Reason("overlaps_counted_course",
                      f"{a.title} overlaps a course already counted towards {target.award} (course {other}); "
                      f"counting both would count the same learning twice")
    return None


def assess_achievement(a: Achievement, target: Target, on: date, agreements: Sequence[AgreementTerms],
                       ledger: Sequence[LedgerEntry], pairs: Iterable[OverlapPair],
                       standing: Mapping[int, tuple[Reason, ...]] | None = None) -> Outcome:
    """The outcome for one achievement, given everything already counted (``ledger``).

    ``standing`` may give ``not_in_force`` per agreement version, worked out once for many achievements
    (by default, on ``on``).
    """
    standing = standing if standing is not None else {g.version_id: not_in_force(g, on) for g in agreements}
    twice = double_counted(a, target, ledger, pairs)
    if twice is not None:
        return Outcome(a.key, OutcomeKind.NOT_RECOGNISED, ZERO, None, (twice,))
    covering = [g for g in agreements if covers(g, a, target)]
    in_force = [g for g in covering if not standing[g.version_id]]
    if not in_force:
        why = tuple(r for g in covering for r in standing[g.version_id])
        return Outcome(a.key, OutcomeKind.NEEDS_REVIEW, ZERO, None, (
            Reason("no_agreement", f"no agreement in force covers {a.title} towards {target.award} at "
                                   f"{target.org_id}; the receiving member may still recognise it"),
            *why))
    return _best([_under_agreement(a, g, target, on, ledger) for g in in_force])


def _entry_for(a: Achievement, outcome: Outcome, target: Target) -> LedgerEntry:
    return LedgerEntry(-1, target.org_id, target.award, outcome.credits, a.ref, a.course_pk,
                       outcome.agreement_id, target.purpose)


def _proposal(outcomes: Sequence[Outcome], target: Target,
              recognition: dict[int, Recognition]) -> Proposal:
    credits = sum((o.credits for o in outcomes), ZERO)
    recognised = [o for o in outcomes if o.kind is OutcomeKind.RECOGNISE]
    reviews = [o for o in outcomes if o.kind is OutcomeKind.NEEDS_REVIEW]
    entry = None
    if target.purpose is Purpose.ENTRY and recognised:
        given = {recognition[o.agreement_version_id] for o in recognised}
        entry = (Recognition.GUARANTEES_ENTRY if Recognition.GUARANTEES_ENTRY in given
                 else Recognition.SUPPORTS_APPLICATION)
    if reviews:
        kind = OutcomeKind.NEEDS_REVIEW
        words = f"{len(reviews)} of {len(outcomes)} achievements need a person to review them"
    elif recognised:
        kind = OutcomeKind.RECOGNISE
        words = f"recognise {credits_text(credits)} credits towards {target.award}"
    else:
        kind = OutcomeKind.NOT_RECOGNISED
        words = "no achievement can be recognised"
    return Proposal(kind, credits, entry, (Reason(kind.value, words),))


def _listing_merit(a: Achievement) -> tuple:
    """What decides which listing of an achievement listed more than once counts (highest wins)."""
    return (a.awarded_on, a.credit, a.course_version_id or 0, a.eqf or 0,
            Decimal(-1) if a.grade is None else a.grade)


def counting_listings(achievements: Sequence[Achievement]) -> dict[str, str]:
    """For each achievement (by ``ref``) the key of the one listing that counts (see the module)."""
    chosen: dict[str, Achievement] = {}
    for a in achievements:
        held = chosen.get(a.ref)
        if held is None or _listing_merit(a) > _listing_merit(held):
            chosen[a.ref] = a
    return {ref: a.key for ref, a in chosen.items()}


def assess(achievements: Sequence[Achievement], target: Target, on: date,
           agreements: Sequence[AgreementTerms], ledger: Sequence[LedgerEntry],
           pairs: Iterable[OverlapPair] = (), *, in_force_on: date | None = None) -> Assessment:
    """Pre-assess a request: an outcome with reasons for each achievement, in order, and a proposal.

    ``on`` is the request date (shelf-life); ``in_force_on`` the day the agreements must be in force
    (a decision's day; the request date when not given); ``ledger`` the learner's ledger (read before
    this request); ``pairs`` the confirmed overlaps among the courses involved.

    Caps give what is left in list order. Under one agreement's caps the total recognised does not depend
    on that order (it is the capped sum), and an achievement listed twice counts by its listing, not by
    its place. Order does matter in two cases, by design: under several agreements whose caps differ the
    earlier achievements take the room first, and of two courses in a confirmed overlap the first listed
    counts.
    """
    pairs = tuple(pairs)
    standing = {g.version_id: not_in_force(g, in_force_on or on) for g in agreements}
    running = list(ledger)
    outcomes = []
    counting = counting_listings(achievements)
    for a in achievements:
        if counting[a.ref] != a.key:
            outcomes.append(Outcome(a.key, OutcomeKind.NOT_RECOGNISED, ZERO, None, (
                Reason("listed_twice", f"{a.title} is listed more than once in this request; "
                                       f"achievement {counting[a.ref]} counts"),)))
            continue
        outcome = assess_achievement(a, target, on, agreements, running, pairs, standing)
        outcomes.append(outcome)
        if outcome.kind is OutcomeKind.RECOGNISE and target.purpose is Purpose.ADVANCED_STANDING:
            running.append(_entry_for(a, outcome, target))
    recognition = {g.version_id: g.terms.recognition for g in agreements}
    return Assessment(on, target, tuple(outcomes), _proposal(outcomes, target, recognition))
