"""The canonical pathway: validation of one pathway as a feed (top-level ``pathways``) or an administrator
describes it (docs/feed-format.md, "Pathways").

``PathwaySchema(awarding_provider_id).load(raw)`` returns the canonical content: credit in CATS (the
numbers in ``rules`` are in the scheme of ``total_credit``), the level with its EQF level, and every course
reference as ``<provider_id>/<course_id>`` (a bare course id is the awarding member's own course).
Errors keep marshmallow's nested shape; ``directory.catalogue.schema.flatten_errors`` turns them into
(field path, reason) pairs such as ``rules.option_groups[0].min_credit``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, post_load, pre_load, validate

from ..catalogue.fields import (
    each_item,
    finite_decimal,
    json_number,
    non_empty_text,
    raise_if_any,
    require_mapping,
    whole_number,
)
from ..catalogue.schema import Credit, Level
from ..catalogue.vocab import eqf_level
from ..urls import web_url

PATHWAY_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


def course_key(ref: Any, awarding_provider_id: str) -> str:
    """``<provider_id>/<course_id>`` for a reference; a bare id is the awarding member's own course."""
    if isinstance(ref, int) and not isinstance(ref, bool):
        ref = str(ref)
    if not isinstance(ref, str) or not ref.strip():
        raise ValidationError("a course reference is a course id or <provider_id>/<course_id>")
    ref = ref.strip()
    if "/" in ref:
        provider, _, course = ref.partition("/")
        if not provider or not course:
            raise ValidationError("a course reference is a course id or <provider_id>/<course_id>")
        return ref
    return f"{awarding_provider_id}/{ref}"


