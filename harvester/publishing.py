"""Member universities looking after their own catalogue: publishing a document by push, setting their
feed's address, reading their run reports and quarantine. Every function is scoped by the caller's
organisation: staff and clients of one member can neither read nor change another's.

A member may have several feeds. Which one a call means (``member_feed``): the feed it names (``feed_id``,
which must be the member's); else the member's one feed; else, for a push, its one feed without an address
(its push feed). A member with no feed gets one (id: the member's) on its first push or address; a member
with several feeds and no single push feed must name one (Invalid says which it has)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from directory.catalogue import service as catalogue
from directory.errors import Invalid, NotFound
from directory.identity.identity import Identity
from directory.identity.models import Organisation

from . import formats, pipeline, registry
from .models import Feed, HarvestRun
from .pipeline import HarvestEnvironment

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


def runs(session: Session, identity: Identity, provider_id: str, page: int, per_page: int) -> catalogue.Page:
    """The runs of every feed of the member, newest first."""
    identity.check(PUBLISH, provider_id)
    return pipeline.latest_runs(session, None, page, per_page, member=provider_id)


def quarantine(session: Session, identity: Identity, provider_id: str, page: int,
               per_page: int) -> catalogue.Page:
    """The member's records each feed's latest run quarantined (an aggregator's included)."""
    identity.check(PUBLISH, provider_id)
    return pipeline.current_quarantine(session, None, page, per_page, member=provider_id)


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
