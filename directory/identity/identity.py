"""The one identity object every service receives: who is calling, for which organisation, allowed what.

People carry a role (and, for staff, permissions at their organisation); machines carry the scopes of
their access token. ``allows(scope)`` answers both the same way, so a service asks one question: a
person by the staff permission ``SCOPES`` maps the scope to, a machine by its token's scopes alone (so a
client holding ``transfers:read`` reads but never decides). The directory's and the exchange's services
all take this one type; the audit log names the caller by ``actor``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace

from ..errors import Forbidden


class Role(enum.Enum):
    LEARNER = "learner"
    STAFF = "staff"
    ADMIN = "admin"


class Permission(enum.Enum):
    """What a member university's staff may do for their university."""

    CATALOGUE = "catalogue"
    AGREEMENTS = "agreements"
    TRANSFERS = "transfers"


# Each OAuth scope a machine may hold, and the staff permission that allows the same to a person.
SCOPES: dict[str, Permission] = {
    "catalogue:publish": Permission.CATALOGUE,
    "agreements:read": Permission.AGREEMENTS,
    "agreements:approve": Permission.AGREEMENTS,
    "transfers:read": Permission.TRANSFERS,
    "transfers:decide": Permission.TRANSFERS,
}


def parse_scopes(text: str | list[str] | tuple[str, ...]) -> frozenset[str]:
    """Scopes from 'a b' or ['a', 'b']; raises ValueError naming an unknown scope."""
    items = text.split() if isinstance(text, str) else list(text)
    unknown = sorted(set(items) - set(SCOPES))
    if unknown:
        raise ValueError(f"unknown scope {', '.join(unknown)}; known: {', '.join(SCOPES)}")
    return frozenset(items)


def parse_permissions(values: str | list[str] | tuple[str, ...]) -> frozenset[Permission]:
    items = [v.strip() for v in (values.split(",") if isinstance(values, str) else values) if v.strip()]
    try:
        return frozenset(Permission(item) for item in items)
    except ValueError:
        raise ValueError(
            f"unknown permission in {', '.join(items)}; known: {', '.join(p.value for p in Permission)}"
        ) from None


@dataclass(frozen=True)
class Identity:
    user_id: int | None = None
    org_id: str | None = None
    role: Role | None = None
    permissions: frozenset[Permission] = frozenset()
    scopes: frozenset[str] = frozenset()
    client_id: str | None = None

    @property
    def authenticated(self) -> bool:
        return self.user_id is not None or self.client_id is not None

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    @property
    def is_client(self) -> bool:
        return self.client_id is not None

    @property
    def is_learner(self) -> bool:
        return self.role is Role.LEARNER

    @property
    def actor(self) -> str:
        """How the audit log names this caller."""
        if self.client_id is not None:
            return f"client:{self.client_id}"
        if self.user_id is not None:
            return f"user:{self.user_id}"
        return "operator" if self.is_admin else "anonymous"

    def allows(self, scope: str) -> bool:
        """May this caller do what ``scope`` names (at its own organisation)?"""
        if scope not in SCOPES:
            raise ValueError(f"unknown scope {scope!r}")
        if self.is_admin:
            return True
        if self.is_client:
            return scope in self.scopes
        return self.role is Role.STAFF and SCOPES[scope] in self.permissions

    def allows_any(self, *scopes: str) -> bool:
        """May this caller do one of ``scopes`` (reading, say, which either a read or a write scope allows)?"""
        return any(self.allows(scope) for scope in scopes)

    def acts_for(self, org_id: str) -> bool:
        return self.is_admin or (self.org_id is not None and self.org_id == org_id)

    def check(self, scope: str, org_id: str | None = None) -> None:
        """Raise Forbidden unless this caller may do ``scope`` (for ``org_id``, when given)."""
        if not self.allows(scope):
            raise Forbidden(f"this needs {scope!r} (staff permission {SCOPES[scope].value!r})",
                            required=scope)
        if org_id is not None and not self.acts_for(org_id):
            raise Forbidden(f"you do not act for organisation {org_id!r}")

    def check_admin(self) -> None:
        if not self.is_admin:
            raise Forbidden("only consortium administrators may do this")

    def require_learner(self) -> int:
        """The signed-in learner's user id; Forbidden for anyone else (staff, administrators, machines)."""
        if not self.is_learner or self.user_id is None:
            raise Forbidden("only a signed-in learner may do this")
        return self.user_id

    def only(self, scope: str | None) -> Identity:
        """This caller with no token scope but ``scope`` (a person unchanged): what a view hands its services,
        so a machine acts with the scope the view required (``@require`` checked it) and no other."""
        if not self.is_client:
            return self
        return replace(self, scopes=self.scopes & {scope} if scope is not None else frozenset())


ANONYMOUS = Identity()
# Whoever runs the `climbing-frame` command on the server, and the scheduler (expiry, warnings): an
# administrator by having the server.
OPERATOR = Identity(role=Role.ADMIN)
