"""The engine-neutral search document of one course, built from its canonical content.

Everything a filter, facet or sort needs is computed here once, so every backend indexes the same values:
subject codes with all their CAH groups, credit in CATS, the EQF and framework level, start dates, primary
language subtags, PSRB bodies and the cost in GBP. Backends map this dict to their own fields and never
read the canonical content themselves.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from ..catalogue.completeness import score

LEARNER_LED = "learner-led"
COHORT = "cohort"


def course_document(
    provider_name: str, provider_id: str, course_id: str, content: Mapping[str, Any],
    pathways: Iterable[tuple[str, str]] = (),
    overlaps: int = 0,
) -> dict[str, Any]:
    """The search document of one active course; ValueError for withdrawn content.

    ``pathways`` are (pathway id, role) of the pathways that name the course; with the course's own
    ``pathways`` references they make ``pathways`` (ids, the filter) and ``pathway_roles`` ("id:role").
    """
    if content.get("status", "active") != "active":
        raise ValueError(f"course {provider_id}/{course_id} is {content.get('status')}: it is not indexed")
    subjects = content.get("subjects") or []
    level = content.get("level") or {}
    credit = content.get("credit") or {}
    schedule = content.get("schedule") or {}
    return {
        "id": f"{provider_id}/{course_id}",
        "provider_id": provider_id,
        "provider_name": provider_name,
        "course_id": course_id,
        "title": content["title"],
        "title_sort": sort_title(content["title"]),
        "url": content.get("url") or "",
        "summary": content.get("summary"),
        "aims": content.get("aims"),
        "learning_outcomes": list(content.get("learning_outcomes") or []),
        "skills": list(content.get("skills") or []),
        "subject_names": _unique(s.get("name") for s in subjects),
        "subject_codes": subject_codes(subjects),
        "subject_cah1": _unique(s.get("cah1") for s in subjects),
        "subject_cah2": _unique(s.get("cah2") for s in subjects),
        "credit_cats": _float(credit.get("cats")),
        "eqf_level": level.get("eqf"),
        "framework_level": (
            f"{level['framework']}-{level['value']}" if level.get("framework") and level.get("value") else None
        ),
        "modes": _unique(content.get("mode") or []),
        "schedule_type": schedule.get("type"),
        "starts": sorted({p["start"] for p in schedule.get("presentations") or [] if p.get("start")}),
        "languages": _unique(tag.split("-")[0].lower() for tag in content.get("languages") or []),
        "psrb_bodies": _unique(p.get("body") for p in content.get("psrb_recognition") or []),
        "cost_gbp": cost_gbp(content.get("cost")),
        **pathway_fields(content.get("pathways") or [], pathways),
        # Publishes the full QAA minimum information set: the learners' "complete" filter.
        "complete": not score(content, "qaa").missing,
        # Listed overlaps with other active courses: the card warns that both may not count.
        "overlap_count": overlaps,
        # The credit, level and subjects as the record states them, for the result card (stored, not
        # searched): a card reads the same as the course page without a trip to the store.
        "card": {"credit": dict(credit) or None, "level": dict(level) or None, "subjects": list(subjects)},
    }


def pathway_fields(own: Iterable[Mapping[str, Any]], listed: Iterable[tuple[str, str]]) -> dict[str, list[str]]:
    """Pathway ids and "id:role" pairs; a pathway's own list of its courses wins over a course's claim."""
    roles: dict[str, str] = {}
    for pathway_id, role in listed:
        roles[pathway_id] = "core" if roles.get(pathway_id) == "core" else role
    for ref in own:
        if isinstance(ref, Mapping) and ref.get("id"):
            roles.setdefault(str(ref["id"]), str(ref.get("role") or "option"))
    return {
        "pathways": sorted(roles),
        "pathway_roles": [f"{pathway_id}:{roles[pathway_id]}" for pathway_id in sorted(roles)],
    }


def sort_title(title: str) -> str:
    """The key titles sort by: case-folded, spaces collapsed (the same in every engine)."""
    return " ".join(title.casefold().split())


def subject_codes(subjects: Iterable[Mapping[str, Any]]) -> list[str]:
    """Each subject's own code and its CAH groups at levels 1-3, so a CAH filter matches by one term."""
    return _unique(
        code for s in subjects for code in (s.get("code"), s.get("cah3"), s.get("cah2"), s.get("cah1"))
    )


def cost_gbp(cost: Mapping[str, Any] | None) -> float | None:
    if not cost or cost.get("currency") != "GBP":
        return None
    try:
        return float(Decimal(str(cost["amount"])))
    except (InvalidOperation, KeyError):
        return None


def next_start(document: Mapping[str, Any], today: date) -> date | None:
    """The first start on or after ``today``: today itself for a learner-led course, None when none comes."""
    if document.get("schedule_type") == LEARNER_LED:
        return today
    for start in document.get("starts") or []:
        day = date.fromisoformat(start)
        if day >= today:
            return day
    return None


def day_number(day: date) -> int:
    """A date as the integer YYYYMMDD, the form every engine stores start dates in."""
    return day.year * 10000 + day.month * 100 + day.day


def _unique(values: Iterable[Any]) -> list[Any]:
    seen: dict[Any, None] = {}
    for value in values:
        if value is not None and value != "":
            seen.setdefault(value, None)
    return list(seen)


def _float(value: Any) -> float | None:
    return None if value is None else float(value)
