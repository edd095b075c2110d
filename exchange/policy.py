"""The exchange's configurable policy, one frozen object passed to services (the composition root builds
it from settings)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from .timeliness import DEFAULT_WORKING_DAYS


@dataclass(frozen=True)
class ExchangePolicy:
    # Working days within which a transfer request should be decided.
    decision_working_days: int = DEFAULT_WORKING_DAYS
    # Bank holidays that are not working days (optional data; weekends are never working days).
    bank_holidays: frozenset[date] = field(default_factory=frozenset)
    # Days before an agreement's end date at which its parties are warned.
    expiry_warning_days: int = 30


DEFAULT_POLICY = ExchangePolicy()
