"""Feed leases a crashed run cannot hold, probed as an operator meets it: a real harvest in another process,
stalled by a local feed server halfway through the body, killed with SIGKILL; then the next run, the
crashed run's report and `harvest unlock`."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from dataclasses import replace
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from climbing_frame.cli import main
from directory.db import utcnow
from directory.errors import Conflict
from harvester import lease as leases
from harvester import pipeline, registry
from harvester.environment import harvest_environment
from harvester.models import Feed, HarvestRun, RunOutcome
from tests.conftest import TEST_DATABASE_URL
from tests.factories import course, feed_bytes

ROOT = Path(__file__).resolve().parents[2]
FEED = "10000001"
BODY = feed_bytes([course(f"K{i}") for i in range(40)])


class StallingFeedServer:
    """Serves BODY; while ``stalling`` is set, every answer stops halfway through the body until the
    server is closed (the connection stays open: the reader just waits)."""

    def __init__(self, body: bytes) -> None:
        self.body = body
        self.stalling = True
        self.stalled = threading.Event()
        self._closing = threading.Event()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(outer.body)))
                self.end_headers()
                if not outer.stalling:
                    self.wfile.write(outer.body)
                    return
                self.wfile.write(outer.body[: len(outer.body) // 2])
                self.wfile.flush()
                outer.stalled.set()
                outer._closing.wait(300)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/feed.json"

    def close(self) -> None:
        self._closing.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def feed_server():
    server = StallingFeedServer(BODY)
    yield server
    server.close()


@pytest.fixture
def env(tmp_path, instance, monkeypatch, feed_server):
    """CF_* variables pointing the command at the test's database; a lease of a minute, renewed often."""
    values = {
        "CF_SETTINGS_FILE": str(tmp_path / "none.toml"),
        "CF_DATA_DIR": str(instance.settings.data_dir),
        "CF_DATABASE_URL": TEST_DATABASE_URL,
        "CF_HARVEST_ALLOW_PRIVATE": "1",
        "CF_HARVEST_RETRIES": "0",
        "CF_HARVEST_READ_TIMEOUT": "300",
        "CF_HARVEST_LEASE_SECONDS": "60",
        "CF_HARVEST_LEASE_RENEW_SECONDS": "0.2",
        "CF_SECRET_KEY": "test",
        "CF_LOG_LEVEL": "WARNING",
    }
    for key, value in values.items():
        monkeypatch.setenv(key, value)
    with instance.sessions.begin() as session:
        registry.add_feed(session, registry.FeedSpec(FEED, "University of Testing", feed_server.url),
                          allow_private=True)
    return values


def lease_of(instance) -> Feed:
    with instance.sessions() as session:
        feed = session.get(Feed, FEED)
        session.expunge(feed)
        return feed


def runs_of(instance) -> list[HarvestRun]:
    with instance.sessions() as session:
        return list(session.scalars(select(HarvestRun).order_by(HarvestRun.id)))


def wait_for(condition, seconds: float = 60) -> bool:
    """Until ``condition()`` holds (another process's progress), at most ``seconds``."""
    pause = threading.Event()
    for _ in range(int(seconds * 10)):
        if condition():
            return True
        pause.wait(0.1)
    return condition()


def crash_a_harvest(instance, env, feed_server, tmp_path) -> Feed:
    """Start `climbing-frame harvest` in its own process, let it stall mid-body, check its heartbeat renews
    the lease, kill it with SIGKILL. Returns the feed row as the killed run left it."""
    log = (tmp_path / "child.log").open("w")
    child = subprocess.Popen([sys.executable, "-m", "climbing_frame.cli", "harvest", "--feed", FEED],
                             env={**os.environ, **env, "PYTHONPATH": str(ROOT)}, cwd=tmp_path,
                             stdout=log, stderr=subprocess.STDOUT)
    try:
        assert feed_server.stalled.wait(120), (tmp_path / "child.log").read_text()
        first = lease_of(instance)
        assert first.lease_holder and f":{child.pid}:" in first.lease_holder
        assert wait_for(lambda: lease_of(instance).lease_until > first.lease_until), "the lease was not renewed"
    finally:
        child.kill()
        child.wait(60)
        log.close()
    assert child.returncode == -9
    return lease_of(instance)


