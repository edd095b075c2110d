"""API schemas of the exchange: what its endpoints accept and answer (they declare the OpenAPI document),
and the functions turning service results into those answers."""

from __future__ import annotations

from dataclasses import asdict
from decimal import Decimal
from typing import Any

from marshmallow import Schema, fields, validate

from directory.urls import web_url
from directory.web.ids import id_field
from directory.web.schemas import NotBlank

from ..agreements import terms as terms_module
from ..agreements.lifecycle import AgreementState
from ..agreements.models import Agreement
from ..agreements.rules import Purpose
from ..agreements.service import VersionView
from ..requests.models import RequestHistory, TransferRequest
from ..requests.service import QueueItem
from ..requests.workflow import RequestAction, RequestState

CREDIT = {"description": "CATS credits, a number or a decimal string"}
# Bounds the services hold values to, declared here so that a request out of them is answered (and
# documented) as a 400 naming the field, never stored wider than its column.
MAX_CREDIT = 1000
POSITIVE_CREDIT = validate.Range(min=0, min_inclusive=False, max=MAX_CREDIT)
PERCENTAGE = validate.Range(min=0, max=100)
EQF_LEVEL = validate.Range(1, 8)
ORG_ID = validate.Length(min=1, max=100)


# --- agreements ------------------------------------------------------------------------------------


class CourseRefIn(Schema):
    provider_id = fields.String(required=True, validate=ORG_ID, metadata={"description": "A party's"})
    course_id = fields.String(required=True, validate=validate.Length(min=1, max=200))


class ScopeIn(Schema):
    courses = fields.List(fields.Nested(CourseRefIn), load_default=list,
                          metadata={"description": "Courses offered by the parties"})
    source_providers = fields.List(fields.String(validate=ORG_ID), load_default=list,
                                   metadata={"description": "Parties whose credit is recognised"})
    cah_groups = fields.List(fields.String(validate=validate.Length(min=1, max=20)), load_default=list,
                             metadata={"description": "CAH codes, any level"})
    eqf_levels = fields.List(fields.Integer(validate=EQF_LEVEL), load_default=list)
    min_credit = fields.Decimal(allow_none=True, load_default=None, metadata=CREDIT,
                                validate=validate.Range(min=0, max=MAX_CREDIT))
    min_grade = fields.Decimal(allow_none=True, load_default=None, validate=PERCENTAGE,
                               metadata={"description": "percentage mark"})


class TermsIn(Schema):
    recognition = fields.String(load_default="supports_application",
                                validate=validate.OneOf(["guarantees_entry", "supports_application"]))
    credit_factor = fields.Decimal(load_default=Decimal(1), validate=validate.Range(
        min=0, min_inclusive=False, max=1), metadata={"description": "Share of the credit recognised"})
    receiving_orgs = fields.List(fields.String(validate=ORG_ID), load_default=list, metadata={
        "description": "Parties that receive the credit (an articulation names one)"})
    awards = fields.List(fields.String(validate=validate.Length(min=1, max=100)), load_default=list,
                         metadata={"description": "Award codes the credit counts towards (an articulation names one)"})
    max_credit_per_learner = fields.Decimal(allow_none=True, load_default=None, validate=POSITIVE_CREDIT,
                                            metadata=CREDIT)
    max_share_of_award = fields.String(allow_none=True, load_default=None, validate=validate.Regexp(
        r"^(\d{1,4}/[1-9]\d{0,3}|[01]?\.\d{1,4}|1)$", error="a fraction more than 0 and at most 1, such as 2/3"),
        metadata={"description": "A fraction more than 0 and at most 1: '2/3', 0.5"})
    shelf_life_years = fields.Integer(allow_none=True, load_default=None, validate=validate.Range(1, 100),
                                      metadata={"description": "Years credit stays usable (none: no limit)"})


