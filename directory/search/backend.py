"""The one interface every search engine implements, and the choice of engine from the settings.

The relational store is the source of truth; an index is derived from it and can be rebuilt at any time
(``indexer.reindex``). Writes are searchable when the call returns. ``rebuild`` replaces the whole index
so that searches see either the old contents or the new, never a half-built index.
"""

from __future__ import annotations

import abc
from collections.abc import Iterable, Iterator
from typing import Any

from ..catalogue.vocab import Vocabularies
from ..settings import Settings
from .query import Hit, SearchQuery, SearchResult

Document = dict[str, Any]


class SearchUnavailable(RuntimeError):
    """The engine cannot be reached or refused the request."""


class SearchBackend(abc.ABC):
    @abc.abstractmethod
    def ensure_index(self) -> None:
        """Create the index if there is none (idempotent)."""

    @abc.abstractmethod
    def upsert(self, docs: Iterable[Document]) -> int:
        """Add or replace documents by id; returns how many were written."""

    @abc.abstractmethod
    def delete(self, ids: Iterable[str]) -> None:
        """Remove documents by id; unknown ids are ignored."""

    @abc.abstractmethod
    def search(self, query: SearchQuery) -> SearchResult: ...

    @abc.abstractmethod
    def count(self) -> int:
        """How many courses the index holds."""

    @abc.abstractmethod
    def rebuild(self, docs: Iterable[Document]) -> int:
        """Replace the whole index by ``docs``, atomically for readers; returns how many were indexed."""

    def close(self) -> None:
        """Release files, locks and connections (nothing to release by default)."""
        return None

    def __enter__(self) -> SearchBackend:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def make_backend(settings: Settings, vocab: Vocabularies) -> SearchBackend:
    """The backend ``settings.search_backend`` names, ready to use (its index ensured)."""
    if settings.search_backend == "elasticsearch":
        from .elastic import ElasticsearchBackend

        backend: SearchBackend = ElasticsearchBackend(
            settings.elasticsearch_url, settings.elasticsearch_index, vocab
        )
    else:
        from .tantivy_backend import TantivyBackend

        backend = TantivyBackend(settings.index_dir, vocab, facet_cache=settings.search_facet_cache)
    backend.ensure_index()
    return backend


def hit_from_document(document: Document, score: float | None, query: SearchQuery) -> Hit:
    """A result card from a stored search document (shared so every backend returns the same cards)."""
    from .documents import next_start
    from .text import highlights

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