def test_a_killed_harvest_holds_its_feed_only_until_its_lease_expires(instance, env, feed_server, tmp_path):
    left = crash_a_harvest(instance, env, feed_server, tmp_path)
    assert left.lease_until - utcnow() <= timedelta(seconds=60)
    work = harvest_environment(instance)
    with pytest.raises(Conflict, match="being harvested by another run"):
        pipeline.harvest(work, FEED)
    assert runs_of(instance) == []

    feed_server.stalling = False
    after_expiry = replace(work, clock=lambda: left.lease_until + timedelta(seconds=1))
    run = pipeline.harvest(after_expiry, FEED)
    assert run.outcome is RunOutcome.SUCCEEDED and run.new == 40

    crashed, succeeded = runs_of(instance)
    assert succeeded.id == run.id
    assert crashed.outcome is RunOutcome.FAILED and crashed.trigger == "manual"
    assert crashed.errors[0].startswith("the run stopped without finishing (process ended); lease expired at "
                                        f"{left.lease_until.isoformat(timespec='seconds')}")
    assert left.lease_holder in crashed.errors[0]
    assert crashed.started == left.lease_started and crashed.finished == left.lease_until
    assert lease_of(instance).lease_until is None


def test_harvest_unlock_clears_a_crashed_runs_lease_at_once(instance, env, feed_server, tmp_path):
    left = crash_a_harvest(instance, env, feed_server, tmp_path)
    runner = CliRunner()
    blocked = runner.invoke(main, ["harvest", "--feed", FEED])
    assert blocked.exit_code == 1 and "being harvested by another run" in blocked.output
    assert "harvest unlock" in " ".join(blocked.output.split())  # rich wraps long lines

    unlocked = runner.invoke(main, ["harvest", "unlock", FEED])
    assert unlocked.exit_code == 0, unlocked.output
    (abandoned,) = runs_of(instance)
    assert f"run {abandoned.id}" in unlocked.output
    assert abandoned.outcome is RunOutcome.FAILED and "an administrator cleared its lease" in abandoned.errors[0]
    assert abandoned.started == left.lease_started and left.lease_holder in abandoned.errors[0]
    assert lease_of(instance).lease_until is None and lease_of(instance).lease_holder is None

    again = runner.invoke(main, ["harvest", "unlock", FEED])
    assert again.exit_code == 0 and "nothing changed" in again.output
    assert len(runs_of(instance)) == 1

    feed_server.stalling = False
    harvested = runner.invoke(main, ["harvest", "--feed", FEED])
    assert harvested.exit_code == 0, harvested.output
    assert [r.outcome for r in runs_of(instance)] == [RunOutcome.FAILED, RunOutcome.SUCCEEDED]


def test_unlock_of_an_unknown_feed_is_a_clear_error(instance, env):
    result = CliRunner().invoke(main, ["harvest", "unlock", "99999999"])
    assert result.exit_code == 1 and "no feed '99999999'" in result.output


class Clock:
    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self):
        return self.now


def test_the_heartbeat_renews_the_lease_from_the_clock_and_gives_it_back(instance, env):
    clock = Clock()
    started = clock.now
    _, lease = leases.take(instance.sessions, FEED, trigger="manual", duration=timedelta(minutes=5), clock=clock)
    beats, renewed_twice = [], threading.Event()

    def wait(stop: threading.Event, seconds: float) -> bool:
        beats.append(seconds)
        if len(beats) <= 2:
            clock.now += timedelta(seconds=seconds)  # time passes between beats; no sleeping here
            return False
        renewed_twice.set()
        return stop.wait()

    with leases.Heartbeat(lease, every=60, wait=wait):
        assert renewed_twice.wait(60)
        assert lease_of(instance).lease_until == started + timedelta(seconds=120) + timedelta(minutes=5)
        assert lease_of(instance).lease_started == started
    assert beats[:2] == [60, 60]
    assert lease_of(instance).lease_until is None


def test_the_renewal_interval_stays_well_inside_the_lease(instance, env):
    _, lease = leases.take(instance.sessions, FEED, trigger="manual", duration=timedelta(seconds=30), clock=utcnow)
    assert leases.Heartbeat(lease, every=600).every == 10
    lease.release()


def test_a_run_that_lost_its_lease_writes_nothing(instance, env, httpserver):
    """An administrator unlocks the feed while its run is fetching: the run must not write afterwards."""
    work = harvest_environment(instance)

    def answer(request):
        from werkzeug import Response

        pipeline.unlock(work, FEED)  # meanwhile, the administrator
        return Response(feed_bytes([course("L1")]), content_type="application/json")

    httpserver.expect_request("/lost.json").respond_with_handler(answer)
    with instance.sessions.begin() as session:
        registry.update_feed(session, registry.FeedSpec(FEED, "University of Testing", httpserver.url_for("/lost.json")),
                             allow_private=True)
    with pytest.raises(Conflict, match="lost its lease"):
        pipeline.harvest(work, FEED)
    (abandoned,) = runs_of(instance)
    assert "administrator cleared its lease" in abandoned.errors[0]
    with instance.sessions() as session:
        from directory.catalogue.models import Course

        assert session.scalar(select(func.count()).select_from(Course)) == 0
