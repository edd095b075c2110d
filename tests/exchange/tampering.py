"""Someone who owns the database: a transaction with the append-only triggers switched off, as a
superuser or the tables' owner could (ALTER TABLE ... DISABLE TRIGGER on PostgreSQL, DROP TRIGGER on
SQLite, whose database each test makes anew). What they cannot get is the audit key."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import inspect, text
from sqlalchemy.orm import Session

TABLES = ("exchange_audit", "exchange_audit_head", "exchange_ledger")


@contextmanager
def as_owner(sessions) -> Iterator[Session]:
    with sessions.begin() as session:
        present = [t for t in TABLES if inspect(session.connection()).has_table(t)]
        if session.get_bind().dialect.name == "postgresql":
            for table in present:
                session.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
            yield session
            for table in present:  # the suite's database is shared by the tests that follow
                session.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER USER"))
        else:
            for name in session.scalars(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).all():
                session.execute(text(f'DROP TRIGGER "{name}"'))
            yield session