class PathwaySchema(Schema):
    """One pathway. Required: id, title, level, total_credit, rules (awarding: for consortium pathways)."""

    class Meta:
        unknown = EXCLUDE

    id = fields.String(required=True, validate=validate.Regexp(
        PATHWAY_ID, error="letters, digits, '.', '_' and '-', starting with a letter or digit, at most 100"))
    title = fields.String(required=True, validate=validate.Length(min=1, max=500))
    description = fields.String(load_default=None)
    url = fields.String(load_default=None, validate=web_url)
    level = Level(required=True)
    total_credit = Credit(required=True)
    rules = fields.Raw(required=True)
    awarding = fields.Raw(load_default=None)

    def __init__(self, awarding_provider_id: str | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.awarding_provider_id = awarding_provider_id

    @pre_load
    def strip_nulls(self, data, **_):
        if not isinstance(data, Mapping):
            raise ValidationError("a pathway must be an object", "_schema")
        return {key: value for key, value in data.items() if value is not None}

    def _awarding(self, data: Mapping[str, Any]) -> str:
        if self.awarding_provider_id is not None:
            return self.awarding_provider_id
        awarding = data.get("awarding")
        ref = awarding.get("id") if isinstance(awarding, Mapping) else awarding
        if not isinstance(ref, str) or not ref.strip():
            raise ValidationError({"awarding": ["the awarding member's provider id is required"]})
        return ref.strip()

    @post_load
    def canonical(self, data, **_):
        awarding = self._awarding(data)
        total = data["total_credit"]
        unit = Decimal(2) if total["scheme"] == "ECTS" else Decimal(1)
        try:
            rules = _rules(data["rules"], _Pathway(awarding, unit, data["level"]["framework"],
                                                   Decimal(str(total["cats"]))))
        except ValidationError as exc:
            raise ValidationError({"rules": exc.messages}) from None
        return {
            "id": data["id"],
            "title": data["title"],
            "description": data["description"],
            "url": data["url"],
            "awarding": {"id": awarding},
            "level": data["level"],
            "total_credit": total,
            "rules": rules,
        }


@dataclass(frozen=True)
class _Pathway:
    """What checking a pathway's rules needs to know of the pathway itself."""

    awarding: str  # a bare course id is this member's course
    cats_per_unit: Decimal  # the numbers in the rules are in the scheme of the total credit
    framework: str  # a level threshold is in the pathway's own framework
    total_cats: Decimal


def _rules(value: Any, pathway: _Pathway) -> dict[str, Any]:
    """The canonical rules; ValidationError with every rule's problems at once."""
    data, errors, rules = require_mapping(value), {}, {}
    for name, check in _RULE_CHECKS.items():
        try:
            rules[name] = check(data.get(name), pathway)
        except ValidationError as exc:
            errors[name] = exc.messages
    raise_if_any(errors)
    _check_placement(rules)
    return rules


def _credit_in_total(value: Any, pathway: _Pathway) -> int | float:
    """A positive credit in the pathway's scheme, as CATS, no more than the pathway's total."""
    try:
        amount = finite_decimal(value)
    except (ValueError, ArithmeticError):
        raise ValidationError("Not a valid number.") from None
    if amount <= 0:
        raise ValidationError("Must be greater than 0.")
    cats = json_number(amount * pathway.cats_per_unit)
    if Decimal(str(cats)) > pathway.total_cats:
        raise ValidationError("more than the pathway's total credit")
    return cats


def _threshold_level(value: Any, framework: str) -> dict[str, Any]:
    """A level of the pathway's framework, with its EQF level; ValueError naming what is wrong."""
    number = whole_number(value)
    return {"framework": framework, "value": number, "eqf": eqf_level(framework, number)}


def _min_credit_at_level(item: Any, pathway: _Pathway) -> dict[str, Any] | None:
    if item is None:
        return None
    item, problems = require_mapping(item), {}
    try:
        threshold = _threshold_level(item.get("level"), pathway.framework)
    except ValueError as exc:
        problems["level"] = [str(exc) if str(exc) else f"a {pathway.framework} level (the pathway's framework)"]
    try:
        credit = _credit_in_total(item.get("credit"), pathway)
    except ValidationError as exc:
        problems["credit"] = exc.messages
    raise_if_any(problems)
    return {"level": threshold, "credit": credit}


def _courses(item: Any, pathway: _Pathway, *, min_items: int = 0) -> list[str]:
    """Course references as course keys (none given: an empty list)."""
    return each_item(item if item is not None else [], lambda ref: course_key(ref, pathway.awarding),
                     min_items=min_items)


def _option_group(group: Any, pathway: _Pathway) -> dict[str, Any]:
    group, problems, result = require_mapping(group), {}, {}
    try:
        result["min_credit"] = _credit_in_total(group.get("min_credit"), pathway)
    except ValidationError as exc:
        problems["min_credit"] = exc.messages
    try:
        result["courses"] = _courses(group.get("courses"), pathway, min_items=1)
    except ValidationError as exc:
        problems["courses"] = exc.messages
    title = group.get("title")
    if title is not None and non_empty_text(title) is None:
        problems["title"] = ["Not a valid string."]
    result["title"] = title
    raise_if_any(problems)
    return result


def _option_groups(item: Any, pathway: _Pathway) -> list[dict[str, Any]]:
    return each_item(item if item is not None else [], lambda group: _option_group(group, pathway))


def _external_share(item: Any, _pathway: _Pathway) -> int | float | None:
    """A share between 0 and 1 of the total credit that may come from other members."""
    if item is None:
        return None
    try:
        number = finite_decimal(item)
    except (ValueError, ArithmeticError):
        raise ValidationError("Not a valid number.") from None
    if not 0 <= number <= 1:
        raise ValidationError("a share between 0 and 1 (0.5 is half)")
    return json_number(number)


def _capstone(item: Any, pathway: _Pathway) -> str | None:
    return None if item is None else course_key(item, pathway.awarding)


def _span_years(item: Any, _pathway: _Pathway) -> int | None:
    """The most years from a learner's first counted credit to completion (at least 1)."""
    if item is None:
        return None
    try:
        years = whole_number(item)
    except ValueError:
        raise ValidationError("Not a valid integer.") from None
    if years < 1:
        raise ValidationError("Must be greater than or equal to 1.")
    return years


# Each rule's check, in the order its errors are reported.
_RULE_CHECKS: dict[str, Callable[[Any, _Pathway], Any]] = {
    "min_credit_at_level": _min_credit_at_level,
    "core": _courses,
    "option_groups": _option_groups,
    "max_external_share": _external_share,
    "capstone": _capstone,
    "max_span_years": _span_years,
}


def _check_placement(rules: dict[str, Any]) -> None:
    """A course is in at most one of: core, one option group; the capstone is not an option."""
    errors: dict[str, Any] = {}
    core = rules["core"]
    if len(set(core)) != len(core):
        errors["core"] = ["a course is listed twice"]
    placed: dict[str, str] = {key: "core" for key in core}
    for index, group in enumerate(rules["option_groups"]):
        for key in group["courses"]:
            where = placed.get(key)
            if where is not None:
                errors.setdefault("option_groups", {})[index] = {
                    "courses": [f"{key} is already in {where}: a course may count in one place only"]}
            placed[key] = f"option group {index + 1}"
    capstone = rules["capstone"]
    if capstone is not None and placed.get(capstone, "core") != "core":
        errors["capstone"] = [f"{capstone} is also in {placed[capstone]}: a capstone is required, not optional"]
    if errors:
        raise ValidationError(errors)


def named_courses(content: Mapping[str, Any]) -> dict[str, str]:
    """Every course key the pathway names, with its role: core (the capstone too) or option."""
    rules = content["rules"]
    roles: dict[str, str] = {}
    for group in rules.get("option_groups") or []:
        for key in group["courses"]:
            roles.setdefault(key, "option")
    for key in rules.get("core") or []:
        roles[key] = "core"
    if rules.get("capstone"):
        roles[rules["capstone"]] = "core"
    return roles