class AgreementIn(Schema):
    """What an agreement says: one version's content (everything the parties approve)."""

    title = fields.String(required=True, validate=[validate.Length(min=1, max=300), NotBlank()])
    kind = fields.String(required=True, validate=validate.OneOf(
        ["mutual_recognition", "articulation", "consortium_pathway"]), metadata={
        "description": "An articulation names its receiving member and award (terms)"})
    parties = fields.List(fields.String(validate=ORG_ID), required=True, validate=validate.Length(min=2, max=50),
                          metadata={"description": "At least two different members"})
    scope = fields.Nested(ScopeIn, load_default=dict)
    terms = fields.Nested(TermsIn, load_default=dict)
    valid_from = fields.Date(required=True)
    valid_until = fields.Date(allow_none=True, load_default=None, metadata={"description": "Not before valid_from"})
    document_ref = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=2000))


class AgreementListArgs(Schema):
    org = fields.String(metadata={"description": "Only agreements this organisation is party to"})
    state = fields.Enum(AgreementState, by_value=True)
    after = id_field(minimum=0, metadata={"description": "Keyset: the last agreement id seen"})
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 200))


class ApprovalIn(Schema):
    terms_hash = fields.String(required=True, validate=validate.Length(equal=64),
                               metadata={"description": "The hash of the terms you read and approve"})
    org_id = fields.String(validate=ORG_ID, metadata={"description": "Administrators: the party approved for"})


class ReasonIn(Schema):
    reason = fields.String(required=True, validate=[validate.Length(min=1, max=2000), NotBlank()])


class DiffArgs(Schema):
    from_ = id_field(required=True, data_key="from", metadata={"description": "Older version number"})
    to = id_field(required=True, metadata={"description": "Newer version number"})


class ApprovalOut(Schema):
    org_id = fields.String()
    terms_hash = fields.String(metadata={"description": "SHA-256 of the exact terms this party approved"})
    approved_by = fields.String()
    approved_at = fields.DateTime()
    voided_at = fields.DateTime(allow_none=True)


class AgreementVersionOut(Schema):
    number = fields.Integer()
    terms_hash = fields.String()
    created = fields.DateTime()
    created_by = fields.String()
    approved_by_all = fields.Boolean()
    content = fields.Dict(metadata={"description": "The version's content, as AgreementIn"})
    approvals = fields.List(fields.Nested(ApprovalOut))


class AgreementOut(Schema):
    id = fields.Integer()
    state = fields.String()
    row_version = fields.Integer(metadata={"description": "Send as If-Match to change the agreement"})
    created = fields.DateTime()
    updated = fields.DateTime()
    current = fields.Nested(AgreementVersionOut, metadata={
        "description": "The newest version for the parties' staff and administrators (a pending amendment "
                       "included); the version in force for everyone else"})
    in_force_version = fields.Integer(allow_none=True, metadata={
        "description": "The number of the version in force (it stays until every party approves an "
                       "amendment); null if none has been"})


class AgreementSummaryOut(Schema):
    id = fields.Integer()
    state = fields.String()
    row_version = fields.Integer()
    title = fields.String()
    kind = fields.String()
    parties = fields.List(fields.String())
    version = fields.Integer(metadata={"description": "The version in force (else the current one); its facts"})
    terms_hash = fields.String()
    valid_from = fields.Date()
    valid_until = fields.Date(allow_none=True)
    pending_version = fields.Integer(allow_none=True, metadata={
        "description": "An amendment awaiting every party's approval, if any"})


class AgreementListOut(Schema):
    results = fields.List(fields.Nested(AgreementSummaryOut))
    next_after = fields.Integer(allow_none=True, metadata={"description": "Pass as ?after= for the next page"})


class AgreementVersionListOut(Schema):
    results = fields.List(fields.Nested(AgreementVersionOut))


class ChangeOut(Schema):
    field = fields.String()
    before = fields.Raw(allow_none=True)
    after = fields.Raw(allow_none=True)
    words = fields.String()


