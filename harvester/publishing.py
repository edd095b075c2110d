"""Member universities looking after their own catalogue: publishing a document by push, setting their
feed's address, reading their run reports and quarantine. Every function is scoped by the caller's
organisation: staff and clients of one member can neither read nor change another's."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from directory.catalogue import service as catalogue
from directory.errors import Conflict, Invalid, NotFound
from directory.identity.identity import Identity
from directory.identity.models import Organisation

from . import check, formats, mapping, pipeline, registry
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


def visible_feed(identity: Identity, feed_id: str | None) -> str | None:
    """The feed filter a caller may use on the consortium-wide report lists: administrators any (or all),
    everybody else their own organisation's only."""
    if identity.is_admin:
        return feed_id
    identity.check(PUBLISH, feed_id or identity.org_id or "")
    return feed_id or identity.org_id


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
    last document again (pipeline.change_profile). A refused profile raises ``mapping.ProfileError`` naming
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
