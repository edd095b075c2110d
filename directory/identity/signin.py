"""Signing people in and out: password checks with lockout and per-address throttling, server-side
sessions, and single-use password links.

Failures are answered as values (``SignIn.outcome``) rather than raised, so the caller commits the
failure count and the audit line before it tells the person.
"""

from __future__ import annotations

import enum
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from ..db import utcnow
from ..errors import Invalid
from ..settings import Settings
from . import audit, outbox
from .audit import Source
from .identity import Identity
from .models import EventKind, Outcome, PasswordToken, PasswordTokenPurpose, User, UserSession
from .service import find_by_email, hash_password, identity_of, password_matches


def digest(secret: str) -> str:
    """How every random secret we hand out is stored."""
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class Policy:
    max_failures: int = 5
    lockout: timedelta = timedelta(minutes=15)
    address_max_failures: int = 20
    address_window: timedelta = timedelta(minutes=15)
    session_lifetime: timedelta = timedelta(hours=12)  # at most, however busy
    session_idle: timedelta = timedelta(hours=2)  # ends this long after the last request
    reset_lifetime: timedelta = timedelta(hours=1)
    set_lifetime: timedelta = timedelta(days=7)
    min_password_length: int = 10

    @classmethod
    def from_settings(cls, settings: Settings) -> Policy:
        return cls(
            max_failures=settings.signin_max_failures,
            lockout=timedelta(seconds=settings.signin_lockout_seconds),
            address_max_failures=settings.signin_address_max_failures,
            address_window=timedelta(seconds=settings.signin_address_window),
            session_lifetime=timedelta(seconds=settings.session_lifetime),
            session_idle=timedelta(seconds=settings.session_idle_timeout),
            reset_lifetime=timedelta(seconds=settings.password_reset_lifetime),
            set_lifetime=timedelta(seconds=settings.password_set_lifetime),
            min_password_length=settings.password_min_length,
        )


class SignInOutcome(enum.Enum):
    SIGNED_IN = "signed_in"
    BAD_CREDENTIALS = "bad_credentials"  # wrong password, unknown or inactive account: told apart to nobody
    LOCKED = "locked"
    THROTTLED = "throttled"


@dataclass(frozen=True)
class SignIn:
    outcome: SignInOutcome
    user: User | None = None
    sid: str | None = None  # the new session id for the cookie, when signed in


def sign_in(session: Session, email: str, password: str, source: Source, policy: Policy,
            now: datetime | None = None) -> SignIn:
    """Check a password and, if it is right, start a new session. Needs a writing session.

    However many attempts run at once (threads, web workers), an account has at most
    ``policy.max_failures`` passwords checked before it locks, and an address at most
    ``policy.address_max_failures`` failures in its window: each attempt takes its place in both counts
    before its password is checked (see ``_take_address_turn`` and ``_reserve_attempt``).
    """
    now = now or utcnow()
    attempted = (email or "").strip().lower()[:320]
    _take_address_turn(session, source.address)
    if audit.failures_from(session, source.address, now - policy.address_window) >= policy.address_max_failures:
        audit.record(session, EventKind.SIGN_IN, Outcome.DENIED, actor=f"email:{attempted}", source=source,
                     at=now, reason="too many failures from this address")
        return SignIn(SignInOutcome.THROTTLED)
    user = find_by_email(session, email)
    if user is not None and not _reserve_attempt(session, user, policy, now):
        password_matches(None, password)  # the same work as any other attempt
        audit.record(session, EventKind.SIGN_IN, Outcome.DENIED, actor=f"user:{user.id}", source=source, at=now,
                     reason="account locked")
        return SignIn(SignInOutcome.LOCKED, user)
    if not password_matches(user, password) or not user.active:
        _count_failure(session, user, attempted, source, policy, now)
        return SignIn(SignInOutcome.BAD_CREDENTIALS)
    user.failed_sign_ins, user.locked_until, user.last_sign_in = 0, None, now  # the reserved attempt is given back
    sid = start_session(session, user, source, policy, now)
    audit.record(session, EventKind.SIGN_IN, Outcome.SUCCESS, actor=f"user:{user.id}", source=source, at=now,
                 method="password")
    return SignIn(SignInOutcome.SIGNED_IN, user, sid)


def _take_address_turn(session: Session, address: str | None) -> None:
    """Sign-ins from one address wait for each other until the end of their transaction, so each counts
    the failures of those before it (PostgreSQL: a transaction-scoped advisory lock, taken before any row
    lock, so the lock order is the same for every sign-in). SQLite needs nothing: a writing transaction
    holds the database's only write lock from its start."""
    if address and session.get_bind().dialect.name == "postgresql":
        key = int.from_bytes(hashlib.sha256(f"sign-in from {address}".encode()).digest()[:8], "big", signed=True)
        session.execute(select(func.pg_advisory_xact_lock(key)))


