"""Decision targets in working days (QAA 7.3: learners should not wait long for formal decisions).

A working day is Monday to Friday and not in the optional set of bank holidays. The day of submission is
not counted: a request submitted on a Friday with a target of one working day is due on the Monday.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta

DEFAULT_WORKING_DAYS = 10


def is_working_day(day: date, holidays: Collection[date] = frozenset()) -> bool:
    return day.weekday() < 5 and day not in holidays


def due_date(submitted: date, working_days: int = DEFAULT_WORKING_DAYS,
             holidays: Collection[date] = frozenset()) -> date:
    """The date ``working_days`` working days after ``submitted`` (which itself never counts)."""
    if working_days < 0:
        raise ValueError("working_days must not be negative")
    day, left = submitted, working_days
    while left:
        day += timedelta(days=1)
        if is_working_day(day, holidays):
            left -= 1
    return day


def is_overdue(due: date, today: date) -> bool:
    """Overdue from the day after the due date: a decision on the due date is on time."""
    return today > due
