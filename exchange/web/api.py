"""The exchange's JSON API: agreements, awards, transfer requests and the learner's credit.

HTTP in (a schema), one service call with plain values and the caller, JSON out. Who may do what is the
services' business; ``@require`` only says which scope a member's system needs and that someone is signed
in. Writes run in one transaction opened here; the outbox is delivered later by the scheduler's job.
"""

from __future__ import annotations

from decimal import Decimal

from flask import request
from flask.views import MethodView

from directory.errors import Invalid, PreconditionRequired
from directory.web import problems
from directory.web.access import public, require
from directory.web.context import db, instance

from .. import awards, qualifications, webhooks
from ..agreements import service as agreements
from ..requests import service as requests
from . import schemas
from .callers import caller, now, policy_of, today

blp = problems.Blueprint("exchange", __name__, url_prefix="/api/v1",
                description="The credit exchange: agreements between members and credit transfer requests")

READ_AGREEMENTS, APPROVE = "agreements:read", "agreements:approve"
READ_TRANSFERS, DECIDE = "transfers:read", "transfers:decide"


def if_match(required: bool) -> int | None:
    """The version named by ``If-Match`` ("3", 3 or W/"3"); 428 when it is required and missing."""
    value = request.headers.get("If-Match", "").strip()
    if not value:
        if required:
            raise PreconditionRequired("send If-Match with the version you read (its ETag)")
        return None
    value = value.removeprefix("W/").strip('"')
    # ASCII digits only: str.isdigit() also takes '²', which int() refuses; ten digits hold any version.
    if not (value.isascii() and value.isdigit() and len(value) <= 10):
        raise PreconditionRequired(f"If-Match must name a version number, not {value[:20]!r}")
    return int(value)


MAX_IDEMPOTENCY_KEY = 200  # the column's width


def idempotency_key() -> str | None:
    """The ``Idempotency-Key`` sent, if any; 400 when it is longer than a key can be stored."""
    key = request.headers.get("Idempotency-Key") or None
    if key is not None and len(key) > MAX_IDEMPOTENCY_KEY:
        raise Invalid(f"Idempotency-Key: at most {MAX_IDEMPOTENCY_KEY} characters",
                      invalid_params=[{"name": "Idempotency-Key", "reason": f"longer than {MAX_IDEMPOTENCY_KEY}"}])
    return key


def _etag(version: int) -> dict[str, str]:
    return {"ETag": f'"{version}"'}


IF_MATCH = {"parameters": [{"in": "header", "name": "If-Match", "schema": {"type": "string"},
                            "description": 'The version you read (its ETag: "3", 3 or W/"3"); a stale one '
                                           "answers 409, anything else 428"}]}
IDEMPOTENCY_KEY = {"parameters": [{"in": "header", "name": "Idempotency-Key",
                                   "schema": {"type": "string", "maxLength": MAX_IDEMPOTENCY_KEY},
                                   "description": "Resubmitting with the same key and body returns the "
                                                  "first request (200) instead of a new one"}]}


# --- agreements ------------------------------------------------------------------------------------


@blp.route("/agreements")
class Agreements(MethodView):
    @public
    @blp.arguments(schemas.AgreementListArgs, location="query")
    @blp.response(200, schemas.AgreementListOut)
    def get(self, args):
        """Agreements the caller may read (in force and past ones are public), by id; keyset ``after``."""
        rows = agreements.list_agreements(db(), caller(READ_AGREEMENTS), org_id=args.get("org"),
                                          state=args.get("state"), after=args.get("after"), limit=args["limit"])
        return {"results": [schemas.agreement_summary(a) for a in rows],
                "next_after": rows[-1].id if len(rows) == args["limit"] else None}

    @require(APPROVE)
    @blp.arguments(schemas.AgreementIn)
    @blp.response(201, schemas.AgreementOut)
    def post(self, args):
        """A new agreement, in draft, with its first version (staff of a party, or an administrator)."""
        with instance().sessions.begin() as session:
            agreement = agreements.create(session, caller(APPROVE), schemas.content_of(args), now=now())
            body = schemas.present_agreement(*agreements.read_agreement(session, caller(APPROVE), agreement.id))
        return body, 201, _etag(body["row_version"])


