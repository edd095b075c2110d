"""Feed format adapters, by registry name. Adding a format is adding a module here; the pipeline only
ever calls ``adapter(name).parse(data)``."""

from __future__ import annotations

from types import ModuleType

from . import native, xcri_cap
from .base import FeedDocument, FeedError, ProviderInfo, Record, Rejection

ADAPTERS: dict[str, ModuleType] = {module.FORMAT: module for module in (native, xcri_cap)}

__all__ = ["ADAPTERS", "FeedDocument", "FeedError", "ProviderInfo", "Record", "Rejection", "adapter", "sniff"]


def adapter(name: str) -> ModuleType:
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
