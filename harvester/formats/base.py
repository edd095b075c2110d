"""What every feed format adapter is (``FeedFormat``) and produces (``FeedDocument``).

An adapter is one module with ``FORMAT`` (its registry name), ``VERSION`` (bumped whenever its mapping
changes, so every record is validated again) and ``parse(data: bytes) -> FeedDocument``: the module itself
satisfies ``FeedFormat``. ``parse`` raises ``directory.errors.FeedError`` when the document as a whole cannot be read (not
the format, not well-formed, unsafe XML); a single unusable record is a ``Rejection`` among the items, and
the rest of the feed goes on. Rules every format shares are not an adapter's: a course id repeated in the
document is left to the pipeline's one duplicate-id rule (harvester.sorting), and validation to the schema.

Where a new feed format goes: one module (or package) in ``harvester/formats/`` defining ``FORMAT``,
``VERSION`` and ``parse``, plus one registry line, its name in ``ADAPTERS_IN_ORDER`` of
``harvester/formats/__init__.py`` (with the import beside it). Nothing else changes: the pipeline, the dry
run and the registry of feeds only ever call ``formats.adapter(name).parse(data)``
(tests/harvester/test_feed_formats.py holds every registered adapter to this).

Records are plain mappings in the native feed's field names (docs/feed-format.md), made of JSON types
only: the pipeline validates them all with the one canonical schema (directory.catalogue.schema).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable


@runtime_checkable
class FeedFormat(Protocol):
    """A feed format adapter: a module with these three names."""

    FORMAT: str  # the registry name a feed's ``format`` gives
    VERSION: str  # part of every record's hash: bumping it sorts every record of the format again

    def parse(self, data: bytes) -> FeedDocument:
        """The document's provider and items; FeedError when the document cannot be used at all."""
        ...


@dataclass(frozen=True)
class ProviderInfo:
    id: str
    name: str
    id_scheme: str | None = None
    country: str | None = None
    url: str | None = None
    # Every identifier the document gives the provider, as (value, scheme or None), ``id`` among them; the
    # feed's member is the one any of them names. Empty: ``id`` alone.
    identifiers: tuple[tuple[str, str | None], ...] = ()

    def all_identifiers(self) -> tuple[tuple[str, str | None], ...]:
        return self.identifiers or ((self.id, self.id_scheme),)


@dataclass(frozen=True)
class Record:
    """One course as the feed describes it, mapped to native field names."""

    id: str
    raw: Mapping[str, Any]
    # The provider the document lists it under, when the document lists several (else the document's).
    provider: ProviderInfo | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Rejection:
    """One item the adapter could not turn into a record: where, and why."""

    record_id: str | None
    field: str
    reason: str
    excerpt: str = ""
    provider: ProviderInfo | None = field(default=None, compare=False)


@dataclass
class FeedDocument:
    provider: ProviderInfo | None
    items: Iterable[Record | Rejection]
    # How many items there are, when known up front (progress bars).
    total: int | None = None
    # What the adapter saw but could not map (element names, attributes), for the run report.
    unmapped: list[str] = field(default_factory=list)
    # Pathways the feed publishes (native format, top-level "pathways").
    pathways: list[Mapping[str, Any]] = field(default_factory=list)

    def sections(self) -> list[tuple[ProviderInfo | None, list[Record | Rejection]]]:
        """The items grouped by the provider the document lists them under, in document order (items that
        name none are the document's provider's)."""
        groups: dict[ProviderInfo | None, list[Record | Rejection]] = {}
        for item in self.items:
            groups.setdefault(item.provider or self.provider, []).append(item)
        return list(groups.items()) or [(self.provider, [])]
