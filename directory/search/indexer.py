"""From the relational store (the source of truth) to a search index, for documents of any kind.

``index_courses`` follows a commit: call it after the transaction has committed, with the courses it
touched, so a failed write is never searchable. ``reindex`` rebuilds the whole index from the database
beside the live one, which keeps serving searches and taking writes until the new one is complete; the
writes made meanwhile are replayed into the new index before it is swapped in.

What a course's document holds is not this module's business: a ``DocumentSource`` (the directory's is
``directory.indexing.COURSES``, which adds pathway memberships and overlap counts) assembles documents,
and this module decides only when they are written, journaled and replayed.

How no write is lost (every writer goes through ``index_courses``):

1. ``reindex`` claims the store's rebuild slot (``journal.claim``, one rebuild at a time) and commits,
   then reads every active course in transactions begun after that commit.
2. While the claim stands, ``index_courses`` first journals the keys it is given (committed), then reads
   them and writes the live index. A writer that found no claim had committed its change before the
   claim, so the bulk read sees it; one that found it is journaled.
3. After the bulk load, the journal is replayed into the new index (each course read again from the store,
   so the replay writes what the store says now, not what the writer read), until a pass finds nothing;
   the last passes run inside ``Rebuild.swap``: on tantivy under the live index's writer lock, so a write
   either was journaled before the last pass or lands after the swap, in the new index. Elasticsearch
   writers write the index being built as well (``elastic``), so a write journaled after the last pass
   still reaches it.
4. The claim and what is left of its journal are dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from typing import Protocol

from sqlalchemy.orm import Session

from ..db import utcnow
from . import journal
from .backend import Document, Rebuild, SearchBackend, Writable, batched

Key = tuple[str, str]
Progress = Callable[[int, int], None]  # (courses read, active courses in all)


class DocumentSource(Protocol):
    """What the index is filled from: the searchable documents of some keys, or of the whole store."""

    def for_keys(self, session: Session, keys: Sequence[Key]) -> Iterator[tuple[Key, Document]]:
        """(key, document) of each of ``keys`` that must be searchable; a key not yielded is deleted."""
        ...

    def every(self, session: Session, batch: int, progress: Progress | None) -> Iterator[Document]:
        """Every searchable document, read in pages of ``batch``; ``progress`` after each page."""
        ...

    def count(self, session: Session) -> int:
        """How many documents ``every`` would yield at most (for an empty index's check)."""
        ...


def index_courses(session: Session, backend: SearchBackend, source: DocumentSource, keys: Iterable[Key],
                  batch: int = 2000) -> tuple[int, int]:
    """Bring these (provider id, course id) courses up to date: active ones upserted, withdrawn or
    missing ones deleted. Returns (upserted, deleted).

    The database is read in chunks of ``batch`` keys, streamed into one ``upsert`` (one commit however
    many chunks); the courses not found active are deleted after it, in one more call if there are any.
    While a rebuild runs, the keys are journaled first (their own committed transaction), so the rebuild
    replays them into the index it is building.
    """
    keys = list(dict.fromkeys(keys))
    if keys:
        journal.record(session.get_bind(), keys)
    return _write(session, target=backend, source=source, keys=keys, batch=batch)


def _write(session: Session, *, target: Writable, source: DocumentSource, keys: list[Key],
           batch: int = 2000) -> tuple[int, int]:
    """``index_courses`` without the journal: into the live index or one being built."""
    gone: list[str] = []

    def documents() -> Iterator[Document]:
        for chunk in batched(dict.fromkeys(keys), batch):
            found: set[Key] = set()
            for key, document in source.for_keys(session, chunk):
                found.add(key)
                yield document
            gone.extend(f"{p}/{c}" for p, c in chunk if (p, c) not in found)

    upserted = target.upsert(documents())
    if gone:
        target.delete(gone)
    return upserted, len(gone)


def reindex(
    session: Session, backend: SearchBackend, source: DocumentSource, progress: Progress | None = None,
    batch: int = 2000,
    now: Callable[[], datetime] = utcnow,
) -> int:
    """Rebuild the whole index from the database beside the live one and swap it in, with every write made
    meanwhile (see the module docstring); returns how many courses the bulk load indexed.

    ``session`` names the database: the claim, the journal and the reads use short transactions of their
    own on it (they must commit, and begin after the claim, whatever the caller has open). Raises
    ``RebuildRunning`` when another rebuild runs. ``progress`` is called after every batch read.
    """
    # Reads never take SQLite's write lock (the caller may hand a writer's session): the rebuild's own
    # journal writes, and the harvester's, must get it while the bulk read runs.
    bind = session.get_bind().execution_options(sqlite_begin_immediate=False)
    claim = journal.claim(bind, now())
    try:
        with backend.begin_rebuild() as build:

            def batch_done(done: int, total: int) -> None:
                journal.touch(bind, claim, now())
                if progress is not None:
                    progress(done, total)

            with Session(bind) as reading:
                written = build.add(source.every(reading, batch, batch_done))
            _replay(bind, claim, build, source, batch, now)
            build.swap(last=lambda: _replay(bind, claim, build, source, batch, now))
    finally:
        journal.release(bind, claim)
    return written


def _replay(bind, claim: journal.Claim, build: Rebuild, source: DocumentSource, batch: int,
            now: Callable[[], datetime]) -> int:
    """Index the journaled courses into ``build`` as the store has them now, until a pass finds none."""
    replayed = 0
    while entries := journal.pending(bind, claim, batch):
        with Session(bind) as reading:
            _write(reading, target=build, source=source, keys=list(dict.fromkeys(key for _id, key in entries)),
                   batch=batch)
        journal.done(bind, claim, [entry_id for entry_id, _key in entries], now())
        replayed += len(entries)
    journal.touch(bind, claim, now())  # the claim still ours: a rebuild taken over must not swap
    return replayed


def reindex_if_needed(session: Session, backend: SearchBackend, source: DocumentSource,
                      progress: Progress | None = None) -> str | None:
    """Rebuild the index when it was built for another schema (it keeps serving until the new one is
    swapped in), or is empty while the store has active courses (its folder was lost); returns why it was
    rebuilt, or None when nothing was needed. Run by the scheduler's and the demo's start."""
    reason = backend.outdated()
    if reason is None and backend.count() == 0:
        if source.count(session):
            reason = "the search index was empty"
    if reason is None:
        return None
    count = reindex(session, backend, source, progress)
    return f"{reason}: {count} courses indexed from the store"
