"""Sending what the outboxes hold, after the transactions that wrote them committed: emails (the exchange's
outbox and the identity package's) through SMTP, and signed webhooks to members' systems.

- Email: without ``smtp_host`` nothing is sent: the messages stay queued and the run says so. A message
  is marked sent in its own transaction right after the server took it, so a failure part-way leaves
  the rest queued for the next run (never a message marked sent that was not).
- Webhooks: every exchange message addressed to an organisation with a webhook becomes one delivery.
  A delivery is tried up to ``1 + webhook_retries`` times per run (waiting ``webhook_backoff`` seconds,
  doubling); after a failed run it is due again after 2^attempts minutes, and given up (state
  ``failed``) after ``MAX_ATTEMPTS``. Every attempt is recorded with its status or error. The body is
  signed: ``X-Climbing-Frame-Signature: sha256=<hex HMAC-SHA256 of the body with the member's secret>``.
  Each attempt resolves the webhook's host once, checks every address (no private ones unless
  ``harvest_allow_private``) and posts to one of those very addresses (``directory.outbound``), so a
  name that answered a public address at registration cannot send the post to 127.0.0.1 now.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import smtplib
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage

import httpx
import orjson
from sqlalchemy import exists, select
from sqlalchemy.orm import Session, sessionmaker

from directory.db import utcnow
from directory.errors import AddressRefused
from directory.identity import outbox as identity_outbox
from directory.identity.identity import Role
from directory.identity.models import OutboxMessage as IdentityMessage
from directory.identity.models import User
from directory.identity.sealing import unseal
from directory.outbound import AddressPolicy, PinnedTransport, http_target
from directory.settings import Settings

from . import notifications
from .notifications import OutboxMessage
from .webhooks import Webhook, WebhookAttempt, WebhookDelivery

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Climbing-Frame-Signature"
MAX_ATTEMPTS = 12
BATCH = 100


@dataclass(frozen=True)
class DeliveryReport:
    emails_sent: int = 0
    emails_queued: int = 0  # left for a later run (no mail server configured, or it failed)
    webhooks_delivered: int = 0
    webhooks_retrying: int = 0
    webhooks_given_up: int = 0


def sign(secret: str, body: bytes) -> str:
    """The signature header's value for ``body``."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def deliver(sessions: sessionmaker, settings: Settings, *, now: datetime | None = None,
            sleep: Callable[[float], None] = time.sleep,
            addresses: AddressPolicy | None = None) -> DeliveryReport:
    """Send every queued email and due webhook once; the report says what happened. ``addresses``
    resolves and judges webhook hosts (default: the system's resolver, private addresses refused
    unless ``harvest_allow_private``)."""
    now = now or utcnow()
    sent, queued = send_emails(sessions, settings, now)
    delivered, retrying, given_up = send_webhooks(sessions, settings, now, sleep, addresses)
    return DeliveryReport(sent, queued, delivered, retrying, given_up)


# --- email -----------------------------------------------------------------------------------------


def _permission_for(kind: str) -> str:
    return "agreements" if kind.startswith("agreement") else "transfers"


def _recipients(session: Session, message: OutboxMessage) -> list[str]:
    """The learner, or the organisation's active staff holding the permission the message is about."""
    if message.recipient_user is not None:
        user = session.get(User, message.recipient_user)
        return [user.email] if user is not None and user.active else []
    permission = _permission_for(message.kind)
    staff = session.scalars(select(User).where(User.org_id == message.recipient_org, User.role == Role.STAFF,
                                               User.active.is_(True)).order_by(User.id))
    return [u.email for u in staff if permission in (u.permissions or [])]


def _queued(session: Session) -> int:
    return len(identity_outbox.unsent(session, BATCH)) + len(notifications.unsent(session, BATCH))


def _email(settings: Settings, to: list[str], subject: str, body: str) -> EmailMessage:
    email = EmailMessage()
    email["From"], email["To"], email["Subject"] = settings.smtp_from, ", ".join(to), subject
    email.set_content(body)
    return email


def send_emails(sessions: sessionmaker, settings: Settings, now: datetime) -> tuple[int, int]:
    """(sent, still queued). Without ``smtp_host`` every message stays queued."""
    if not settings.smtp_host:
        with sessions() as session:
            queued = _queued(session)
        if queued:
            log.warning("%s message(s) stay queued: no smtp_host is configured", queued)
        return 0, queued
    sent = 0
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=30) as smtp:
            with sessions() as session:
                exchange_ids = [m.id for m in notifications.unsent(session, BATCH)]
                identity_ids = [m.id for m in identity_outbox.unsent(session, BATCH)]
            for message_id in exchange_ids:
                with sessions.begin() as session:
                    message = session.get(OutboxMessage, message_id)
                    to = _recipients(session, message)
                    if to:
                        smtp.send_message(_email(settings, to, message.subject, message.body))
                    else:
                        log.warning("exchange message %s (%s) has nobody to go to", message.id, message.kind)
                    message.sent_at = now
                    sent += bool(to)
            for message_id in identity_ids:
                with sessions.begin() as session:
                    message = session.get(IdentityMessage, message_id)
                    message.attempts = (message.attempts or 0) + 1
                    smtp.send_message(_email(settings, [message.to], message.subject, message.body))
                    message.sent_at = now
                    sent += 1
    except (OSError, smtplib.SMTPException) as exc:
        log.error("sending email stopped: %s (%s sent this run; the rest stay queued)", exc, sent)
    with sessions() as session:
        return sent, _queued(session)


