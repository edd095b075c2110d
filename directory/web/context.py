"""What a request may use of the instance: its settings, services and one database session."""

from __future__ import annotations

from flask import g
from sqlalchemy.orm import Session

from ..instance import Instance, current_instance


def instance() -> Instance:
    return current_instance()


def db() -> Session:
    """The database session of the current request (reading), closed when the request ends."""
    if "db_session" not in g:
        g.db_session = instance().readers()
    return g.db_session


def close_request_session(_exc: BaseException | None = None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()