class DiffOut(Schema):
    agreement_id = fields.Integer()
    from_ = fields.Integer(data_key="from")
    to = fields.Integer()
    changes = fields.List(fields.Nested(ChangeOut))


def present_diff(agreement_id: int, from_: int, to: int, changes) -> dict[str, Any]:
    return {"agreement_id": agreement_id, "from_": from_, "to": to, "changes": [vars(c) for c in changes]}


def present_version(view: VersionView) -> dict[str, Any]:
    return {"number": view.number, "terms_hash": view.terms_hash, "created": view.created,
            "created_by": view.created_by, "approved_by_all": view.approved_by_all,
            "content": terms_module.to_dict(view.content),
            "approvals": [asdict(a) for a in view.approvals]}


def present_agreement(agreement: Agreement, current: VersionView) -> dict[str, Any]:
    return {"id": agreement.id, "state": agreement.state.value, "row_version": agreement.row_version,
            "created": agreement.created, "updated": agreement.updated, "current": present_version(current),
            "in_force_version": agreement.in_force.number if agreement.in_force is not None else None}


def agreement_summary(agreement: Agreement) -> dict[str, Any]:
    # The version that applies: a pending amendment is only named (the detail shows it to the parties).
    shown = agreement.in_force or agreement.current
    content = shown.content
    return {"id": agreement.id, "state": agreement.state.value, "row_version": agreement.row_version,
            "title": content["title"], "kind": content["kind"], "parties": content["parties"],
            "version": shown.number, "terms_hash": shown.terms_hash,
            "valid_from": shown.valid_from, "valid_until": shown.valid_until,
            "pending_version": agreement.current.number if agreement.amendment_pending else None}


def content_of(args: dict[str, Any]):
    """The loaded AgreementIn body as the service's AgreementContent (Invalid when it does not parse)."""
    return terms_module.from_dict(args)


# --- awards ----------------------------------------------------------------------------------------


class AwardIn(Schema):
    org_id = fields.String(required=True, validate=ORG_ID, metadata={"description": "The awarding member"})
    code = fields.String(required=True, validate=[validate.Length(min=1, max=100), NotBlank()])
    title = fields.String(required=True, validate=validate.Length(min=1, max=300))
    total_credit = fields.Decimal(required=True, validate=POSITIVE_CREDIT, metadata=CREDIT)
    level = fields.Integer(required=True, validate=EQF_LEVEL, metadata={"description": "EQF level"})


class AwardOut(Schema):
    id = fields.Integer()
    org_id = fields.String()
    code = fields.String()
    title = fields.String()
    total_credit = fields.Decimal(as_string=True)
    level = fields.Integer()


# --- qualifications offered by members' feeds -----------------------------------------------------


class OfferListArgs(Schema):
    org = fields.String(validate=ORG_ID, metadata={"description": "The member (administrators); staff: their own"})
    state = fields.String(validate=validate.OneOf(["offered", "confirmed", "dismissed"]))


class OfferConfirmIn(Schema):
    code = fields.String(load_default=None, validate=[validate.Length(min=1, max=100), NotBlank()],
                         metadata={"description": "The new award's code (default: the feed's id of the qualification)"})
    link = fields.String(load_default=None, validate=[validate.Length(min=1, max=100), NotBlank()],
                         metadata={"description": "Link to this existing award of the member instead of making one"})


class OfferLevelOut(Schema):
    framework = fields.String()
    value = fields.Integer()
    source = fields.String(allow_none=True, metadata={"description": "The feed's text, or 'award' (the FHEQ level "
                                                                     "of the award the title names)"})
    eqf = fields.Integer(allow_none=True)


class OfferCreditOut(Schema):
    value = fields.Decimal(as_string=True)
    system = fields.String(allow_none=True, metadata={"description": "CATS, ECTS, SCQF or CQFW; null: the feed's own "
                                                                     "scheme, not mapped yet"})
    scheme = fields.String(allow_none=True, metadata={"description": "The scheme as the feed names it"})
    cats = fields.Decimal(as_string=True, allow_none=True)


