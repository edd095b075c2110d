"""What the exchange's views hand to its services: the caller's Identity, the policy, the clock.

People reach the services as they are (their role and staff permissions say what they may do). A
member's system (an OAuth client) reaches them holding only the scope the view requires (the services
check scopes, ``Identity.check``), so a client with ``transfers:read`` reads but never decides. The scope
itself was checked by the view's ``@require``.
"""

from __future__ import annotations

from datetime import date, datetime

from directory.identity.identity import Identity
from directory.settings import Settings
from directory.web.access import identity
from directory.web.context import instance

from ..policy import ExchangePolicy


def caller(scope: str | None = None) -> Identity:
    """The current caller as the exchange services take it; a client allowed ``scope`` only (see the module)."""
    return identity().only(scope)


def policy_of(settings: Settings) -> ExchangePolicy:
    return ExchangePolicy(decision_working_days=settings.decision_working_days,
                          bank_holidays=frozenset(date.fromisoformat(d) for d in settings.bank_holidays))


def now() -> datetime:
    return instance().clock.now()


def today() -> date:
    return instance().clock.today()
