"""A run raises the garbage collector's thresholds while it ingests, and always puts back the process's own."""

from __future__ import annotations

import dataclasses
import gc
import threading

import pytest

from harvester import gc_budget, pipeline, registry
from harvester.environment import harvest_environment
from harvester.models import RunOutcome
from tests.factories import course, feed_bytes

PROVIDER = "10000001"


@pytest.fixture
def own_thresholds():
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield (700, 10, 10)
    gc.set_threshold(*before)


def test_a_harvest_runs_with_raised_thresholds_and_restores_them(instance, httpserver, own_thresholds):
    httpserver.expect_request("/feed.json").respond_with_data(feed_bytes([course("A1"), course("A2")]),
                                                              content_type="application/json")
    with instance.sessions.begin() as session:
        registry.add_feed(session, registry.FeedSpec(PROVIDER, "University of Testing",
                                                     httpserver.url_for("/feed.json")), allow_private=True)
    during = []
    env = dataclasses.replace(harvest_environment(instance),
                              on_changes=lambda changes: during.append(gc.get_threshold()))
    run = pipeline.harvest(env, PROVIDER)
    assert run.outcome is RunOutcome.SUCCEEDED and run.new == 2
    assert during == [gc_budget.RUN_THRESHOLDS]
    assert gc.get_threshold() == own_thresholds


def test_thresholds_come_back_after_a_failure(own_thresholds):
    @gc_budget.fewer_collections
    def failing():
        assert gc.get_threshold() == gc_budget.RUN_THRESHOLDS
        raise RuntimeError("store gone")

    with pytest.raises(RuntimeError):
        failing()
    assert gc.get_threshold() == own_thresholds


def test_concurrent_runs_share_one_window(own_thresholds):
    """The scheduler may run feeds in threads: the first to end must not put back the thresholds under the
    other, and the last puts back what the process had, not the raised ones."""
    first_in, second_done, seen = threading.Event(), threading.Event(), []

    @gc_budget.fewer_collections
    def first():
        first_in.set()
        second_done.wait(10)
        seen.append(("first after second", gc.get_threshold()))

    @gc_budget.fewer_collections
    def second():
        seen.append(("second", gc.get_threshold()))

    thread = threading.Thread(target=first)
    thread.start()
    first_in.wait(10)
    second()
    second_done.set()
    thread.join(10)
    assert seen == [("second", gc_budget.RUN_THRESHOLDS), ("first after second", gc_budget.RUN_THRESHOLDS)]
    assert gc.get_threshold() == own_thresholds


def test_a_process_that_chose_higher_thresholds_or_none_keeps_them():
    before, seen = gc.get_threshold(), []
    record = gc_budget.fewer_collections(lambda: seen.append(gc.get_threshold()))
    try:
        gc.set_threshold(200_000, 5, 50)
        record()
        gc.set_threshold(0, 10, 10)
        record()
        after = gc.get_threshold()
    finally:
        gc.set_threshold(*before)
    assert seen == [(200_000, 20, 50), (0, 10, 10)]
    assert after == (0, 10, 10)
