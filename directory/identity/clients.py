"""OAuth clients (member universities' systems) and the access tokens issued to them.

The protocol itself is the web layer's (Authlib); this module keeps the records: secrets and tokens by
SHA-256 digest, compared in constant time, every issue and revocation in the audit log. Failed client
authentications are throttled and audited in aggregate (``ClientThrottle``).
"""

from __future__ import annotations

import hmac
import secrets
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..db import utcnow
from ..errors import Invalid, NotFound
from ..settings import Settings
from .audit import Source, record
from .identity import SCOPES, Identity, parse_scopes
from .models import AccessToken, EventKind, OAuthClient, Organisation, Outcome
from .signin import digest
from .throttle import Report, SlidingWindow, Tally


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


# --- throttling failed client authentications ------------------------------------------------------


@dataclass
class Attempt:
    """One request authenticating a client, counted as a failure until it is known not to be one."""

    address: str | None
    client_id: str | None  # as presented, before it is checked
    retry_after: int = 0  # seconds the caller must wait first; 0: go ahead
    stamps: dict[tuple, float] = field(default_factory=dict)


class ClientThrottle:
    """Failed client authentications at the OAuth endpoints, counted in this process (``throttle``): no
    database write per failure, and with W web workers up to W times the limits get through.

    - An address with ``address_limit`` failures within the window is refused, whatever it presents.
    - A client id with ``client_limit`` failures within the window, from any addresses, is refused at the
      addresses it failed from. An address that has not failed for it (the member's own system) still gets
      through: knowing a client id is not enough to lock its member out.

    An attempt counts as a failure from ``begin`` on, before its credentials are checked, and is taken back
    by ``succeeded``, so requests running at once cannot pass a limit together. ``failed`` and ``write_due``
    put failures in the audit log at most once per window per address and client, counted.
    """

    def __init__(self, address_limit: int, client_limit: int, window: timedelta, max_keys: int = 10_000) -> None:
        self.address_limit, self.client_limit, self.window = address_limit, client_limit, window
        self._lock = threading.Lock()
        self._failures = SlidingWindow(window, max(address_limit, client_limit), max_keys)
        self._tally = Tally(window, max_keys)

    @classmethod
    def from_settings(cls, settings: Settings) -> ClientThrottle:
        return cls(settings.oauth_address_max_failures, settings.oauth_client_max_failures,
                   timedelta(seconds=settings.oauth_failure_window))

    def begin(self, address: str | None, client_id: str | None, now: datetime) -> Attempt:
        """Count a new attempt, or, when a limit is reached, say how long to wait (``retry_after``)."""
        client_id = (client_id or "")[:100] or None
        attempt = Attempt(address, client_id)
        keys = [("address", address)] if address else []
        if client_id:
            keys += [("client", client_id), ("pair", address, client_id)]
        with self._lock:
            attempt.retry_after = self._wait(address, client_id, now)
            if not attempt.retry_after:
                attempt.stamps = {key: self._failures.add(key, now) for key in keys}
        return attempt

    def _wait(self, address: str | None, client_id: str | None, now: datetime) -> int:
        wait = self._failures.free_in(("address", address), now, self.address_limit) if address else 0
        pair = ("pair", address, client_id)
        if client_id and self._failures.count(("client", client_id), now) >= self.client_limit \
                and self._failures.count(pair, now):
            wait = max(wait, min(self._failures.free_in(("client", client_id), now, self.client_limit),
                                 self._failures.free_in(pair, now, 1)))
        return wait

    def succeeded(self, attempt: Attempt) -> None:
        """The attempt was no failed authentication: it no longer counts."""
        self._take_back(attempt, attempt.stamps)

    def failed(self, session: Session, attempt: Attempt, client_known: bool, now: datetime) -> None:
        """The attempt failed to authenticate. Only a client that exists keeps it counted against its id
        (made-up ids would only fill memory); the address always does."""
        client_id = attempt.client_id if client_known else None
        if not client_known:
            self._take_back(attempt, {k: v for k, v in attempt.stamps.items() if k[0] != "address"})
        with self._lock:
            report = self._tally.add((attempt.address, client_id), now)
        if report is not None:
            self._write(session, report, now)

    def write_due(self, session: Session, now: datetime) -> None:
        """Audit the failures counted but not yet written whose window has passed."""
        with self._lock:
            reports = self._tally.due(now)
        for report in reports:
            self._write(session, report, now)

    def _take_back(self, attempt: Attempt, stamps: dict[tuple, float]) -> None:
        with self._lock:
            for key, stamp in stamps.items():
                self._failures.discard(key, stamp)

    def _write(self, session: Session, report: Report, now: datetime) -> None:
        address, client_id = report.key
        record(session, EventKind.CLIENT_AUTHENTICATION, Outcome.FAILURE,
               actor=f"client:{client_id}" if client_id else "anonymous", source=Source(address), at=now,
               reason="wrong secret" if client_id else "unknown or revoked client, or no credentials",
               failures=report.failures, since=report.since.isoformat(),
               window_seconds=int(self.window.total_seconds()))
