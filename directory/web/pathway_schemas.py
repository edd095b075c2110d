"""API schemas of pathways and the planner (they declare the OpenAPI document), each Out schema with its
presenter; ``rule_sentences`` is shared with the pathway pages."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

from ..catalogue.schema import LEVEL_FRAMEWORKS
from ..catalogue.vocab import CREDIT_SCHEMES
from ..pathways import rules as engine
from ..pathways.models import Pathway
from ..pathways.planner import PathwayPlan, Plan, Suggestion

MAX_ACHIEVEMENTS = 100


class LevelIn(Schema):
    framework = fields.String(required=True, validate=validate.OneOf(LEVEL_FRAMEWORKS))
    value = fields.Integer(required=True, validate=validate.Range(min=1, max=12))


class AchievementIn(Schema):
    """A completed micro-credential: ``course`` from the directory, or title, credit, level and award date
    (and provider) by hand."""

    class Meta:
        unknown = EXCLUDE

    course = fields.String(validate=validate.Regexp(r"^[^/]+/.+$", error="<provider_id>/<course_id>"),
                           metadata={"description": "A directory course: <provider_id>/<course_id>."})
    title = fields.String(validate=validate.Length(min=1, max=500))
    credit = fields.Decimal(validate=validate.Range(min=0, min_inclusive=False, max=1000))
    credit_scheme = fields.String(load_default="CATS", validate=validate.OneOf(CREDIT_SCHEMES))
    level = fields.Nested(LevelIn)
    awarded_on = fields.Date(required=True, metadata={"description": "When the credit was awarded (ISO 8601)."})
    provider_id = fields.String(validate=validate.Length(min=1, max=100),
                                metadata={"description": "The member that awarded it, if it is one."})
    provider_name = fields.String(validate=validate.Length(max=300))

    @validates_schema(skip_on_field_errors=False)
    def course_or_description(self, data, **_):
        if data.get("course"):
            return
        problems = {}
        if not data.get("title"):
            problems["title"] = ["needed unless course is given"]
        if data.get("credit") is None:
            problems["credit"] = ["needed unless course is given"]
        if problems:
            raise ValidationError(problems)


class PlannerRequest(Schema):
    achievements = fields.List(fields.Nested(AchievementIn), required=True,
                               validate=validate.Length(max=MAX_ACHIEVEMENTS))
    pathways = fields.List(fields.String(validate=validate.Length(min=1, max=100)), metadata={
        "description": "Evaluate these pathways only (default: every pathway the achievements are relevant to)."})
    today = fields.Date(metadata={"description": "Plan as of this day (default: today)."})


class PathwayOut(Schema):
    id = fields.String()
    title = fields.String()
    awarding = fields.Dict()
    level = fields.Dict()
    total_credit = fields.Dict()
    source = fields.String(metadata={"description": "feed (the awarding member's) or consortium"})
    status = fields.String()


class PathwayRecordOut(PathwayOut):
    description = fields.String(allow_none=True)
    url = fields.String(allow_none=True)
    rules = fields.Dict()
    rules_in_words = fields.List(fields.String())
    updated = fields.String()
    withdrawn_at = fields.String(allow_none=True)
    courses = fields.List(fields.Dict())


class PathwayListOut(Schema):
    total = fields.Integer()
    results = fields.List(fields.Nested(PathwayOut))


class PlanOut(Schema):
    achievements = fields.List(fields.Dict())
    pathways = fields.List(fields.Dict(), metadata={
        "description": "Per pathway: progress against every rule, suggestions, credit use and transfers"})
    suspected_overlaps = fields.List(fields.Dict(), metadata={
        "description": "Pairs of the achievements (their keys) that may overlap: both count until the universities "
                       "confirm it, then only one does"})


def _number(value: Decimal | float | int) -> int | float:
    value = Decimal(str(value))
    return int(value) if value == value.to_integral_value() else float(value)


def rule_sentences(content: Mapping[str, Any]) -> list[str]:
    """The pathway's rules in plain words."""
    rules, total = content["rules"], content["total_credit"]
    said = [f"{total['cats']:g} credits in all."]
    threshold = rules.get("min_credit_at_level")
    if threshold:
        level = threshold["level"]
        said.append(f"At least {threshold['credit']:g} credits at {level['framework']} level {level['value']} "
                    "or above.")
    if rules.get("core"):
        said.append(f"Every core course ({len(rules['core'])}).")
    for index, group in enumerate(rules.get("option_groups") or []):
        members = {key.partition("/")[0] for key in group["courses"]}
        spread = " (from more than one member)" if len(members) > 1 else ""
        said.append(f"Option group {index + 1}: at least {group['min_credit']:g} credits from "
                    f"{len(group['courses'])} courses{spread}.")
    if rules.get("capstone"):
        said.append("A capstone course that draws the rest together.")
    share = rules.get("max_external_share")
    if share is not None:
        said.append(f"At most {share:.0%} of the credit from members other than the awarding one.")
    if rules.get("max_span_years"):
        said.append(f"Complete within {rules['max_span_years']} years of your oldest credit.")
    return said


