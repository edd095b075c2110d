"""The read phase of a run: a document's records by the member they belong to (``Section``), and the rule
that says which member a document's provider is (``member_of``), shared by the harvest and the dry run.

A document is the feed's when any identifier of its provider names the feed's member (its id or an alias,
directory.identity.organisations); an aggregator feed's document may list several providers, each one's
courses the member it names, and those of providers outside the consortium are reported, not imported.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from directory.catalogue import service as catalogue
from directory.errors import FeedError
from directory.identity import organisations

from .formats import FeedDocument, ProviderInfo, Record, Rejection
from .models import Feed


@dataclass
class Section:
    """The records of one member in a document (an ordinary feed's document has one section), with what the
    store holds of the member's courses and the member's other feeds (whose active courses stay theirs)."""

    member: str
    provider: ProviderInfo | None
    items: list[Record | Rejection]
    states: dict[str, catalogue.CourseState] = field(default_factory=dict)
    rival_feeds: frozenset[str] = frozenset()


def sections_of(session: Session, feed: Feed, document: FeedDocument) -> tuple[list[Section], list[dict]]:
    """The document's records by member, and the providers outside the consortium (aggregator feeds: not
    imported, reported). A member this feed listed courses of before has a section even when the document
    no longer names it, so that its courses missing from the feed are withdrawn."""
    by_member: dict[str, Section] = {}
    outsiders: list[dict] = []
    for provider, items in document.sections():
        member = member_of(session, feed, provider)
        if member is None:
            outsiders.append(outsider(provider, items))
        elif member in by_member:
            by_member[member].items.extend(items)
        else:
            by_member[member] = Section(member, provider, list(items))
    for member in sorted(catalogue.feed_members(session, feed.id) | {feed.provider_id}):
        by_member.setdefault(member, Section(member, None, []))
    for section in by_member.values():
        section.states = catalogue.course_states(session, section.member)
        section.rival_feeds = frozenset(session.scalars(
            select(Feed.id).where(Feed.provider_id == section.member, Feed.id != feed.id)))
    return list(by_member.values()), outsiders


def member_of(session: Session, feed: Feed, provider: ProviderInfo | None) -> str | None:
    """The member whose courses these are: the feed's member when any identifier the document gives the
    provider names it (its id or one of its aliases, organisations.identifier_key compares them), so its
    courses are stored under the member's id, never under the document's identifier. An aggregator feed
    takes any member's provider (None: a provider outside the consortium); an ordinary feed refuses any
    other document (FeedError naming its identifiers)."""
    if provider is None:
        return feed.provider_id
    identifiers = provider.all_identifiers()
    if any(value.strip() == feed.provider_id for value, _ in identifiers):
        return feed.provider_id  # also for a feed registered before its organisation was created with it
    members = organisations.members_named(session, [value for value, _ in identifiers])
    if feed.provider_id in members:
        return feed.provider_id
    if feed.aggregator:
        return sorted(members)[0] if members else None
    named = ", ".join(f"{value!r} ({scheme})" if scheme else repr(value) for value, scheme in identifiers)
    if members:
        raise FeedError(f"the document is for provider {named}, which is member {sorted(members)[0]!r}; "
                        f"this feed is {feed.provider_id!r}'s (a feed listing several members' courses is "
                        f"registered as an aggregator: `feeds add --aggregator`, `aggregator = true`)")
    raise FeedError(
        f"the document is for a provider this consortium does not know, identified as {named}; this feed is "
        f"{feed.provider_id!r}'s. If the document is this member's, alias its identifier: "
        f"`climbing-frame feeds alias {feed.id} {_shell_quote(provider.id)}`"
    )


def outsider(provider: ProviderInfo, items: list) -> dict:
    """How a run reports a provider outside the consortium whose records it did not import."""
    return {"name": provider.name, "identifiers": [value for value, _ in provider.all_identifiers()],
            "courses": len(items),
            "command": f"climbing-frame feeds alias FEED {_shell_quote(provider.id)}  "
                       "(FEED: a feed of the member this provider is)"}


def provider_refusal(session: Session, provider_id: str, document: FeedDocument) -> str | None:
    """Why a feed of member ``provider_id`` would refuse the document (a provider is someone else), or
    None when it would take it: the dry run's check, by the harvest's own rule."""
    try:
        for provider, _ in document.sections():
            member_of(session, Feed(id=provider_id, provider_id=provider_id, aggregator=False), provider)
    except FeedError as exc:
        return str(exc)
    return None


def _shell_quote(value: str) -> str:
    return "'" + value.replace("'", "'\\''") + "'"
