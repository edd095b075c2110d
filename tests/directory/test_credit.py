"""The credit primitives both rules engines apply (directory.credit), at their boundaries; the engines'
own tests are tests/directory/pathways/test_rules.py and tests/exchange/test_rules.py."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

from directory.credit import (
    Achievement,
    Level,
    anniversary,
    capped,
    credits_text,
    expiring_soon,
    level_at_or_above,
    overlapping,
    room_under,
    share_cap,
    shelf_life_ends,
    stricter_limit,
    within_shelf_life,
)

TODAY = date(2026, 6, 1)
M7 = Level("FHEQ", 7, 7)


def test_anniversary_of_29_february_is_28_february_in_a_common_year():
    assert anniversary(date(2024, 2, 29), 1) == date(2025, 2, 28)
    assert anniversary(date(2024, 2, 29), 4) == date(2028, 2, 29)


def test_credit_is_within_shelf_life_on_the_anniversary_and_not_the_day_after():
    awarded = date(2021, 6, 1)
    assert shelf_life_ends(awarded, 5) == date(2026, 6, 1)
    assert within_shelf_life(awarded, date(2026, 6, 1), 5)
    assert not within_shelf_life(awarded, date(2026, 6, 2), 5)
    assert within_shelf_life(awarded, date(2100, 1, 1), None)


def test_expiring_soon_is_within_the_warning_window_only():
    assert expiring_soon(date(2021, 6, 2), TODAY, 5, 365)
    assert not expiring_soon(date(2022, 6, 2), TODAY, 5, 365)
    assert not expiring_soon(date(2021, 5, 1), TODAY, 5, 365)  # already expired
    assert not expiring_soon(date(2021, 6, 2), TODAY, None, 365)


def test_the_stricter_limit_wins():
    assert stricter_limit(5, 3) == 3 and stricter_limit(None, 3) == 3 and stricter_limit(None, None) is None


def test_levels_compare_in_one_framework_by_framework_level_and_across_by_eqf():
    assert level_at_or_above(Level("FHEQ", 5, 5), Level("FHEQ", 5, 5))
    assert not level_at_or_above(Level("FHEQ", 4, 5), Level("FHEQ", 5, 5))
    assert level_at_or_above(Level("SCQF", 11, 7), M7)
    assert not level_at_or_above(Level("SCQF", 10, 6), M7)
    assert not level_at_or_above(None, M7)


def test_share_cap_rounds_down_to_a_hundredth_and_rooms_never_go_negative():
    assert share_cap(Decimal(60), Fraction(1, 3)) == Decimal("20.00")
    assert share_cap(Decimal(50), Fraction(1, 3)) == Decimal("16.66")
    assert share_cap(Decimal(60), None) is None
    assert room_under(Decimal(20), Decimal(25)) == 0
    assert room_under(None, Decimal(25)) is None
    assert capped(Decimal(15), Decimal(10), None) == 10


def test_overlapping_finds_a_counted_partner_in_either_order():
    assert overlapping("a", ["b"], [("b", "a")]) == "b"
    assert overlapping("a", ["c"], [("b", "a")]) is None
    assert overlapping(None, ["b"], [("b", "a")]) is None


def test_credits_read_without_trailing_zeros_or_exponent():
    assert credits_text(Decimal("15.00")) == "15"
    assert credits_text(Decimal("7.50")) == "7.5"
    assert credits_text(Decimal("33.33")) == "33.33"
    assert credits_text(Decimal("1E+2")) == "100"


def test_a_level_known_only_on_the_eqf_compares_by_eqf():
    assert Level.eqf_only(7) == Level("EQF", 7, 7)
    assert level_at_or_above(Level.eqf_only(7), Level("FHEQ", 7, 7))
    assert not level_at_or_above(Level.eqf_only(6), Level("FHEQ", 7, 7))


def test_an_achievement_is_compared_by_its_course_or_by_what_describes_it():
    course = Achievement("1", "Data", Decimal(15), M7, date(2025, 1, 1), "p", "p/c1")
    by_hand = Achievement("2", " Data Ethics ", Decimal(15), None, date(2025, 1, 1), None, provider_name="Open")
    assert course.ref == "course:p/c1" and course.eqf == 7
    assert by_hand.ref == "external:open|data ethics|2025-01-01" and by_hand.eqf is None
