"""The test suite's calendar: every app and instance a test builds runs its clock from CLOCK_START.

The product reads dates only from its instance's clock (``directory.clock``), so pinning it here makes
every test independent of the day the suite runs; ``tests/test_clock.py`` proves it by running the
date-sensitive tests with the machine's own clock moved years ahead.
"""

from datetime import date

TODAY = date(2026, 11, 2)  # a Monday, before the factories' first presentation (2027-01-11)
CLOCK_START = "2026-11-02T09:00:00+00:00"
