"""One clock for the product, and a suite that does not depend on the day it runs.

The date-sensitive tests (search by next start, agreements' validity, the planner's shelf-life, the staff
queue's overdue marks) are run again in a subprocess under libfaketime with the machine's own clock moved
years ahead: the product reads only its instance's clock, which the suite pins (tests/clock.py), so they
pass whatever the date. Debian's faketime is installed by `make test` (scripts/install-test-packages.sh).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import UTC, date, datetime

import pytest

from directory import settings as settings_module
from directory.clock import StartedClock, SystemClock, clock_for, parse_start
from directory.errors import SettingsError
from tests.clock import CLOCK_START, TODAY

ROOT = __import__("pathlib").Path(__file__).resolve().parent.parent

DATE_SENSITIVE = [
    "tests/directory/test_search_web.py",
    "tests/directory/pathways/test_web.py",
    "tests/exchange/web/test_api.py",
    "tests/exchange/web/test_pages.py",
]


def test_a_started_clock_ticks_from_its_start():
    ticks = iter([100.0, 100.0, 190.5])
    clock = StartedClock(datetime(2031, 3, 1, 23, 59, tzinfo=UTC), monotonic=lambda: next(ticks))
    assert clock.now() == datetime(2031, 3, 1, 23, 59, tzinfo=UTC)
    assert clock.now() == datetime(2031, 3, 2, 0, 0, 30, 500000, tzinfo=UTC)


def test_clock_start_reads_dates_and_date_times():
    assert parse_start("") is None
    assert parse_start("2030-01-02") == datetime(2030, 1, 2, tzinfo=UTC)
    assert parse_start("2030-01-02T10:30:00Z") == datetime(2030, 1, 2, 10, 30, tzinfo=UTC)
    assert isinstance(clock_for(""), SystemClock)
    assert clock_for("2030-01-02").today() == date(2030, 1, 2)


def test_a_clock_start_that_is_not_a_date_fails_at_start_up(tmp_path):
    with pytest.raises(SettingsError, match="clock_start"):
        settings_module.load({"clock_start": "next tuesday"}, environ={"CF_SETTINGS_FILE": str(tmp_path / "x")})


def test_the_suite_runs_the_product_on_its_own_calendar(instance, client):
    assert instance.clock.today() == TODAY
    assert CLOCK_START.startswith(TODAY.isoformat())


@pytest.mark.parametrize("moved_to", ["2027-01-12 08:00:00", "2030-01-02 10:00:00", "2035-12-31 22:00:00"])
def test_date_sensitive_tests_pass_with_the_machine_clock_years_ahead(moved_to):
    faketime = shutil.which("faketime")
    assert faketime, "Debian's faketime is missing: `make test` installs it (scripts/install-test-packages.sh)"
    # SQLite in the subprocess whichever store this run uses: it must not reset the parent's database.
    environment = {k: v for k, v in os.environ.items() if k != "CF_TEST_DATABASE_URL"}
    result = subprocess.run(
        [faketime, moved_to, sys.executable, "-m", "pytest", *DATE_SENSITIVE, "-q", "-p", "no:cacheprovider",
         "-o", "addopts=--import-mode=importlib"],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=1200,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert " passed" in result.stdout and "failed" not in result.stdout
