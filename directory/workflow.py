"""Workflows as data: a transition table ``{action: (allowed_from, to)}`` and the one function that reads it.

The one transition engine of the house: the exchange's agreements, transfer requests and qualification
offers and the directory's overlap review each declare a table and move through ``transition``. It sits
in the directory so both the directory and the exchange (above it) can use it. Legality (whether an
action may happen in a state) lives here; permission (who may do it) is checked by the services, apart
from it.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import TypeVar

from .errors import IllegalTransition

S = TypeVar("S", bound=enum.Enum)
A = TypeVar("A", bound=enum.Enum)

Table = Mapping[A, tuple[frozenset[S], S]]


def transition(table: Table, state: S, action: A) -> S:
    """The state after ``action`` from ``state``; IllegalTransition (a Conflict) when not allowed."""
    allowed_from, to = table[action]
    if state not in allowed_from:
        allowed = ", ".join(sorted(s.value for s in allowed_from))
        raise IllegalTransition(
            f"cannot {action.value.replace('_', ' ')} when {state.value.replace('_', ' ')} (only when {allowed})",
            state=state.value, action=action.value,
        )
    return to


def allowed_actions(table: Table, state: S) -> list[A]:
    """Every action the table allows from ``state``, in table order (for 'what can I do next')."""
    return [action for action, (allowed_from, _) in table.items() if state in allowed_from]
