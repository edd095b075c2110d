"""The exchange's own outbox: notifications written in the transaction that causes them and sent after
it commits by whatever delivers mail (the identity package owns the general email outbox)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from directory.db import Base, UTCDateTime


class OutboxMessage(Base):
    __tablename__ = "exchange_outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    recipient_org: Mapped[str | None] = mapped_column(String(100), index=True)
    recipient_user: Mapped[int | None] = mapped_column(Integer, index=True)
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(50))
    # Set for notifications that must be written once only (an expiry warning per agreement and party).
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    created: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


def notify(session: Session, *, kind: str, subject: str, body: str, now: datetime,
           org: str | None = None, user: int | None = None, dedupe_key: str | None = None) -> OutboxMessage | None:
    """Queue one message; with ``dedupe_key``, nothing when a message with that key was queued before."""
    if dedupe_key is not None and session.scalar(
            select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)) is not None:
        return None
    message = OutboxMessage(recipient_org=org, recipient_user=user, subject=subject, body=body, kind=kind,
                            dedupe_key=dedupe_key, created=now)
    session.add(message)
    session.flush()
    return message


def unsent(session: Session, limit: int = 100) -> list[OutboxMessage]:
    return list(session.scalars(select(OutboxMessage).where(OutboxMessage.sent_at.is_(None))
                                .order_by(OutboxMessage.id).limit(limit)))

