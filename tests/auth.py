"""Test principals: organisations, people signed in (a real server-side session in the cookie), OAuth
clients and their bearer tokens, made through the identity services."""

from __future__ import annotations

import re
import secrets

from directory.catalogue import service as catalogue
from directory.identity import clients, organisations, service, signin
from directory.identity.audit import Source
from directory.identity.identity import OPERATOR, Permission, Role
from directory.identity.models import OAuthClient, User

ALL_PERMISSIONS = frozenset(Permission)


def add_org(instance, org_id: str, name: str | None = None) -> None:
    with instance.sessions.begin() as session:
        if session.get(organisations.Organisation, org_id) is None:
            organisations.add(session, OPERATOR, org_id, name or f"University {org_id}")


def add_user(instance, email: str, role: Role, org_id: str | None = None,
             permissions: frozenset[Permission] = frozenset(), password: str | None = None) -> User:
    with instance.sessions.begin() as session:
        return service.create_user(session, OPERATOR, email=email, role=role, org_id=org_id,
                                   permissions=permissions, password=password)


def session_for(instance, user: User) -> str:
    """A new server-side session id for a person (as signing in would make)."""
    with instance.sessions.begin() as session:
        return signin.start_session(session, session.get(User, user.id), Source("127.0.0.1"), signin.Policy())


def signed_in(app, instance, user: User):
    """A test client whose cookie carries a live session of ``user``, and the CSRF token to send."""
    client = app.test_client()
    sid = session_for(instance, user)
    with client.session_transaction() as cookie:
        cookie["sid"] = sid
    return client


def csrf_of(client) -> str:
    """The CSRF token of a test client's session (as a page's form or /api/v1/me gives it)."""
    return client.get("/api/v1/me").json["csrf_token"]


def form_token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def add_client(instance, org_id: str, scopes: str) -> tuple[OAuthClient, str]:
    with instance.sessions.begin() as session:
        created = clients.create_client(session, OPERATOR, org_id, scopes)
    return created.client, created.secret


def bearer_token(instance, client: OAuthClient, scopes: list[str] | None = None, expires_in: int = 900) -> str:
    """A live access token for ``client`` (as the token endpoint would issue)."""
    token = secrets.token_urlsafe(32)
    with instance.sessions.begin() as session:
        record = session.get(OAuthClient, client.id)
        clients.store_token(session, record, token, scopes if scopes is not None else list(record.scopes),
                            expires_in)
    return token


def ensure_provider(instance, provider_id: str, name: str) -> None:
    with instance.sessions.begin() as session:
        catalogue.upsert_provider(session, provider_id, name)
