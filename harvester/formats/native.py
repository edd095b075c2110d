"""The native Climbing Frame catalogue feed (JSON), documented in docs/feed-format.md.

Records pass through untouched: the native format *is* the canonical field naming, so all validation
happens once, in directory.catalogue.schema. The provider's own fields are read here; a ``provider.url``
that is not an http(s) address (``directory.urls``) is left out and quarantined, the rest of the feed goes on.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from itertools import chain
from typing import Any

import orjson

from directory.errors import FeedError
from directory.urls import url_refusal

from .base import FeedDocument, ProviderInfo, Record, Rejection

FORMAT = "native"
VERSION = "2"  # 2: provider.url checked
FORMAT_NAME = "climbing-frame/catalogue-feed"
SUPPORTED_VERSIONS = ("1.0",)


def parse(data: bytes) -> FeedDocument:
    try:
        document = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise FeedError(f"not valid JSON: {exc}") from None
    if not isinstance(document, dict):
        raise FeedError("the feed must be a JSON object")
    if document.get("format") != FORMAT_NAME:
        raise FeedError(f"format must be {FORMAT_NAME!r}, got {document.get('format')!r}")
    if str(document.get("version")) not in SUPPORTED_VERSIONS:
        raise FeedError(
            f"version {document.get('version')!r} is not supported (supported: {', '.join(SUPPORTED_VERSIONS)})"
        )
    courses = document.get("courses")
    if not isinstance(courses, list):
        raise FeedError("courses must be a list")
    pathways = document.get("pathways") or []
    if not isinstance(pathways, list):
        raise FeedError("pathways must be a list when given")
    provider, rejected = _provider(document.get("provider"))
    return FeedDocument(
        provider=provider,
        items=chain(rejected, _items(courses)),
        total=len(courses),
        pathways=[p for p in pathways if isinstance(p, Mapping)],
    )


def _provider(value: Any) -> tuple[ProviderInfo, list[Rejection]]:
    if not isinstance(value, dict):
        raise FeedError("provider must be an object with id and name")
    provider_id, name = value.get("id"), value.get("name")
    if not isinstance(provider_id, str | int) or not str(provider_id).strip():
        raise FeedError("provider.id is required")
    if not isinstance(name, str) or not name.strip():
        raise FeedError("provider.name is required")

    def text(key: str) -> str | None:
        item = value.get(key)
        return str(item) if isinstance(item, str | int) else None

    url, rejected = value.get("url"), []
    if isinstance(url, str) and not url.strip():
        url = None  # blank is "not given", as null is
    refusal = None if url is None else url_refusal(url)
    if refusal is not None:
        rejected.append(Rejection(None, "provider.url", refusal, _excerpt(url)))
        url = None
    info = ProviderInfo(
        id=str(provider_id).strip(),
        name=name.strip(),
        id_scheme=text("id_scheme"),
        country=(text("country") or "")[:2].upper() or None,
        url=url,
    )
    return info, rejected


def _items(courses: list[Any]) -> Iterator[Record | Rejection]:
    for index, course in enumerate(courses):
        if not isinstance(course, dict):
            yield Rejection(None, f"courses[{index}]", "a course must be a JSON object", _excerpt(course))
            continue
        course_id = course.get("id")
        if isinstance(course_id, int) and not isinstance(course_id, bool):
            course_id = str(course_id)
        if not isinstance(course_id, str) or not course_id.strip():
            yield Rejection(None, f"courses[{index}].id", "missing or not a string", _excerpt(course))
            continue
        yield Record(course_id.strip(), course)


def _excerpt(value: Any) -> str:
    try:
        return orjson.dumps(value)[:500].decode("utf-8", "replace")
    except TypeError:
        return repr(value)[:500]