@blp.route("/agreements/<id:agreement_id>")
class AgreementRecord(MethodView):
    @public
    @blp.response(200, schemas.AgreementOut)
    def get(self, agreement_id):
        """One agreement and its current version, with the parties' approvals."""
        body = schemas.present_agreement(*agreements.read_agreement(db(), caller(READ_AGREEMENTS), agreement_id))
        return body, 200, _etag(body["row_version"])

    @require(APPROVE)
    @blp.arguments(schemas.AgreementIn)
    @blp.doc(**IF_MATCH)
    @blp.response(200, schemas.AgreementOut)
    def put(self, args, agreement_id):
        """A new version of what the agreement says (If-Match: its row_version); earlier approvals are
        voided, but an agreement in force keeps its version in force until every party approves the new one."""
        expected = if_match(required=True)
        with instance().sessions.begin() as session:
            agreements.new_version(session, caller(APPROVE), agreement_id, schemas.content_of(args),
                                   expected_row_version=expected, now=now())
            body = schemas.present_agreement(*agreements.read_agreement(session, caller(APPROVE), agreement_id))
        return body, 200, _etag(body["row_version"])


@blp.route("/agreements/<id:agreement_id>/versions")
class AgreementVersions(MethodView):
    @public
    @blp.response(200, schemas.AgreementVersionListOut)
    def get(self, agreement_id):
        """Every version, oldest first, each with its approvals (voided ones included)."""
        agreements.read_agreement(db(), caller(READ_AGREEMENTS), agreement_id)  # may the caller see it?
        return {"results": [schemas.present_version(v)
                            for v in agreements.versions(db(), agreement_id, caller(READ_AGREEMENTS))]}


@blp.route("/agreements/<id:agreement_id>/diff")
class AgreementDiff(MethodView):
    @public
    @blp.arguments(schemas.DiffArgs, location="query")
    @blp.response(200, schemas.DiffOut)
    def get(self, args, agreement_id):
        """What changed between two versions, field by field, in words (``?from=1&to=2``)."""
        agreements.read_agreement(db(), caller(READ_AGREEMENTS), agreement_id)
        changes = agreements.version_diff(db(), agreement_id, args["from_"], args["to"], caller(READ_AGREEMENTS))
        return schemas.present_diff(agreement_id, args["from_"], args["to"], changes)


@blp.route("/agreements/<id:agreement_id>/approvals")
class AgreementApprovals(MethodView):
    @require(APPROVE)
    @blp.arguments(schemas.ApprovalIn)
    @blp.response(200, schemas.AgreementOut)
    def post(self, args, agreement_id):
        """Approve the current version for your organisation (administrators name ``org_id``), bound to the
        terms hash you read; the last party's approval makes the agreement active, or brings a pending
        amendment into force in place of the version in force."""
        with instance().sessions.begin() as session:
            agreements.approve(session, caller(APPROVE), agreement_id, args["terms_hash"],
                               org_id=args.get("org_id"), now=now())
            body = schemas.present_agreement(*agreements.read_agreement(session, caller(APPROVE), agreement_id))
        return body, 200, _etag(body["row_version"])


def _lifecycle(agreement_id: int, move, reason: str | None = None):
    expected = if_match(required=False)
    with instance().sessions.begin() as session:
        extra = () if reason is None else (reason,)
        move(session, caller(APPROVE), agreement_id, *extra, expected_row_version=expected, now=now())
        body = schemas.present_agreement(*agreements.read_agreement(session, caller(APPROVE), agreement_id))
    return body, 200, _etag(body["row_version"])


@blp.route("/agreements/<id:agreement_id>/propose")
class AgreementPropose(MethodView):
    @require(APPROVE)
    @blp.doc(**IF_MATCH)
    @blp.response(200, schemas.AgreementOut)
    def post(self, agreement_id):
        """Send a draft to every party for approval."""
        return _lifecycle(agreement_id, agreements.propose)


# Suspending, resuming and terminating differ only in the lifecycle step and its summary: one view each,
# made alike so their documents, checks and answers cannot drift apart.
def _reasoned_step(verb: str, step, summary: str) -> None:
    @require(APPROVE)
    @blp.arguments(schemas.ReasonIn)
    @blp.doc(**IF_MATCH)
    @blp.response(200, schemas.AgreementOut)
    def post(self, args, agreement_id):
        return _lifecycle(agreement_id, step, args["reason"])

    post.__doc__ = summary
    blp.route(f"/agreements/<id:agreement_id>/{verb}")(type(f"Agreement{verb.title()}", (MethodView,), {"post": post}))


_reasoned_step("suspend", agreements.suspend, "Suspend an active agreement (a party or an administrator), saying why.")
_reasoned_step("resume", agreements.resume, "Put a suspended agreement back in force, saying why.")
_reasoned_step("terminate", agreements.terminate,
               "End an agreement for good, saying why; decisions already made under it stand.")


# --- awards ----------------------------------------------------------------------------------------


