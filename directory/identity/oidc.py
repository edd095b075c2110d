"""Signing in through a member university's own OpenID Connect provider: each organisation's settings,
single-use nonces, and what a verified ID token's claims let a person do here.

The web layer speaks the protocol (Authlib checks the ID token's signature, ``iss``, ``aud``, ``exp`` and
``nonce``); this module receives the verified claims as plain values and decides:

- an account already linked to (issuer, subject) signs in;
- otherwise the provider must vouch for the email address (``email_verified`` true), which must be at one
  of the organisation's allowed domains when it names any;
- an existing account with that address and no external identity yet is linked only if it is staff of
  this organisation (an administrator created or invited it); any other existing account (a learner, an
  administrator, staff elsewhere) is refused, so a member's provider can never take over an account
  it does not own;
- an unknown address gets a new learner account. Nobody becomes staff by signing in: an administrator
  grants that, before or after.
"""

from __future__ import annotations

import enum
import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..db import utcnow
from ..errors import Invalid, NotFound
from . import audit, sealing, signin
from .audit import Source
from .identity import Identity, Role
from .models import EventKind, Organisation, OrganisationSignIn, Outcome, SignInNonce, User
from .service import find_by_email, find_by_external, normalise_email

NONCE_LIFETIME = timedelta(minutes=10)


class Refusal(enum.Enum):
    """Why an external sign-in did not sign anybody in (the audit log's ``reason``)."""

    NOT_ENABLED = "sign-in through this organisation is not enabled"
    IDP_ERROR = "the identity provider answered with an error"
    IDP_UNREACHABLE = "the identity provider could not be reached or answered nonsense"
    STATE_MISMATCH = "state mismatch"
    WRONG_ISSUER = "wrong issuer"
    WRONG_AUDIENCE = "wrong audience"
    BAD_SIGNATURE = "bad signature"
    EXPIRED_TOKEN = "expired token"
    NONCE_MISMATCH = "nonce mismatch"
    REPLAYED_NONCE = "replayed nonce"
    INVALID_TOKEN = "invalid ID token"
    EMAIL_NOT_VERIFIED = "email not verified"
    DOMAIN_NOT_ALLOWED = "email domain not allowed"
    ACCOUNT_CONFLICT = "an account with this email exists and cannot be linked"
    INACTIVE = "account inactive"


@dataclass(frozen=True)
class ProviderConfig:
    """What the web layer needs to talk to one organisation's provider (the secret in clear, in memory)."""

    org_id: str
    org_name: str
    issuer: str
    client_id: str
    client_secret: str
    allowed_domains: tuple[str, ...]
    version: str  # changes whenever the settings do (the web layer's client cache key)


@dataclass(frozen=True)
class VerifiedClaims:
    """An ID token's claims after its signature, issuer, audience, expiry and nonce were checked."""

    issuer: str
    subject: str
    nonce: str
    email: str | None = None
    email_verified: bool = False
    name: str = ""


@dataclass(frozen=True)
class ExternalSignIn:
    user: User | None = None
    sid: str | None = None
    refusal: Refusal | None = None

    @property
    def signed_in(self) -> bool:
        return self.sid is not None


def digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


# --- settings ------------------------------------------------------------------------------------


def normalise_issuer(issuer: str) -> str:
    """Issuers are compared exactly (OpenID Connect Discovery 1.0 section 4.3): only whitespace goes."""
    issuer = (issuer or "").strip()
    if not issuer.startswith(("https://", "http://")) or "?" in issuer or "#" in issuer:
        raise Invalid(f"an issuer is an http(s) URL without query or fragment, not {issuer!r}")
    return issuer


def parse_domains(values: str | list[str] | tuple[str, ...]) -> tuple[str, ...]:
    items = values.replace(",", " ").split() if isinstance(values, str) else list(values)
    domains = []
    for item in (i.strip().lower().lstrip("@") for i in items):
        if not item:
            continue
        if "." not in item or "@" in item or "/" in item:
            raise Invalid(f"not an email domain: {item!r}")
        domains.append(item)
    return tuple(sorted(set(domains)))


