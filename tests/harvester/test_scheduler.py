"""The scheduler process: a job per enabled feed at its interval, kept in line with the registry, and jobs
that really run the harvest."""

from __future__ import annotations

import threading
from datetime import timedelta

from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import select

from directory.db import utcnow
from harvester import registry, scheduler
from harvester.models import HarvestRun, RunOutcome
from tests.factories import course, feed_bytes


def add(instance, provider_id, url, every="6h"):
    with instance.sessions.begin() as session:
        registry.add_feed(session, registry.FeedSpec(provider_id, f"U{provider_id}", url, every=every),
                          allow_private=True)


def jobs(sched):
    return {job.id: job.trigger.interval for job in sched.get_jobs(jobstore="default")}


def test_jobs_follow_the_registry(instance, httpserver):
    add(instance, "10000001", httpserver.url_for("/a.json"), "6h")
    add(instance, "10000002", httpserver.url_for("/b.json"), "30m")
    sched = scheduler.build_scheduler(instance, BackgroundScheduler)
    sched.start(paused=True)
    try:
        scheduler.sync_jobs(sched, instance)
        assert jobs(sched) == {"harvest:10000001": timedelta(hours=6), "harvest:10000002": timedelta(minutes=30)}
        with instance.sessions.begin() as session:
            registry.remove_feed(session, "10000002")
            registry.update_feed(session, registry.FeedSpec("10000001", "U", httpserver.url_for("/a.json"),
                                                            every="1h"), allow_private=True)
        scheduler.sync_jobs(sched, instance)
        assert jobs(sched) == {"harvest:10000001": timedelta(hours=1)}
        job = sched.get_job("harvest:10000001")
        assert job.coalesce is True and job.max_instances == 1
    finally:
        sched.shutdown(wait=False)


def test_jobs_are_kept_in_the_database(instance, httpserver):
    add(instance, "10000001", httpserver.url_for("/a.json"))
    first = scheduler.build_scheduler(instance, BackgroundScheduler)
    first.start(paused=True)
    scheduler.sync_jobs(first, instance)
    first.shutdown(wait=False)
    second = scheduler.build_scheduler(instance, BackgroundScheduler)
    second.start(paused=True)
    try:
        assert "harvest:10000001" in jobs(second)
    finally:
        second.shutdown(wait=False)


def test_a_new_feed_is_first_due_shortly_after_the_clock_given(instance, httpserver):
    add(instance, "10000001", httpserver.url_for("/a.json"))
    moment = utcnow().replace(year=2030)
    sched = scheduler.build_scheduler(instance, BackgroundScheduler, clock=lambda: moment)
    sched.start(paused=True)
    try:
        scheduler.sync_jobs(sched, instance, clock=lambda: moment)
        assert sched.get_job("harvest:10000001").next_run_time == moment + scheduler.FIRST_RUN_DELAY
    finally:
        sched.shutdown(wait=False)


def test_a_scheduled_job_harvests_the_feed(instance, httpserver):
    httpserver.expect_request("/a.json").respond_with_data(feed_bytes([course("S1")]))
    add(instance, "10000001", httpserver.url_for("/a.json"))
    # A clock that puts the feed's first run now rather than a few seconds ahead: the test waits for the
    # job's own event, never for the wall clock.
    sched = scheduler.build_scheduler(instance, BackgroundScheduler,
                                      clock=lambda: utcnow() - scheduler.FIRST_RUN_DELAY)
    ran = threading.Event()
    sched.add_listener(lambda event: event.job_id == "harvest:10000001" and ran.set(),
                       EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
    sched.start()
    try:
        assert ran.wait(timeout=120), "the scheduler did not run the feed's job"
        with instance.sessions() as session:
            run = session.scalar(select(HarvestRun))
        assert run.trigger == "schedule" and run.outcome is RunOutcome.SUCCEEDED and run.new == 1
    finally:
        sched.shutdown(wait=True)


def test_a_deployment_feeds_file_is_registered_at_start(instance, tmp_path):
    from dataclasses import replace

    feeds_file = tmp_path / "feeds.toml"
    feeds_file.write_text('[[feed]]\nprovider_id = "10000009"\nname = "Ninth University"\n'
                          'url = "http://127.0.0.1:9/feed.xml"\nformat = "xcri-cap"\nevery = "12h"\n')
    instance.settings = replace(instance.settings, feeds_file=str(feeds_file))
    assert scheduler.register_configured_feeds(instance) == 1
    with instance.sessions() as session:
        feed = registry.get_feed(session, "10000009")
    assert (feed.format, feed.interval_seconds) == ("xcri-cap", 12 * 3600)
