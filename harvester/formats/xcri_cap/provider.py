"""The provider of an XCRI-CAP document (``catalog/provider``) as a ``ProviderInfo``: id a UKPRN, else a URL
identifier, else the first identifier, else mlo:url; name its dc:title; url its first web address."""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element

from directory.urls import is_web_url

from ..base import ProviderInfo
from .reader import Feed, children, named, xsi_type
from .text import one_line

_URL = re.compile(r"^https?://\S+$", re.I)
_UKPRN = re.compile(r"^1[0-9]{7}$")
_PROVIDER_FIELDS = frozenset({"identifier", "title", "url", "course"})


def provider_info(element: Element, feed: Feed) -> ProviderInfo | None:
    identifiers = [(one_line(child), xsi_type(child)) for child in named(element, feed, "identifier")]
    identifiers = [(value, kind) for value, kind in identifiers if value]
    names = [one_line(child) for child in named(element, feed, "title")]
    # Only addresses the one rule (directory.urls) accepts: a provider page links to this one.
    urls = [one_line(child) for child in named(element, feed, "url") if is_web_url(one_line(child))]
    for child in children(element):
        if feed.local(child) not in _PROVIDER_FIELDS:
            feed.note(f"provider/{feed.label(child.tag)}")
    chosen = _provider_id(identifiers, urls)
    if chosen is None:
        return None
    identifier, scheme = chosen
    name = next((n for n in names if n), identifier)
    return ProviderInfo(
        id=identifier,
        name=name,
        id_scheme=scheme,
        country="GB" if scheme == "UKPRN" else None,
        url=urls[0] if urls else None,
        identifiers=_all_identifiers(chosen, identifiers, urls),
    )


def _all_identifiers(chosen: tuple[str, str | None], identifiers: list[tuple[str, str]],
                     urls: list[str]) -> tuple[tuple[str, str | None], ...]:
    """The chosen id first, then every other dc:identifier (scheme from its xsi:type) and provider url."""
    found = [chosen]
    for value, kind in identifiers:
        found.append((value, "UKPRN" if "ukprn" in kind else (kind or None)))
    found.extend((url, "URL") for url in urls)
    unique: dict[str, tuple[str, str | None]] = {}
    for value, scheme in found:
        unique.setdefault(value, (value, scheme))
    return tuple(unique.values())


def _provider_id(identifiers: list[tuple[str, str]], urls: list[str]) -> tuple[str, str | None] | None:
    for value, kind in identifiers:
        if "ukprn" in kind or (not kind and _UKPRN.match(value)):
            return value, "UKPRN"
    for value, _ in identifiers:
        if _URL.match(value):
            return value, "URL"
    if identifiers:
        value, kind = identifiers[0]
        return value, kind or None
    return (urls[0], "URL") if urls else None
