"""The scheduler process: one APScheduler job per enabled feed, at the feed's interval.

Runs as its own process (``climbing-frame scheduler``), never inside web workers, so each job runs
once. Jobs live in a persistent job store in the database (table ``apscheduler_jobs``, created by
APScheduler itself), misfires are coalesced into one run, and at most one run of a feed is under way:
``max_instances=1`` within this process and the feed lease (harvester.pipeline) across processes.
Every minute the jobs are brought in line with the feed registry (feeds added, removed, re-timed). A new
feed's first run is due a few seconds after it is scheduled, by the clock given to ``build_scheduler``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.interval import IntervalTrigger

from directory.db import utcnow
from directory.errors import DomainError

from . import pipeline, registry
from .environment import harvest_environment

if TYPE_CHECKING:
    from directory.instance import Instance

log = logging.getLogger(__name__)

JOB_PREFIX = "harvest:"
# The scheduler process's instance, for jobs loaded from the persistent store (they are stored by name).
_instance: Instance | None = None


def harvest_job(feed_id: str) -> None:
    """One scheduled run of one feed."""
    assert _instance is not None, "harvest_job runs only inside the scheduler process"
    try:
        run = pipeline.harvest(harvest_environment(_instance), feed_id, trigger="schedule")
    except DomainError as exc:  # gone from the registry, or a run is under way elsewhere
        log.warning("scheduled harvest of %s skipped: %s", feed_id, exc.detail)
        return
    log.info("scheduled harvest of %s: %s (run %s)", feed_id, run.outcome.value, run.id)


def sync_jobs(scheduler: BaseScheduler, instance: Instance, clock: Callable[[], datetime] = utcnow) -> None:
    """Make the scheduled jobs match the registry's enabled feeds; a feed new to the schedule is first due
    ``FIRST_RUN_DELAY`` after ``clock()``."""
    with instance.sessions() as session:
        wanted = {f.id: f.interval_seconds for f in registry.list_feeds(session) if f.enabled}
    for job in scheduler.get_jobs(jobstore="default"):
        feed_id = job.id.removeprefix(JOB_PREFIX)
        if feed_id not in wanted:
            job.remove()
            log.info("unscheduled feed %s", feed_id)
        elif job.trigger.interval != timedelta(seconds=wanted[feed_id]):
            job.reschedule(IntervalTrigger(seconds=wanted[feed_id], timezone=UTC))
            log.info("feed %s now every %s s", feed_id, wanted[feed_id])
    present = {job.id for job in scheduler.get_jobs(jobstore="default")}
    for feed_id, seconds in wanted.items():
        if JOB_PREFIX + feed_id not in present:
            scheduler.add_job(
                "harvester.scheduler:harvest_job", IntervalTrigger(seconds=seconds, timezone=UTC),
                args=[feed_id], id=JOB_PREFIX + feed_id, name=f"harvest {feed_id}", jobstore="default",
                next_run_time=clock() + FIRST_RUN_DELAY,
            )
            log.info("scheduled feed %s every %s s", feed_id, seconds)


FIRST_RUN_DELAY = timedelta(seconds=5)


def build_scheduler(instance: Instance, scheduler_class=BlockingScheduler,
                    extra_jobs: Iterable[tuple[str, Callable[[Instance], object], BaseTrigger]] = (),
                    clock: Callable[[], datetime] = utcnow) -> BaseScheduler:
    """The scheduler: feed harvests, plus ``extra_jobs`` (id, function of the instance, trigger) that other
    packages hand over through the composition root (the exchange's daily and delivery jobs). ``clock``
    places the registry sync (due at once) and each new feed's first run (tests pass their own)."""
    global _instance
    _instance = instance
    scheduler = scheduler_class(
        jobstores={
            "default": SQLAlchemyJobStore(engine=instance.engine, tablename="apscheduler_jobs"),
            "process": MemoryJobStore(),
        },
        executors={"default": ThreadPoolExecutor(4)},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600},
        timezone=UTC,
    )
    scheduler.add_job(sync_jobs, IntervalTrigger(minutes=1, timezone=UTC), args=[scheduler, instance, clock],
                      id="sync-feeds", jobstore="process", next_run_time=clock())
    for job_id, function, trigger in extra_jobs:
        scheduler.add_job(function, trigger, args=[instance], id=job_id, jobstore="process")
    return scheduler


def register_configured_feeds(instance: Instance) -> int:
    """Add or update the feeds of the deployment's feeds file (setting ``feeds_file``), if any."""
    if not instance.settings.feeds_file:
        return 0
    specs = registry.read_feeds_file(Path(instance.settings.feeds_file), vocab=instance.vocab)
    with instance.sessions.begin() as session:
        # A feed whose profile changed is sorted again by its next scheduled run (the document hash
        # includes the profile's digest), so the scheduler does not re-sort here.
        registry.sync_feeds(session, specs, allow_private=instance.settings.harvest_allow_private)
    return len(specs)


def run_scheduler(instance: Instance, extra_jobs: Iterable = ()) -> None:
    count = register_configured_feeds(instance)
    if count:
        log.info("%s feeds registered from %s", count, instance.settings.feeds_file)
    scheduler = build_scheduler(instance, extra_jobs=extra_jobs)
    log.info("scheduler started")
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        log.info("scheduler stopped")
