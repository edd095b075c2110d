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


def read_afresh() -> None:
    """End the reading session's snapshot, so that its next query sees what this request has just
    written in its own transaction (SQLite keeps a read transaction's snapshot from its first query, and
    the request's sign-in check is that query). Only for a page rendered after a write instead of a redirect."""
    session = g.get("db_session")
    if session is not None:
        session.rollback()


def close_request_session(_exc: BaseException | None = None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()
