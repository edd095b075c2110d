"""Who is calling, and may they? One decorator for every view that is not public.

A request is authenticated by a bearer token (machines, and only that: a request with an
``Authorization`` header ignores the session cookie) or by the session cookie (people). Either way the
view gets one ``Identity`` (``identity()``) to hand to its service, which makes the fine-grained checks
(whose data is this?). Cookie-authenticated requests that change state carry a CSRF token (a form field,
or the ``X-CSRFToken`` header for JSON); bearer-authenticated ones need none, as no browser sends them on
its own.

- 401 with ``WWW-Authenticate: Bearer`` for a missing, invalid, expired or revoked token on the API; a
  person not signed in is sent to the sign-in page instead.
- 403 problem for a caller without the scope, permission or role; every denial is in the audit log.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import NoReturn
from urllib.parse import urlsplit

from authlib.integrations.flask_oauth2.requests import FlaskJsonRequest
from authlib.oauth2 import OAuth2Error
from flask import Flask, abort, g, redirect, request, session, url_for
from flask_wtf.csrf import CSRFProtect

from ..errors import Forbidden
from ..identity import audit, clients, signin
from ..identity.identity import ANONYMOUS, Identity
from ..identity.models import EventKind, Outcome
from . import problems
from .context import db, instance
from .tokens import protector, source

csrf = CSRFProtect()

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Client-authenticated OAuth endpoints: no cookie is involved (introspection by an administrator's
# session checks the token itself).
CSRF_EXEMPT = frozenset({"oauth.token", "oauth.revoke", "oauth.introspect",
                         "pathways.PlannerEvaluate"})  # public, changes nothing: a signed-in learner's call needs none


@dataclass(frozen=True)
class Access:
    """What a view requires, readable from the view (the authorization matrix test reads it)."""

    public: bool = False
    scope: str | None = None
    admin: bool = False


PUBLIC = Access(public=True)


def public(view):
    """Mark a view open to everybody (anonymous included)."""
    view.access = PUBLIC
    return view


def require(scope: str | None = None, *, admin: bool = False):
    """Require a signed-in person or a client; with ``scope``, one allowed it (a client holding the scope,
    staff holding the matching permission, or an administrator); with ``admin``, an administrator."""
    needs = Access(scope=scope, admin=admin)

    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            authorise(needs)
            return view(*args, **kwargs)

        wrapper.access = needs
        return wrapper

    return decorator


def authorise(needs: Access) -> Identity:
    caller = current_identity()
    if not caller.authenticated:
        unauthenticated()
    if needs.admin and not caller.is_admin:
        raise Forbidden("only consortium administrators may do this")
    if needs.scope is not None and not caller.allows(needs.scope):
        raise Forbidden(f"this needs the scope {needs.scope!r} or the matching staff permission",
                        required=needs.scope)
    return caller


def identity() -> Identity:
    """The caller of the current request (anonymous when nobody is signed in)."""
    return current_identity()


def current_identity() -> Identity:
    if "identity" not in g:
        g.identity, g.auth_error = _resolve()
    return g.identity


def _resolve() -> tuple[Identity, OAuth2Error | None]:
    if "Authorization" in request.headers:
        try:
            token = protector.validate_request(None, FlaskJsonRequest(request))
        except OAuth2Error as error:
            return ANONYMOUS, error
        return clients.identity_of_token(token.record), None
    sid = session.get("sid")
    caller = signin.session_identity(db(), sid)
    if caller is not None:
        policy = signin.Policy.from_settings(instance().settings)
        if signin.session_needs_extending(db(), sid, policy):
            with instance().sessions.begin() as writer:
                signin.extend_session(writer, sid, policy)
    return caller or ANONYMOUS, None


def bearer_used() -> bool:
    return "Authorization" in request.headers


def unauthenticated() -> NoReturn:
    if request.path.startswith(("/api/", "/oauth/")) or bearer_used():
        error = g.get("auth_error")
        challenge = 'Bearer realm="climbing-frame"'
        detail = "sign in, or send an access token"
        if error is not None:
            detail = error.description or "the access token is invalid, expired or revoked"
            challenge += f', error="{error.error}"'
        response = problems.problem(401, "Unauthorized", detail)
        response.headers["WWW-Authenticate"] = challenge
        abort(response)
    abort(redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?"))))


def require_admin_session() -> Identity:
    """For the few endpoints an administrator uses with their browser session outside the decorator."""
    csrf.protect()
    return authorise(Access(admin=True))


def safe_next(target: str | None, default: str = "/") -> str:
    """A local path to go back to after signing in (never another site)."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


def _check_csrf() -> None:
    """Every form; and API calls authenticated by the session cookie. An API call with neither cookie
    session nor token is left to answer 401 (its missing token), not 400."""
    if request.method not in UNSAFE_METHODS or bearer_used() or request.endpoint in CSRF_EXEMPT:
        return
    if request.path.startswith("/api/") and not session.get("sid"):
        return
    csrf.protect()


def _audit_denial(exc: Forbidden):
    caller = g.get("identity", ANONYMOUS)
    with instance().sessions.begin() as writer:
        audit.record(writer, EventKind.PERMISSION_DENIED, Outcome.DENIED, actor=caller, source=source(),
                     method=request.method, path=request.path[:500], reason=exc.detail)
    return problems.handle_domain_error(exc)


def register(app: Flask) -> None:
    app.config.setdefault("WTF_CSRF_CHECK_DEFAULT", False)  # checked in _check_csrf, bearer calls aside
    csrf.init_app(app)
    app.before_request(_check_csrf)
    app.register_error_handler(Forbidden, _audit_denial)
    app.context_processor(lambda: {"current_identity": current_identity})


# What someone did before signing in that stays theirs after it: the planner's list (pathway pages).
CARRIED_OVER = ("planner",)


def start_signed_in_session(sid: str) -> None:
    """A new browser session for a person who just signed in: everything else of the old one goes, the
    CSRF token with it (no fixation)."""
    carried = {key: session[key] for key in CARRIED_OVER if key in session}
    session.clear()
    session.update(carried)
    session["sid"] = sid
