"""Consortium administration: organisations, people, API clients and consortium pathways. Plain server-rendered forms, each
with a CSRF token; a form that succeeds redirects (303) so a reload does not post it again. Every view
is for administrators only, and every service call checks that again."""

from __future__ import annotations

import json

from flask import Blueprint, Flask, Response, redirect, render_template, request, url_for
from marshmallow import ValidationError
from werkzeug.datastructures import MultiDict

from ..errors import Conflict, DomainError, Invalid, NotFound
from ..identity import audit, clients, oidc, organisations, service, signin
from ..identity.identity import SCOPES, Permission, Role
from ..identity.schema import ClientIn, OrganisationIn, OrganisationSignInIn, UserChangeIn, UserIn
from ..pathways import consortium
from ..pathways import service as pathways
from .access import identity, require
from .context import db, instance, read_afresh
from .ids import MAX_ID
from .tokens import source

bp = Blueprint("admin", __name__, url_prefix="/admin")
# What a person can put right on the form; Forbidden (and a missing page's NotFound) answer for themselves.
INPUT_ERRORS = (ValidationError, Invalid, Conflict, NotFound)


def _form() -> dict:
    """The form as the schemas take it: repeated fields (checkboxes) as lists."""
    data = request.form.to_dict()
    if "permissions" in request.form:
        data["permissions"] = request.form.getlist("permissions")
    data.pop("csrf_token", None)
    return data


def _problem(error: ValidationError | DomainError) -> str:
    if isinstance(error, ValidationError):
        return "; ".join(f"{name}: {' '.join(map(str, reasons)) if isinstance(reasons, list) else reasons}"
                         for name, reasons in error.normalized_messages().items())
    return error.detail


def _saved(schema, act, failed_page):
    """Load the form with ``schema`` and run ``act(session, form)`` in one transaction.

    Answers ``(act's result, None)``, or ``(None, the form again with the reason, 400)`` when the input is
    at fault; nothing is stored then. Every form of this module goes through here, so all answer alike.
    """
    try:
        form = schema().load(_form())
        with instance().sessions.begin() as session:
            return act(session, form), None
    except INPUT_ERRORS as exc:
        return None, failed_page(_problem(exc), 400)


@bp.get("/")
@require(admin=True)
def home():
    return render_template("admin/home.html")


# --- organisations -------------------------------------------------------------------------------


def _organisations_page(error: str | None = None, status: int = 200):
    return render_template("admin/organisations.html", organisations=organisations.list_all(db()),
                           error=error), status


@bp.get("/organisations")
@require(admin=True)
def organisations_page():
    return _organisations_page()


@bp.post("/organisations")
@require(admin=True)
def organisations_add():
    _, failed = _saved(OrganisationIn, lambda session, form: organisations.add(
        session, identity(), form["provider_id"], form["name"]), _organisations_page)
    return failed or redirect(url_for("admin.organisations_page"), 303)


def _sign_in_page(org_id: str, error: str | None = None, status: int = 200):
    return render_template("admin/organisation_sign_in.html",
                           organisation=organisations.get(db(), identity(), org_id),
                           current=oidc.settings_of(db(), identity(), org_id), error=error,
                           callback=instance().settings.base_url.rstrip("/")
                           + url_for("oidc.callback", org_id=org_id)), status


@bp.get("/organisations/<org_id>/sign-in")
@require(admin=True)
def organisation_sign_in_page(org_id: str):
    return _sign_in_page(org_id)


@bp.post("/organisations/<org_id>/sign-in")
@require(admin=True)
def organisation_sign_in_set(org_id: str):
    def configure(session, form):
        oidc.configure(session, identity(), org_id, issuer=form["issuer"], client_id=form["client_id"],
                       client_secret=form["client_secret"], enabled=form["enabled"],
                       allowed_domains=oidc.parse_domains(form["allowed_domains"]),
                       secret_key=instance().settings.secret_key,
                       check_url=instance().check_identity_provider_url)

    _, failed = _saved(OrganisationSignInIn, configure, lambda error, status: _sign_in_page(org_id, error, status))
    return failed or redirect(url_for("admin.organisation_sign_in_page", org_id=org_id), 303)


# --- people --------------------------------------------------------------------------------------


def _org_names() -> dict[str, str]:
    """Members by name for the tables (pages name organisations, never by id alone)."""
    return {org.id: org.name for org in organisations.list_all(db())}


def _users_page(error: str | None = None, status: int = 200):
    return render_template("admin/users.html", users=service.list_users(db(), identity()),
                           organisations=organisations.list_all(db()), org_names=_org_names(), roles=list(Role),
                           permissions=list(Permission), error=error), status


@bp.get("/users")
@require(admin=True)
def users_page():
    return _users_page()


