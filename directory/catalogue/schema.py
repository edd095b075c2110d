"""The canonical micro-credential record: validation of one course as a feed describes it.

Every feed format is mapped by its adapter into the native field names (``docs/feed-format.md``) and then
validated here, so there is one definition of a valid course. ``CourseValidator.load`` returns the
canonical record: the native fields, cleaned, plus what we derive (credit in CATS and ECTS, the EQF level,
subject names and their Common Aggregation Hierarchy groups). Fields a feed sends that we do not know are
kept under ``extensions`` and otherwise ignored.

The structured parts (credit, level, subjects, schedule, ...) are marshmallow fields of their own rather
than nested schemas: the rules are the same, but a harvest validates hundreds of thousands of records
and a nested schema costs several times more per record. Errors keep marshmallow's nested shape, so
``flatten_errors`` reports paths such as ``credit.scheme`` or ``subjects[0].code``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC
from decimal import Decimal, InvalidOperation
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, post_load, pre_load, validate

from ..errors import VocabularyError
from ..urls import web_url
from .fields import (
    each_item,
    finite_decimal,
    identifier,
    iso_date,
    json_number,
    non_empty_text,
    one_of_message,
    raise_if_any,
    require_mapping,
    whole_number,
)
from .listing import FLOOR, required_reason
from .vocab import (
    CREDIT_SCHEMES,
    LEVEL_FRAMEWORKS,
    SUBJECT_SCHEMES,
    Vocabularies,
    credit_in_cats,
    eqf_level,
)

MODES = ("online-synchronous", "online-asynchronous", "on-campus", "work-based", "blended")
SUPERVISION = ("supervised-online", "supervised-onsite", "unsupervised")
STATUSES = ("active", "withdrawn")
PATHWAY_ROLES = ("core", "option")
SCHEDULE_TYPES = ("cohort", "learner-led")

_language_tag = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
_currency = re.compile(r"^[A-Z]{3}$")


def is_language_tag(value: object) -> bool:
    """A BCP 47 language tag as records carry them (``en``, ``cy``, ``en-GB``): the one rule for profiles too."""
    return isinstance(value, str) and _language_tag.match(value) is not None


class _Field(fields.Field):
    """A field whose whole value is checked by ``check`` (a function of the raw value)."""

    def _deserialize(self, value, attr, data, **kwargs):
        return self.check(value)

    def check(self, value: Any) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError


class TextList(_Field):
    def __init__(self, min_items: int = 0, **kwargs) -> None:
        super().__init__(**kwargs)
        self.min_items = min_items

    def check(self, value):
        def one(item):
            if not isinstance(item, str):
                raise ValidationError("Not a valid string.")
            if not item.strip():
                raise ValidationError("Shorter than minimum length 1.")
            return item

        return each_item(value, one, min_items=self.min_items)


class ChoiceList(_Field):
    def __init__(self, allowed: tuple[str, ...], min_items: int = 0, **kwargs) -> None:
        super().__init__(**kwargs)
        self.allowed, self.min_items = frozenset(allowed), min_items
        self.message = one_of_message(allowed)

    def check(self, value):
        def one(item):
            if not isinstance(item, str) or item not in self.allowed:
                raise ValidationError(self.message)
            return item

        return each_item(value, one, min_items=self.min_items)


class LanguageList(_Field):
    def check(self, value):
        def one(item):
            if not isinstance(item, str) or not _language_tag.match(item):
                raise ValidationError("not a BCP 47 tag")
            return item.lower() if len(item) <= 3 else item

        return each_item(value, one)


class Credit(_Field):
    def check(self, value):
        data, errors = require_mapping(value), {}
        try:
            amount = finite_decimal(data["value"])
            if amount <= 0:
                errors["value"] = ["Must be greater than 0."]
        except KeyError:
            errors["value"] = ["Missing data for required field."]
        except (ValueError, InvalidOperation):
            errors["value"] = ["Not a valid number."]
        scheme = data.get("scheme")
        if scheme is None:
            errors["scheme"] = ["Missing data for required field."]
        elif scheme not in CREDIT_SCHEMES:
            # Quoted: a university's own points scheme is the commonest cause, and its label is what the
            # feed's mapping profile names to map it.
            errors["scheme"] = [f"credit scheme {scheme!r} is not one the directory knows "
                                f"({', '.join(CREDIT_SCHEMES)}); a scheme of the provider's own is mapped to one "
                                "of them in the feed's mapping profile"]
        raise_if_any(errors)
        cats = credit_in_cats(amount, scheme)
        return {"value": json_number(amount), "scheme": scheme, "cats": json_number(cats), "ects": json_number(cats / 2)}


class Level(_Field):
    """``{framework, value}``, with the EQF level derived. A feed adapter that could not place its source's
    level text sends ``{source, problem}`` instead (``source`` may also come beside framework and value):
    the error then quotes the text, so a publisher sees what their feed said."""

    def check(self, value):
        data, errors = require_mapping(value), {}
        source = non_empty_text(data.get("source"))
        if source is not None and data.get("framework") is None and data.get("value") is None:
            problem = non_empty_text(data.get("problem")) or "it names no level framework we know"
            raise ValidationError(f"level {source!r} cannot be placed: {problem} "
                                  f"(known frameworks: {', '.join(LEVEL_FRAMEWORKS)})")
        framework = data.get("framework")
        if framework is None:
            errors["framework"] = ["Missing data for required field."]
        elif framework not in LEVEL_FRAMEWORKS:
            errors["framework"] = [one_of_message(LEVEL_FRAMEWORKS)]
        try:
            number = whole_number(data["value"])
        except KeyError:
            errors["value"] = ["Missing data for required field."]
        except ValueError:
            errors["value"] = ["Not a valid integer."]
        if not errors:
            try:
                return {"framework": framework, "value": number, "eqf": eqf_level(framework, number)}
            except VocabularyError as exc:
                errors["value"] = [f"{exc} (the feed said {source!r})" if source else str(exc)]
        raise ValidationError(errors)


class Subjects(_Field):
    def __init__(self, vocab: Vocabularies, **kwargs) -> None:
        super().__init__(**kwargs)
        self.vocab = vocab

    def check(self, value):
        def one(item):
            data, errors = require_mapping(item), {}
            scheme, code = data.get("scheme"), data.get("code")
            if scheme is None:
                errors["scheme"] = ["Missing data for required field."]
            elif scheme not in SUBJECT_SCHEMES:
                errors["scheme"] = [one_of_message(SUBJECT_SCHEMES)]
            if code is None:
                errors["code"] = ["Missing data for required field."]
            elif not isinstance(code, str | int) or isinstance(code, bool) or not str(code).strip():
                errors["code"] = ["Not a valid string."]
            if not errors:
                try:
                    subject = self.vocab.subject(scheme, str(code))
                except VocabularyError as exc:
                    errors["code"] = [str(exc)]
            raise_if_any(errors)
            return {"scheme": subject.scheme, "code": subject.code, "name": subject.name,
                    "cah3": subject.cah3, "cah2": subject.cah2, "cah1": subject.cah1}

        return each_item(value, one, min_items=1)


class Schedule(_Field):
    def check(self, value):
        data = require_mapping(value)
        kind = data.get("type")
        if kind not in SCHEDULE_TYPES:
            raise ValidationError({"type": ["Missing data for required field." if kind is None
                                            else one_of_message(SCHEDULE_TYPES)]})
        if kind == "learner-led":
            days = data.get("max_engagement_days")
            if days is not None:
                try:
                    days = whole_number(days)
                except ValueError:
                    raise ValidationError({"max_engagement_days": ["Not a valid integer."]}) from None
                if days < 1:
                    raise ValidationError({"max_engagement_days": ["Must be greater than or equal to 1."]})
            return {"type": "learner-led", "max_engagement_days": days}
        presentations = data.get("presentations") or []
        if not presentations:
            raise ValidationError({"presentations": ["a cohort course needs at least one presentation"]})
        try:
            checked = each_item(presentations, self._presentation)
        except ValidationError as exc:
            raise ValidationError({"presentations": exc.messages}) from None
        return {"type": "cohort", "presentations": sorted(checked, key=lambda p: p["start"])}

    @staticmethod
    def _presentation(item):
        data, errors, result = require_mapping(item), {}, {}
        for key in ("start", "end", "apply_by"):
            if data.get(key) is None:
                if key == "start":
                    errors[key] = ["Missing data for required field."]
                result[key] = None
                continue
            try:
                result[key] = iso_date(data[key])
            except ValidationError as exc:
                errors[key] = exc.messages
        places = data.get("places")
        if places is not None:
            try:
                places = whole_number(places)
                if places < 0:
                    errors["places"] = ["Must be greater than or equal to 0."]
            except ValueError:
                errors["places"] = ["Not a valid integer."]
        if not errors and result["end"] and result["end"] < result["start"]:
            errors["end"] = ["ends before it starts"]
        raise_if_any(errors)
        return {key: (value.isoformat() if value else None) for key, value in result.items()} | {"places": places}


class Cost(_Field):
    def check(self, value):
        data, errors = require_mapping(value), {}
        try:
            amount = finite_decimal(data["amount"])
            if amount < 0:
                errors["amount"] = ["Must be greater than or equal to 0."]
        except KeyError:
            errors["amount"] = ["Missing data for required field."]
        except (ValueError, InvalidOperation):
            errors["amount"] = ["Not a valid number."]
        currency = data.get("currency")
        if currency is None:
            errors["currency"] = ["Missing data for required field."]
        elif not isinstance(currency, str) or not _currency.match(currency):
            errors["currency"] = ["not an ISO 4217 code"]
        notes = data.get("notes")
        if notes is not None and not isinstance(notes, str):
            errors["notes"] = ["Not a valid string."]
        raise_if_any(errors)
        return {"amount": str(amount.quantize(Decimal("0.01"))), "currency": currency, "notes": notes}


class OrganisationRef(_Field):
    def check(self, value):
        data = require_mapping(value)
        name = non_empty_text(data.get("name"))
        if name is None:
            raise ValidationError({"name": ["Missing data for required field."]})
        ref = data.get("id")
        return {"id": str(ref) if isinstance(ref, str | int) and not isinstance(ref, bool) else None, "name": name}


class PsrbList(_Field):
    def check(self, value):
        def one(item):
            data = require_mapping(item)
            body = non_empty_text(data.get("body"))
            if body is None:
                raise ValidationError({"body": ["Missing data for required field."]})
            nature = data.get("nature")
            return {"body": body, "nature": nature if isinstance(nature, str) else None}

        return each_item(value, one)


class PathwayRefs(_Field):
    def check(self, value):
        def one(item):
            data, errors = require_mapping(item), {}
            if non_empty_text(data.get("id")) is None:
                errors["id"] = ["Missing data for required field."]
            if data.get("role") not in PATHWAY_ROLES:
                errors["role"] = [one_of_message(PATHWAY_ROLES)]
            raise_if_any(errors)
            return {"id": data["id"], "role": data["role"]}

        return each_item(value, one)


class Excludes(_Field):
    """Courses a learner cannot count together with this one: ``[{course_id, provider_id?, reason?}]``.

    ``provider_id`` stays None when the feed leaves it out: the validator fills in the course's own
    provider (``CourseValidator.load``), which only the harvest knows, and refuses a course excluding itself."""

    def check(self, value):
        def one(item):
            data, errors, result = require_mapping(item), {}, {}
            for key, required in (("course_id", True), ("provider_id", False)):
                if data.get(key) is None:
                    if required:  # not the listing policy's "required to list a course" words
                        errors[key] = ["an exclusion names the course_id of the course it excludes"]
                    result[key] = None
                    continue
                try:
                    result[key] = identifier(data[key])
                except ValidationError as exc:
                    errors[key] = exc.messages
            reason = data.get("reason")
            if reason is not None and not isinstance(reason, str):
                errors["reason"] = ["Not a valid string."]
            elif reason is not None and len(reason.strip()) > 500:
                errors["reason"] = ["Longer than maximum length 500."]
            raise_if_any(errors)
            return {"provider_id": result["provider_id"], "course_id": result["course_id"],
                    "reason": non_empty_text(reason) and reason.strip()}

        return each_item(value, one)


def own_exclusions(excludes: list[dict[str, Any]], course_id: str, provider_id: str | None) -> list[dict[str, Any]]:
    """``excludes`` with the course's own provider filled in and duplicates collapsed (the first one's
    reason kept); ValidationError (``excludes[n].course_id``) for an entry naming the course itself."""
    result, seen, errors = [], set(), {}
    for index, entry in enumerate(excludes):
        target = entry["provider_id"] or provider_id
        if entry["course_id"] == course_id and target in (provider_id, None):
            errors[index] = {"course_id": [f"a course cannot exclude itself ({entry['course_id']!r})"]}
            continue
        if (target, entry["course_id"]) not in seen:
            seen.add((target, entry["course_id"]))
            result.append({**entry, "provider_id": target})
    if errors:
        raise ValidationError({"excludes": errors})
    return result


class CourseSchema(Schema):
    """One course of a native feed. Required whatever the listing policy: id, title, url, credit, level,
    subjects, mode (listing.FLOOR); the policy may require more (CourseValidator checks those)."""

    class Meta:
        unknown = EXCLUDE

    id = fields.String(required=True, validate=validate.Length(min=1, max=200))
    status = fields.String(load_default="active", validate=validate.OneOf(STATUSES))
    title = fields.String(required=True, validate=validate.Length(min=1, max=500))
    url = fields.String(required=True, validate=web_url)
    summary = fields.String(load_default=None)
    aims = fields.String(load_default=None)
    learning_outcomes = TextList(load_default=list)
    credit = Credit(required=True)
    level = Level(required=True)
    subjects = fields.Raw(required=True)  # replaced per instance by Subjects(vocab)
    mode = ChoiceList(MODES, min_items=1, required=True)
    study_hours = fields.Integer(load_default=None, validate=validate.Range(min=1))
    languages = LanguageList(load_default=list)
    schedule = Schedule(load_default=None)
    cost = Cost(load_default=None)
    entry_requirements = fields.String(load_default=None)
    assessment = TextList(load_default=list)
    assessment_supervision = fields.String(load_default=None, validate=validate.OneOf(SUPERVISION))
    identity_verified = fields.Boolean(load_default=None)
    apply_url = fields.String(load_default=None, validate=web_url)
    awarding_body = OrganisationRef(load_default=None)
    quality_assurance = fields.String(load_default=None)
    psrb_recognition = PsrbList(load_default=list)
    skills = TextList(load_default=list)
    pathways = PathwayRefs(load_default=list)
    excludes = Excludes(load_default=list)
    updated = fields.DateTime(load_default=None)

    def __init__(self, vocab: Vocabularies, **kwargs) -> None:
        super().__init__(**kwargs)
        subjects = Subjects(vocab, required=True)
        subjects._bind_to_schema("subjects", self)
        self.fields["subjects"] = self.load_fields["subjects"] = subjects

    @pre_load
    def strip_nulls(self, data, **_):
        # Feeds often send null for "not given"; treat it as absent so defaults apply.
        if not isinstance(data, Mapping):
            raise ValidationError("a course must be an object", "_schema")
        return {key: value for key, value in data.items() if value is not None}

    @post_load
    def canonical(self, data, **_):
        if data["updated"] is not None:
            stamp = data["updated"]
            if stamp.tzinfo is None:
                stamp = stamp.replace(tzinfo=UTC)
            data["updated"] = stamp.astimezone(UTC).isoformat().replace("+00:00", "Z")
        if not data["excludes"]:
            # Kept out when empty: a course that declares nothing has the content (and content hash) it had
            # before the field existed, so adding the field made no new version of any course.
            del data["excludes"]
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


_MISSING = "Missing data for required field."


def _absent(value: Any) -> bool:
    return value in (None, "", [], {})


class CourseValidator:
    """Validates raw course mappings into canonical records; one per harvest (schemas are reusable).

    ``required`` is the listing policy's required fields (listing.FLOOR at least): a record missing one
    fails with the policy's plain reason; one missing only an ``expected`` field is valid."""

    def __init__(self, vocab: Vocabularies, required: tuple[str, ...] = FLOOR, expected: tuple[str, ...] = ()) -> None:
        self._schema = CourseSchema(vocab)
        self._known = set(self._schema.fields)
        self.required = tuple(dict.fromkeys((*FLOOR, *required)))
        # What a listed record should publish too (warnings, not quarantine); never a required field.
        self.expected = tuple(name for name in expected if name not in self.required)
        self._extra = tuple(name for name in self.required if name not in FLOOR)

    def load(self, raw: Mapping[str, Any], provider_id: str | None = None) -> dict[str, Any]:
        """The canonical record of ``raw``; raises ValidationError with marshmallow's messages, a missing
        required field's in the listing policy's words. ``provider_id`` (the member the record is listed
        under) fills in the provider of the courses it ``excludes``; without it (a dry run that knows no
        member) an exclusion naming no provider keeps None."""
        try:
            record = self._schema.load(raw)
            if "excludes" in record:
                record["excludes"] = own_exclusions(record["excludes"], record["id"], provider_id)
        except ValidationError as exc:
            messages = exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
            if not isinstance(raw, Mapping):
                raise
            plain = {key: ([required_reason(key)] if value == [_MISSING] else value) for key, value in messages.items()}
            for name in self._extra:
                if name not in plain and _absent(raw.get(name)):
                    plain[name] = [required_reason(name)]
            raise ValidationError(plain) from None
        absent = {name: [required_reason(name)] for name in self._extra if _absent(record.get(name))}
        if absent:
            raise ValidationError(absent)
        extensions = {key: value for key, value in raw.items() if key not in self._known}
        if extensions:
            record["extensions"] = extensions
        return record

    def errors(self, exc: ValidationError) -> list[FieldError]:
        """The (field path, reason) pairs of a refused record; a required field the record leaves out is
        explained in words a publisher can act on (``listing.required_reason``), not marshmallow's."""
        return [FieldError(e.field, required_reason(e.field)) if e.reason == _MISSING else e
                for e in flatten_errors(exc.messages)]

