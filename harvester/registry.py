"""The feed registry: which feeds exist, where they are and how often they are harvested."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from directory.catalogue.vocab import Vocabularies
from directory.errors import AddressRefused, Conflict, Invalid, NotFound, SettingsError
from directory.identity import organisations
from directory.outbound import check_url
from directory.settings import parse_interval

from . import formats
from .mapping import EMPTY, MappingProfile, profile_from_table
from .models import Feed


@dataclass(frozen=True)
class FeedSpec:
    provider_id: str
    name: str
    url: str | None
    format: str = "native"
    every: str = "6h"
    # Other identifiers the member's documents may name it by (web address, internal code...).
    aliases: tuple[str, ...] = ()
    # The feed's mapping profile ([feed.mapping] in feeds.toml); None: the file gives none, and the feed keeps
    # the profile it has (set with `feeds mapping` or on the web).
    mapping: MappingProfile | None = None
    # The feed's own id; None: the member's id (a member's first feed, as before members had several).
    id: str | None = None
    # A document listing several providers (a federation's or an aggregator's): each provider's courses go
    # to the member that owns it. An ordinary feed refuses another member's courses.
    aggregator: bool = False

    @property
    def feed_id(self) -> str:
        return self.id if self.id is not None else self.provider_id


def _validate(spec: FeedSpec, allow_private: bool) -> int:
    if not spec.provider_id.strip():
        raise Invalid("a feed needs a provider id")
    if spec.id is not None and (not spec.id.strip() or "/" in spec.id or spec.id != spec.id.strip()
                                or len(spec.id) > 100):
        raise Invalid(f"a feed id is a short name without slashes or surrounding spaces, not {spec.id!r}")
    if "/" in spec.provider_id or spec.provider_id != spec.provider_id.strip():
        # The member id is a segment of every course's address (/courses/<provider>/<course>).
        raise Invalid(f"a member is registered under a stable id such as its UKPRN, not {spec.provider_id!r}: "
                      "give the identifier its documents carry as an alias (--alias, aliases = [...])")
    if any(not alias.strip() for alias in spec.aliases):
        raise Invalid("an alias cannot be empty")
    try:
        formats.adapter(spec.format)
        seconds = parse_interval(spec.every)
    except (ValueError, SettingsError) as exc:
        raise Invalid(str(exc)) from None
    if spec.url:
        try:
            check_url(spec.url, allow_private)
        except AddressRefused as exc:
            raise Invalid(f"feed URL refused: {exc.reason}") from None
    return seconds


def add_feed(session: Session, spec: FeedSpec, *, allow_private: bool) -> Feed:
    """Register a feed under ``spec.feed_id``: the member's id unless the spec names one, which a member's
    second and later feeds must (Invalid otherwise; Conflict when the id is taken). The provider's
    organisation is created too, or the existing one named, before any harvest has run."""
    seconds = _validate(spec, allow_private)
    existing = member_feeds(session, spec.provider_id)
    if spec.id is None and existing:
        raise Invalid(f"member {spec.provider_id!r} has a feed already ({', '.join(f.id for f in existing)}): "
                      "give its other feed an id of its own (--id FEED_ID, id = \"...\" in feeds.toml)")
    if session.get(Feed, spec.feed_id) is not None:
        raise Conflict(f"there is a feed {spec.feed_id!r} already")
    feed = Feed(id=spec.feed_id, provider_id=spec.provider_id, name=spec.name, url=spec.url,
                format=spec.format, interval_seconds=seconds, enabled=True, aggregator=spec.aggregator,
                mapping=_stored(spec.mapping) if spec.mapping is not None else None)
    session.add(feed)
    organisations.ensure_for_feed(session, spec.provider_id, spec.name)
    _add_aliases(session, spec.provider_id, spec.aliases)
    session.flush()
    return feed


def update_feed(session: Session, spec: FeedSpec, *, allow_private: bool) -> Feed:
    seconds = _validate(spec, allow_private)
    feed = get_feed(session, spec.feed_id)
    if feed.provider_id != spec.provider_id:
        raise Invalid(f"feed {feed.id!r} is member {feed.provider_id!r}'s, not {spec.provider_id!r}'s: a feed "
                      "does not move to another member (remove it and add it again)")
    if (feed.url, feed.format) != (spec.url, spec.format):
        # A new source answers for itself: its validators say nothing about the old one's.
        feed.etag = feed.last_modified = None
    feed.name, feed.url, feed.format, feed.interval_seconds = spec.name, spec.url, spec.format, seconds
    feed.aggregator = spec.aggregator
    if spec.mapping is not None:
        feed.mapping = _stored(spec.mapping)
    # Feeds registered before organisations came with registration get theirs now.
    organisations.ensure_for_feed(session, spec.provider_id, spec.name)
    # Aliases are added, never removed here: others may have been added with `feeds alias`.
    _add_aliases(session, spec.provider_id, spec.aliases)
    session.flush()
    return feed


def _add_aliases(session: Session, provider_id: str, aliases: tuple[str, ...]) -> None:
    for alias in aliases:
        organisations.add_identifier(session, provider_id, alias)


def alias_feed(session: Session, feed_id: str, aliases: list[str]) -> list[str]:
    """Add identifiers to a feed's member (documents naming any of them are the feed's); all its aliases."""
    feed = get_feed(session, feed_id)
    _add_aliases(session, feed.provider_id, tuple(aliases))
    return feed_aliases(session, feed)


def feed_aliases(session: Session, feed: Feed) -> list[str]:
    return [value for value, _ in feed_identifiers(session, feed)]


def feed_identifiers(session: Session, feed: Feed) -> list[tuple[str, str]]:
    """The aliases of a feed's member as (value, scheme), in the order they were added."""
    return [(i.value, i.scheme) for i in organisations.identifiers_of(session, feed.provider_id)]


