"""The one clock of an instance: every "today" and "now" the product acts on comes from here.

Pure rules never read a clock (they take ``today``); services take ``today``/``now`` from their caller;
the callers (web views, CLI commands, scheduler jobs) ask the instance's clock. So one setting,
``clock_start`` (``CF_CLOCK_START``), moves the whole product to another date: the test suite pins it, so
that no test depends on the day it runs, and a consortium can rehearse next term's catalogue or an
agreement's expiry before the day comes.

A started clock keeps ticking from its start (monotonic time since the instance was built), so events
still happen in order: a request submitted and then decided keeps its order, a token issued and then
checked sees the seconds pass.

Security timing (session lifetimes, token expiry, sign-in lockouts) stays on the system clock: it measures
durations, never dates, and must not be moved by a setting.
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware UTC."""

    def today(self) -> date:
        """Today's date in UTC (the consortium's dates are calendar days; UTC keeps every worker agreed)."""


class SystemClock:
    """The machine's clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def today(self) -> date:
        return self.now().date()


class StartedClock:
    """A clock that reads ``start`` when built and ticks forward with monotonic time from there."""

    def __init__(self, start: datetime, monotonic=time.monotonic) -> None:
        if start.tzinfo is None:
            raise ValueError("a clock's start must carry a time zone")
        self._start, self._monotonic = start.astimezone(UTC), monotonic
        self._origin = monotonic()

    def now(self) -> datetime:
        return self._start + timedelta(seconds=self._monotonic() - self._origin)

    def today(self) -> date:
        return self.now().date()


def parse_start(value: str) -> datetime | None:
    """``clock_start``'s value: empty for the system clock, an ISO date (midnight UTC) or date-time."""
    text = str(value).strip()
    if not text:
        return None
    if len(text) == 10:
        return datetime.combine(date.fromisoformat(text), datetime.min.time(), UTC)
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def clock_for(start: str) -> Clock:
    moment = parse_start(start)
    return SystemClock() if moment is None else StartedClock(moment)
