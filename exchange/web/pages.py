"""The exchange's pages: who recognises whom (the matrix), each agreement with its versions, the staff
queue, a request (staff decide; learners withdraw and appeal), a learner's "My credit" (printable, and as
JSON), the form to ask for credit, and the qualifications a member's feed offers to the awards register. Each view parses the form, calls the service, renders."""

from __future__ import annotations

import secrets
from dataclasses import asdict
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import Blueprint, Flask, Response, redirect, render_template, request, url_for
from marshmallow import Schema, ValidationError, fields, validate
from werkzeug.exceptions import BadRequest

from directory.catalogue import service as catalogue
from directory.errors import Conflict, Invalid
from directory.identity import organisations
from directory.web.access import identity, public, require
from directory.web.context import db, instance

from .. import awards, qualifications, transcript
from ..agreements import matrix
from ..agreements import service as agreements
from ..agreements.lifecycle import AgreementState
from ..agreements.rules import Purpose
from ..requests import service as requests
from ..requests.workflow import DECIDABLE, DECIDED, OPEN, RequestAction, RequestState
from . import schemas
from .callers import caller, now, policy_of, today

bp = Blueprint("exchange_pages", __name__, url_prefix="/exchange", template_folder="templates")

# What each agreement state looks like in the matrix: a symbol and words, never colour alone.
STATE_MARKS = {AgreementState.ACTIVE: ("✓", "recognised"), AgreementState.SUSPENDED: ("‖", "suspended")}


def _org_names() -> dict[str, str]:
    return {o.id: o.name for o in organisations.list_all(db())}


@bp.get("/agreements/matrix")
@public
def agreements_matrix():
    grid = matrix.recognition_matrix(db(), caller("agreements:read"))
    return render_template("exchange/matrix.html", grid=grid, names=_org_names(), marks=STATE_MARKS)


@bp.get("/agreements/<id:agreement_id>")
@public
def agreement_page(agreement_id: int):
    agreement, current = agreements.read_agreement(db(), caller("agreements:read"), agreement_id)
    versions = agreements.versions(db(), agreement_id, caller("agreements:read"))
    changes = {v.number: agreements.version_diff(db(), agreement_id, v.number - 1, v.number)
               for v in versions if v.number > 1}
    return render_template("exchange/agreement.html", agreement=agreement, current=current,
                           versions=list(reversed(versions)), changes=changes, names=_org_names())


@bp.get("/queue")
@require("transfers:read")
def queue_page():
    items = requests.staff_queue(db(), caller("transfers:read"), today=today(), org_id=request.args.get("org"),
                                 limit=200)
    return render_template("exchange/queue.html", items=items, today=today(),
                           overdue=sum(1 for i in items if i.overdue))


@bp.get("/requests/<id:request_id>")
@require()
def request_page(request_id: int):
    actor = caller("transfers:read")
    transfer = requests.get_request(db(), actor, request_id)
    me = identity()
    may_decide = me.allows("transfers:decide") and transfer.state in DECIDABLE
    # Staff see what a decision today would find before they decide (the decision re-runs it).
    check = requests.recheck_request(db(), actor, request_id, today=today()) if may_decide else None
    return render_template(
        "exchange/request.html", transfer=transfer, history=requests.history(db(), actor, request_id),
        may_decide=may_decide, recheck=check,
        may_withdraw=transfer.learner_id == me.user_id and transfer.state in OPEN - {RequestState.APPEALED},
        may_appeal=transfer.learner_id == me.user_id and transfer.state in DECIDED and transfer.appealed_at is None)


class DecisionForm(Schema):
    action = fields.String(required=True, validate=validate.OneOf(list(schemas.DECISIONS)))
    note = fields.String(load_default="", validate=validate.Length(max=5000))
    version = fields.Integer(required=True)


def _form(schema: Schema) -> dict[str, Any]:
    try:
        return schema.load({k: v for k, v in request.form.items() if k in schema.fields})
    except ValidationError as exc:
        raise Invalid("; ".join(f"{k}: {' '.join(v)}" for k, v in exc.messages.items())) from None


def _credits() -> dict[int, Decimal]:
    """``credits-<position>`` fields of the decision form (a change), blank ones left out."""
    found = {}
    for name, value in request.form.items():
        if name.startswith("credits-") and value.strip():
            try:
                found[int(name.removeprefix("credits-"))] = Decimal(value.strip())
            except (ValueError, InvalidOperation):
                raise Invalid(f"credits for achievement {name.removeprefix('credits-')} must be a number") from None
    return found


@bp.post("/requests/<id:request_id>/decision")
@require("transfers:decide")
def decide(request_id: int):
    form = _form(DecisionForm())
    action = schemas.DECISIONS[form["action"]]
    decision = requests.Decision(action, form["note"], _credits() if action is RequestAction.CHANGE else {})
    with instance().sessions.begin() as session:
        requests.decide(session, caller("transfers:decide"), request_id, decision,
                        expected_version=form["version"], now=now(), today=today())
    return redirect(url_for(".request_page", request_id=request_id), 303)


class VersionForm(Schema):
    version = fields.Integer(required=True)


class AppealForm(VersionForm):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=5000))


@bp.post("/requests/<id:request_id>/withdraw")
@require()
def withdraw(request_id: int):
    form = _form(VersionForm())
    with instance().sessions.begin() as session:
        requests.withdraw(session, caller(), request_id, expected_version=form["version"], now=now())
    return redirect(url_for(".request_page", request_id=request_id), 303)


@bp.post("/requests/<id:request_id>/appeal")
@require()
def appeal(request_id: int):
    form = _form(AppealForm())
    with instance().sessions.begin() as session:
        requests.appeal(session, caller(), request_id, form["reason"], expected_version=form["version"], now=now())
    return redirect(url_for(".request_page", request_id=request_id), 303)


