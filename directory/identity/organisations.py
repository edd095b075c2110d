"""Member universities as organisations: one per provider with a feed, created when the feed is registered
(so a member whose first harvest fails can still be given staff and API clients)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..catalogue import service as catalogue
from ..errors import Invalid, NotFound
from .audit import record
from .identity import Identity
from .models import EventKind, Organisation, Outcome


def ensure_for_provider(session: Session, provider_id: str, name: str) -> Organisation:
    """The organisation of a provider, created on first sight (harvest or publishing). Its name is kept:
    an administrator may have named it differently from the feed."""
    organisation = session.get(Organisation, provider_id)
    if organisation is None:
        organisation = Organisation(id=provider_id, name=name)
        session.add(organisation)
        session.flush()
    return organisation


def ensure_for_feed(session: Session, provider_id: str, name: str) -> Organisation:
    """The organisation of a feed's provider, created with its provider record when the feed is registered.
    An existing provider or organisation keeps its name (a harvest or an administrator named it)."""
    try:
        catalogue.get_provider(session, provider_id)
    except NotFound:
        catalogue.upsert_provider(session, provider_id, name)
    return ensure_for_provider(session, provider_id, name)


def add(session: Session, actor: Identity, provider_id: str, name: str) -> Organisation:
    """Add (or rename) an organisation, creating its provider record if no feed has named it yet."""
    actor.check_admin()
    provider_id, name = provider_id.strip(), name.strip()
    if not provider_id or not name:
        raise Invalid("an organisation needs a provider id and a name")
    catalogue.upsert_provider(session, provider_id, name)
    organisation = ensure_for_provider(session, provider_id, name)
    organisation.name = name
    record(session, EventKind.ORGANISATION_ADDED, Outcome.SUCCESS, actor=actor, org_id=provider_id)
    return organisation


def list_all(session: Session) -> list[Organisation]:
    return list(session.scalars(select(Organisation).order_by(Organisation.id)))


def get(session: Session, identity: Identity, org_id: str) -> Organisation:
    """An organisation the caller acts for (administrators: any)."""
    if not identity.acts_for(org_id):
        identity.check_admin()  # raises Forbidden: staff of another member see nothing of it
    organisation = session.get(Organisation, org_id)
    if organisation is None:
        raise NotFound(f"no organisation {org_id!r}")
    return organisation
