"""The pure pathway rules, rule by rule, at their boundaries."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from directory.credit import Achievement, Level
from directory.pathways.rules import (
    CreditUse,
    OptionGroup,
    PathwayRules,
    Role,
    RuleKind,
    evaluate,
    evaluate_all,
    relevant,
)

AW, OTHER, THIRD = "aw", "other", "third"
TODAY = date(2026, 6, 1)
M7 = Level("FHEQ", 7, 7)
M6 = Level("FHEQ", 6, 6)


def ach(course, credit=15, *, provider=None, level=M7, on=date(2025, 1, 1), key=None):
    provider = provider if provider is not None else course.partition("/")[0]
    return Achievement(key or course, course, Decimal(credit), level, on, provider, course)


def by_hand(key, credit=15, *, provider=None, level=M7, on=date(2025, 1, 1)):
    return Achievement(key, key, Decimal(credit), level, on, provider, None)


def rules(**overrides):
    base = dict(pathway_id="p", awarding_provider_id=AW, total_credit=Decimal(60),
                core=(f"{AW}/c1", f"{AW}/c2"),
                option_groups=(OptionGroup(Decimal(30), frozenset({f"{AW}/o1", f"{OTHER}/o2", f"{THIRD}/o3"})),))
    base.update(overrides)
    return PathwayRules(**base)


def rule(progress, kind):
    return next(r for r in progress.rules if r.kind is kind)


FULL = [ach(f"{AW}/c1"), ach(f"{AW}/c2"), ach(f"{AW}/o1"), ach(f"{OTHER}/o2")]


# -- total and level ----------------------------------------------------------------------------------

def test_exactly_the_total_credit_completes_the_pathway():
    progress = evaluate(rules(), FULL, TODAY)
    assert rule(progress, RuleKind.TOTAL_CREDIT).satisfied and progress.complete
    assert progress.counted_credit == 60


def test_one_credit_short_of_the_total_is_not_enough():
    short = FULL[:-1] + [ach(f"{OTHER}/o2", 14)]
    progress = evaluate(rules(), short, TODAY)
    total = rule(progress, RuleKind.TOTAL_CREDIT)
    assert not total.satisfied and total.have == 59 and total.need == 60


def test_level_credit_counts_only_credit_at_or_above_the_threshold():
    r = rules(level=M7, level_credit=Decimal(45))
    held = [ach(f"{AW}/c1"), ach(f"{AW}/c2"), ach(f"{AW}/o1", level=M6), ach(f"{OTHER}/o2")]
    assert rule(evaluate(r, held, TODAY), RuleKind.LEVEL_CREDIT).satisfied  # exactly 45 at level 7
    held[3] = ach(f"{OTHER}/o2", level=M6)
    level = rule(evaluate(r, held, TODAY), RuleKind.LEVEL_CREDIT)
    assert not level.satisfied and level.have == 30


def test_progress_is_capped_at_what_a_rule_needs():
    extra = FULL + [ach(f"{THIRD}/o3", 30)]
    progress = evaluate(rules(), extra, TODAY)
    assert all(r.have <= r.need for r in progress.rules)
    assert rule(progress, RuleKind.OPTION_GROUP).have == 30


# -- core, options, capstone ------------------------------------------------------------------------

def test_a_missing_core_course_is_named():
    progress = evaluate(rules(), FULL[1:], TODAY)
    core = rule(progress, RuleKind.CORE)
    assert not core.satisfied and core.missing == (f"{AW}/c1",) and core.have == 1


def test_option_groups_may_span_members():
    held = FULL[:2] + [ach(f"{OTHER}/o2"), ach(f"{THIRD}/o3")]
    group = rule(evaluate(rules(), held, TODAY), RuleKind.OPTION_GROUP)
    assert group.satisfied and group.have == 30


def test_an_unmet_option_group_lists_the_courses_still_open():
    group = rule(evaluate(rules(), FULL[:3], TODAY), RuleKind.OPTION_GROUP)
    assert not group.satisfied and set(group.missing) == {f"{OTHER}/o2", f"{THIRD}/o3"}


def test_capstone_present_and_absent():
    r = rules(capstone=f"{AW}/cap", total_credit=Decimal(75))
    assert not rule(evaluate(r, FULL, TODAY), RuleKind.CAPSTONE).satisfied
    assert rule(evaluate(r, FULL, TODAY), RuleKind.CAPSTONE).missing == (f"{AW}/cap",)
    done = evaluate(r, FULL + [ach(f"{AW}/cap")], TODAY)
    assert rule(done, RuleKind.CAPSTONE).satisfied and done.complete


def test_a_capstone_that_is_also_core_is_met_once_held():
    r = rules(capstone=f"{AW}/c2")
    assert evaluate(r, FULL, TODAY).complete


def test_courses_not_named_do_not_count_in_a_pathway_with_option_groups():
    progress = evaluate(rules(), FULL[:3] + [ach(f"{AW}/elsewhere", 30)], TODAY)
    assert progress.credit(f"{AW}/elsewhere").use is CreditUse.NOT_NAMED
    assert progress.credit(f"{AW}/elsewhere").needs_transfer
    assert progress.counted_credit == 45


def test_an_open_pathway_counts_any_credit_including_credit_described_by_hand():
    r = rules(core=(), option_groups=(), capstone=f"{AW}/cap", total_credit=Decimal(45))
    progress = evaluate(r, [by_hand("mine", 30, provider=AW), ach(f"{AW}/cap")], TODAY)
    assert progress.complete and progress.credit("mine").role is Role.OTHER


# -- the share from other members -------------------------------------------------------------------

def test_the_external_share_cap_reached_exactly_counts_everything():
    r = rules(max_external_share=Fraction(1, 4))  # 15 of 60
    progress = evaluate(r, FULL, TODAY)
    share = rule(progress, RuleKind.EXTERNAL_SHARE)
    assert progress.complete and share.have == share.need == 15
    assert progress.credit(f"{OTHER}/o2").counted == 15


def test_credit_beyond_the_external_cap_does_not_count():
    r = rules(max_external_share=Fraction(1, 4))
    held = FULL[:2] + [ach(f"{OTHER}/o2", 10), ach(f"{THIRD}/o3", 10)]
    progress = evaluate(r, held, TODAY)
    counted = {c.key: c.counted for c in progress.credits}
    assert counted[f"{OTHER}/o2"] + counted[f"{THIRD}/o3"] == 15
    assert not rule(progress, RuleKind.TOTAL_CREDIT).satisfied
    assert "beyond" in rule(progress, RuleKind.EXTERNAL_SHARE).words


def test_with_no_room_left_external_credit_is_beyond_the_cap():
    r = rules(max_external_share=Fraction(0))
    progress = evaluate(r, FULL, TODAY)
    assert progress.credit(f"{OTHER}/o2").use is CreditUse.BEYOND_EXTERNAL_CAP


def test_credit_of_unknown_origin_counts_as_external():
    r = rules(core=(), option_groups=(), total_credit=Decimal(30), max_external_share=Fraction(1, 2))
    progress = evaluate(r, [by_hand("x", 30)], TODAY)
    assert progress.credit("x").external and progress.counted_credit == 15


def test_external_credit_needs_a_transfer_and_internal_does_not():
    progress = evaluate(rules(), FULL, TODAY)
    assert progress.credit(f"{OTHER}/o2").needs_transfer
    assert not progress.credit(f"{AW}/c1").needs_transfer


# -- shelf-life and span ----------------------------------------------------------------------------

def test_credit_on_the_last_day_of_its_shelf_life_counts_and_the_day_after_does_not():
    edge = [ach(f"{AW}/c1", on=date(2021, 6, 1))] + FULL[1:]
    assert evaluate(rules(), edge, TODAY, shelf_life_years=5).complete
    late = [ach(f"{AW}/c1", on=date(2021, 5, 31))] + FULL[1:]
    progress = evaluate(rules(), late, TODAY, shelf_life_years=5)
    assert progress.credit(f"{AW}/c1").use is CreditUse.EXPIRED and not progress.complete


def test_span_boundary_days_and_the_complete_by_date():
    r = rules(max_span_years=3)
    on_edge = [ach(f"{AW}/c1", on=date(2023, 6, 1))] + FULL[1:]
    progress = evaluate(r, on_edge, TODAY)
    assert progress.complete and progress.complete_by == date(2026, 6, 1)
    assert "span" not in progress.credit(f"{AW}/c1").reason
    too_old = [ach(f"{AW}/c1", on=date(2023, 5, 31))] + FULL[1:]
    progress = evaluate(r, too_old, TODAY)
    assert progress.credit(f"{AW}/c1").use is CreditUse.EXPIRED
    assert "span of 3 years" in progress.credit(f"{AW}/c1").reason


def test_credit_close_to_expiry_is_flagged():
    held = [ach(f"{AW}/c1", on=date(2021, 9, 1))] + FULL[1:]
    progress = evaluate(rules(), held, TODAY, shelf_life_years=5, warn_days=365)
    assert progress.credit(f"{AW}/c1").expiring_soon
    assert not progress.credit(f"{AW}/c2").expiring_soon


# -- double counting ----------------------------------------------------------------------------------

def test_overlapping_achievements_count_once():
    r = rules()
    held = FULL + [ach(f"{THIRD}/o3")]
    progress = evaluate(r, held, TODAY, overlaps={(f"{OTHER}/o2", f"{THIRD}/o3")})
    uses = {progress.credit(f"{OTHER}/o2").use, progress.credit(f"{THIRD}/o3").use}
    assert uses == {CreditUse.COUNTED, CreditUse.DOUBLE_COUNTED}
    assert progress.counted_credit == 60


def test_the_same_course_twice_counts_once_the_latest_award_counting():
    held = FULL + [ach(f"{AW}/c1", key="again", on=date(2025, 6, 1))]
    progress = evaluate(rules(), held, TODAY)
    assert progress.credit(f"{AW}/c1").use is CreditUse.DOUBLE_COUNTED
    assert progress.credit(f"{AW}/c1").overlaps_with == "again"
    assert progress.credit("again").use is CreditUse.COUNTED
    assert progress.counted_credit == 60


def test_an_overlap_keeps_the_side_that_meets_more_rules():
    # o1 (option) overlaps c1 (core): keeping the core course meets the core rule.
    held = [ach(f"{AW}/o1", on=date(2024, 1, 1)), ach(f"{AW}/c1"), ach(f"{AW}/c2"), ach(f"{OTHER}/o2", 30)]
    progress = evaluate(rules(), held, TODAY, overlaps={(f"{AW}/c1", f"{AW}/o1")})
    assert progress.credit(f"{AW}/c1").use is CreditUse.COUNTED
    assert progress.credit(f"{AW}/o1").use is CreditUse.DOUBLE_COUNTED


# -- many pathways ------------------------------------------------------------------------------------

def test_evaluate_all_puts_complete_pathways_first():
    done, half = rules(pathway_id="done"), rules(pathway_id="half", total_credit=Decimal(120))
    assert [p.pathway_id for p in evaluate_all([half, done], FULL, TODAY)] == ["done", "half"]


@pytest.mark.parametrize(("held", "expected"), [
    ([], False), ([ach(f"{AW}/c1")], True), ([ach(f"{AW}/nope")], False), ([by_hand("x")], False)])
def test_a_pathway_is_relevant_when_it_would_count_something(held, expected):
    assert relevant(rules(), held) is expected


def test_an_open_pathway_is_relevant_to_any_credit():
    assert relevant(rules(core=(), option_groups=()), [by_hand("x")])


def test_a_new_external_core_course_can_take_the_allowance_an_option_had():
    # The documented exception to "adding never lowers the rules met": the cap's priority order.
    r = rules(core=(f"{AW}/c1", f"{OTHER}/cx"), max_external_share=Fraction(1, 4))
    held = [ach(f"{AW}/o1"), ach(f"{OTHER}/o2")]
    before = evaluate(r, held, TODAY)
    after = evaluate(r, held + [ach(f"{OTHER}/cx")], TODAY)
    assert rule(before, RuleKind.OPTION_GROUP).satisfied and not rule(after, RuleKind.OPTION_GROUP).satisfied
    assert after.satisfied < before.satisfied
