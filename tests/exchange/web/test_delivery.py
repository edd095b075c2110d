"""Delivering the outbox after commit: signed webhooks to a real local HTTP server (signature checked,
retried after a 500, every attempt recorded), emails staying queued without a mail server, and the
scheduler's jobs."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import select
from werkzeug import Response

from directory.errors import Invalid
from exchange import delivery, jobs, webhooks
from exchange.agreements.models import Agreement
from exchange.notifications import OutboxMessage
from exchange.webhooks import WebhookAttempt, WebhookDelivery
from harvester.scheduler import build_scheduler
from tests.exchange.conftest import ADMIN, HOME, active_agreement
from tests.exchange.web.conftest import person
from tests.exchange.web.test_api import submitted
from tests.rebinding import INTERNAL, PUBLIC, ScriptedResolver, policy


def set_hook(app, instance, members, url) -> str:
    response = person(app, instance, members.home_staff).put(f"/api/v1/members/{HOME}/webhook", json={"url": url})
    assert response.status_code == 200, response.json
    return response.json["secret"]


def verified(secret: str, request) -> bool:
    expected = "sha256=" + hmac.new(secret.encode(), request.get_data(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, request.headers[delivery.SIGNATURE_HEADER])


def fast(settings, **changes):
    return replace(settings, webhook_backoff=0.01, **changes)


def test_a_submission_reaches_the_members_webhook_signed(app, instance, members, httpserver):
    secret = set_hook(app, instance, members, httpserver.url_for("/hook"))
    received = []

    def handler(request):
        received.append((verified(secret, request), json.loads(request.get_data())))
        return Response("ok")

    httpserver.expect_request("/hook", method="POST").respond_with_handler(handler)
    request = submitted(app, instance, members, 0)
    report = delivery.deliver(instance.sessions, fast(instance.settings))
    assert report.webhooks_delivered == 1
    ok, body = received[0]
    assert ok and body["event"] == "transfer_submitted" and body["organisation"] == HOME
    assert f"Transfer request {request['id']}" in body["subject"]
    assert delivery.deliver(instance.sessions, fast(instance.settings)).webhooks_delivered == 0  # once only


def test_a_webhook_answering_500_is_retried_with_backoff_and_every_attempt_recorded(app, instance, members,
                                                                                    httpserver):
    secret = set_hook(app, instance, members, httpserver.url_for("/hook"))
    httpserver.expect_ordered_request("/hook", method="POST").respond_with_data("down", status=500)
    httpserver.expect_ordered_request("/hook", method="POST").respond_with_data("down", status=500)
    httpserver.expect_ordered_request("/hook", method="POST").respond_with_handler(
        lambda request: Response("ok" if verified(secret, request) else "bad signature",
                                 status=200 if verified(secret, request) else 401))
    submitted(app, instance, members, 0)
    waits = []
    report = delivery.deliver(instance.sessions, replace(instance.settings, webhook_backoff=0.5), sleep=waits.append)
    assert report.webhooks_delivered == 1
    assert waits == [0.5, 1.0]  # exponential backoff
    with instance.sessions() as session:
        attempts = session.scalars(select(WebhookAttempt).order_by(WebhookAttempt.id)).all()
        assert [a.status for a in attempts] == [500, 500, 200]
        assert [a.error for a in attempts] == ["HTTP 500", "HTTP 500", None]
        assert session.scalar(select(WebhookDelivery)).state == "delivered"


def test_a_delivery_failing_a_whole_run_waits_for_a_later_run(app, instance, members, httpserver):
    set_hook(app, instance, members, httpserver.url_for("/hook"))
    httpserver.expect_request("/hook", method="POST").respond_with_data("down", status=503)
    submitted(app, instance, members, 0)
    settings = fast(instance.settings, webhook_retries=1)
    report = delivery.deliver(instance.sessions, settings, sleep=lambda _: None)
    assert (report.webhooks_delivered, report.webhooks_retrying) == (0, 1)
    again = delivery.deliver(instance.sessions, settings, sleep=lambda _: None)
    assert again.webhooks_retrying == 0  # not due yet
    with instance.sessions() as session:
        delivery_row = session.scalar(select(WebhookDelivery))
        assert delivery_row.state == "pending" and delivery_row.attempts == 2
        assert len(session.scalars(select(WebhookAttempt)).all()) == 2


def test_messages_written_before_the_webhook_existed_are_not_sent_to_it(app, instance, members, httpserver):
    submitted(app, instance, members, 0)
    set_hook(app, instance, members, httpserver.url_for("/hook"))
    assert delivery.deliver(instance.sessions, fast(instance.settings)).webhooks_delivered == 0
    assert httpserver.log == []


def test_webhook_addresses_are_checked_like_feed_addresses(instance, members):
    with instance.sessions.begin() as session:
        with pytest.raises(Invalid):
            webhooks.set_webhook(session, ADMIN, HOME, "http://127.0.0.1:9/hook", allow_private=False, secret_key="k")
        with pytest.raises(Invalid):
            webhooks.set_webhook(session, ADMIN, HOME, "ftp://hooks.example.org/x", allow_private=True, secret_key="k")


def test_only_the_members_staff_set_its_webhook(app, instance, members):
    body = {"url": "https://hooks.example.org/cf"}
    assert person(app, instance, members.other_staff).put(f"/api/v1/members/{HOME}/webhook", json=body) \
        .status_code == 403
    assert person(app, instance, members.learner).put(f"/api/v1/members/{HOME}/webhook", json=body) \
        .status_code == 403


def test_without_a_mail_server_messages_stay_queued_and_the_run_says_so(app, instance, members, caplog):
    submitted(app, instance, members, 0)
    with caplog.at_level(logging.WARNING, logger="exchange.delivery"):
        report = delivery.deliver(instance.sessions, instance.settings)
    assert report.emails_sent == 0 and report.emails_queued >= 1
    assert "no smtp_host is configured" in caplog.text
    with instance.sessions() as session:
        assert session.scalar(select(OutboxMessage).where(OutboxMessage.sent_at.is_(None))) is not None


def test_the_scheduler_carries_the_exchanges_jobs(instance):
    scheduler = build_scheduler(instance, BackgroundScheduler, extra_jobs=jobs.scheduled())
    ids = {job.id for job in scheduler.get_jobs()}
    assert {"exchange-agreements-daily", "exchange-deliver-outbox", "sync-feeds"} <= ids


def test_the_daily_job_expires_agreements_past_their_end_and_warns_of_those_ending(instance, members):
    with instance.sessions.begin() as session:
        ended = active_agreement(session).id
        ending = active_agreement(session, valid_until=date(2030, 1, 20)).id
    run = jobs.agreements_daily(instance, today=date(2030, 1, 2), now=datetime(2030, 1, 2, 1, 5, tzinfo=UTC))
    assert run.expired == [ended] and run.warnings == 2
    with instance.sessions() as session:
        assert session.get(Agreement, ended).state.value == "expired"
        assert session.get(Agreement, ending).state.value == "active"


def test_submit_decision_appeal_and_withdrawal_tell_the_learner_and_the_member(app, instance, members, httpserver):
    secret = set_hook(app, instance, members, httpserver.url_for("/hook"))
    events = []
    httpserver.expect_request("/hook", method="POST").respond_with_handler(
        lambda request: events.append(json.loads(request.get_data())["event"]) or Response("ok")
        if verified(secret, request) else Response("bad", status=401))
    first, second = submitted(app, instance, members, 0), submitted(app, instance, members, 1)
    learner, staff = person(app, instance, members.learner), person(app, instance, members.home_staff)
    learner.post(f"/api/v1/transfer-requests/{first['id']}/withdraw")
    staff.post(f"/api/v1/transfer-requests/{second['id']}/decision", json={"action": "refuse", "note": "No"},
               headers={"If-Match": str(second["version"])})
    learner.post(f"/api/v1/transfer-requests/{second['id']}/appeal", json={"reason": "Please look again"})
    with instance.sessions() as session:
        sent = {(m.kind, "learner" if m.recipient_user else "member")
                for m in session.scalars(select(OutboxMessage))}
    kinds = ("transfer_submitted", "transfer_withdrawn", "transfer_decided", "transfer_appealed")
    assert {(k, who) for k in kinds for who in ("learner", "member")} <= sent
    assert delivery.deliver(instance.sessions, fast(instance.settings)).webhooks_delivered == 5
    assert sorted(events) == sorted(["transfer_submitted", "transfer_submitted", "transfer_withdrawn",
                                     "transfer_decided", "transfer_appealed"])


def test_the_webhook_secret_is_stored_sealed(instance):
    from directory.identity.sealing import unseal

    with instance.sessions.begin() as session:
        hook, secret = webhooks.set_webhook(session, ADMIN, HOME, "https://hooks.example.org/cf",
                                            allow_private=True, secret_key=instance.settings.secret_key)
        stored = hook.secret
    assert secret not in stored
    assert unseal(stored, instance.settings.secret_key) == secret


# --- DNS rebinding: each attempt posts to the address it checked ------------------------------------


def hook_at(instance, url: str) -> str:
    with instance.sessions.begin() as session:
        _, secret = webhooks.set_webhook(session, ADMIN, HOME, url, allow_private=True,
                                         secret_key=instance.settings.secret_key)
    return secret


def attempts_made(instance) -> list[tuple[int | None, str | None]]:
    with instance.sessions() as session:
        return [(a.status, a.error) for a in session.scalars(select(WebhookAttempt).order_by(WebhookAttempt.id))]


def test_a_webhook_name_answering_public_then_internal_is_posted_to_the_public_address(app, instance, members,
                                                                                       twins):
    secret = hook_at(instance, f"http://hooks.test:{twins.port}/hook")
    resolver = ScriptedResolver("hooks.test", [PUBLIC], [INTERNAL])
    twins.public.expect_request("/hook", method="POST").respond_with_handler(
        lambda request: Response("ok" if verified(secret, request) else "bad", status=200 if verified(secret, request)
                                 else 401))
    submitted(app, instance, members, 0)

    report = delivery.deliver(instance.sessions, fast(instance.settings), addresses=policy(resolver))

    assert report.webhooks_delivered == 1
    assert resolver.asked == 1  # the answer checked is the answer posted to
    request, _ = twins.public.log[0]
    assert request.headers["Host"] == f"hooks.test:{twins.port}"
    assert twins.internal.log == []


def test_a_webhook_name_answering_internal_is_refused_each_time_and_never_posted_to(app, instance, members,
                                                                                   twins):
    hook_at(instance, f"http://hooks.test:{twins.port}/hook")
    resolver = ScriptedResolver("hooks.test", [INTERNAL], [PUBLIC])
    twins.public.expect_request("/hook", method="POST").respond_with_data("ok")
    submitted(app, instance, members, 0)
    waits = []

    report = delivery.deliver(instance.sessions, fast(instance.settings, webhook_retries=1),
                              sleep=waits.append, addresses=policy(resolver))

    assert report.webhooks_delivered == 1 and waits == [0.01]
    refused = f"AddressRefused: refused: hooks.test resolves to private address {INTERNAL}"
    assert attempts_made(instance) == [(None, refused), (200, None)]
    assert len(twins.public.log) == 1 and twins.internal.log == []
