"""Decision targets in working days (weekends and optional bank holidays excluded)."""

from datetime import date

from exchange.timeliness import due_date, is_overdue

MONDAY, FRIDAY, SATURDAY = date(2026, 11, 2), date(2026, 11, 6), date(2026, 11, 7)


def test_ten_working_days_from_a_monday_is_the_monday_two_weeks_on():
    assert due_date(MONDAY, 10) == date(2026, 11, 16)


def test_the_day_of_submission_does_not_count():
    assert due_date(FRIDAY, 1) == date(2026, 11, 9)


def test_a_weekend_submission_counts_from_monday():
    assert due_date(SATURDAY, 1) == date(2026, 11, 9)
    assert due_date(SATURDAY, 10) == date(2026, 11, 20)


def test_bank_holidays_are_skipped_when_given():
    christmas = {date(2026, 12, 25), date(2026, 12, 28)}
    assert due_date(date(2026, 12, 24), 1) == date(2026, 12, 25)
    assert due_date(date(2026, 12, 24), 1, christmas) == date(2026, 12, 29)


def test_zero_working_days_is_the_day_itself():
    assert due_date(MONDAY, 0) == MONDAY


def test_a_request_decided_on_its_due_date_is_on_time():
    assert not is_overdue(MONDAY, MONDAY)
    assert is_overdue(MONDAY, date(2026, 11, 3))