def _reserve_attempt(session: Session, user: User, policy: Policy, now: datetime) -> bool:
    """Take one of the account's attempts before its password is checked; False when it is locked or
    all are taken. One conditional update: the database lets each attempt through only while fewer than
    ``max_failures`` are counted, and a parallel attempt waits for this row until this one is decided."""
    reserved = session.execute(
        update(User).where(User.id == user.id, User.failed_sign_ins < policy.max_failures,
                           or_(User.locked_until.is_(None), User.locked_until <= now))
        .values(failed_sign_ins=User.failed_sign_ins + 1).returning(User.failed_sign_ins)
        .execution_options(synchronize_session=False)
    ).first()
    if reserved is None:
        session.refresh(user)
        if user.locked_until is None or user.locked_until <= now:
            # Every attempt taken yet no lockout running: the limit was lowered since they were counted.
            # Lock as the last of them would have, or the account could never be entered again.
            user.locked_until, user.failed_sign_ins = now + policy.lockout, 0
            session.flush()
        return False
    session.refresh(user)  # as it is now we hold its row (a password changed meanwhile is checked)
    return True


def _count_failure(session: Session, user: User | None, attempted: str, source: Source, policy: Policy,
                   now: datetime) -> None:
    """The attempt was counted when it was reserved: audit it, and lock the account on the last one."""
    actor = f"user:{user.id}" if user is not None else f"email:{attempted}"
    audit.record(session, EventKind.SIGN_IN, Outcome.FAILURE, actor=actor, source=source, at=now,
                 reason="bad credentials")
    if user is None:
        return
    if user.failed_sign_ins >= policy.max_failures:
        user.locked_until, user.failed_sign_ins = now + policy.lockout, 0
        audit.record(session, EventKind.LOCKOUT, Outcome.SUCCESS, actor=actor, source=source, at=now,
                     until=user.locked_until.isoformat())
    session.flush()


def start_session(session: Session, user: User, source: Source, policy: Policy,
                  now: datetime | None = None) -> str:
    """A new server-side session for someone whose identity was checked (password, or later OpenID
    Connect). Returns the id for the cookie; only its digest is stored."""
    now = now or utcnow()
    sid = secrets.token_urlsafe(32)
    session.add(UserSession(id=digest(sid), user_id=user.id, created=now, expires=_expiry(now, now, policy),
                            source_address=source.address,
                            user_agent=(source.user_agent or "")[:300] or None))
    session.flush()
    return sid


def session_identity(session: Session, sid: str | None, now: datetime | None = None) -> Identity | None:
    """The identity of a live session, or None (unknown, ended, expired, or the account is inactive)."""
    row = _live_session(session, sid, now or utcnow())
    return identity_of(row.user) if row is not None else None


def session_needs_extending(session: Session, sid: str | None, policy: Policy, now: datetime | None = None) -> bool:
    """Whether a request should move the live session's idle expiry forward (see ``extend_session``)."""
    now = now or utcnow()
    row = _live_session(session, sid, now)
    return row is not None and _slid_expiry(row, now, policy) is not None


def extend_session(session: Session, sid: str, policy: Policy, now: datetime | None = None) -> None:
    """A request came: the session now ends ``session_idle`` from now, never later than ``session_lifetime``
    after it began. Done at most once every SLIDE_STEP, so a busy browser writes every few minutes, not per
    request."""
    now = now or utcnow()
    row = _live_session(session, sid, now)
    expires = _slid_expiry(row, now, policy) if row is not None else None
    if expires is not None:
        row.expires = expires
        session.flush()


SLIDE_STEP = timedelta(minutes=5)


def _expiry(created: datetime, now: datetime, policy: Policy) -> datetime:
    return min(created + policy.session_lifetime, now + policy.session_idle)


def _slid_expiry(row: UserSession, now: datetime, policy: Policy) -> datetime | None:
    """The session's new end if a request now moves it at least SLIDE_STEP, else None."""
    expires = _expiry(row.created, now, policy)
    return expires if expires - row.expires >= SLIDE_STEP else None


def _live_session(session: Session, sid: str | None, now: datetime) -> UserSession | None:
    if not sid:
        return None
    row = session.get(UserSession, digest(sid))
    if row is None or row.revoked is not None or row.expires <= now or not row.user.active:
        return None
    return row


