"""OAuth clients (member universities' systems) and the access tokens issued to them.

The protocol itself is the web layer's (Authlib); this module keeps the records: secrets and tokens by
SHA-256 digest, compared in constant time, every issue and revocation in the audit log.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..db import utcnow
from ..errors import Invalid, NotFound
from .audit import Source, record
from .identity import SCOPES, Identity, parse_scopes
from .models import AccessToken, EventKind, OAuthClient, Organisation, Outcome
from .signin import digest


@dataclass(frozen=True)
class NewClient:
    client: OAuthClient
    secret: str  # shown once, never stored


def create_client(session: Session, actor: Identity, org_id: str, scopes: str | list[str],
                  name: str = "") -> NewClient:
    actor.check_admin()
    try:
        granted = parse_scopes(scopes)
    except ValueError as exc:
        raise Invalid(str(exc)) from None
    if session.get(Organisation, org_id) is None:
        raise NotFound(f"no organisation {org_id!r}")
    secret = secrets.token_urlsafe(32)
    client = OAuthClient(client_id="cf-" + secrets.token_urlsafe(12), name=name.strip() or org_id, org_id=org_id,
                         scopes=sorted(granted), secret_hash=digest(secret), created_by=actor.actor)
    session.add(client)
    session.flush()
    record(session, EventKind.CLIENT_CREATED, Outcome.SUCCESS, actor=actor, client_id=client.client_id,
           org_id=org_id, scopes=client.scopes)
    return NewClient(client, secret)


def revoke_client(session: Session, actor: Identity, client_id: str, now: datetime | None = None) -> OAuthClient:
    """Stop a client for good: it authenticates no more and its tokens stop working."""
    actor.check_admin()
    now = now or utcnow()
    client = session.scalar(select(OAuthClient).where(OAuthClient.client_id == client_id))
    if client is None:
        raise NotFound(f"no client {client_id!r}")
    if client.revoked is None:
        client.revoked = now
        session.execute(update(AccessToken).where(AccessToken.client_pk == client.id, AccessToken.revoked.is_(None))
                        .values(revoked=now).execution_options(synchronize_session=False))
        record(session, EventKind.CLIENT_REVOKED, Outcome.SUCCESS, actor=actor, client_id=client_id)
    session.flush()
    return client


def list_clients(session: Session, actor: Identity) -> list[OAuthClient]:
    actor.check_admin()
    return list(session.scalars(select(OAuthClient).order_by(OAuthClient.org_id, OAuthClient.id)))


def find_client(session: Session, client_id: str) -> OAuthClient | None:
    """A client that may still authenticate."""
    client = session.scalar(select(OAuthClient).where(OAuthClient.client_id == client_id))
    return client if client is not None and client.revoked is None else None


def secret_matches(client: OAuthClient, secret: str) -> bool:
    return hmac.compare_digest(client.secret_hash, digest(secret or ""))


def allowed_scopes(client: OAuthClient, requested: str | None) -> list[str]:
    """The scopes a token gets: what was asked for and granted to the client (all it holds if it asked
    for none)."""
    held = set(client.scopes)
    if not requested:
        return sorted(held)
    return [scope for scope in requested.split() if scope in held and scope in SCOPES]


def store_token(session: Session, client: OAuthClient, token: str, scopes: list[str], expires_in: int,
                source: Source | None = None, now: datetime | None = None) -> AccessToken:
    now = now or utcnow()
    row = AccessToken(token_hash=digest(token), client_pk=client.id, client_id=client.client_id,
                      org_id=client.org_id, scopes=sorted(scopes), issued=now,
                      expires=now + timedelta(seconds=expires_in))
    session.add(row)
    session.flush()
    record(session, EventKind.TOKEN_ISSUED, Outcome.SUCCESS, actor=f"client:{client.client_id}", source=source,
           at=now, token_id=row.id, scopes=row.scopes, expires=row.expires.isoformat())
    return row


def find_token(session: Session, token: str) -> AccessToken | None:
    return session.scalar(select(AccessToken).where(AccessToken.token_hash == digest(token or "")))


def token_is_live(token: AccessToken, now: datetime | None = None) -> bool:
    return token.revoked is None and token.expires > (now or utcnow())


def revoke_token(session: Session, token: AccessToken, actor: str, source: Source | None = None,
                 now: datetime | None = None) -> None:
    if token.revoked is None:
        token.revoked = now or utcnow()
        record(session, EventKind.TOKEN_REVOKED, Outcome.SUCCESS, actor=actor, source=source,
               token_id=token.id, client_id=token.client_id)
    session.flush()


def identity_of_token(token: AccessToken) -> Identity:
    return Identity(org_id=token.org_id, scopes=frozenset(token.scopes), client_id=token.client_id)


def introspection(token: AccessToken, issuer: str) -> dict:
    """RFC 7662 claims of a live token."""
    return {
        "active": True, "client_id": token.client_id, "token_type": "Bearer", "scope": " ".join(token.scopes),
        "exp": int(token.expires.timestamp()), "iat": int(token.issued.timestamp()), "sub": token.client_id,
        "iss": issuer, "org_id": token.org_id,
    }
