"""The one interface every search engine implements, and the choice of engine from the settings.

The relational store is the source of truth; an index is derived from it and can be rebuilt at any time
(``indexer.reindex``). Writes are searchable when the call returns. A rebuild builds a new index beside the
live one (``begin_rebuild``) while searches and writes keep using the live one, then swaps it in: searches
see either the old contents or the new, never a half-built or empty index.
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from .documents import next_start
from .query import Hit, SearchQuery, SearchResult
from .text import highlights

Document = dict[str, Any]


class Writable(abc.ABC):
    """Where documents are written: the live index (``SearchBackend``) or one being built (``Rebuild``)."""

    @abc.abstractmethod
    def upsert(self, docs: Iterable[Document]) -> int:
        """Add or replace documents by id; returns how many were written."""

    @abc.abstractmethod
    def delete(self, ids: Iterable[str]) -> None:
        """Remove documents by id; unknown ids are ignored."""


class Rebuild(Writable):
    """A new index being built beside the live one. Searches and writes keep using the live index until
    ``swap``; as a context manager, a rebuild not swapped is abandoned (the new index removed)."""

    @abc.abstractmethod
    def add(self, docs: Iterable[Document]) -> int:
        """Bulk-load documents (each id once) into the new index; returns how many."""

    @abc.abstractmethod
    def swap(self, last: Callable[[], None] | None = None) -> None:
        """Make the new index the live one. ``last`` runs just before the switch (to replay the writes made
        meanwhile): on tantivy while the live index's writer lock is held, so no write lands between it
        and the switch; Elasticsearch writes made during a rebuild reach the new index too."""

    @abc.abstractmethod
    def abandon(self) -> None:
        """Drop the new index (nothing when already swapped)."""

    def __enter__(self) -> Rebuild:
        return self

    def __exit__(self, *exc: object) -> None:
        self.abandon()


class SearchBackend(Writable):
    @abc.abstractmethod
    def ensure_index(self) -> None:
        """Create an (empty) live index if there is none (idempotent); an existing one is kept, whatever
        its schema, and serves until a rebuild replaces it."""

    def outdated(self) -> str | None:
        """Why the live index must be rebuilt from the store whatever it holds (it was built for another
        index schema), or None."""
        return None

    @abc.abstractmethod
    def search(self, query: SearchQuery) -> SearchResult: ...

    @abc.abstractmethod
    def count(self) -> int:
        """How many courses the index holds."""

    @abc.abstractmethod
    def begin_rebuild(self) -> Rebuild:
        """Start building a new index beside the live one (see ``Rebuild``)."""

    def rebuild(self, docs: Iterable[Document]) -> int:
        """Replace the whole index by ``docs``, atomically for readers; returns how many were indexed.
        Writes made meanwhile are not replayed: ``indexer.reindex`` is the rebuild for a running system."""
        with self.begin_rebuild() as build:
            written = build.add(docs)
            build.swap()
        return written

    def close(self) -> None:
        """Release files, locks and connections (nothing to release by default)."""
        return None

    def __enter__(self) -> SearchBackend:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def hit_from_document(document: Document, score: float | None, query: SearchQuery) -> Hit:
    """A result card from a stored search document (shared so every backend returns the same cards)."""
    return Hit(
        id=document["id"],
        score=score,
        provider_id=document["provider_id"],
        provider_name=document["provider_name"],
        course_id=document["course_id"],
        title=document["title"],
        url=document.get("url") or "",
        summary=document.get("summary"),
        credit_cats=document.get("credit_cats"),
        eqf_level=document.get("eqf_level"),
        framework_level=document.get("framework_level"),
        modes=tuple(document.get("modes") or ()),
        schedule_type=document.get("schedule_type"),
        next_start=next_start(document, query.today),
        cost_gbp=document.get("cost_gbp"),
        highlights=highlights(query.parsed, document),
        overlap_count=document.get("overlap_count") or 0,
        card=document.get("card") or {},
    )


def batched(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
