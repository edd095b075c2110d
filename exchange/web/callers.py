"""What the exchange's views hand to its services: the caller as an exchange actor, the policy, the clock.

People reach the services as they are (their role and staff permissions say what they may do). A
member's system (an OAuth client) has no role: it acts as staff of its organisation holding only the
permission that the scope the view requires grants, so a client with ``transfers:read`` reads but never
decides. The scope itself was checked by the view's ``@require``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from directory.identity.identity import SCOPES, Identity
from directory.settings import Settings
from directory.web.access import identity
from directory.web.context import instance

from ..policy import ExchangePolicy


@dataclass(frozen=True)
class ClientActor:
    """A member system acting for its organisation with one staff permission (see the module)."""

    org_id: str | None
    client_id: str
    permissions: frozenset[str]
    user_id: int | None = None
    role: str = "staff"


def caller(scope: str | None = None) -> Identity | ClientActor:
    """The current caller as the exchange services expect it; for a client, allowed ``scope`` only."""
    who = identity()
    if not who.is_client:
        return who
    granted = frozenset({SCOPES[scope].value}) if scope is not None and scope in who.scopes else frozenset()
    return ClientActor(org_id=who.org_id, client_id=who.client_id, permissions=granted)


def policy_of(settings: Settings) -> ExchangePolicy:
    return ExchangePolicy(decision_working_days=settings.decision_working_days,
                          bank_holidays=frozenset(date.fromisoformat(d) for d in settings.bank_holidays))


def now() -> datetime:
    return instance().clock.now()


def today() -> date:
    return instance().clock.today()
