"""People: accounts, roles and staff permissions (administrators manage them)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from ..errors import Conflict, Invalid, NotFound
from .audit import Source, record
from .identity import Identity, Permission, Role
from .models import EventKind, Organisation, Outcome, User

# Checked against when an address has no account, so a failed sign-in takes as long either way.
_DUMMY_HASH = generate_password_hash("not a password of anybody", method="scrypt")


def normalise_email(email: str) -> str:
    email = (email or "").strip().lower()
    if "@" not in email or len(email) > 320 or email.startswith("@") or email.endswith("@"):
        raise Invalid(f"not an email address: {email!r}")
    return email


def hash_password(password: str, min_length: int) -> str:
    if len(password) < min_length:
        raise Invalid(f"a password needs at least {min_length} characters")
    if len(password) > 1000:
        raise Invalid("a password may have at most 1000 characters")
    return generate_password_hash(password, method="scrypt")


def password_matches(user: User | None, password: str) -> bool:
    """Constant work whether or not the account exists or has a password."""
    if user is None or user.password_hash is None:
        check_password_hash(_DUMMY_HASH, password)
        return False
    return check_password_hash(user.password_hash, password)


def identity_of(user: User) -> Identity:
    """The identity a signed-in person acts with."""
    staff = user.role is Role.STAFF
    return Identity(
        user_id=user.id,
        org_id=user.org_id if staff else None,
        role=user.role,
        permissions=frozenset(Permission(p) for p in user.permissions) if staff else frozenset(),
    )


def _check_role(session: Session, role: Role, org_id: str | None,
                permissions: frozenset[Permission]) -> tuple[str | None, list[str]]:
    if role is Role.STAFF:
        if not org_id:
            raise Invalid("staff belong to an organisation: give one")
        if session.get(Organisation, org_id) is None:
            raise NotFound(f"no organisation {org_id!r}")
        return org_id, sorted(p.value for p in permissions)
    if permissions:
        raise Invalid("only staff hold permissions at an organisation")
    return None, []


def create_user(session: Session, actor: Identity, *, email: str, role: Role, org_id: str | None = None,
                permissions: frozenset[Permission] = frozenset(), name: str = "",
                password: str | None = None, min_length: int = 10) -> User:
    """A new account. Without a password it can only be entered through a set-password link (or an
    external identity provider)."""
    actor.check_admin()
    email = normalise_email(email)
    org_id, permission_values = _check_role(session, role, org_id, permissions)
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise Conflict(f"an account for {email} exists already")
    user = User(email=email, name=name.strip(), role=role, org_id=org_id, permissions=permission_values,
                password_hash=hash_password(password, min_length) if password is not None else None,
                active=True, failed_sign_ins=0)
    session.add(user)
    try:
        session.flush()
    except IntegrityError:
        raise Conflict(f"an account for {email} exists already") from None
    record(session, EventKind.USER_CREATED, Outcome.SUCCESS, actor=actor, user_id=user.id, role=role.value,
           org_id=org_id, permissions=permission_values)
    return user


def update_user(session: Session, actor: Identity, user_id: int, *, role: Role, org_id: str | None,
                permissions: frozenset[Permission], active: bool) -> User:
    actor.check_admin()
    user = get_user(session, actor, user_id)
    org_id, permission_values = _check_role(session, role, org_id, permissions)
    before = {"role": user.role.value, "org_id": user.org_id, "permissions": list(user.permissions),
              "active": user.active}
    user.role, user.org_id, user.permissions, user.active = role, org_id, permission_values, active
    session.flush()
    record(session, EventKind.USER_CHANGED, Outcome.SUCCESS, actor=actor, user_id=user.id, before=before,
           after={"role": role.value, "org_id": org_id, "permissions": permission_values, "active": active})
    return user


def unlock(session: Session, actor: Identity, user_id: int, source: Source | None = None) -> User:
    actor.check_admin()
    user = get_user(session, actor, user_id)
    user.locked_until, user.failed_sign_ins = None, 0
    session.flush()
    record(session, EventKind.UNLOCK, Outcome.SUCCESS, actor=actor, source=source, user_id=user.id)
    return user


def get_user(session: Session, actor: Identity, user_id: int) -> User:
    actor.check_admin()
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"no user {user_id}")
    return user


def list_users(session: Session, actor: Identity, *, after_id: int = 0, limit: int = 200) -> list[User]:
    actor.check_admin()
    return list(session.scalars(select(User).where(User.id > after_id).order_by(User.id).limit(limit)))


def find_by_email(session: Session, email: str) -> User | None:
    try:
        email = normalise_email(email)
    except Invalid:
        return None
    return session.scalar(select(User).where(User.email == email))


def find_by_external(session: Session, issuer: str, subject: str) -> User | None:
    """The account linked to an external identity (OpenID Connect issuer and subject)."""
    return session.scalar(select(User).where(User.external_issuer == issuer, User.external_subject == subject))
