"""The canonical micro-credential record: validation of one course as a feed describes it.

Every feed format is mapped by its adapter into the native field names (``docs/feed-format.md``) and then
validated here, so there is one definition of a valid course. ``load_course`` returns the canonical record:
the native fields, cleaned, plus what we derive (credit in CATS and ECTS, the EQF level, subject names
and their Common Aggregation Hierarchy groups). Fields a feed sends that we do not know are kept under
``extensions`` and otherwise ignored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from marshmallow import (
    EXCLUDE,
    Schema,
    ValidationError,
    fields,
    post_load,
    pre_load,
    validate,
    validates_schema,
)

from .vocab import (
    CREDIT_SCHEMES,
    LEVEL_FRAMEWORKS,
    SUBJECT_SCHEMES,
    Vocabularies,
    VocabularyError,
    credit_in_cats,
    eqf_level,
)

MODES = ("online-synchronous", "online-asynchronous", "on-campus", "work-based", "blended")
SUPERVISION = ("supervised-online", "supervised-onsite", "unsupervised")
STATUSES = ("active", "withdrawn")
PATHWAY_ROLES = ("core", "option")

_text = validate.Length(min=1)
_http_url = validate.URL(schemes={"http", "https"}, require_tld=False)


def _number(value: Decimal) -> int | float:
    """A JSON-friendly number: whole values as int."""
    return int(value) if value == value.to_integral_value() else float(value)


class _Strict(Schema):
    class Meta:
        unknown = EXCLUDE


class CreditSchema(_Strict):
    value = fields.Decimal(required=True, validate=validate.Range(min=0, min_inclusive=False))
    scheme = fields.String(required=True, validate=validate.OneOf(CREDIT_SCHEMES))

    @post_load
    def normalise(self, data, **_):
        cats = credit_in_cats(data["value"], data["scheme"])
        return {
            "value": _number(data["value"]),
            "scheme": data["scheme"],
            "cats": _number(cats),
            "ects": _number(cats / 2),
        }


class LevelSchema(_Strict):
    framework = fields.String(required=True, validate=validate.OneOf(LEVEL_FRAMEWORKS))
    value = fields.Integer(required=True, strict=False)

    @validates_schema
    def known_level(self, data, **_):
        try:
            eqf_level(data["framework"], data["value"])
        except VocabularyError as exc:
            raise ValidationError(str(exc), "value") from None

    @post_load
    def normalise(self, data, **_):
        return {**data, "eqf": eqf_level(data["framework"], data["value"])}


class SubjectSchema(_Strict):
    scheme = fields.String(required=True, validate=validate.OneOf(SUBJECT_SCHEMES))
    code = fields.String(required=True, validate=_text)

    @validates_schema
    def known_code(self, data, **_):
        try:
            self.context_vocab.subject(data["scheme"], data["code"])
        except VocabularyError as exc:
            raise ValidationError(str(exc), "code") from None

    @post_load
    def describe(self, data, **_):
        subject = self.context_vocab.subject(data["scheme"], data["code"])
        return {
            "scheme": subject.scheme,
            "code": subject.code,
            "name": subject.name,
            "cah3": subject.cah3,
            "cah2": subject.cah2,
            "cah1": subject.cah1,
        }

    @property
    def context_vocab(self) -> Vocabularies:
        return self.parent_vocab  # set by CourseSchema, which owns the vocabularies


class PresentationSchema(_Strict):
    start = fields.Date(required=True)
    end = fields.Date(load_default=None)
    apply_by = fields.Date(load_default=None)
    places = fields.Integer(load_default=None, validate=validate.Range(min=0))

    @validates_schema
    def ordered(self, data, **_):
        if data.get("end") and data["end"] < data["start"]:
            raise ValidationError("ends before it starts", "end")


class ScheduleSchema(_Strict):
    type = fields.String(required=True, validate=validate.OneOf(("cohort", "learner-led")))
    presentations = fields.List(fields.Nested(PresentationSchema), load_default=list)
    max_engagement_days = fields.Integer(load_default=None, validate=validate.Range(min=1))

    @validates_schema
    def complete(self, data, **_):
        if data["type"] == "cohort" and not data.get("presentations"):
            raise ValidationError("a cohort course needs at least one presentation", "presentations")

    @post_load
    def canonical(self, data, **_):
        if data["type"] == "learner-led":
            return {"type": "learner-led", "max_engagement_days": data.get("max_engagement_days")}
        presentations = sorted(data["presentations"], key=lambda p: p["start"])
        return {
            "type": "cohort",
            "presentations": [
                {key: (value.isoformat() if isinstance(value, date) else value) for key, value in p.items()}
                for p in presentations
            ],
        }


class CostSchema(_Strict):
    amount = fields.Decimal(required=True, validate=validate.Range(min=0), as_string=True)
    currency = fields.String(required=True, validate=validate.Regexp(r"^[A-Z]{3}$", error="not an ISO 4217 code"))
    notes = fields.String(load_default=None)

    @post_load
    def canonical(self, data, **_):
        return {**data, "amount": str(Decimal(data["amount"]).quantize(Decimal("0.01")))}


class OrganisationRefSchema(_Strict):
    id = fields.String(load_default=None)
    name = fields.String(required=True, validate=_text)


class PsrbSchema(_Strict):
    body = fields.String(required=True, validate=_text)
    nature = fields.String(load_default=None)


class PathwayRefSchema(_Strict):
    id = fields.String(required=True, validate=_text)
    role = fields.String(required=True, validate=validate.OneOf(PATHWAY_ROLES))


class CourseSchema(Schema):
    """One course of a native feed. Required: id, title, url, learning_outcomes, credit, level, subjects, mode."""

    class Meta:
        unknown = EXCLUDE

    id = fields.String(required=True, validate=validate.Length(min=1, max=200))
    status = fields.String(load_default="active", validate=validate.OneOf(STATUSES))
    title = fields.String(required=True, validate=validate.Length(min=1, max=500))
    url = fields.String(required=True, validate=_http_url)
    summary = fields.String(load_default=None)
    aims = fields.String(load_default=None)
    learning_outcomes = fields.List(
        fields.String(validate=_text), required=True, validate=validate.Length(min=1)
    )
    credit = fields.Nested(CreditSchema, required=True)
    level = fields.Nested(LevelSchema, required=True)
    subjects = fields.List(fields.Nested(SubjectSchema), required=True, validate=validate.Length(min=1))
    mode = fields.List(fields.String(validate=validate.OneOf(MODES)), required=True, validate=validate.Length(min=1))
    study_hours = fields.Integer(load_default=None, validate=validate.Range(min=1))
    languages = fields.List(
        fields.String(validate=validate.Regexp(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$", error="not a BCP 47 tag")),
        load_default=list,
    )
    schedule = fields.Nested(ScheduleSchema, load_default=None)
    cost = fields.Nested(CostSchema, load_default=None)
    entry_requirements = fields.String(load_default=None)
    assessment = fields.List(fields.String(validate=_text), load_default=list)
    assessment_supervision = fields.String(load_default=None, validate=validate.OneOf(SUPERVISION))
    identity_verified = fields.Boolean(load_default=None)
    apply_url = fields.String(load_default=None, validate=_http_url)
    awarding_body = fields.Nested(OrganisationRefSchema, load_default=None)
    quality_assurance = fields.String(load_default=None)
    psrb_recognition = fields.List(fields.Nested(PsrbSchema), load_default=list)
    skills = fields.List(fields.String(validate=_text), load_default=list)
    pathways = fields.List(fields.Nested(PathwayRefSchema), load_default=list)
    updated = fields.DateTime(load_default=None)

    def __init__(self, vocab: Vocabularies, **kwargs) -> None:
        super().__init__(**kwargs)
        subject_schema = self.fields["subjects"].inner.schema
        subject_schema.parent_vocab = vocab

    @pre_load
    def strip_nulls(self, data, **_):
        # Feeds often send null for "not given"; treat it as absent so defaults apply.
        if not isinstance(data, Mapping):
            raise ValidationError("a course must be an object", "_schema")
        return {key: value for key, value in data.items() if value is not None}

    @post_load
    def canonical(self, data, **_):
        data["languages"] = [tag.lower() if len(tag) <= 3 else tag for tag in data["languages"]]
        if data["updated"] is not None:
            stamp = data["updated"]
            if stamp.tzinfo is None:
                stamp = stamp.replace(tzinfo=UTC)
            data["updated"] = stamp.astimezone(UTC).isoformat().replace("+00:00", "Z")
        return data


@dataclass(frozen=True)
class FieldError:
    field: str
    reason: str


def flatten_errors(messages: Any, prefix: str = "") -> list[FieldError]:
    """marshmallow's nested error messages as (field path, reason) pairs: ``credit.scheme``, ``subjects[0].code``."""
    if isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        return [FieldError(prefix or "(record)", m) for m in messages]
    if isinstance(messages, Mapping):
        found: list[FieldError] = []
        for key, value in messages.items():
            if isinstance(key, int):
                path = f"{prefix}[{key}]"
            elif key == "_schema":
                path = prefix
            else:
                path = f"{prefix}.{key}" if prefix else str(key)
            found.extend(flatten_errors(value, path))
        return found
    return [FieldError(prefix or "(record)", str(messages))]


class CourseValidator:
    """Validates raw course mappings into canonical records; one per harvest (schemas are reusable)."""

    def __init__(self, vocab: Vocabularies) -> None:
        self._schema = CourseSchema(vocab)
        self._known = set(self._schema.fields)

    def load(self, raw: Mapping[str, Any]) -> dict[str, Any]:
        """The canonical record of ``raw``; raises ValidationError with marshmallow's messages."""
        try:
            record = self._schema.load(raw)
        except (InvalidOperation, VocabularyError) as exc:  # defensive: never escape as a crash
            raise ValidationError(str(exc)) from None
        extensions = {key: value for key, value in raw.items() if key not in self._known}
        if extensions:
            record["extensions"] = extensions
        return record

    def errors(self, exc: ValidationError) -> list[FieldError]:
        return flatten_errors(exc.messages)


def now_rfc3339() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
