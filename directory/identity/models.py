"""What identity and access stores: organisations, users and their sessions, password tokens, OAuth
clients and their tokens, the security audit log and the outbox of messages to send.

Secrets are never stored in clear: passwords as scrypt hashes, client secrets, access tokens, session ids
and password tokens as SHA-256 digests (they are long random strings, so a fast digest is enough and a
database leak gives nothing that can be presented back to us).
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Enum, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base, JSONType, UTCDateTime, utcnow
from .identity import Role


def _values(enum_class) -> list[str]:
    return [member.value for member in enum_class]


class Organisation(Base):
    """A member university: its id is its provider id."""

    __tablename__ = "organisations"

    id: Mapped[str] = mapped_column(ForeignKey("providers.id"), primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    created: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class OrganisationIdentifier(Base):
    """Another identifier a member is known by in documents (a web address, an internal code, a UKPRN
    where the member id is something else; for European members an Erasmus code, SCHAC code or PIC).
    ``key`` is the value normalised for matching (organisations.identifier_key); one member per key."""

    __tablename__ = "organisation_identifiers"
    __table_args__ = (UniqueConstraint("key", name="uq_organisation_identifiers_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    scheme: Mapped[str] = mapped_column(String(30))
    value: Mapped[str] = mapped_column(String(500))
    key: Mapped[str] = mapped_column(String(500))
    created: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class User(Base):
    """A person. Local accounts have a password hash; people signing in through their university's
    identity provider (OpenID Connect) have an issuer and subject instead, and may have no password."""

    __tablename__ = "users"
    __table_args__ = (
        UniqueConstraint("external_issuer", "external_subject", name="uq_users_external_identity"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)  # stored lower-cased
    name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[Role] = mapped_column(Enum(Role, name="user_role", values_callable=_values))
    org_id: Mapped[str | None] = mapped_column(ForeignKey("organisations.id"))
    # Staff permissions at their organisation: ["catalogue", "agreements", "transfers"].
    permissions: Mapped[list[str]] = mapped_column(JSONType, default=list)
    password_hash: Mapped[str | None] = mapped_column(String(300))
    external_issuer: Mapped[str | None] = mapped_column(String(500))
    external_subject: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_sign_ins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_sign_in: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation | None] = relationship(lazy="joined")


class UserSession(Base):
    """A signed-in browser. The cookie carries a random id; we keep its digest, so signing out (or an
    administrator) can end a session, and a copied old cookie authenticates nothing."""

    __tablename__ = "user_sessions"
    __table_args__ = (Index("ix_user_sessions_user", "user_id"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of the cookie's sid
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked: Mapped[datetime | None] = mapped_column(UTCDateTime)
    source_address: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(300))

    user: Mapped[User] = relationship(lazy="joined")


class OrganisationSignIn(Base):
    """How a member's people sign in through the member's own OpenID Connect provider. The client secret
    is kept encrypted (``sealing``) with a key derived from the instance's secret key."""

    __tablename__ = "organisation_sign_in"

    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True)
    issuer: Mapped[str] = mapped_column(String(500))
    client_id: Mapped[str] = mapped_column(String(255))
    client_secret_sealed: Mapped[str] = mapped_column(Text)
    enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    # Lower-cased domains ("example.ac.uk") a person's email must be at; empty allows any.
    allowed_domains: Mapped[list[str]] = mapped_column(JSONType, default=list)
    updated: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(100), default="")

    organisation: Mapped[Organisation] = relationship(lazy="joined")


class SignInNonce(Base):
    """A nonce sent to an identity provider, by digest: it comes back in one ID token, once."""

    __tablename__ = "oidc_nonces"

    nonce_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    issued: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires: Mapped[datetime] = mapped_column(UTCDateTime)
    used: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PasswordTokenPurpose(enum.Enum):
    RESET = "reset"  # asked for by the person
    SET = "set"  # issued with a new account that has no password yet