def present_pathway(pathway: Pathway, awarding_name: str) -> dict[str, Any]:
    """``PathwayOut``."""
    content = pathway.content
    return {
        "id": pathway.id,
        "title": pathway.title,
        "awarding": {"id": pathway.awarding_provider_id, "name": awarding_name},
        "level": content["level"],
        "total_credit": content["total_credit"],
        "source": pathway.source.value,
        "status": pathway.status.value,
    }


def present_pathway_record(pathway: Pathway, awarding_name: str, roles: Mapping[str, str],
                           details: Mapping[str, Any]) -> dict[str, Any]:
    """``PathwayRecordOut``: the pathway, its rules in words, and the courses it names (``roles``: key ->
    role; ``details``: key -> title and whether it is in the directory)."""
    content = pathway.content
    return {
        **present_pathway(pathway, awarding_name),
        "description": content.get("description"),
        "url": content.get("url"),
        "rules": content["rules"],
        "rules_in_words": rule_sentences(content),
        "updated": pathway.updated.isoformat(),
        "withdrawn_at": pathway.withdrawn_at.isoformat() if pathway.withdrawn_at else None,
        "courses": [{"course": key, "role": role, "title": details[key].title,
                     "in_directory": details[key].active} for key, role in roles.items()],
    }


def _suggestion(s: Suggestion) -> dict[str, Any]:
    return {"course": s.key, "title": s.title, "provider": s.provider_name, "credit_cats": s.credit_cats,
            "level": s.level, "mode": list(s.modes), "schedule_type": s.schedule_type,
            "next_start": s.next_start.isoformat() if s.next_start else None, "cost": s.cost,
            "cost_gbp": s.cost_gbp}


def _rule(rule: engine.RuleProgress, suggestions: list[Suggestion] | None) -> dict[str, Any]:
    body = {"rule": rule.kind.value, "satisfied": rule.satisfied, "have": _number(rule.have),
            "need": _number(rule.need), "words": rule.words, "missing": list(rule.missing)}
    if rule.group is not None:
        body["option_group"] = rule.group
    if suggestions is not None:
        body["suggestions"] = [_suggestion(s) for s in suggestions]
    return body


def _credit(outcome: engine.CreditOutcome) -> dict[str, Any]:
    return {"achievement": outcome.key, "use": outcome.use.value, "role": outcome.role.value,
            "counted": _number(outcome.counted), "reason": outcome.reason,
            "expires_on": outcome.expires_on.isoformat() if outcome.expires_on else None,
            "expiring_soon": outcome.expiring_soon, "from_other_member": outcome.external,
            "overlaps_with": outcome.overlaps_with, "needs_transfer": outcome.needs_transfer}


def _pathway_plan(item: PathwayPlan) -> dict[str, Any]:
    progress = item.progress
    return {
        "pathway": {"id": item.pathway_id, "title": item.title,
                    "awarding": {"id": item.awarding_id, "name": item.awarding_name},
                    "level": item.content["level"], "total_credit": item.content["total_credit"]},
        "complete": progress.complete,
        "counted_credit": _number(progress.counted_credit),
        "complete_by": progress.complete_by.isoformat() if progress.complete_by else None,
        "rules": [_rule(rule, item.suggestions.get(index)) for index, rule in enumerate(progress.rules)],
        "credits": [_credit(c) for c in progress.credits],
        "expiring_soon": [c.key for c in item.expiring],
        "transfers": [{"achievement": t.achievement_key, "title": t.title, "credit": _number(t.credit),
                       "agreement": {"coverage": t.agreement.coverage.value, "words": t.agreement.words,
                                     "agreement_id": t.agreement.agreement_id},
                       "request_url": t.request_url} for t in item.transfers],
    }


def present_plan(plan: Plan) -> dict[str, Any]:
    """``PlanOut``."""
    return {
        "achievements": [{"key": a.key, "title": a.title, "course": a.course, "provider_id": a.provider_id,
                          "credit_cats": _number(a.credit),
                          "level": ({"framework": a.level.framework, "value": a.level.value, "eqf": a.level.eqf}
                                    if a.level else None),
                          "awarded_on": a.awarded_on.isoformat()} for a in plan.achievements],
        "pathways": [_pathway_plan(item) for item in plan.pathways],
        "suspected_overlaps": [{"achievements": [s.first.key, s.second.key],
                                "words": f"{s.first.title} and {s.second.title} may overlap — the universities "
                                         "will check; if they confirm it, only one will count"}
                               for s in plan.suspected],
    }
