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
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, post_load, pre_load, validate

from ..catalogue.schema import Credit, Level, _decimal, _integer, _items, _mapping, _number, _text
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


def _credit_number(value: Any, cats_per_unit: Decimal) -> int | float:
    try:
        amount = _decimal(value)
    except (ValueError, ArithmeticError):
        raise ValidationError("Not a valid number.") from None
    if amount <= 0:
        raise ValidationError("Must be greater than 0.")
    return _number(amount * cats_per_unit)


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
            rules = _rules(data["rules"], awarding, unit, data["level"], Decimal(str(total["cats"])))
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


def _rules(value: Any, awarding: str, unit: Decimal, level: dict, total_cats: Decimal) -> dict[str, Any]:
    data, errors, rules = _mapping(value), {}, {}

    def check(name: str, function):
        try:
            rules[name] = function(data.get(name))
        except ValidationError as exc:
            errors[name] = exc.messages

    def min_credit_at_level(item):
        if item is None:
            return None
        item, problems = _mapping(item), {}
        try:
            number = _integer(item.get("level"))
            threshold = {"framework": level["framework"], "value": number,
                         "eqf": eqf_level(level["framework"], number)}
        except ValueError as exc:
            problems["level"] = [str(exc) if str(exc) else f"a {level['framework']} level (the pathway's framework)"]
        try:
            credit = _credit_number(item.get("credit"), unit)
            if Decimal(str(credit)) > total_cats:
                problems["credit"] = ["more than the pathway's total credit"]
        except ValidationError as exc:
            problems["credit"] = exc.messages
        if problems:
            raise ValidationError(problems)
        return {"level": threshold, "credit": credit}

    def courses(item, *, min_items=0):
        return _items(item if item is not None else [], lambda ref: course_key(ref, awarding), min_items=min_items)

    def option_groups(item):
        def one(group):
            group, problems, result = _mapping(group), {}, {}
            try:
                result["min_credit"] = _credit_number(group.get("min_credit"), unit)
                if Decimal(str(result["min_credit"])) > total_cats:
                    problems["min_credit"] = ["more than the pathway's total credit"]
            except ValidationError as exc:
                problems["min_credit"] = exc.messages
            try:
                result["courses"] = courses(group.get("courses"), min_items=1)
            except ValidationError as exc:
                problems["courses"] = exc.messages
            title = group.get("title")
            if title is not None and _text(title) is None:
                problems["title"] = ["Not a valid string."]
            result["title"] = title
            if problems:
                raise ValidationError(problems)
            return result

        return _items(item if item is not None else [], one)

    def share(item):
        if item is None:
            return None
        try:
            number = _decimal(item)
        except (ValueError, ArithmeticError):
            raise ValidationError("Not a valid number.") from None
        if not 0 <= number <= 1:
            raise ValidationError("a share between 0 and 1 (0.5 is half)")
        return _number(number)

    def capstone(item):
        return None if item is None else course_key(item, awarding)

    def span(item):
        if item is None:
            return None
        try:
            years = _integer(item)
        except ValueError:
            raise ValidationError("Not a valid integer.") from None
        if years < 1:
            raise ValidationError("Must be greater than or equal to 1.")
        return years

    check("min_credit_at_level", min_credit_at_level)
    check("core", courses)
    check("option_groups", option_groups)
    check("max_external_share", share)
    check("capstone", capstone)
    check("max_span_years", span)
    if errors:
        raise ValidationError(errors)
    _check_placement(rules)
    return rules


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
