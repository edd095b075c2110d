"""Member universities as organisations: one per provider with a feed, created when the feed is registered
(so a member whose first harvest fails can still be given staff and API clients)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..catalogue import service as catalogue
from ..errors import Conflict, Invalid, NotFound
from .audit import record
from .identity import Identity
from .models import EventKind, Organisation, OrganisationIdentifier, Outcome

_UKPRN = re.compile(r"^1[0-9]{7}$")
_PIC = re.compile(r"^[0-9]{9}$")
_ERASMUS = re.compile(r"^[A-Z]{1,3} +[A-Z][A-Z-]*[0-9]{2}$")
_SCHAC = re.compile(r"^[a-z0-9-]+(\.[a-z0-9-]+)+$", re.I)


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
    if "/" in provider_id:
        # The id is a segment of every course's address; a web address is an identifier, not an id.
        raise Invalid(f"a member's id is a stable id such as its UKPRN, not {provider_id!r}")
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


# --- identifiers -----------------------------------------------------------------------------------------


def identifier_key(value: str) -> str:
    """The form identifiers are matched in: web addresses without their scheme (http and https name the same
    provider), host lower-cased, default port and trailing slash dropped; other values stripped and
    case-folded, inner spaces collapsed."""
    value = " ".join(value.split())
    if re.match(r"^https?://", value, re.I):
        parts = urlsplit(value)
        host = (parts.hostname or "").lower()
        port = f":{parts.port}" if parts.port not in (None, 80, 443) else ""
        query = f"?{parts.query}" if parts.query else ""
        return f"{host}{port}{parts.path.rstrip('/')}{query}"
    return value.casefold()


def guess_scheme(value: str) -> str:
    """The scheme an identifier given without one most likely belongs to: UKPRN, URL, PIC, Erasmus, SCHAC,
    else internal (a member's own code)."""
    value = " ".join(value.split())
    if _UKPRN.match(value):
        return "UKPRN"
    if re.match(r"^https?://", value, re.I):
        return "URL"
    if _PIC.match(value):
        return "PIC"
    if _ERASMUS.match(value):
        return "Erasmus"
    if _SCHAC.match(value):
        return "SCHAC"
    return "internal"


def add_identifier(session: Session, org_id: str, value: str, scheme: str | None = None) -> OrganisationIdentifier:
    """Record another identifier of a member (idempotent). Conflict when another member already has it, as an
    identifier or as its id: a document naming it must lead to one member only."""
    value = " ".join(value.split())
    if not value:
        raise Invalid("an identifier cannot be empty")
    if session.get(Organisation, org_id) is None:
        raise NotFound(f"no organisation {org_id!r}")
    key = identifier_key(value)
    existing = session.scalar(select(OrganisationIdentifier).where(OrganisationIdentifier.key == key))
    if existing is not None:
        if existing.org_id != org_id:
            raise Conflict(f"{value!r} is already an identifier of member {existing.org_id!r}")
        return existing
    other = session.get(Organisation, value)
    if other is not None and other.id != org_id:
        raise Conflict(f"{value!r} is the id of member {other.id!r}")
    identifier = OrganisationIdentifier(org_id=org_id, scheme=scheme or guess_scheme(value), value=value, key=key)
    session.add(identifier)
    session.flush()
    return identifier


def identifiers_of(session: Session, org_id: str) -> list[OrganisationIdentifier]:
    return list(session.scalars(
        select(OrganisationIdentifier).where(OrganisationIdentifier.org_id == org_id)
        .order_by(OrganisationIdentifier.id)))


def members_named(session: Session, values: Iterable[str]) -> set[str]:
    """The members (organisation ids) any of these document identifiers names: by id, or by an identifier."""
    values = [" ".join(v.split()) for v in values if v and v.strip()]
    if not values:
        return set()
    by_id = set(session.scalars(select(Organisation.id).where(Organisation.id.in_(values))))
    keys = {identifier_key(v) for v in values}
    by_alias = set(session.scalars(
        select(OrganisationIdentifier.org_id).where(OrganisationIdentifier.key.in_(keys))))
    return by_id | by_alias
