"""Who is calling: the small part of ``directory.identity.Identity`` the exchange relies on.

Services accept anything with ``user_id``, ``org_id``, ``role`` and ``permissions``; role and permissions
may be enums (the real Identity) or plain strings (tests, scripts), so both are read by value.
"""

from __future__ import annotations

from typing import Any, Protocol

from directory.errors import Forbidden


class Actor(Protocol):
    user_id: int | None
    org_id: str | None
    role: Any  # "learner" | "staff" | "admin", or directory.identity.Role
    permissions: Any  # a set of "catalogue" | "agreements" | "transfers", or of Permission


def _value(item: Any) -> Any:
    return getattr(item, "value", item)


def role_of(actor: Actor) -> str | None:
    return _value(actor.role)


def is_admin(actor: Actor) -> bool:
    return role_of(actor) == "admin"


def is_learner(actor: Actor) -> bool:
    return role_of(actor) == "learner"


def has_permission(actor: Actor, permission: str) -> bool:
    """Administrators may do everything; staff what their permissions say; learners nothing of staff's."""
    if is_admin(actor):
        return True
    return role_of(actor) == "staff" and permission in {_value(p) for p in (actor.permissions or ())}


def name_of(actor: Actor) -> str:
    """How the audit log and histories name the caller."""
    client_id = getattr(actor, "client_id", None)
    if client_id is not None:
        return f"client:{client_id}"
    if actor.user_id is not None:
        return f"user:{actor.user_id}"
    return "operator" if is_admin(actor) else "anonymous"


def require_staff(actor: Actor, permission: str, org_id: str | None = None) -> None:
    """Forbidden unless the caller is an administrator, or staff holding ``permission`` for ``org_id``."""
    if not has_permission(actor, permission):
        raise Forbidden(f"this needs the staff permission {permission!r}", required=permission)
    if org_id is not None and not is_admin(actor) and actor.org_id != org_id:
        raise Forbidden(f"you do not act for organisation {org_id!r}")


def require_learner(actor: Actor) -> int:
    if not is_learner(actor) or actor.user_id is None:
        raise Forbidden("only a signed-in learner may do this")
    return actor.user_id


# The scheduler's own identity: expiry and warnings run as the operator.
class _Operator:
    user_id = None
    org_id = None
    role = "admin"
    permissions = frozenset()


OPERATOR: Actor = _Operator()
