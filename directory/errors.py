"""Domain exceptions, raised inside and mapped once to problem documents in the web layer."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error a service reports to its caller."""

    status = 400
    title = "Bad request"

    def __init__(self, detail: str, **extra) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra


class Invalid(DomainError):
    status = 400
    title = "Invalid input"


class NotFound(DomainError):
    status = 404
    title = "Not found"


class Forbidden(DomainError):
    status = 403
    title = "Forbidden"


class Conflict(DomainError):
    status = 409
    title = "Conflict"


class IllegalTransition(Conflict):
    """The action is not allowed from the current state (see directory.workflow)."""