class OfferOut(Schema):
    id = fields.Integer()
    org_id = fields.String()
    qualification_id = fields.String(metadata={"description": "The feed's id of the qualification"})
    title = fields.String()
    level = fields.Nested(OfferLevelOut, allow_none=True)
    total_credit = fields.Nested(OfferCreditOut, allow_none=True)
    url = fields.String(allow_none=True)
    awarding_body = fields.String(allow_none=True)
    reason = fields.String(metadata={"description": "Why the harvester took the record for a qualification"})
    state = fields.String(metadata={"description": "offered | confirmed | dismissed"})
    in_feed = fields.Boolean(metadata={"description": "The feed's latest run still lists it"})
    changed = fields.Boolean(metadata={"description": "Confirmed, and the feed has said something else since: "
                                                      "confirm again to carry it over to the award"})
    award = fields.Nested(AwardOut, allow_none=True)
    same_title_award = fields.Nested(AwardOut, allow_none=True, metadata={
        "description": "An award of the member with this title: link to it rather than make a second one"})
    blocked = fields.String(allow_none=True, metadata={"description": "Why it cannot become an award as the feed "
                                                                      "gives it"})
    decided_at = fields.DateTime(allow_none=True)


class OfferListOut(Schema):
    results = fields.List(fields.Nested(OfferOut))


def present_award(award) -> dict[str, Any] | None:
    if award is None:
        return None
    return {"id": award.id, "org_id": award.org_id, "code": award.code, "title": award.title,
            "total_credit": award.total_credit, "level": award.level}


def present_offer(view) -> dict[str, Any]:
    offer = view.offer
    level = None if offer.level_framework is None else {
        "framework": offer.level_framework, "value": offer.level_value, "source": offer.level_source, "eqf": view.eqf}
    credit = None if offer.credit_value is None else {
        "value": offer.credit_value, "system": offer.credit_system, "scheme": offer.credit_scheme,
        "cats": view.total_cats}
    return {"id": offer.id, "org_id": offer.provider_id, "qualification_id": offer.qualification_id,
            "title": offer.title, "level": level, "total_credit": credit, "url": offer.url,
            "awarding_body": offer.awarding_body, "reason": offer.reason, "state": offer.state.value,
            "in_feed": offer.in_feed, "changed": offer.changed, "award": present_award(view.award),
            "same_title_award": present_award(view.same_title), "blocked": view.blocked,
            "decided_at": offer.decided_at}


# --- transfer requests -----------------------------------------------------------------------------


class TransferAchievementIn(Schema):
    """A directory course version (course_version_id and content_hash), or an external achievement
    (provider, title, credit, level)."""

    awarded_on = fields.Date(required=True, metadata={"description": "Not in the future"})
    evidence = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=2000))
    grade = fields.Decimal(allow_none=True, load_default=None, validate=PERCENTAGE,
                           metadata={"description": "percentage mark"})
    course_version_id = id_field(allow_none=True, load_default=None, metadata={
        "description": "A directory course version (with its content_hash)"})
    content_hash = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=64))
    provider_id = fields.String(allow_none=True, load_default=None, validate=ORG_ID, metadata={
        "description": "External: the provider, if a member (or provider_name)"})
    provider_name = fields.String(allow_none=True, load_default=None, validate=validate.Length(min=1, max=300))
    title = fields.String(allow_none=True, load_default=None, validate=[validate.Length(min=1, max=500), NotBlank()],
                          metadata={"description": "External: required"})
    credit = fields.Decimal(allow_none=True, load_default=None, validate=POSITIVE_CREDIT,
                            metadata={**CREDIT, "description": CREDIT["description"] + "; external: required"})
    level = fields.Integer(allow_none=True, load_default=None, validate=EQF_LEVEL,
                           metadata={"description": "EQF level; external: required"})


