"""The claim of the one rebuild running and the journal of writes made while it runs (``models``).

Each function runs its own short transaction on the store and commits it: a claim and a journal entry
must be visible to the other processes (the harvester, web workers, the ``reindex`` command) before the
caller goes on, whatever transaction the caller has open. On SQLite a writing transaction begins
IMMEDIATE (``directory.db``), so it waits for the write lock instead of failing.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from ..errors import RebuildLost, RebuildRunning
from .models import SearchJournalEntry, SearchRebuild

Key = tuple[str, str]

# A rebuild touches its claim with every batch it builds (seconds apart): a claim untouched this long
# belongs to a rebuild that died, and the next rebuild takes it over.
STALE_AFTER = timedelta(minutes=15)


@dataclass(frozen=True)
class Claim:
    token: str
    started: datetime


def _writing(engine: Engine):
    return engine.execution_options(sqlite_begin_immediate=True).begin()


def claim(engine: Engine, now: datetime) -> Claim:
    """Claim the rebuild slot, taking over a stale claim (and dropping its journal); RebuildRunning when
    another rebuild holds it. From the commit on, writers journal what they index."""
    token = uuid.uuid4().hex
    try:
        with _writing(engine) as connection:
            held = connection.execute(select(SearchRebuild).with_for_update()).first()
            if held is not None:
                if held.touched > now - STALE_AFTER:
                    raise RebuildRunning(
                        f"a rebuild of the search index is already running ({held.owner}, since "
                        f"{held.started:%Y-%m-%d %H:%M:%S} UTC)"
                    )
                connection.execute(delete(SearchJournalEntry).where(SearchJournalEntry.rebuild == held.token))
                connection.execute(delete(SearchRebuild).where(SearchRebuild.token == held.token))
            connection.execute(insert(SearchRebuild).values(
                token=token, slot=1, owner=f"{socket.gethostname()}:{os.getpid()}", started=now, touched=now,
            ))
    except IntegrityError:
        # Another rebuild claimed the slot between our look and our insert.
        raise RebuildRunning("a rebuild of the search index is already running") from None
    return Claim(token, now)


def release(engine: Engine, claim: Claim) -> None:
    """Give the slot back and drop what is left of the journal (idempotent)."""
    with _writing(engine) as connection:
        connection.execute(delete(SearchJournalEntry).where(SearchJournalEntry.rebuild == claim.token))
        connection.execute(delete(SearchRebuild).where(SearchRebuild.token == claim.token))


def touch(engine: Engine, claim: Claim, now: datetime) -> None:
    """Show the claim's rebuild is alive; RebuildLost when its claim was taken over."""
    with _writing(engine) as connection:
        moved = connection.execute(
            update(SearchRebuild).where(SearchRebuild.token == claim.token).values(touched=now)
        ).rowcount
    if not moved:
        raise RebuildLost("the rebuild's claim was taken over by another rebuild: its index is not swapped in")


def record(engine: Engine, keys: Iterable[Key]) -> bool:
    """Journal ``keys`` for the running rebuild, if one runs; returns whether one does.

    Call it before reading the courses and writing the index: a write journaled after the rebuild's last
    replay then reaches the index that is live by then (see ``indexer.reindex``)."""
    with engine.execution_options(sqlite_begin_immediate=False).connect() as connection:
        running = connection.execute(select(SearchRebuild.token)).first()
    if running is None:
        # No claim now: a rebuild claiming later reads the store after this writer's change committed.
        return False
    keys = list(dict.fromkeys(keys))
    with _writing(engine) as connection:
        # FOR SHARE (PostgreSQL) keeps the claim from being released until these rows are in.
        tokens = connection.execute(select(SearchRebuild.token).with_for_update(read=True)).scalars().all()
        rows = [{"rebuild": t, "provider_id": p, "course_id": c} for t in tokens for p, c in keys]
        if rows:
            connection.execute(insert(SearchJournalEntry), rows)
    return bool(tokens)


def pending(engine: Engine, claim: Claim, limit: int) -> list[tuple[int, Key]]:
    """The oldest ``limit`` entries of the claim's journal: (entry id, course key)."""
    with engine.connect() as connection:
        rows = connection.execute(
            select(SearchJournalEntry.id, SearchJournalEntry.provider_id, SearchJournalEntry.course_id)
            .where(SearchJournalEntry.rebuild == claim.token)
            .order_by(SearchJournalEntry.id)
            .limit(limit)
        ).all()
    return [(row.id, (row.provider_id, row.course_id)) for row in rows]


def done(engine: Engine, claim: Claim, entry_ids: list[int], now: datetime) -> None:
    """Drop replayed entries and touch the claim; RebuildLost when the claim was taken over."""
    with _writing(engine) as connection:
        connection.execute(delete(SearchJournalEntry).where(SearchJournalEntry.id.in_(entry_ids)))
        moved = connection.execute(
            update(SearchRebuild).where(SearchRebuild.token == claim.token).values(touched=now)
        ).rowcount
    if not moved:
        raise RebuildLost("the rebuild's claim was taken over by another rebuild: its index is not swapped in")