def end_session(session: Session, sid: str | None, source: Source, now: datetime | None = None) -> None:
    if not sid:
        return
    now = now or utcnow()
    row = session.get(UserSession, digest(sid))
    if row is not None and row.revoked is None:
        row.revoked = now
        audit.record(session, EventKind.SIGN_OUT, Outcome.SUCCESS, actor=f"user:{row.user_id}", source=source,
                     at=now)
    session.flush()


def end_all_sessions(session: Session, user_id: int, now: datetime | None = None) -> int:
    """Sign a person out everywhere (sign-out-everywhere, password change, deactivation)."""
    now = now or utcnow()
    return session.execute(
        update(UserSession).where(UserSession.user_id == user_id, UserSession.revoked.is_(None))
        .values(revoked=now).execution_options(synchronize_session=False)
    ).rowcount


# --- password links ------------------------------------------------------------------------------


def issue_password_token(session: Session, user: User, purpose: PasswordTokenPurpose, policy: Policy,
                         now: datetime | None = None) -> str:
    """A single-use token to choose a password; returned once, stored as a digest."""
    now = now or utcnow()
    lifetime = policy.reset_lifetime if purpose is PasswordTokenPurpose.RESET else policy.set_lifetime
    token = secrets.token_urlsafe(32)
    session.add(PasswordToken(token_hash=digest(token), user_id=user.id, purpose=purpose, created=now,
                              expires=now + lifetime))
    session.flush()
    return token


def request_reset(session: Session, email: str, reset_url: str, source: Source, policy: Policy,
                  now: datetime | None = None) -> None:
    """Send a reset link to an account's address, if there is such an active account. The caller tells the
    person the same either way. ``reset_url`` has a ``{token}`` placeholder."""
    now = now or utcnow()
    user = find_by_email(session, email)
    if user is None or not user.active:
        audit.record(session, EventKind.PASSWORD_RESET_REQUESTED, Outcome.FAILURE,
                     actor=f"email:{(email or '').strip().lower()[:320]}", source=source, at=now,
                     reason="no active account")
        return
    token = issue_password_token(session, user, PasswordTokenPurpose.RESET, policy, now)
    minutes = int(policy.reset_lifetime.total_seconds() // 60)
    outbox.enqueue(
        session, kind="password_reset", to=user.email, subject="Reset your Climbing Frame password",
        body=(f"Someone (we hope you) asked to reset the password of your Climbing Frame account.\n\n"
              f"Choose a new password here within {minutes} minutes:\n{reset_url.format(token=token)}\n\n"
              "The link works once. If you did not ask, ignore this message: your password stays as it is."),
    )
    audit.record(session, EventKind.PASSWORD_RESET_REQUESTED, Outcome.SUCCESS, actor=f"user:{user.id}",
                 source=source, at=now)


def check_password_token(session: Session, token: str, now: datetime | None = None) -> PasswordToken:
    now = now or utcnow()
    row = session.scalar(select(PasswordToken).where(PasswordToken.token_hash == digest(token or "")))
    if row is None or row.used is not None or row.expires <= now:
        raise Invalid("this link has expired or has been used already: ask for a new one")
    return row


def reset_password(session: Session, token: str, new_password: str, source: Source, policy: Policy,
                   now: datetime | None = None) -> User:
    """Choose a new password with a link's token: the token is spent, the lockout lifted and every
    session of the account ended."""
    now = now or utcnow()
    row = check_password_token(session, token, now)
    user = session.get(User, row.user_id)
    user.password_hash = hash_password(new_password, policy.min_password_length)
    # Spend the token with a guarded update: two requests racing with one link cannot both succeed.
    spent = session.execute(
        update(PasswordToken).where(PasswordToken.id == row.id, PasswordToken.used.is_(None)).values(used=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not spent:
        raise Invalid("this link has expired or has been used already: ask for a new one")
    user.failed_sign_ins, user.locked_until = 0, None
    end_all_sessions(session, user.id, now)
    audit.record(session, EventKind.PASSWORD_CHANGED, Outcome.SUCCESS, actor=f"user:{user.id}", source=source,
                 at=now, purpose=row.purpose.value)
    return user


def invite(session: Session, user: User, set_url: str, policy: Policy, now: datetime | None = None) -> str:
    """A new account's set-password link, emailed through the outbox; the token is returned too (the
    command line prints it for the operator). ``set_url`` has a ``{token}`` placeholder."""
    token = issue_password_token(session, user, PasswordTokenPurpose.SET, policy, now)
    days = max(1, int(policy.set_lifetime.total_seconds() // 86400))
    outbox.enqueue(
        session, kind="account_created", to=user.email, subject="Your Climbing Frame account",
        body=(f"An account has been opened for you on Climbing Frame.\n\nChoose your password here within "
              f"{days} days:\n{set_url.format(token=token)}\n\nThe link works once."),
    )
    return token