@blp.route("/awards")
class Awards(MethodView):
    @require(APPROVE)
    @blp.arguments(schemas.AwardIn)
    @blp.response(200, schemas.AwardOut)
    def put(self, args):
        """Create or update an award of a member that credit can count towards (its staff or an admin)."""
        spec = awards.AwardSpec(args["org_id"], args["code"], args["title"], Decimal(args["total_credit"]),
                                args["level"])
        with instance().sessions.begin() as session:
            award = awards.register_award(session, caller(APPROVE), spec)
            return schemas.present_award(award)


# --- qualifications offered by members' feeds -----------------------------------------------------


def _offers_org(requested: str | None) -> str:
    """Whose offers: staff read their own organisation's; administrators name one (``org``)."""
    who = caller(READ_AGREEMENTS)
    org = requested or who.org_id
    if not org:
        raise Invalid("name the member whose offers to read (?org=)",
                      invalid_params=[{"name": "org", "reason": "required for administrators"}])
    return org


@blp.route("/qualification-offers")
class QualificationOffers(MethodView):
    @require(READ_AGREEMENTS)
    @blp.arguments(schemas.OfferListArgs, location="query")
    @blp.response(200, schemas.OfferListOut)
    def get(self, args):
        """The qualifications the member's feeds list (degrees, diplomas, certificates: not courses), offered
        to the awards register, those waiting for a decision first (staff of the member, or administrators)."""
        state = qualifications.OfferState(args["state"]) if "state" in args else None
        views = qualifications.list_offers(db(), caller(READ_AGREEMENTS), _offers_org(args.get("org")), state)
        return {"results": [schemas.present_offer(v) for v in views]}


@blp.route("/qualification-offers/<id:offer_id>/confirm")
class QualificationOfferConfirm(MethodView):
    @require(APPROVE)
    @blp.arguments(schemas.OfferConfirmIn)
    @blp.response(200, schemas.OfferOut)
    def post(self, args, offer_id):
        """Make the offer an award of the register (``code``, the feed's id by default), or link it to the
        member's existing award ``link``; confirming a confirmed offer again carries the feed's changes over.
        409 when the code is taken or an award of the same title exists (link to it instead)."""
        with instance().sessions.begin() as session:
            view = qualifications.confirm(session, caller(APPROVE), offer_id, code=args["code"], link=args["link"],
                                          now=now())
            return schemas.present_offer(view)


@blp.route("/qualification-offers/<id:offer_id>/dismiss")
class QualificationOfferDismiss(MethodView):
    @require(APPROVE)
    @blp.response(200, schemas.OfferOut)
    def post(self, offer_id):
        """Not an award of the register (the decision stands when the feed offers it again)."""
        with instance().sessions.begin() as session:
            return schemas.present_offer(qualifications.dismiss(session, caller(APPROVE), offer_id, now=now()))


# --- transfer requests -----------------------------------------------------------------------------


@blp.route("/transfer-requests")
class TransferRequests(MethodView):
    @require()
    @blp.arguments(schemas.RequestListArgs, location="query")
    @blp.response(200, schemas.RequestListOut)
    def get(self, args):
        """The caller's requests (learners), their organisation's (staff) or all (administrators)."""
        rows = requests.list_requests(db(), caller(READ_TRANSFERS), state=args.get("state"),
                                      after=args.get("after"), limit=args["limit"])
        return {"results": [schemas.present_request(r) for r in rows],
                "next_after": rows[-1].id if len(rows) == args["limit"] else None}

    @require()
    @blp.arguments(schemas.RequestIn)
    @blp.doc(**IDEMPOTENCY_KEY)
    @blp.response(201, schemas.TransferRequestOut)
    @blp.alt_response(200, schema=schemas.TransferRequestOut, description="Replayed: the request first submitted "
                                                                  "with this Idempotency-Key")
    def post(self, args):
        """A learner asks a member to recognise their achievements; it is pre-assessed at once."""
        draft = requests.RequestDraft(
            target_org=args["target_org"], award_code=args["award_code"], purpose=args["purpose"],
            achievements=tuple(requests.AchievementClaim(**a) for a in args["achievements"]))
        key = idempotency_key()
        with instance().sessions.begin() as session:
            submitted = requests.submit(session, caller(), draft, today=today(), idempotency_key=key, now=now(),
                                        policy=policy_of(instance().settings))
            body = schemas.present_request(submitted.request)
        return body, 200 if submitted.replayed else 201, _etag(body["version"])


@blp.route("/transfer-requests/queue")
class StaffQueue(MethodView):
    @require(READ_TRANSFERS)
    @blp.arguments(schemas.QueueArgs, location="query")
    @blp.response(200, schemas.QueueOut)
    def get(self, args):
        """Open requests to the caller's organisation, soonest due first, overdue ones marked; keyset
        ``after_due`` and ``after_id`` (the last item's)."""
        after = (args["after_due"], args["after_id"]) if "after_due" in args and "after_id" in args else None
        items = requests.staff_queue(db(), caller(READ_TRANSFERS), today=today(), org_id=args.get("org"),
                                     after=after, limit=args["limit"])
        return {"results": [schemas.present_queue_item(i) for i in items]}


