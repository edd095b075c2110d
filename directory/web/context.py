"""What a request may use of the instance: its settings, services and one database session."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import current_app, g
from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from ..app import Instance


def instance() -> Instance:
    return current_app.extensions["climbing_frame"]


def db() -> Session:
    """The database session of the current request (reading), closed when the request ends."""
    if "db_session" not in g:
        g.db_session = instance().readers()
    return g.db_session


def close_request_session(_exc: BaseException | None = None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()
