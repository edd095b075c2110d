"""Harvests of many feeds in worker processes (validation is CPU work; the store and the index still take one
writer at a time)."""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace

from directory.errors import DomainError
from directory.instance import Instance

from . import pipeline
from .environment import harvest_environment
from .web.schemas import present_run


def harvest_in_parallel(instance: Instance, feed_ids: list[str], jobs: int) -> Iterator[tuple[str, dict | str]]:
    """Harvest feeds ``jobs`` at a time, each worker with an instance like this one (its settings and what
    the composition root plugged in; no connection, lock or index handle is inherited). Yields (feed id,
    run report or why it did not run), in order."""
    context = multiprocessing.get_context("spawn")
    like_this = replace(instance, _backend=None)
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=_worker_start,
                             initargs=(like_this,)) as pool:
        yield from zip(feed_ids, pool.map(_worker_harvest, feed_ids), strict=True)


_worker: Instance | None = None


def _worker_start(instance: Instance) -> None:
    global _worker
    _worker = instance


def _worker_harvest(feed_id: str) -> dict | str:
    assert _worker is not None
    try:
        return present_run(pipeline.harvest(harvest_environment(_worker), feed_id))
    except DomainError as exc:
        return exc.detail
