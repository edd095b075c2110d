"""What a rebuild of the search index keeps in the store so that no write made while it runs is lost.

A rebuild claims the one ``SearchRebuild`` row (``slot`` is unique: one rebuild at a time) before it reads
the store. While the row exists, every writer of the index records the courses it is about to index in
``SearchJournalEntry`` rows (committed before it writes the live index); the rebuild replays them into the
new index before it swaps it in, then deletes its row and whatever is left of its journal.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, UTCDateTime


class SearchRebuild(Base):
    """The rebuild running now. ``touched`` moves with every batch it builds: a row left untouched for
    ``journal.STALE_AFTER`` belongs to a rebuild that died, and the next rebuild takes it over."""

    __tablename__ = "search_rebuilds"

    token: Mapped[str] = mapped_column(String(32), primary_key=True)
    slot: Mapped[int] = mapped_column(Integer, unique=True)
    owner: Mapped[str] = mapped_column(String(200))  # host and process id, for the operator
    started: Mapped[datetime] = mapped_column(UTCDateTime)
    touched: Mapped[datetime] = mapped_column(UTCDateTime)


class SearchJournalEntry(Base):
    """A course a writer indexed while a rebuild ran: the rebuild re-reads it from the store and indexes it."""

    __tablename__ = "search_journal"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rebuild: Mapped[str] = mapped_column(
        String(32), ForeignKey("search_rebuilds.token", ondelete="CASCADE"), index=True
    )
    provider_id: Mapped[str] = mapped_column(String(100))
    course_id: Mapped[str] = mapped_column(String(200))