@bp.get("/my-credit")
@require()
def my_credit():
    record = transcript.transcript(db(), caller())
    mine = requests.list_requests(db(), caller(), limit=200)
    return render_template("exchange/my_credit.html", record=record, requests=mine, names=_org_names())


@bp.get("/my-credit.json")
@require()
def my_credit_json():
    record = transcript.transcript(db(), caller())
    body = {"learner": {"id": record.learner_id, "name": record.learner_name, "email": record.learner_email},
            "credit": schemas.present_credit(record.statement),
            "recognised": [asdict(r) for r in record.recognised]}
    response = Response(schemas.dump_json(body), mimetype="application/json")
    response.headers["Content-Disposition"] = 'attachment; filename="my-credit.json"'
    return response


class NewRequestForm(Schema):
    course = fields.String(required=True)
    target = fields.String(required=True)
    award_code = fields.String(required=True, validate=validate.Length(min=1, max=100))
    purpose = fields.Enum(Purpose, by_value=True, required=True)
    awarded_on = fields.Date(required=True)
    grade = fields.Decimal(allow_none=True, load_default=None)
    evidence = fields.String(load_default=None, validate=validate.Length(max=2000))
    key = fields.String(required=True, validate=validate.Length(min=8, max=200))


def _course(reference: str):
    provider_id, _, course_id = (reference or "").partition("/")
    if not provider_id or not course_id:
        raise BadRequest("name the course as ?course=<provider id>/<course id>")
    return catalogue.get_course(db(), provider_id, course_id)


@bp.get("/requests/new")
@require()
def new_request():
    course = _course(request.args.get("course", ""))
    target = request.args.get("target", "")
    # What a link (the planner's, a course page's) already knows fills the form in; the learner checks it.
    filled = {name: request.args.get(name, "") for name in ("award_code", "purpose", "awarded_on", "grade", "evidence")}
    return render_template("exchange/new_request.html", course=course, target=target, filled=filled,
                           names=_org_names(),
                           awards=awards.list_awards(db(), target) if target else [],
                           purposes=list(Purpose), key=secrets.token_urlsafe(16),
                           working_days=instance().settings.decision_working_days)


@bp.post("/requests/new")
@require()
def submit_request():
    form = {k: v for k, v in request.form.items() if v != "" or k in ("course", "target")}
    try:
        values = NewRequestForm().load({k: v for k, v in form.items() if k in NewRequestForm().fields})
    except ValidationError as exc:
        raise Invalid("; ".join(f"{k}: {' '.join(v)}" for k, v in exc.messages.items())) from None
    course = _course(values["course"])
    claim = requests.AchievementClaim(
        awarded_on=values["awarded_on"], grade=values["grade"], evidence=values["evidence"],
        course_version_id=course.current_version.id, content_hash=course.current_version.content_hash)
    draft = requests.RequestDraft(values["target"], values["award_code"], values["purpose"], (claim,))
    with instance().sessions.begin() as session:
        submitted = requests.submit(session, caller(), draft, today=today(), idempotency_key=values["key"],
                                    now=now(), policy=policy_of(instance().settings))
        request_id = submitted.request.id
    return redirect(url_for(".request_page", request_id=request_id), 303)


# --- qualifications offered by the member's feed ----------------------------------------------------


class OfferForm(Schema):
    code = fields.String(load_default=None, validate=validate.Length(max=100))
    link = fields.String(load_default=None, validate=validate.Length(max=100))


def _offers_page(org: str | None, *, error: str | None = None, typed: dict[int, str] | None = None,
                 status: int = 200):
    # Administrators act for no member of their own: they choose one (``org``) first.
    views = qualifications.list_offers(db(), caller("agreements:read"), org) if org else []
    return render_template("exchange/qualifications.html", views=views, org=org or "",
                           org_name=_org_names().get(org, org) if org else None,
                           error=error, typed=typed or {}, admin=identity().is_admin), status


@bp.get("/qualifications")
@require("agreements:read")
def qualifications_page():
    return _offers_page(request.args.get("org") or caller("agreements:read").org_id)


def _decide_offer(offer_id: int, decide, verb: str):
    """Run one decision; on a refusal show the offer's page again with the reason, the code typed kept."""
    typed = {offer_id: request.form.get("code", "")}
    try:
        form = _form(OfferForm())
        form = {k: (v.strip() or None) if isinstance(v, str) else v for k, v in form.items()}
        with instance().sessions.begin() as session:
            org = decide(session, form).offer.provider_id
    except (Invalid, Conflict) as exc:
        # The member whose page it is: the offer's (NotFound when the caller may not see it).
        offer = qualifications.get_offer(db(), caller("agreements:read"), offer_id).offer
        return _offers_page(offer.provider_id, error=f"“{offer.title}” was not {verb}: {exc.detail}", typed=typed,
                            status=exc.status)
    return redirect(url_for(".qualifications_page", org=org if identity().is_admin else None) + f"#offer-{offer_id}",
                    303)


@bp.post("/qualifications/<id:offer_id>/confirm")
@require("agreements:approve")
def confirm_offer(offer_id: int):
    return _decide_offer(offer_id, lambda session, form: qualifications.confirm(
        session, caller("agreements:approve"), offer_id, code=form["code"], link=form["link"], now=now()), "confirmed")


@bp.post("/qualifications/<id:offer_id>/dismiss")
@require("agreements:approve")
def dismiss_offer(offer_id: int):
    return _decide_offer(offer_id, lambda session, form: qualifications.dismiss(
        session, caller("agreements:approve"), offer_id, now=now()), "dismissed")


def register(app: Flask) -> None:
    app.register_blueprint(bp)