class RequestIn(Schema):
    target_org = fields.String(required=True, validate=ORG_ID, metadata={"description": "The receiving member"})
    award_code = fields.String(required=True, validate=validate.Length(min=1, max=100))
    purpose = fields.Enum(Purpose, by_value=True, required=True)
    achievements = fields.List(fields.Nested(TransferAchievementIn), required=True, validate=validate.Length(min=1, max=20))


class RequestListArgs(Schema):
    state = fields.Enum(RequestState, by_value=True)
    after = id_field(minimum=0, metadata={"description": "Keyset: the last request id seen"})
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 200))


class QueueArgs(Schema):
    org = fields.String(metadata={"description": "Administrators: whose queue"})
    after_due = fields.Date(metadata={"description": "Keyset: the last item's due date"})
    after_id = id_field(minimum=0, metadata={"description": "Keyset: the last item's request id"})
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 200))


class DecisionIn(Schema):
    action = fields.String(required=True, validate=validate.OneOf(["accept", "change", "refuse"]))
    note = fields.String(load_default="", validate=validate.Length(max=5000), metadata={
        "description": "Why (required, not blank, to change or refuse): the learner reads it"})
    credits = fields.Dict(keys=fields.String(validate=validate.Regexp(r"^[0-9]{1,3}$", error="a position: 1, 2, ...")),
                          values=fields.Decimal(validate=validate.Range(min=0, max=MAX_CREDIT)), load_default=dict,
                          metadata={"description": "change: credits per achievement position ('1', '2', ...)"})


class AppealIn(Schema):
    reason = fields.String(required=True, validate=[validate.Length(min=1, max=5000), NotBlank()])


class RequestAchievementOut(Schema):
    position = fields.Integer()
    course_version_id = fields.Integer(allow_none=True)
    content_hash = fields.String(allow_none=True)
    provider_id = fields.String(allow_none=True)
    course_id = fields.String(allow_none=True)
    provider_name = fields.String(allow_none=True)
    title = fields.String()
    credit = fields.Decimal(as_string=True)
    level = fields.Integer(allow_none=True)
    cah_groups = fields.List(fields.String())
    grade = fields.Decimal(as_string=True, allow_none=True)
    awarded_on = fields.Date()
    evidence = fields.String(allow_none=True)


class HistoryOut(Schema):
    action = fields.String()
    from_state = fields.String(allow_none=True)
    to_state = fields.String()
    actor = fields.String(metadata={"description": "Who made the move: user:<id>, client:<id> or operator"})
    at = fields.DateTime()
    note = fields.String(allow_none=True)


class TransferRequestSummaryOut(Schema):
    id = fields.Integer()
    learner_id = fields.Integer()
    target_org = fields.String()
    award_code = fields.String()
    purpose = fields.String()
    state = fields.String()
    version = fields.Integer(metadata={"description": "Send as If-Match to decide"})
    request_date = fields.Date()
    submitted_at = fields.DateTime()
    due_on = fields.Date()
    assessment = fields.Dict(allow_none=True)
    decision = fields.Dict(allow_none=True)
    decided_by = fields.String(allow_none=True)
    decided_at = fields.DateTime(allow_none=True)
    appeal_reason = fields.String(allow_none=True)
    appealed_at = fields.DateTime(allow_none=True)
    achievements = fields.List(fields.Nested(RequestAchievementOut))


class TransferRequestOut(TransferRequestSummaryOut):
    history = fields.List(fields.Nested(HistoryOut))
    recheck = fields.Dict(allow_none=True, metadata={
        "description": "Staff, while the request waits for a decision: the pre-assessment re-run as a "
                       "decision today would run it (on, changes since submission in words, assessment)"})


class RequestListOut(Schema):
    results = fields.List(fields.Nested(TransferRequestSummaryOut))
    next_after = fields.Integer(allow_none=True)


