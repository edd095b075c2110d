"""Member universities looking after their own catalogue: publishing a document by push, setting their
feed's address, reading their run reports and quarantine. Every function is scoped by the caller's
organisation: staff and clients of one member can neither read nor change another's."""

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
            content_type: str | None) -> HarvestRun:
    """Run a pushed document (native JSON or XCRI-CAP) through the harvest pipeline, as a pulled one.
    A provider publishing for the first time gets a feed with no URL (it is published by push)."""
    identity.check(PUBLISH, provider_id)
    if not body.strip():
        raise Invalid("the request has no document")
    format_name = formats.sniff(body, content_type)
    with env.sessions.begin() as session:
        if session.get(Feed, provider_id) is None:
            name = _known_name(session, provider_id)
            registry.add_feed(session, registry.FeedSpec(provider_id, name, None, format_name,
                                                         env.settings.harvest_default_interval),
                              allow_private=env.settings.harvest_allow_private)
    return pipeline.ingest(env, provider_id, body, trigger="publish", format_name=format_name)


def _known_name(session: Session, provider_id: str) -> str:
    organisation = session.get(Organisation, provider_id)
    if organisation is not None:
        return organisation.name
    try:
        return catalogue.get_provider(session, provider_id).name
    except NotFound:
        return provider_id


def feed_of(session: Session, identity: Identity, provider_id: str) -> Feed | None:
    identity.check(PUBLISH, provider_id)
    return session.get(Feed, provider_id)


def set_feed_url(session: Session, identity: Identity, provider_id: str, url: str | None, *,
                 allow_private: bool, default_every: str) -> Feed:
    """Point a member's feed at a new address (checked like `feeds add`: no private addresses), or at none
    (published by push). Registers the feed if the member had none."""
    identity.check(PUBLISH, provider_id)
    url = (url or "").strip() or None
    feed = session.get(Feed, provider_id)
    if feed is None:
        spec = registry.FeedSpec(provider_id, _known_name(session, provider_id), url, "native", default_every)
        return registry.add_feed(session, spec, allow_private=allow_private)
    every = f"{feed.interval_seconds}s" if feed.interval_seconds >= 60 else default_every
    spec = registry.FeedSpec(provider_id, feed.name, url, feed.format, every)
    return registry.update_feed(session, spec, allow_private=allow_private)


def runs(session: Session, identity: Identity, provider_id: str, page: int, per_page: int) -> catalogue.Page:
    identity.check(PUBLISH, provider_id)
    return pipeline.latest_runs(session, provider_id, page, per_page)


def quarantine(session: Session, identity: Identity, provider_id: str, page: int,
               per_page: int) -> catalogue.Page:
    identity.check(PUBLISH, provider_id)
    return pipeline.current_quarantine(session, provider_id, page, per_page)


def scorecards(session: Session, identity: Identity, provider_id: str) -> dict:
    """The member's completeness scorecards (QAA minimum information set, EU Annex I) over its active
    courses, for its own staff (and administrators) only."""
    identity.check(PUBLISH, provider_id)
    return catalogue.member_scorecards(session, provider_id)


def visible_feed(identity: Identity, feed_id: str | None) -> str | None:
    """The feed filter a caller may use on the consortium-wide report lists: administrators any (or all),
    everybody else their own organisation's only."""
    if identity.is_admin:
        return feed_id
    identity.check(PUBLISH, feed_id or identity.org_id or "")
    return feed_id or identity.org_id
