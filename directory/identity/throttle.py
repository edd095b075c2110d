"""Counting failures in memory: a sliding window per key, and a tally that turns many failures into one
audit line per window.

Both live in one process (one web worker): nothing is written per failure, and the counts of several
workers are not shared, so with W workers a limit L lets up to W x L through. Neither holds a clock
(callers pass ``now``) nor a lock (the caller serialises access; see ``clients.ClientThrottle``). Both forget
keys that have been quiet for a window and hold at most ``max_keys``, dropping the longest quiet first, so
a flood of made-up keys costs bounded memory.
"""

from __future__ import annotations

import math
from collections import OrderedDict, deque
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import datetime, timedelta


class SlidingWindow:
    """Events per key within the last ``window``; at most ``keep`` kept per key (counts stop there)."""

    def __init__(self, window: timedelta, keep: int, max_keys: int = 10_000) -> None:
        self.window, self.keep, self.max_keys = window.total_seconds(), keep, max_keys
        self._events: OrderedDict[Hashable, deque[float]] = OrderedDict()

    def count(self, key: Hashable, now: datetime) -> int:
        return len(self._live(key, now.timestamp()))

    def add(self, key: Hashable, now: datetime) -> float:
        """Count an event; returns its stamp (to ``discard`` it again)."""
        at = now.timestamp()
        self._forget_quiet(at)
        events = self._live(key, at)
        if not events:
            self._events[key] = events
        events.append(at)
        self._events.move_to_end(key)
        while len(self._events) > self.max_keys:
            self._events.popitem(last=False)
        return at

    def discard(self, key: Hashable, stamp: float) -> None:
        """Take back an event counted with ``add`` (it turned out not to be a failure)."""
        events = self._events.get(key)
        if events is not None and stamp in events:
            events.remove(stamp)
            if not events:
                del self._events[key]

    def free_in(self, key: Hashable, now: datetime, limit: int) -> int:
        """Whole seconds until ``key`` counts fewer than ``limit`` events (0: it does already)."""
        at = now.timestamp()
        events = self._live(key, at)
        if len(events) < limit:
            return 0
        # The events before the last limit - 1 must leave the window.
        return max(1, math.ceil(events[len(events) - limit] + self.window - at))

    def _live(self, key: Hashable, at: float) -> deque[float]:
        events = self._events.get(key)
        if events is None:
            return deque(maxlen=self.keep)
        while events and events[0] <= at - self.window:
            events.popleft()
        return events

    def _forget_quiet(self, at: float) -> None:
        # Keys are in the order of their last event: the quiet ones are at the front.
        while self._events:
            key, events = next(iter(self._events.items()))
            if events and events[-1] > at - self.window:
                break
            del self._events[key]


@dataclass(frozen=True)
class Report:
    """``failures`` counted for ``key`` from ``since`` up to the report (one audit line)."""

    key: Hashable
    failures: int
    since: datetime


@dataclass
class _Tally:
    reported: datetime | None = None  # when the last report for the key went out
    failures: int = 0  # counted since
    since: datetime | None = None  # the first of those


class Tally:
    """At most one report per key per ``window``: the first failure is reported at once, the ones after it
    are counted and reported together once the window has passed (at the next failure, or by ``due``)."""

    def __init__(self, window: timedelta, max_keys: int = 10_000) -> None:
        self.window, self.max_keys = window, max_keys
        self._keys: OrderedDict[Hashable, _Tally] = OrderedDict()

    def add(self, key: Hashable, now: datetime) -> Report | None:
        """Count a failure; a report when one is due for ``key`` now."""
        tally = self._keys.setdefault(key, _Tally())
        self._keys.move_to_end(key)
        tally.failures += 1
        tally.since = tally.since or now
        while len(self._keys) > self.max_keys:
            self._keys.popitem(last=False)
        return self._report(key, tally, now)

    def due(self, now: datetime) -> list[Report]:
        """Reports of the counts whose window has passed since their key's last report."""
        reports = []
        for key, tally in list(self._keys.items()):
            if tally.failures:
                report = self._report(key, tally, now)
                if report is not None:
                    reports.append(report)
            elif tally.reported is None or now - tally.reported >= self.window:
                del self._keys[key]  # quiet for a window: nothing to remember
        return reports

    def _report(self, key: Hashable, tally: _Tally, now: datetime) -> Report | None:
        if tally.reported is not None and now - tally.reported < self.window:
            return None
        report = Report(key, tally.failures, tally.since or now)
        tally.reported, tally.failures, tally.since = now, 0, None
        return report
