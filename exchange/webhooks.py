"""Members' systems told about the exchange's events: one webhook per organisation (address and signing
secret), and every delivery attempt recorded.

The secret signs each body (HMAC-SHA256, ``X-Climbing-Frame-Signature: sha256=<hex>``) so the member
can tell our calls from anybody else's; it is kept as given to the member (it must sign), shown once.
Webhook addresses are checked like feed addresses: no private or loopback hosts unless the deployment
allows them (setting ``harvest_allow_private``): here when one is set, and again by every delivery
attempt on the addresses it then posts to (``exchange.delivery``).
"""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from directory.db import Base, UTCDateTime, utcnow
from directory.errors import AddressRefused, Invalid, NotFound
from directory.identity.identity import Identity
from directory.identity.sealing import seal
from directory.outbound import check_url

from .notifications import OutboxMessage

DECIDE = "transfers:decide"  # a member's webhook is set by those who decide its transfers


class Webhook(Base):
    __tablename__ = "exchange_webhooks"

    org_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    url: Mapped[str] = mapped_column(String(2000))
    # Sealed with the instance's secret key (directory.identity.sealing): needed in clear to sign, so
    # encrypted rather than hashed, and unreadable from a copy of the database alone.
    secret: Mapped[str] = mapped_column(String(500))
    created: Mapped[datetime] = mapped_column(UTCDateTime)
    updated: Mapped[datetime] = mapped_column(UTCDateTime)
    # Messages up to this outbox id existed before the webhook did: they are not sent to it.
    from_message_id: Mapped[int] = mapped_column(Integer, default=0)


class WebhookDelivery(Base):
    """One outbox message to one organisation's webhook: delivered, still being tried, or given up."""

    __tablename__ = "exchange_webhook_deliveries"
    __table_args__ = (UniqueConstraint("message_id", "org_id", name="uq_exchange_webhook_deliveries_message"),
                      Index("ix_exchange_webhook_deliveries_pending", "state", "next_attempt_at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("exchange_outbox.id"))
    org_id: Mapped[str] = mapped_column(String(100))
    state: Mapped[str] = mapped_column(String(20))  # pending | delivered | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class WebhookAttempt(Base):
    __tablename__ = "exchange_webhook_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("exchange_webhook_deliveries.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    url: Mapped[str] = mapped_column(String(2000))
    status: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)


def set_webhook(session: Session, actor: Identity, org_id: str, url: str, *, allow_private: bool, secret_key: str,
                now: datetime | None = None) -> tuple[Webhook, str]:
    """Point ``org_id``'s webhook at ``url`` with a new secret (returned once). Staff with ``transfers``
    for the organisation, or administrators."""
    actor.check(DECIDE, org_id)
    try:
        check_url(url, allow_private)
    except AddressRefused as exc:
        raise Invalid(f"webhook address {exc}", field="url") from None
    now = now or utcnow()
    secret = secrets.token_urlsafe(32)
    webhook = session.get(Webhook, org_id)
    if webhook is None:
        last = session.scalar(select(func.max(OutboxMessage.id))) or 0
        webhook = Webhook(org_id=org_id, created=now, from_message_id=last)
        session.add(webhook)
    webhook.url, webhook.secret, webhook.updated = url, seal(secret, secret_key), now
    session.flush()
    return webhook, secret


def remove_webhook(session: Session, actor: Identity, org_id: str) -> None:
    actor.check(DECIDE, org_id)
    webhook = session.get(Webhook, org_id)
    if webhook is None:
        raise NotFound(f"organisation {org_id!r} has no webhook")
    session.delete(webhook)
    session.flush()