class PasswordToken(Base):
    """A single-use, expiring link to choose a password."""

    __tablename__ = "password_reset_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    purpose: Mapped[PasswordTokenPurpose] = mapped_column(
        Enum(PasswordTokenPurpose, name="password_token_purpose", values_callable=_values, native_enum=False,
             length=20)
    )
    created: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires: Mapped[datetime] = mapped_column(UTCDateTime)
    used: Mapped[datetime | None] = mapped_column(UTCDateTime)


class OAuthClient(Base):
    """A member university's system calling the API (client credentials grant)."""

    __tablename__ = "oauth_clients"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    org_id: Mapped[str] = mapped_column(ForeignKey("organisations.id"))
    scopes: Mapped[list[str]] = mapped_column(JSONType, default=list)
    secret_hash: Mapped[str] = mapped_column(String(64))
    created: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100), default="")
    revoked: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AccessToken(Base):
    """An issued bearer token, by digest."""

    __tablename__ = "oauth_tokens"
    __table_args__ = (Index("ix_oauth_tokens_client", "client_pk"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    client_pk: Mapped[int] = mapped_column(ForeignKey("oauth_clients.id", ondelete="CASCADE"))
    client_id: Mapped[str] = mapped_column(String(64))
    org_id: Mapped[str] = mapped_column(String(100))
    scopes: Mapped[list[str]] = mapped_column(JSONType, default=list)
    issued: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked: Mapped[datetime | None] = mapped_column(UTCDateTime)


class EventKind(enum.Enum):
    SIGN_IN = "sign_in"
    SIGN_OUT = "sign_out"
    LOCKOUT = "lockout"
    UNLOCK = "unlock"
    PASSWORD_RESET_REQUESTED = "password_reset_requested"
    PASSWORD_CHANGED = "password_changed"
    TOKEN_ISSUED = "token_issued"
    TOKEN_REVOKED = "token_revoked"
    CLIENT_AUTHENTICATION = "client_authentication"
    PERMISSION_DENIED = "permission_denied"
    USER_CREATED = "user_created"
    USER_CHANGED = "user_changed"
    CLIENT_CREATED = "client_created"
    CLIENT_REVOKED = "client_revoked"
    ORGANISATION_ADDED = "organisation_added"
    SIGN_IN_CONFIGURED = "sign_in_configured"  # an organisation's OpenID Connect settings changed
    ACCOUNT_LINKED = "account_linked"  # an existing account linked to an external identity
    # A refused OpenID Connect sign-in, kept apart from SIGN_IN failures: those count towards throttling
    # password guesses from an address, and a provider's refusal is no password guess.
    EXTERNAL_SIGN_IN_REFUSED = "external_sign_in_refused"


class Outcome(enum.Enum):
    SUCCESS = "success"
    FAILURE = "failure"
    DENIED = "denied"


class SecurityEvent(Base):
    """One line of the security audit log. Written in the transaction of what it records."""

    __tablename__ = "security_events"
    __table_args__ = (
        Index("ix_security_events_at", "at"),
        Index("ix_security_events_address", "source_address", "event", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(400))
    source_address: Mapped[str | None] = mapped_column(String(64))
    # Kinds and outcomes as plain text columns (no database enum): the log grows new kinds of event.
    event: Mapped[EventKind] = mapped_column(
        Enum(EventKind, native_enum=False, length=40, values_callable=_values, validate_strings=True)
    )
    outcome: Mapped[Outcome] = mapped_column(
        Enum(Outcome, native_enum=False, length=20, values_callable=_values, validate_strings=True)
    )
    detail: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)


class OutboxMessage(Base):
    """A message to send after the transaction that decided it commits (a later job sends it)."""

    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_messages_unsent", "sent_at", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(20), default="email")
    kind: Mapped[str] = mapped_column(String(50))  # password_reset, transfer_decided, ...
    to: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    created: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
