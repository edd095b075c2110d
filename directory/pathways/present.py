"""Pathways and plans as JSON-ready objects (the API) and rule sentences (the pages)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from . import rules as engine
from .models import Pathway
from .planner import PathwayPlan, Plan, Suggestion


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


def pathway_summary(pathway: Pathway, awarding_name: str) -> dict[str, Any]:
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


def pathway_record(pathway: Pathway, awarding_name: str) -> dict[str, Any]:
    content = pathway.content
    return {
        **pathway_summary(pathway, awarding_name),
        "description": content.get("description"),
        "url": content.get("url"),
        "rules": content["rules"],
        "rules_in_words": rule_sentences(content),
        "updated": pathway.updated.isoformat(),
        "withdrawn_at": pathway.withdrawn_at.isoformat() if pathway.withdrawn_at else None,
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


def pathway_plan(item: PathwayPlan) -> dict[str, Any]:
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


def plan_as_dict(plan: Plan) -> dict[str, Any]:
    return {
        "achievements": [{"key": a.key, "title": a.title, "course": a.course, "provider_id": a.provider_id,
                          "credit_cats": _number(a.credit),
                          "level": ({"framework": a.level.framework, "value": a.level.value, "eqf": a.level.eqf}
                                    if a.level else None),
                          "awarded_on": a.awarded_on.isoformat()} for a in plan.achievements],
        "pathways": [pathway_plan(item) for item in plan.pathways],
        "suspected_overlaps": [{"achievements": [s.first.key, s.second.key],
                                "words": f"{s.first.title} and {s.second.title} may overlap — the universities "
                                         "will check; if they confirm it, only one will count"}
                               for s in plan.suspected],
    }
