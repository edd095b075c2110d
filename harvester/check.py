"""The dry run: what a harvest would make of a document, with nothing stored.

``check_document`` parses the document with its format's adapter, applies the mapping profile and sorts the
records with the very functions a harvest uses (``sorting.make_validator``, ``sorting.sort_document``),
so a dry run and a harvest of the same document under the same profile give the same counts, unmapped
values and problems. It reads the store only to check the document's provider against a member's
identifiers (``provider_id`` with a ``session``) and writes nothing. ``fetch_source`` reads a URL with the
harvester's own fetch (outbound checks, size limits) or a file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from directory.catalogue.vocab import Vocabularies
from directory.errors import FeedError, FetchError, Invalid
from directory.identity.models import Organisation
from directory.settings import Settings

from . import formats
from .fetch import FetchOptions, fetch_feed
from .mapping import EMPTY, MappingProfile
from .models import Feed
from .sections import member_of, outsider, provider_refusal
from .sorting import make_validator, sort_document, warnings_of
from .unmapped import UnmappedValues


@dataclass(frozen=True)
class Problem:
    course_id: str | None
    title: str | None
    field: str
    value: Any
    reason: str


@dataclass(frozen=True)
class CheckReport:
    """One dry run: ``as_dict()`` is what ``feeds check --json`` prints."""

    format: str
    seen: int
    listable: int
    quarantined: int
    marked_withdrawn: int
    unmapped: list[dict[str, Any]]
    problems: list[Problem]
    provider: dict[str, Any] | None = None
    # How the document's provider compares with the member named (--provider-id); None when none was named.
    provider_check: str | None = None
    provider_ok: bool | None = None
    unread: list[str] = field(default_factory=list)
    # Records describing a whole qualification (harvester.qualifications): neither listable nor quarantined.
    qualifications: list[dict[str, Any]] = field(default_factory=list)
    # Aggregator documents: records of providers outside the consortium (not imported), and those providers.
    not_imported: int = 0
    outsiders: list[dict[str, Any]] = field(default_factory=list)
    # Expected fields (listing policy) the listable records do not publish: {"field", "words", "count",
    # "examples", "reason"}.
    warnings: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "counts": {"seen": self.seen, "listable": self.listable, "quarantined": self.quarantined,
                       "marked_withdrawn": self.marked_withdrawn, "qualifications": len(self.qualifications),
                       "not_imported": self.not_imported},
            "unmapped": [dict(u) for u in self.unmapped],
            "problems": [{"course_id": p.course_id, "title": p.title, "field": p.field, "value": p.value,
                          "reason": p.reason} for p in self.problems],
            "provider": self.provider,
            "provider_check": {"ok": self.provider_ok, "message": self.provider_check}
            if self.provider_check is not None else None,
            "unread": list(self.unread),
            "qualifications": [dict(q) for q in self.qualifications],
            "outsiders": [dict(o) for o in self.outsiders],
            "warnings": [dict(w) for w in self.warnings],
        }


def check_document(vocab: Vocabularies, body: bytes, *, format_name: str | None = None,
                   profile: MappingProfile = EMPTY, provider_id: str | None = None,
                   session: Session | None = None, settings: Settings | None = None,
                   content_type: str | None = None, aggregator: bool = False) -> CheckReport:
    """The report a harvest of ``body`` would give. Invalid when the document cannot be read at all (the
    reason a harvest would fail with), or the format is unknown. With ``aggregator`` (and a ``session``) the
    document is read as an aggregator feed's: each member's records sorted apart, as a harvest sorts them,
    and the records of providers outside the consortium counted as not imported, their providers named."""
    name = format_name or formats.sniff(body, content_type)
    try:
        adapter = formats.adapter(name)
    except ValueError as exc:
        raise Invalid(str(exc)) from None
    try:
        document = adapter.parse(body)
        items = list(document.items)  # parse errors of lazy adapters surface here, as in a harvest
    except FeedError as exc:
        raise Invalid(f"unusable document ({name}): {exc}") from None
    document.items = items
    validator = make_validator(vocab, settings, profile)
    outsiders: list[dict[str, Any]] = []
    if aggregator and session is not None:
        check = None
        groups, outsiders = _by_member(session, provider_id, document)
        sortings = [sort_document(validator, formats.FeedDocument(p, group), profile=profile,
                                           provider_name=p.name if p is not None else "") for p, group in groups]
    else:
        check = _provider_check(session, provider_id, document)
        sortings = [sort_document(validator, document, profile=profile,
                                           provider_name=_provider_name(document))]
    quarantine = [entry for sorting in sortings for entry in sorting.quarantine]
    problems = [
        Problem(entry.record_id, entry.title, problem.get("field", entry.field), problem.get("value"),
                problem.get("reason", entry.reason))
        for entry in quarantine for problem in (entry.problems or [{}])
    ]
    provider = document.provider
    not_imported = sum(o["courses"] for o in outsiders)
    return CheckReport(
        format=name, seen=sum(s.count for s in sortings) + not_imported,
        listable=sum(s.listable for s in sortings), quarantined=len(quarantine),
        marked_withdrawn=sum(len(s.marked_withdrawn) for s in sortings),
        unmapped=UnmappedValues.merged(s.unmapped for s in sortings).as_list(), problems=problems,
        not_imported=not_imported, outsiders=outsiders,
        provider={"id": provider.id, "name": provider.name,
                  "identifiers": [value for value, _ in provider.all_identifiers()]} if provider else None,
        provider_check=check[0] if check else None, provider_ok=check[1] if check else None,
        unread=sorted(set(document.unmapped)), warnings=warnings_of(sortings),
        qualifications=[_qualification(q) for sorting in sortings for q in sorting.qualifications],
    )


def _qualification(found) -> dict[str, Any]:
    """What the dry run says of one qualification: title, level, total credit, url (and id and why)."""
    return {"id": found.id, "title": found.title, "level": found.level, "total_credit": found.credit,
            "url": found.url, "reason": found.reason}
def _by_member(session: Session, provider_id: str | None, document: formats.FeedDocument):
    """An aggregator document's records by member (the harvest's rule, sections.member_of), and the providers
    outside the consortium."""
    feed = Feed(id=provider_id or "", provider_id=provider_id or "", aggregator=True)
    groups: dict[str, tuple[formats.ProviderInfo | None, list]] = {}
    outsiders = []
    for provider, items in document.sections():
        member = member_of(session, feed, provider)
        if member is None:
            outsiders.append(outsider(provider, items))
        else:
            groups.setdefault(member, (provider, []))[1].extend(items)
    return list(groups.values()), outsiders


def _provider_name(document: formats.FeedDocument) -> str:
    return document.provider.name if document.provider is not None else ""


def _provider_check(session: Session | None, provider_id: str | None,
                    document: formats.FeedDocument) -> tuple[str, bool | None] | None:
    if provider_id is None:
        return None
    if session is None:
        return f"not checked: no database to look member {provider_id!r} up in", None
    if session.get(Organisation, provider_id) is None:
        return (f"not checked: the database knows no member {provider_id!r} (register its feed first, or "
                "check without --provider-id)"), None
    refusal = provider_refusal(session, provider_id, document)
    if refusal is None:
        return f"the document's provider is member {provider_id!r}'s", True
    return refusal, False


def fetch_source(source: str, settings: Settings) -> tuple[bytes, str | None]:
    """The bytes of SOURCE (an http(s) URL, fetched with the harvester's outbound checks, or a file) and the
    content type the server declared. Invalid when it cannot be read."""
    if source.startswith(("http://", "https://")):
        try:
            fetched = fetch_feed(source, options=FetchOptions.from_settings(settings))
        except FetchError as exc:
            raise Invalid(f"{source}: fetch failed: {exc.reason}") from None
        return fetched.body or b"", fetched.content_type
    try:
        return Path(source).read_bytes(), None
    except OSError as exc:
        raise Invalid(f"{source}: cannot read the file: {exc.strerror or exc}") from None
