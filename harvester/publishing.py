"""Member universities looking after their own catalogue: publishing a document by push, setting their
feed's address, reading their run reports and quarantine. Every function is scoped by the caller's
organisation: staff and clients of one member can neither read nor change another's.

A member may have several feeds. Which one a call means (``member_feed``): the feed it names (``feed_id``,
which must be the member's); else the member's one feed; else, for a push, its one feed without an address
(its push feed). A member with no feed gets one (id: the member's) on its first push or address; a member
with several feeds and no single push feed must name one (Invalid says which it has)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from directory.catalogue import service as catalogue
from directory.errors import Conflict, Invalid, NotFound
from directory.identity.identity import Identity
from directory.identity.models import Organisation

from . import check, formats, mapping, pipeline, registry
from .environment import HarvestEnvironment
from .models import Feed, HarvestRun

PUBLISH = "catalogue:publish"


def publish(env: HarvestEnvironment, identity: Identity, provider_id: str, body: bytes,
            content_type: str | None, feed_id: str | None = None) -> HarvestRun:
    """Run a pushed document (native JSON or XCRI-CAP) through the harvest pipeline, as a pulled one, into
    the member's feed ``feed_id`` or its push feed (the module says which). A provider publishing for the
    first time gets a feed with no URL (it is published by push)."""
    identity.check(PUBLISH, provider_id)
    if not body.strip():
        raise Invalid("the request has no document")
    format_name = formats.sniff(body, content_type)
    with env.sessions.begin() as session:
        feed = member_feed(session, provider_id, feed_id, push=True)
        if feed is None:
            name = _known_name(session, provider_id)
            feed = registry.add_feed(session, registry.FeedSpec(provider_id, name, None, format_name,
                                                                env.settings.harvest_default_interval),
                                     allow_private=env.settings.harvest_allow_private)
        target = feed.id
    return pipeline.ingest(env, target, body, trigger="publish", format_name=format_name)


def member_feed(session: Session, provider_id: str, feed_id: str | None = None, *, push: bool = False) -> Feed | None:
    """The member's feed a call means (the module's rule); None when the member has no feed. NotFound for a
    named feed that is not the member's; Invalid when the member has several and the call names none."""
    if feed_id:
        feed = session.get(Feed, feed_id)
        if feed is None or feed.provider_id != provider_id:
            raise NotFound(f"member {provider_id!r} has no feed {feed_id!r}")
        return feed
    feeds = registry.member_feeds(session, provider_id)
    if len(feeds) <= 1:
        return feeds[0] if feeds else None
    pushed = [f for f in feeds if not f.url]
    if push and len(pushed) == 1:
        return pushed[0]
    raise Invalid(f"member {provider_id!r} has several feeds ({', '.join(f.id for f in feeds)}): name one "
                  "(feed=FEED_ID)")


def _known_name(session: Session, provider_id: str) -> str:
    organisation = session.get(Organisation, provider_id)
    if organisation is not None:
        return organisation.name
    try:
        return catalogue.get_provider(session, provider_id).name
    except NotFound:
        return provider_id


def feed_of(session: Session, identity: Identity, provider_id: str, feed_id: str | None = None) -> Feed | None:
    """The member's feed ``feed_id``, or its one feed (with several: the one whose id is the member's, else
    the first), None when it has none."""
    identity.check(PUBLISH, provider_id)
    if feed_id:
        return member_feed(session, provider_id, feed_id)
    feeds = registry.member_feeds(session, provider_id)
    return next((f for f in feeds if f.id == provider_id), feeds[0] if feeds else None)


def feeds_of(session: Session, identity: Identity, provider_id: str) -> list[Feed]:
    """Every feed of the member (one per system it publishes from), for the member's pages to choose from."""
    identity.check(PUBLISH, provider_id)
    return registry.member_feeds(session, provider_id)


def set_feed_url(session: Session, identity: Identity, provider_id: str, url: str | None, *,
                 allow_private: bool, default_every: str, feed_id: str | None = None) -> Feed:
    """Point a member's feed (``feed_id``, or its one feed) at a new address (checked like `feeds add`: no
    private addresses), or at none (published by push). Registers the feed if the member had none."""
    identity.check(PUBLISH, provider_id)
    url = (url or "").strip() or None
    feed = member_feed(session, provider_id, feed_id)
    if feed is None:
        spec = registry.FeedSpec(provider_id, _known_name(session, provider_id), url, "native", default_every)
        return registry.add_feed(session, spec, allow_private=allow_private)
    every = f"{feed.interval_seconds}s" if feed.interval_seconds >= 60 else default_every
    spec = registry.FeedSpec(provider_id, feed.name, url, feed.format, every, id=feed.id, aggregator=feed.aggregator)
    return registry.update_feed(session, spec, allow_private=allow_private)


def runs(session: Session, identity: Identity, provider_id: str, page: int, per_page: int,
         cursor: str | None = None) -> catalogue.Page:
    """The runs of every feed of the member, newest first."""
    identity.check(PUBLISH, provider_id)
    return pipeline.latest_runs(session, None, page, per_page, member=provider_id, cursor=cursor)