class QueueItemOut(Schema):
    request_id = fields.Integer()
    learner_id = fields.Integer()
    award_code = fields.String()
    purpose = fields.String()
    state = fields.String()
    submitted_at = fields.DateTime()
    due_on = fields.Date()
    overdue = fields.Boolean()
    version = fields.Integer()


class QueueOut(Schema):
    results = fields.List(fields.Nested(QueueItemOut))


_REQUEST_FIELDS = ("id", "learner_id", "target_org", "award_code", "request_date", "submitted_at", "due_on",
                   "version", "assessment", "decision", "decided_by", "decided_at", "appeal_reason", "appealed_at")
_ACHIEVEMENT_FIELDS = tuple(RequestAchievementOut._declared_fields)


def present_request(request: TransferRequest, history: list[RequestHistory] | None = None) -> dict[str, Any]:
    data = {name: getattr(request, name) for name in _REQUEST_FIELDS}
    data.update(purpose=request.purpose.value, state=request.state.value,
                achievements=[{n: getattr(a, n) for n in _ACHIEVEMENT_FIELDS} for a in request.achievements])
    if history is not None:
        data["history"] = [{"action": h.action, "from_state": h.from_state, "to_state": h.to_state,
                            "actor": h.actor, "at": h.at, "note": h.note} for h in history]
    return data


def present_queue_item(item: QueueItem) -> dict[str, Any]:
    return {**asdict(item), "purpose": item.purpose.value, "state": item.state.value}


DECISIONS = {"accept": RequestAction.ACCEPT, "change": RequestAction.CHANGE, "refuse": RequestAction.REFUSE}


# --- the learner's credit --------------------------------------------------------------------------


class CreditEntryOut(Schema):
    id = fields.Integer()
    target_org = fields.String()
    award_code = fields.String()
    purpose = fields.String()
    credits = fields.Decimal(as_string=True)
    achievement_ref = fields.String()
    course_version_id = fields.Integer(allow_none=True)
    agreement_id = fields.Integer(allow_none=True)
    request_id = fields.Integer(allow_none=True)
    reverses_id = fields.Integer(allow_none=True)
    created = fields.DateTime()
    note = fields.String(allow_none=True)


class CreditTotalOut(Schema):
    target_org = fields.String()
    award_code = fields.String()
    purpose = fields.String()
    credits = fields.Decimal(as_string=True)


class LearnerCreditOut(Schema):
    learner_id = fields.Integer()
    entries = fields.List(fields.Nested(CreditEntryOut))
    totals = fields.List(fields.Nested(CreditTotalOut))


def present_credit(statement) -> dict[str, Any]:
    names = tuple(CreditEntryOut._declared_fields)
    return {"learner_id": statement.learner_id,
            "entries": [{n: getattr(e, n) for n in names} for e in statement.entries],
            "totals": [asdict(t) for t in statement.totals]}


def dump_json(data: Any) -> bytes:
    """Plain JSON of dataclass dumps: decimals as strings, dates ISO 8601, enums by value."""
    import enum

    import orjson

    def default(value: Any) -> Any:
        if isinstance(value, Decimal):
            return str(value)
        if isinstance(value, enum.Enum):
            return value.value
        raise TypeError(type(value).__name__)

    return orjson.dumps(data, default=default, option=orjson.OPT_INDENT_2)


# --- webhooks --------------------------------------------------------------------------------------


class WebhookIn(Schema):
    url = fields.String(required=True, validate=[validate.Length(min=1, max=2000), web_url],
                        metadata={"description": "Where the exchange POSTs its events (https; no private addresses)"})


class WebhookOut(Schema):
    org_id = fields.String()
    url = fields.String()
    secret = fields.String(metadata={"description": "Shown once: verify X-Climbing-Frame-Signature "
                                                    "(sha256=HMAC-SHA256 of the body) with it"})


def present_webhook(hook, secret: str) -> dict[str, Any]:
    """The webhook as set, with its new signing secret (the only time the secret is shown)."""
    return {"org_id": hook.org_id, "url": hook.url, "secret": secret}
