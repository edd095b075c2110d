"""Messages the exchange has decided to send. They are written in the deciding transaction and sent by a
later job, so a rolled-back decision never sends mail."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import OutboxMessage


def enqueue(session: Session, *, kind: str, to: str, subject: str, body: str,
            channel: str = "email") -> OutboxMessage:
    message = OutboxMessage(channel=channel, kind=kind, to=to, subject=subject, body=body)
    session.add(message)
    session.flush()
    return message


def unsent(session: Session, limit: int = 100) -> list[OutboxMessage]:
    return list(session.scalars(
        select(OutboxMessage).where(OutboxMessage.sent_at.is_(None)).order_by(OutboxMessage.id).limit(limit)
    ))