def quarantine(session: Session, identity: Identity, provider_id: str, page: int,
               per_page: int, cursor: str | None = None) -> catalogue.Page:
    """The member's records each feed's latest run quarantined (an aggregator's included)."""
    identity.check(PUBLISH, provider_id)
    return pipeline.current_quarantine(session, None, page, per_page, member=provider_id, cursor=cursor)


def scorecards(session: Session, identity: Identity, provider_id: str) -> dict:
    """The member's completeness scorecards (QAA minimum information set, EU Annex I) over its active
    courses, for its own staff (and administrators) only."""
    identity.check(PUBLISH, provider_id)
    return catalogue.member_scorecards(session, provider_id)


def visible_feed(session: Session, identity: Identity, feed_id: str | None) -> tuple[str | None, str | None]:
    """The filter a caller may use on the consortium-wide report lists, as (feed, member): administrators
    any feed (or all), everybody else one of their own organisation's feeds, or all of them."""
    if identity.is_admin:
        return feed_id, None
    if feed_id:
        feed = session.get(Feed, feed_id)
        identity.check(PUBLISH, feed.provider_id if feed is not None else feed_id)
        return feed_id, None
    identity.check(PUBLISH, identity.org_id or "")
    return None, identity.org_id


def editable_feed(session: Session, identity: Identity, feed_id: str) -> Feed:
    """A feed whose mapping profile the caller may read and change: staff of the feed's member (with the
    publishing permission) or an administrator. Staff of another member get NotFound, as for a feed that does
    not exist: a feed id tells them nothing about others."""
    identity.check(PUBLISH)
    feed = session.get(Feed, feed_id)
    if feed is None or not identity.acts_for(feed.provider_id):
        raise NotFound(f"no feed {feed_id!r}")
    return feed


def profile_toml(session: Session, identity: Identity, feed_id: str) -> str:
    """The feed's mapping profile as TOML with its tables at the top level (as `feeds mapping FILE` reads)."""
    return registry.stored_profile(editable_feed(session, identity, feed_id)).to_toml()


@dataclass(frozen=True)
class ProfileChange:
    """What saving a profile did: whether it differed, the run that sorted the last document again (None:
    nothing sorted) with the counts before and after, and why it was not sorted now when a run held the feed."""

    changed: bool
    run: HarvestRun | None
    listed_before: int | None
    quarantined_before: int | None
    deferred: str | None = None


def change_profile(env: HarvestEnvironment, identity: Identity, feed_id: str, text: str) -> ProfileChange:
    """Parse ``text`` (a profile, tables at the top level; empty clears it) and store it, sorting the feed's
    last document again (pipeline.change_profile). A refused profile raises ``ProfileError`` naming
    the key and line, and the stored profile stays."""
    with env.readers() as session:
        feed = editable_feed(session, identity, feed_id)
        before = registry.stored_profile(feed)
        last = next(iter(pipeline.latest_runs(session, feed_id, 1, 1).results), None)
        listed = (last.new or 0) + (last.changed or 0) + (last.unchanged or 0) if last else None
        quarantined = last.quarantined if last else None
    profile = mapping.parse_profile_text(text, source="the profile", vocab=env.vocab) if text.strip() \
        else mapping.EMPTY
    if profile.digest == before.digest:
        return ProfileChange(False, None, listed, quarantined)
    try:
        run = pipeline.change_profile(env, feed_id, profile)
    except Conflict as exc:  # stored; the run under way holds the feed, so the next run sorts with it
        return ProfileChange(True, None, listed, quarantined, deferred=exc.detail)
    return ProfileChange(True, run, listed, quarantined)


def dry_run(env: HarvestEnvironment, identity: Identity, feed_id: str, body: bytes, *, format_name: str | None,
            profile_text: str | None, content_type: str | None = None) -> check.CheckReport:
    """What a harvest of ``body`` for the caller's feed would give, with nothing stored: under ``profile_text``
    when given (ProfileError when refused), else the feed's stored profile."""
    with env.readers() as session:
        feed = editable_feed(session, identity, feed_id)
        if profile_text and profile_text.strip():
            profile = mapping.parse_profile_text(profile_text, source="the profile", vocab=env.vocab)
        else:
            profile = registry.stored_profile(feed)
        if not body.strip():
            raise Invalid("give a document: upload a file or give its address")
        return check.check_document(env.vocab, body, format_name=format_name or None, profile=profile,
                                    provider_id=feed.provider_id, session=session, settings=env.settings,
                                    content_type=content_type)


def fetch_for_dry_run(env: HarvestEnvironment, identity: Identity, feed_id: str, url: str) -> tuple[bytes, str | None]:
    """The document at ``url`` with the harvester's outbound checks (no private addresses unless settings
    allow them), for a dry run of the caller's feed."""
    with env.readers() as session:
        editable_feed(session, identity, feed_id)
    url = url.strip()
    if not url.startswith(("http://", "https://")):
        raise Invalid("the address must start with https:// (or http://)")
    return check.fetch_source(url, env.settings)
