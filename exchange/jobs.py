"""The exchange's scheduled jobs: each opens its transaction, calls the services, commits, and only then
delivers (side effects follow the commit). The scheduler process registers them
(``harvester.scheduler.build_scheduler(..., extra_jobs=scheduled())``); each can be run by hand too.

Every run ends in a logged outcome: done, or failed with its reason (the scheduler logs the exception).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from . import delivery
from .agreements import service as agreements
from .policy import ExchangePolicy

if TYPE_CHECKING:
    from directory.instance import Instance

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AgreementsRun:
    expired: list[int]
    warnings: int


def agreements_daily(instance: Instance, today: date | None = None, now: datetime | None = None) -> AgreementsRun:
    """Expire agreements past their end date and warn parties of those ending soon; then deliver."""
    now = now or instance.clock.now()
    today = today or now.date()
    days = ExchangePolicy().expiry_warning_days
    with instance.sessions.begin() as session:
        expired = agreements.expire_due(session, today, now=now)
        warnings = agreements.warn_before_expiry(session, today, days, now=now)
    log.info("agreements on %s: %s expired, %s expiry warnings", today, len(expired), warnings)
    deliver_outbox(instance, now=now)
    return AgreementsRun(expired, warnings)


def deliver_outbox(instance: Instance, now: datetime | None = None) -> delivery.DeliveryReport:
    """Send queued emails and due webhooks (committed messages only)."""
    report = delivery.deliver(instance.sessions, instance.settings, now=now)
    log.info("outbox: %s", report)
    return report


def scheduled() -> list[tuple[str, object, object]]:
    """(job id, function of the instance, trigger) for the scheduler process."""
    return [
        ("exchange-agreements-daily", agreements_daily, CronTrigger(hour=1, minute=5, timezone=UTC)),
        ("exchange-deliver-outbox", deliver_outbox, IntervalTrigger(minutes=1, timezone=UTC)),
    ]