@blp.route("/transfer-requests/<id:request_id>")
class TransferRequestRecord(MethodView):
    @require()
    @blp.response(200, schemas.TransferRequestOut)
    def get(self, request_id):
        """One request with its pre-assessment, decision and history (the learner's own, or staff of the
        receiving member). For staff, while it waits for a decision, ``recheck``: the pre-assessment as
        a decision today would re-run it, and what changed since submission in words."""
        actor = caller(READ_TRANSFERS)
        body = schemas.present_request(requests.get_request(db(), actor, request_id),
                                       requests.history(db(), actor, request_id))
        check = requests.recheck_request(db(), actor, request_id, today=today())
        body["recheck"] = check.as_dict() if check is not None else None
        return body, 200, _etag(body["version"])


@blp.route("/transfer-requests/<id:request_id>/decision")
class TransferDecision(MethodView):
    @require(DECIDE)
    @blp.arguments(schemas.DecisionIn)
    @blp.doc(**IF_MATCH)
    @blp.response(200, schemas.TransferRequestOut)
    def post(self, args, request_id):
        """Accept the proposal, change it (credits per achievement) or refuse, with reasons. If-Match (the
        request version read) is required: of two deciders one wins, the other gets 409. The decision
        re-runs the pre-assessment as of today: what is no longer supported (already counted towards the
        award, no agreement in force, past a cap, overlapping a counted course) is not credited, and
        ``decision.recheck`` says what changed since submission and what was not credited, with why."""
        expected = if_match(required=True)
        decision = requests.Decision(schemas.DECISIONS[args["action"]], args["note"],
                                     {int(p): Decimal(c) for p, c in args["credits"].items() if p.isdigit()})
        with instance().sessions.begin() as session:
            decided = requests.decide(session, caller(DECIDE), request_id, decision, expected_version=expected,
                                      now=now(), today=today())
            body = schemas.present_request(decided)
        return body, 200, _etag(body["version"])


@blp.route("/transfer-requests/<id:request_id>/withdraw")
class TransferWithdraw(MethodView):
    @require()
    @blp.doc(**IF_MATCH)
    @blp.response(200, schemas.TransferRequestOut)
    def post(self, request_id):
        """The learner takes their request back before it is decided."""
        expected = if_match(required=False)
        with instance().sessions.begin() as session:
            body = schemas.present_request(requests.withdraw(session, caller(), request_id,
                                                             expected_version=expected, now=now()))
        return body, 200, _etag(body["version"])


@blp.route("/transfer-requests/<id:request_id>/appeal")
class TransferAppeal(MethodView):
    @require()
    @blp.arguments(schemas.AppealIn)
    @blp.doc(**IF_MATCH)
    @blp.response(200, schemas.TransferRequestOut)
    def post(self, args, request_id):
        """The learner appeals the decision, once, saying why; someone else decides the appeal."""
        expected = if_match(required=False)
        with instance().sessions.begin() as session:
            body = schemas.present_request(requests.appeal(session, caller(), request_id, args["reason"],
                                                           expected_version=expected, now=now()))
        return body, 200, _etag(body["version"])


@blp.route("/learners/me/credit")
class MyCredit(MethodView):
    @require()
    @blp.response(200, schemas.LearnerCreditOut)
    def get(self):
        """The signed-in learner's credit ledger and their net credit per award."""
        return schemas.present_credit(requests.learner_credit(db(), caller()))


# --- members' webhooks -----------------------------------------------------------------------------


@blp.route("/members/<org_id>/webhook")
class MemberWebhook(MethodView):
    @require(DECIDE)
    @blp.arguments(schemas.WebhookIn)
    @blp.response(200, schemas.WebhookOut)
    def put(self, args, org_id):
        """Where the member's systems are told of transfer requests and agreements; a new signing secret
        each time (shown once)."""
        with instance().sessions.begin() as session:
            hook, secret = webhooks.set_webhook(session, caller(DECIDE), org_id, args["url"],
                                                allow_private=instance().settings.harvest_allow_private,
                                                secret_key=instance().settings.secret_key, now=now())
            return schemas.present_webhook(hook, secret)

    @require(DECIDE)
    @blp.response(204)
    def delete(self, org_id):
        """Stop calling the member's webhook."""
        with instance().sessions.begin() as session:
            webhooks.remove_webhook(session, caller(DECIDE), org_id)
