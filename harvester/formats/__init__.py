"""Feed format adapters, by registry name (``ADAPTERS``). Adding a format is adding a module here and its
line in ``ADAPTERS_IN_ORDER`` (harvester.formats.base says what the module holds); the pipeline only ever
calls ``adapter(name).parse(data)``."""

from __future__ import annotations

from collections.abc import Iterable

from . import native, xcri_cap
from .base import FeedDocument, FeedFormat, ProviderInfo, Record, Rejection

ADAPTERS_IN_ORDER: tuple[FeedFormat, ...] = (
    native,
    xcri_cap,
)

__all__ = ["ADAPTERS", "FeedDocument", "FeedFormat", "ProviderInfo", "Record", "Rejection", "adapter",
           "registry", "sniff"]


def registry(adapters: Iterable[FeedFormat]) -> dict[str, FeedFormat]:
    """The adapters by their ``FORMAT``; ValueError when one is not a FeedFormat or two share a name."""
    found: dict[str, FeedFormat] = {}
    for candidate in adapters:
        if not isinstance(candidate, FeedFormat):
            raise ValueError(f"{candidate!r} is not a feed format adapter (FORMAT, VERSION and parse)")
        if candidate.FORMAT in found:
            raise ValueError(f"two adapters are named {candidate.FORMAT!r}")
        found[candidate.FORMAT] = candidate
    return found


ADAPTERS: dict[str, FeedFormat] = registry(ADAPTERS_IN_ORDER)


def adapter(name: str) -> FeedFormat:
    try:
        return ADAPTERS[name]
    except KeyError:
        raise ValueError(f"unknown feed format {name!r}; known: {', '.join(sorted(ADAPTERS))}") from None


def sniff(data: bytes, content_type: str | None = None) -> str:
    """The format of a document pushed to us without a declared format: XML is XCRI-CAP, JSON native."""
    if content_type and "xml" in content_type:
        return "xcri-cap"
    if content_type and "json" in content_type:
        return "native"
    head = data[:512].lstrip(b"\xef\xbb\xbf\xff\xfe\x00 \t\r\n")
    return "xcri-cap" if head.startswith(b"<") else "native"
