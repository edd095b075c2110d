"""Fewer garbage collections while a document is ingested.

A run builds hundreds of thousands of objects that all live until it ends (parsed records, canonical
records, stored rows, search documents) and form next to no reference cycles. CPython's collector counts
allocations, not garbage: with its default thresholds it examines these survivors again and again, which
cost about a fifth of a run's CPU in the harvest benchmark. While at least one run is under way in the
process the thresholds are raised (collections still happen, some seventy times less often); the last run
to end puts back what it found, so a long-running scheduler or web process keeps its own settings.
"""

from __future__ import annotations

import functools
import gc
import threading
from collections.abc import Callable
from typing import ParamSpec, TypeVar

# (generation 0 allocations, generation 0 runs per generation 1 run, generation 1 runs per full run).
# Measured on the harvest benchmark: 50,000 takes most of the gain; higher buys nothing more.
RUN_THRESHOLDS = (50_000, 20, 10)

_lock = threading.Lock()
_runs = 0
_saved: tuple[int, int, int] | None = None

P = ParamSpec("P")
R = TypeVar("R")


def _enter() -> None:
    global _runs, _saved
    with _lock:
        if _runs == 0:
            _saved = gc.get_threshold()
            if _saved[0] != 0:  # 0: the process chose to switch automatic collection off; leave it so
                gc.set_threshold(*(max(mine, theirs) for mine, theirs in zip(RUN_THRESHOLDS, _saved, strict=True)))
        _runs += 1


def _exit() -> None:
    global _runs, _saved
    with _lock:
        _runs -= 1
        if _runs == 0 and _saved is not None:
            gc.set_threshold(*_saved)
            _saved = None


def fewer_collections(function: Callable[P, R]) -> Callable[P, R]:
    """Run ``function`` with the raised thresholds (nested and concurrent calls share one window)."""

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        _enter()
        try:
            return function(*args, **kwargs)
        finally:
            _exit()

    return wrapper
