"""Signing in and out, and choosing a password with a single-use link. Pages for people; every form
carries a CSRF token (checked in ``access``).

The session cookie carries only a random session id (``sid``), checked against ``user_sessions`` on each
request. Signing in empties the cookie and issues a new id, so an id planted before sign-in (session
fixation) is worth nothing after it; signing out ends the id on the server, so a copied cookie is too.
"""

from __future__ import annotations

from flask import Blueprint, Flask, Response, flash, redirect, render_template, request, session, url_for
from marshmallow import ValidationError

from ..errors import Invalid
from ..identity import oidc, signin
from ..identity.schema import NewPasswordIn, ResetRequestIn, SignInIn
from ..identity.signin import Policy, SignInOutcome
from .access import current_identity, public, require, safe_next, start_signed_in_session
from .context import db, instance
from .tokens import source

bp = Blueprint("auth", __name__, url_prefix="/auth", template_folder="templates")

SIGN_IN_REFUSED = ("That email address and password do not match an account that can sign in now. "
                   "After repeated failures an account is locked for a while.")


def _policy() -> Policy:
    return Policy.from_settings(instance().settings)


def sign_in_page(error: str | None = None, status: int = 200, next: str | None = None):
    """The sign-in page: the password form, and a button per organisation whose people may sign in
    through their own identity provider."""
    return render_template("auth/sign_in.html", error=error, next=next or "",
                           providers=oidc.enabled_organisations(db())), status


@bp.get("/sign-in")
@public
def sign_in():
    return sign_in_page(next=safe_next(request.args.get("next"), ""))


@bp.post("/sign-in")
@public
def sign_in_submit():
    try:
        form = SignInIn().load(request.form.to_dict())
    except ValidationError:
        return sign_in_page("Give your email address and password.", 400, safe_next(request.form.get("next"), ""))
    old_sid = session.get("sid")
    with instance().sessions.begin() as writer:
        result = signin.sign_in(writer, form["email"], form["password"], source(), _policy())
        if result.outcome is SignInOutcome.SIGNED_IN:
            signin.end_session(writer, old_sid, source())
    if result.outcome is SignInOutcome.THROTTLED:
        return sign_in_page("Too many failed sign-ins from your network: wait a few minutes and try again.", 429,
                            form["next"])
    if result.outcome is not SignInOutcome.SIGNED_IN:
        return sign_in_page(SIGN_IN_REFUSED, 401, form["next"])
    start_signed_in_session(result.sid)
    return redirect(safe_next(form["next"], url_for("account.home")), 303)


@bp.post("/sign-out")
@public
def sign_out():
    with instance().sessions.begin() as writer:
        signin.end_session(writer, session.get("sid"), source())
    session.clear()
    return redirect(url_for("pages.search_page"), 303)


@bp.post("/sign-out-everywhere")
@require()
def sign_out_everywhere():
    caller = current_identity()
    if caller.user_id is None:
        raise Invalid("only people have sessions to end")
    with instance().sessions.begin() as writer:
        signin.end_all_sessions(writer, caller.user_id)
    session.clear()
    return redirect(url_for("pages.search_page"), 303)


@bp.get("/reset")
@public
def reset_request():
    return render_template("auth/reset_request.html")


@bp.post("/reset")
@public
def reset_request_submit():
    try:
        form = ResetRequestIn().load(request.form.to_dict())
    except ValidationError:
        return render_template("auth/reset_request.html", error="Give your email address."), 400
    reset_url = instance().settings.base_url.rstrip("/") + "/auth/reset/{token}"
    with instance().sessions.begin() as writer:
        signin.request_reset(writer, form["email"], reset_url, source(), _policy())
    return render_template("auth/reset_sent.html")


def _no_referrer(response: Response, status: int = 200) -> tuple[Response, int]:
    # The link's token is in the address: never send it on to another site.
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response, status


@bp.get("/reset/<token>")
@public
def reset_password(token: str):
    try:
        signin.check_password_token(db(), token)
    except Invalid as exc:
        return _no_referrer(Response(render_template("auth/reset.html", expired=exc.detail)), 400)
    return _no_referrer(Response(render_template("auth/reset.html", token=token)))


@bp.post("/reset/<token>")
@public
def reset_password_submit(token: str):
    try:
        form = NewPasswordIn().load(request.form.to_dict())
    except ValidationError:
        return _no_referrer(Response(render_template("auth/reset.html", token=token,
                                                     error="Type the same new password twice.")), 400)
    try:
        with instance().sessions.begin() as writer:
            signin.reset_password(writer, token, form["password"], source(), _policy())
    except Invalid as exc:
        return _no_referrer(Response(render_template("auth/reset.html", token=token, error=exc.detail)), 400)
    session.clear()
    flash("Your new password is set: sign in with it.")
    return redirect(url_for("auth.sign_in"), 303)


def register(app: Flask) -> None:
    app.register_blueprint(bp)