def configure(session: Session, actor: Identity, org_id: str, *, issuer: str, client_id: str,
              client_secret: str | None, enabled: bool, allowed_domains: tuple[str, ...], secret_key: str,
              check_url: Callable[[str], None]) -> OrganisationSignIn:
    """Set an organisation's provider. ``client_secret`` None keeps the stored one (a first setting
    needs one); ``check_url`` raises Invalid for an issuer we may not call (a private address)."""
    actor.check_admin()
    if session.get(Organisation, org_id) is None:
        raise NotFound(f"no organisation {org_id!r}")
    issuer, client_id = normalise_issuer(issuer), (client_id or "").strip()
    if not client_id:
        raise Invalid("give the client id the identity provider issued to us")
    check_url(issuer)
    row = session.get(OrganisationSignIn, org_id)
    if row is None:
        if not client_secret:
            raise Invalid("give the client secret the identity provider issued to us")
        row = OrganisationSignIn(org_id=org_id)
        session.add(row)
    if client_secret:
        row.client_secret_sealed = sealing.seal(client_secret, secret_key)
    row.issuer, row.client_id, row.enabled = issuer, client_id, enabled
    row.allowed_domains = list(parse_domains(allowed_domains))
    row.updated, row.updated_by = utcnow(), actor.actor[:100]
    session.flush()
    audit.record(session, EventKind.SIGN_IN_CONFIGURED, Outcome.SUCCESS, actor=actor, org_id=org_id,
                 issuer=issuer, client_id=client_id, enabled=enabled, secret_changed=bool(client_secret),
                 allowed_domains=row.allowed_domains)
    return row


def settings_of(session: Session, actor: Identity, org_id: str) -> OrganisationSignIn | None:
    """An organisation's provider settings for its administrators (the secret stays sealed)."""
    actor.check_admin()
    if session.get(Organisation, org_id) is None:
        raise NotFound(f"no organisation {org_id!r}")
    return session.get(OrganisationSignIn, org_id)


def enabled_organisations(session: Session) -> list[Organisation]:
    """Organisations whose people may sign in through their provider, by name."""
    return list(session.scalars(
        select(Organisation).join(OrganisationSignIn, OrganisationSignIn.org_id == Organisation.id)
        .where(OrganisationSignIn.enabled.is_(True)).order_by(Organisation.name)
    ))


def provider_config(session: Session, org_id: str, secret_key: str) -> ProviderConfig:
    """An enabled organisation's provider, its secret unsealed; NotFound when there is none."""
    row = session.get(OrganisationSignIn, org_id)
    if row is None or not row.enabled:
        raise NotFound(f"organisation {org_id!r} has no sign-in through its identity provider")
    version = digest(f"{row.issuer}\n{row.client_id}\n{row.client_secret_sealed}\n{row.updated.isoformat()}")
    return ProviderConfig(org_id=org_id, org_name=row.organisation.name, issuer=row.issuer,
                          client_id=row.client_id, client_secret=sealing.unseal(row.client_secret_sealed, secret_key),
                          allowed_domains=tuple(row.allowed_domains), version=version[:16])


# --- nonces --------------------------------------------------------------------------------------


def issue_nonce(session: Session, org_id: str, now: datetime | None = None) -> str:
    """A fresh nonce for one authorization request; only its digest is kept."""
    now = now or utcnow()
    nonce = secrets.token_urlsafe(24)
    session.add(SignInNonce(nonce_hash=digest(nonce), org_id=org_id, issued=now, expires=now + NONCE_LIFETIME))
    session.flush()
    return nonce


def spend_nonce(session: Session, org_id: str, nonce: str, now: datetime) -> bool:
    """True once for a nonce we issued for ``org_id`` and that has not expired; False ever after."""
    spent = session.execute(
        update(SignInNonce).where(SignInNonce.nonce_hash == digest(nonce or ""), SignInNonce.org_id == org_id,
                                  SignInNonce.used.is_(None), SignInNonce.expires > now)
        .values(used=now).execution_options(synchronize_session=False)
    ).rowcount
    return spent == 1


