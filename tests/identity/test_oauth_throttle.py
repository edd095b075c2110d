"""Throttling failed client authentications at the OAuth endpoints: 429 with Retry-After past the limits,
per address and per client id (the member's own system still gets through from its address), and failures
audited in aggregate rather than one row each."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import func, select
from werkzeug.serving import make_server

from directory.db import utcnow
from directory.identity.clients import ClientThrottle
from directory.identity.models import EventKind, SecurityEvent
from tests.auth import add_client, add_org

A = "10000001"
ATTACKER, MEMBER = "203.0.113.66", "198.51.100.20"


@pytest.fixture
def member(instance):
    add_org(instance, A, "University of Testing")
    return add_client(instance, A, "catalogue:publish")


def ask(client, client_id: str, secret: str, address: str):
    return client.post("/oauth/token", data={"grant_type": "client_credentials"}, auth=(client_id, secret),
                       environ_base={"REMOTE_ADDR": address})


def failure_rows(instance) -> list[SecurityEvent]:
    with instance.readers() as session:
        return list(session.scalars(select(SecurityEvent).where(
            SecurityEvent.event == EventKind.CLIENT_AUTHENTICATION).order_by(SecurityEvent.id)))


def test_a_client_id_failing_from_an_address_is_refused_there_and_still_served_elsewhere(client, member):
    record, secret = member
    for _ in range(10):  # oauth_client_max_failures
        assert ask(client, record.client_id, "guess", ATTACKER).status_code == 401
    refused = ask(client, record.client_id, "guess", ATTACKER)
    assert refused.status_code == 429 and refused.json["error"] == "temporarily_unavailable"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60 and refused.headers["Cache-Control"] == "no-store"
    assert ask(client, record.client_id, secret, ATTACKER).status_code == 429  # not even checked
    served = ask(client, record.client_id, secret, MEMBER)
    assert served.status_code == 200 and served.json["access_token"]
    # Another address is let through until it fails for this client id itself.
    assert ask(client, record.client_id, "guess", "192.0.2.7").status_code == 401
    assert ask(client, record.client_id, secret, "192.0.2.7").status_code == 429
    assert ask(client, record.client_id, secret, MEMBER).status_code == 200


def test_an_address_failing_with_many_client_ids_is_refused_for_all(client, member):
    record, secret = member
    for number in range(20):  # oauth_address_max_failures
        assert ask(client, f"cf-made-up-{number}", "guess", ATTACKER).status_code == 401
    refused = ask(client, record.client_id, secret, ATTACKER)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    assert client.post("/oauth/revoke", data={"token": "x"}, auth=(record.client_id, secret),
                       environ_base={"REMOTE_ADDR": ATTACKER}).status_code == 429
    assert ask(client, record.client_id, secret, MEMBER).status_code == 200


def test_successes_do_not_count(client, member):
    record, secret = member
    for _ in range(30):
        assert ask(client, record.client_id, secret, MEMBER).status_code == 200


@pytest.mark.parametrize("known", [True, False], ids=["wrong-secret", "unknown-client"])
def test_a_burst_of_failures_writes_one_audit_row(client, member, instance, known):
    record, _secret = member
    statuses = [ask(client, record.client_id if known else f"cf-made-up-{n}", "guess", ATTACKER).status_code
                for n in range(200)]
    rows = failure_rows(instance)
    assert len(rows) == 1
    allowed = 10 if known else 20
    assert statuses == [401] * allowed + [429] * (200 - allowed)
    row = rows[0]
    assert row.source_address == ATTACKER and row.detail["failures"] == 1  # the rest wait for the next window
    assert row.actor == (f"client:{record.client_id}" if known else "anonymous")


def test_parallel_failures_do_not_pass_the_limit_together(app, member):
    record, _secret = member
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    start = threading.Barrier(40)

    def one(_):
        start.wait()
        return httpx.post(f"http://127.0.0.1:{httpd.server_port}/oauth/token", auth=(record.client_id, "guess"),
                          data={"grant_type": "client_credentials"}, timeout=60).status_code

    try:
        with ThreadPoolExecutor(40) as pool:
            statuses = list(pool.map(one, range(40)))
    finally:
        httpd.shutdown()
        thread.join(5)
    assert statuses.count(401) == 10 and statuses.count(429) == 30


def test_failures_reach_the_audit_log_once_per_window_counted(instance, member):
    record, _secret = member
    throttle = ClientThrottle(address_limit=1000, client_limit=1000, window=timedelta(seconds=60))
    start = utcnow()
    with instance.sessions.begin() as session:
        for second in range(200):  # one failure a second for 200 seconds
            now = start + timedelta(seconds=second)
            attempt = throttle.begin(ATTACKER, record.client_id, now)
            assert not attempt.retry_after
            throttle.failed(session, attempt, True, now)
            throttle.write_due(session, now)
        throttle.write_due(session, start + timedelta(seconds=239))  # the last report (at 180 s) is too recent
        assert session.scalar(select(func.count()).select_from(SecurityEvent).where(
            SecurityEvent.event == EventKind.CLIENT_AUTHENTICATION)) == 4
        throttle.write_due(session, start + timedelta(seconds=240))
    rows = failure_rows(instance)
    assert [row.detail["failures"] for row in rows] == [1, 60, 60, 60, 19]
    assert sum(row.detail["failures"] for row in rows) == 200


def test_the_limits_window_slides(member):
    record, _secret = member
    throttle = ClientThrottle(address_limit=3, client_limit=100, window=timedelta(seconds=60))
    start = utcnow()
    for second in (0, 10, 20):
        attempt = throttle.begin(ATTACKER, None, start + timedelta(seconds=second))
        assert not attempt.retry_after  # failures stay counted (never taken back)
    assert throttle.begin(ATTACKER, None, start + timedelta(seconds=30)).retry_after == 30
    assert not throttle.begin(ATTACKER, None, start + timedelta(seconds=60)).retry_after  # the first has left
    assert throttle.begin(ATTACKER, None, start + timedelta(seconds=61)).retry_after == 9