def _stored(profile: MappingProfile) -> dict | None:
    return None if profile.is_empty else profile.to_table()


def stored_profile(feed: Feed) -> MappingProfile:
    """The feed's mapping profile (EMPTY when it has none)."""
    return profile_from_table(feed.mapping, source=f"feed {feed.id}'s mapping profile") if feed.mapping else EMPTY


def set_mapping(session: Session, feed_id: str, profile: MappingProfile) -> bool:
    """Store ``profile`` as the feed's mapping profile (EMPTY clears it); True when it differs from the one
    stored. The caller re-sorts the feed's last document (pipeline.change_profile does both)."""
    feed = get_feed(session, feed_id)
    changed = stored_profile(feed).digest != profile.digest
    feed.mapping = _stored(profile)
    session.flush()
    return changed


@dataclass
class SyncResult:
    feeds: list[Feed]
    # Feeds whose mapping profile the file changed: their last document should be sorted again.
    reprofiled: list[str] = field(default_factory=list)


def sync(session: Session, specs: list[FeedSpec], *, allow_private: bool) -> SyncResult:
    """Make the registry hold each spec (add or update); feeds not named are left alone. A spec with a
    mapping profile stores it; one without leaves the feed's profile as it is."""
    result = SyncResult([])
    for spec in specs:
        existing = session.get(Feed, spec.feed_id)
        before = stored_profile(existing).digest if existing is not None else None
        if existing is not None:
            feed = update_feed(session, spec, allow_private=allow_private)
        else:
            feed = add_feed(session, spec, allow_private=allow_private)
        if before is not None and stored_profile(feed).digest != before:
            result.reprofiled.append(feed.id)
        result.feeds.append(feed)
    return result


def sync_feeds(session: Session, specs: list[FeedSpec], *, allow_private: bool) -> list[Feed]:
    """``sync``'s feeds."""
    return sync(session, specs, allow_private=allow_private).feeds


def get_feed(session: Session, feed_id: str) -> Feed:
    feed = session.get(Feed, feed_id)
    if feed is None:
        raise NotFound(f"no feed {feed_id!r}")
    return feed


def list_feeds(session: Session) -> list[Feed]:
    return list(session.scalars(select(Feed).order_by(Feed.id)))


def member_feeds(session: Session, provider_id: str) -> list[Feed]:
    """The member's feeds, by id."""
    return list(session.scalars(select(Feed).where(Feed.provider_id == provider_id).order_by(Feed.id)))


def remove_feed(session: Session, feed_id: str) -> None:
    """Stop harvesting a feed. Its courses and history stay (withdraw them with an empty feed if needed)."""
    session.delete(get_feed(session, feed_id))
    session.flush()


def read_feeds_file(path: Path, base_url: str | None = None, *, vocab: Vocabularies | None = None) -> list[FeedSpec]:
    """Feeds from a TOML file of ``[[feed]]`` tables (provider_id, name, url or file, format, every,
    aliases: a list of other identifiers of the member, mapping: the feed's mapping profile, id: the feed's
    own id when the member has several, aggregator: true for a document listing several members).

    ``file`` entries (the demo) are relative paths served under ``base_url``. A profile that is refused
    raises ``ProfileError`` naming the key and its line; with ``vocab`` subject codes are checked.
    """
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise Invalid(f"{path}: {exc}") from None
    specs = []
    for index, entry in enumerate(data.get("feed", [])):
        url = entry.get("url")
        if url is None and entry.get("file") and base_url:
            url = f"{base_url.rstrip('/')}/{entry['file']}"
        aliases = entry.get("aliases", [])
        if not isinstance(aliases, list) or not all(isinstance(a, str | int) for a in aliases):
            raise Invalid(f"{path}: feed {index + 1}: aliases must be a list of identifiers")
        feed_id, aggregator = entry.get("id"), entry.get("aggregator", False)
        if (feed_id is not None and not isinstance(feed_id, str | int)) or not isinstance(aggregator, bool):
            raise Invalid(f"{path}: feed {index + 1}: id must be a string and aggregator true or false")
        profile = None
        if "mapping" in entry:
            profile = profile_from_table(entry["mapping"], source=f"{path}: feed {index + 1}'s mapping", text=text,
                                         vocab=vocab, root=("feed", "mapping"), occurrence=index)
        try:
            specs.append(FeedSpec(provider_id=str(entry["provider_id"]), name=entry["name"], url=url,
                                  format=entry.get("format", "native"), every=entry.get("every", "6h"),
                                  aliases=tuple(str(a) for a in aliases), mapping=profile,
                                  id=str(feed_id) if feed_id is not None else None, aggregator=aggregator))
        except KeyError as exc:
            raise Invalid(f"{path}: feed {index + 1} lacks {exc.args[0]}") from None
    return specs