# --- signing in ----------------------------------------------------------------------------------


def refuse(session: Session, org_id: str, refusal: Refusal, source: Source, *, actor: str | None = None,
           now: datetime | None = None, **detail) -> ExternalSignIn:
    """Record a refused external sign-in (in the caller's transaction) and answer it."""
    audit.record(session, EventKind.EXTERNAL_SIGN_IN_REFUSED, Outcome.FAILURE, actor=actor or f"oidc:{org_id}"[:400], source=source,
                 at=now, method="oidc", org_id=org_id, reason=refusal.value, **detail)
    return ExternalSignIn(refusal=refusal)


def complete_sign_in(session: Session, config: ProviderConfig, claims: VerifiedClaims, source: Source,
                     policy: signin.Policy, now: datetime | None = None) -> ExternalSignIn:
    """Sign a person in from verified claims: spend the nonce, find, link or provision the account (see
    the module's rules) and start a new session."""
    now = now or utcnow()
    who = f"oidc:{config.org_id}:{claims.subject}"
    if claims.issuer != config.issuer:
        return refuse(session, config.org_id, Refusal.WRONG_ISSUER, source, actor=who, now=now, issuer=claims.issuer)
    if not spend_nonce(session, config.org_id, claims.nonce, now):
        return refuse(session, config.org_id, Refusal.REPLAYED_NONCE, source, actor=who, now=now)
    user = find_by_external(session, claims.issuer, claims.subject)
    if user is None:
        user, refusal = _link_or_provision(session, config, claims, source, now)
        if refusal is not None:
            return refuse(session, config.org_id, refusal, source, actor=who, now=now)
    if not user.active:
        return refuse(session, config.org_id, Refusal.INACTIVE, source, actor=f"user:{user.id}", now=now)
    user.failed_sign_ins, user.locked_until, user.last_sign_in = 0, None, now
    sid = signin.start_session(session, user, source, policy, now)
    audit.record(session, EventKind.SIGN_IN, Outcome.SUCCESS, actor=f"user:{user.id}", source=source, at=now,
                 method="oidc", org_id=config.org_id)
    return ExternalSignIn(user=user, sid=sid)


def _link_or_provision(session: Session, config: ProviderConfig, claims: VerifiedClaims, source: Source,
                       now: datetime) -> tuple[User | None, Refusal | None]:
    if not claims.email_verified or not claims.email:
        return None, Refusal.EMAIL_NOT_VERIFIED
    try:
        email = normalise_email(claims.email)
    except Invalid:
        return None, Refusal.EMAIL_NOT_VERIFIED
    if config.allowed_domains and email.rsplit("@", 1)[1] not in config.allowed_domains:
        return None, Refusal.DOMAIN_NOT_ALLOWED
    actor = f"oidc:{config.org_id}"
    existing = find_by_email(session, email)
    if existing is not None:
        linkable = (existing.external_subject is None and existing.role is Role.STAFF
                    and existing.org_id == config.org_id)
        if not linkable:
            return None, Refusal.ACCOUNT_CONFLICT
        existing.external_issuer, existing.external_subject = claims.issuer, claims.subject
        session.flush()
        audit.record(session, EventKind.ACCOUNT_LINKED, Outcome.SUCCESS, actor=actor, source=source, at=now,
                     user_id=existing.id, issuer=claims.issuer)
        return existing, None
    user = User(email=email, name=claims.name.strip()[:200], role=Role.LEARNER, org_id=None, permissions=[],
                password_hash=None, external_issuer=claims.issuer, external_subject=claims.subject, active=True,
                failed_sign_ins=0)
    session.add(user)
    session.flush()
    audit.record(session, EventKind.USER_CREATED, Outcome.SUCCESS, actor=actor, source=source, at=now,
                 user_id=user.id, role=Role.LEARNER.value, org_id=None, permissions=[], method="oidc")
    return user, None