# --- webhooks --------------------------------------------------------------------------------------


def _enqueue(session: Session, now: datetime) -> None:
    """A pending delivery for every message addressed to an organisation with a webhook, once."""
    for hook in session.scalars(select(Webhook)).all():
        already = exists().where(WebhookDelivery.message_id == OutboxMessage.id,
                                 WebhookDelivery.org_id == hook.org_id)
        for message_id in session.scalars(select(OutboxMessage.id).where(
                OutboxMessage.recipient_org == hook.org_id, OutboxMessage.id > hook.from_message_id, ~already)
                .order_by(OutboxMessage.id).limit(BATCH)):
            session.add(WebhookDelivery(message_id=message_id, org_id=hook.org_id, state="pending", attempts=0,
                                        next_attempt_at=now))
    session.flush()


def payload(message: OutboxMessage) -> bytes:
    return orjson.dumps({"id": message.id, "event": message.kind, "organisation": message.recipient_org,
                         "subject": message.subject, "body": message.body,
                         "created": message.created.isoformat()})


def _attempt(http: httpx.Client, url: str, secret: str, body: bytes, delivery_id: int,
             event: str) -> tuple[int | None, str | None]:
    try:
        # The form here (httpx reads "file:///x" as a path); the addresses as the client connects: the
        # name may resolve elsewhere now than at registration, and only what is checked is posted to.
        http_target(url)
        response = http.post(url, content=body, headers={
            "Content-Type": "application/json", SIGNATURE_HEADER: sign(secret, body),
            "X-Climbing-Frame-Event": event, "X-Climbing-Frame-Delivery": str(delivery_id)})
    except (AddressRefused, httpx.HTTPError) as exc:
        return None, f"{type(exc).__name__}: {exc}"
    return response.status_code, None if response.is_success else f"HTTP {response.status_code}"


def send_webhooks(sessions: sessionmaker, settings: Settings, now: datetime,
                  sleep: Callable[[float], None] = time.sleep,
                  addresses: AddressPolicy | None = None) -> tuple[int, int, int]:
    """(delivered, still retrying, given up) in this run."""
    with sessions.begin() as session:
        _enqueue(session, now)
        due = [(d.id, d.org_id, d.message_id) for d in session.scalars(
            select(WebhookDelivery).where(WebhookDelivery.state == "pending", WebhookDelivery.next_attempt_at <= now)
            .order_by(WebhookDelivery.id).limit(BATCH))]
    addresses = addresses or AddressPolicy(allow_private=settings.harvest_allow_private)
    http = httpx.Client(transport=PinnedTransport(addresses), timeout=settings.webhook_timeout,
                        follow_redirects=False)
    delivered = retrying = given_up = 0
    try:
        for delivery_id, org_id, message_id in due:
            with sessions() as session:
                hook, message = session.get(Webhook, org_id), session.get(OutboxMessage, message_id)
                if hook is None:  # removed since: nothing to deliver to
                    target = None
                else:
                    target = (hook.url, unseal(hook.secret, settings.secret_key), payload(message), message.kind)
            if target is None:
                with sessions.begin() as session:
                    session.get(WebhookDelivery, delivery_id).state = "failed"
                given_up += 1
                continue
            outcome = _deliver_one(sessions, settings, http, delivery_id, target, now, sleep)
            delivered += outcome == "delivered"
            retrying += outcome == "pending"
            given_up += outcome == "failed"
    finally:
        http.close()
    return delivered, retrying, given_up


def _deliver_one(sessions: sessionmaker, settings: Settings, http: httpx.Client, delivery_id: int,
                 target: tuple[str, str, bytes, str], now: datetime, sleep: Callable[[float], None]) -> str:
    url, secret, body, event = target
    delay = settings.webhook_backoff
    for attempt in range(1 + max(settings.webhook_retries, 0)):
        if attempt:
            sleep(delay)
            delay *= 2
        status, error = _attempt(http, url, secret, body, delivery_id, event)
        with sessions.begin() as session:
            delivery = session.get(WebhookDelivery, delivery_id)
            session.add(WebhookAttempt(delivery_id=delivery_id, at=utcnow(), url=url, status=status, error=error))
            delivery.attempts += 1
            if error is None:
                delivery.state, delivery.delivered_at = "delivered", utcnow()
                return delivery.state
            if delivery.attempts >= MAX_ATTEMPTS:
                delivery.state = "failed"
                log.error("webhook delivery %s to %s given up after %s attempts: %s", delivery_id, url,
                          delivery.attempts, error)
                return delivery.state
            delivery.next_attempt_at = now + timedelta(minutes=2 ** min(delivery.attempts, 10))
    log.warning("webhook delivery %s to %s failed this run (%s); retried later", delivery_id, url, error)
    return "pending"


__all__ = ["DeliveryReport", "deliver", "payload", "send_emails", "send_webhooks", "sign"]