@bp.post("/users")
@require(admin=True)
def users_create():
    settings = instance().settings
    policy = signin.Policy.from_settings(settings)
    def create(session, form):
        if form["role"] is not Role.STAFF:
            # The permission boxes start ticked for a new staff account; they mean nothing for other roles.
            form["permissions"] = frozenset()
        user = service.create_user(session, identity(), min_length=policy.min_password_length, **form)
        if form["password"] is None:
            signin.invite(session, user, settings.base_url.rstrip("/") + "/auth/reset/{token}", policy)
        return user.id

    user_id, failed = _saved(UserIn, create, _users_page)
    return failed or redirect(url_for("admin.user_page", user_id=user_id), 303)


def _user_page(user_id: int, error: str | None = None, status: int = 200):
    return render_template("admin/user.html", user=service.get_user(db(), identity(), user_id),
                           organisations=organisations.list_all(db()), roles=list(Role),
                           permissions=list(Permission), error=error), status


@bp.get("/users/<id:user_id>")
@require(admin=True)
def user_page(user_id: int):
    return _user_page(user_id)


@bp.post("/users/<id:user_id>")
@require(admin=True)
def user_change(user_id: int):
    def change(session, form):
        service.update_user(session, identity(), user_id, **form)
        if not form["active"]:
            signin.end_all_sessions(session, user_id)

    _, failed = _saved(UserChangeIn, change, lambda error, status: _user_page(user_id, error, status))
    return failed or redirect(url_for("admin.user_page", user_id=user_id), 303)


@bp.post("/users/<id:user_id>/unlock")
@require(admin=True)
def user_unlock(user_id: int):
    with instance().sessions.begin() as session:
        service.unlock(session, identity(), user_id, source())
    return redirect(url_for("admin.user_page", user_id=user_id), 303)


# --- API clients ---------------------------------------------------------------------------------


def _clients_page(error: str | None = None, status: int = 200, created: clients.NewClient | None = None):
    response = Response(render_template(
        "admin/clients.html", clients=clients.list_clients(db(), identity()),
        organisations=organisations.list_all(db()), org_names=_org_names(), scopes=list(SCOPES), error=error,
        created=created, typed=request.form if error else MultiDict(),  # a created client clears the form
    ), status)
    response.headers["Cache-Control"] = "no-store"  # the page may show a client secret, once
    return response


@bp.get("/clients")
@require(admin=True)
def clients_page():
    return _clients_page()


@bp.post("/clients")
@require(admin=True)
def clients_create():
    data = _form()
    data["scopes"] = request.form.getlist("scopes")
    try:
        form = ClientIn().load(data)
        with instance().sessions.begin() as session:
            created = clients.create_client(session, identity(), form["org_id"], sorted(form["scopes"]),
                                            form["name"])
    except INPUT_ERRORS as exc:
        return _clients_page(_problem(exc), 400)
    read_afresh()  # the page lists the new client: it is shown here, not redirected to (the secret is shown once)
    return _clients_page(created=created)


@bp.post("/clients/<client_id>/revoke")
@require(admin=True)
def clients_revoke(client_id: str):
    with instance().sessions.begin() as session:
        clients.revoke_client(session, identity(), client_id)
    return redirect(url_for("admin.clients_page"), 303)


# --- consortium pathways --------------------------------------------------------------------------


def _pathways_page(error: str | None = None, status: int = 200, pasted: str = "", saved: str | None = None):
    found = pathways.list_pathways(db(), include_withdrawn=True)
    return render_template("admin/pathways.html", pathways=found, error=error, pasted=pasted, saved=saved,
                           names=pathways.provider_names(db(), (p.awarding_provider_id for p in found))), status


@bp.get("/pathways")
@require(admin=True)
def pathways_page():
    return _pathways_page(saved=request.args.get("saved"))


@bp.post("/pathways")
@require(admin=True)
def pathways_add():
    pasted = request.form.get("pathway", "")
    try:
        raw = json.loads(pasted)
    except json.JSONDecodeError as exc:
        return _pathways_page(f"The pathway is not valid JSON: {exc}", 400, pasted)
    try:
        saved = consortium.add(instance().sessions, instance().index_changes, identity(), raw)
    except INPUT_ERRORS as exc:
        return _pathways_page(_problem(exc), 400, pasted)
    return redirect(url_for("admin.pathways_page", saved=f"{saved.pathway_id} {saved.state}"), 303)


@bp.post("/pathways/<pathway_id>/withdraw")
@require(admin=True)
def pathways_withdraw(pathway_id: str):
    try:
        consortium.withdraw(instance().sessions, instance().index_changes, identity(), pathway_id)
    except INPUT_ERRORS as exc:
        return _pathways_page(_problem(exc), 400)
    return redirect(url_for("admin.pathways_page", saved=f"{pathway_id} withdrawn"), 303)


# --- the security log ------------------------------------------------------------------------------


@bp.get("/security-events")
@require(admin=True)
def security_events():
    before = request.args.get("before", type=int)
    if before is not None and not 1 <= before <= MAX_ID:
        raise Invalid(f"before: an event id, 1 to {MAX_ID}")
    events = audit.recent(db(), identity(), before_id=before)
    return render_template("admin/security_events.html", events=events)


def register(app: Flask) -> None:
    app.register_blueprint(bp)
