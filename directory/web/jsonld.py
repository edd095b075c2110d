"""A course as schema.org ``Course`` structured data (JSON-LD), for search engines and aggregators.

Decisions: credit is ``numberOfCredits`` in UK credits (CATS) as a ``StructuredValue``; the level is
``educationalLevel`` in words with its framework; each presentation is a ``CourseInstance`` with its
dates, a learner-led course one instance with its workload (``courseWorkload``, ISO 8601 hours); PSRB
recognition is ``occupationalCredentialAwarded``; a cost is an ``Offer``. A withdrawn course keeps its
description but offers no instance and no price.
"""

from __future__ import annotations

import json
from typing import Any

from markupsafe import Markup

from ..catalogue import words
from ..catalogue.models import Course, CourseStatus

COURSE_MODES = {
    "online-synchronous": "online",
    "online-asynchronous": "online",
    "on-campus": "onsite",
    "work-based": "work-based",
    "blended": "blended",
}


def _organization(name: str, url: str | None = None) -> dict[str, Any]:
    organization: dict[str, Any] = {"@type": "Organization", "name": name}
    if url:
        organization["url"] = url
    return organization


def _modes(content: dict[str, Any]) -> list[str]:
    return list(dict.fromkeys(COURSE_MODES.get(mode, mode) for mode in content.get("mode") or []))


def _workload(content: dict[str, Any]) -> str | None:
    return f"PT{content['study_hours']}H" if content.get("study_hours") else None


def course_instances(content: dict[str, Any]) -> list[dict[str, Any]]:
    schedule = content.get("schedule")
    if not schedule:
        return []
    base = {"@type": "CourseInstance", "courseMode": _modes(content)}
    if schedule["type"] == "learner-led":
        instance = dict(base)
        if _workload(content):
            instance["courseWorkload"] = _workload(content)
        return [instance]
    instances = []
    for presentation in schedule.get("presentations") or []:
        instance = {**base, "startDate": presentation["start"]}
        if presentation.get("end"):
            instance["endDate"] = presentation["end"]
        if _workload(content):
            instance["courseWorkload"] = _workload(content)
        instances.append(instance)
    return instances


def _credential(course: Course, content: dict[str, Any]) -> dict[str, Any]:
    awarding = content.get("awarding_body") or {}
    return {
        "@type": "EducationalOccupationalCredential",
        "name": f"Micro-credential: {content['title']}",
        "credentialCategory": "micro-credential",
        "recognizedBy": _organization(awarding.get("name") or course.provider.name),
    }


def _offer(content: dict[str, Any]) -> dict[str, Any] | None:
    cost = content.get("cost")
    if not cost:
        return None
    offer = {"@type": "Offer", "price": cost["amount"], "priceCurrency": cost["currency"],
             "category": "Free" if float(cost["amount"]) == 0 else "Paid"}
    if content.get("apply_url"):
        offer["url"] = content["apply_url"]
    return offer


def course_data(course: Course, content: dict[str, Any], page_url: str) -> dict[str, Any]:
    """The schema.org ``Course`` of one course, as a dict ready for JSON."""
    level = content["level"]
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Course",
        "@id": page_url,
        "url": page_url,
        "sameAs": content["url"],
        "name": content["title"],
        "description": content.get("summary") or content.get("aims") or content["title"],
        "courseCode": course.course_id,
        "provider": _organization(course.provider.name, course.provider.url),
        "numberOfCredits": {"@type": "StructuredValue", "value": content["credit"]["cats"],
                            "unitText": "UK credits (CATS points)"},
        "educationalLevel": f"{words.level_words(level)} ({level['framework']} level {level['value']}, "
                            f"European Qualifications Framework level {level['eqf']})",
        "educationalCredentialAwarded": _credential(course, content),
        "teaches": list(content.get("learning_outcomes") or []),
        "about": [{"@type": "DefinedTerm", "name": s["name"], "termCode": s["code"], "inDefinedTermSet": s["scheme"]}
                  for s in content.get("subjects") or []],
    }
    if content.get("languages"):
        data["inLanguage"] = content["languages"]
    if content.get("entry_requirements"):
        data["coursePrerequisites"] = content["entry_requirements"]
    if content.get("study_hours"):
        data["timeRequired"] = f"PT{content['study_hours']}H"
    if content.get("psrb_recognition"):
        data["occupationalCredentialAwarded"] = [
            {"@type": "EducationalOccupationalCredential",
             "name": recognition.get("nature") or f"Recognised by {recognition['body']}",
             "recognizedBy": _organization(recognition["body"])}
            for recognition in content["psrb_recognition"]
        ]
    if course.status is CourseStatus.WITHDRAWN:
        return data
    if course_instances(content):
        data["hasCourseInstance"] = course_instances(content)
    if _offer(content):
        data["offers"] = _offer(content)
    return data


def course_json_ld(course: Course, content: dict[str, Any], page_url: str) -> Markup:
    """The JSON-LD text, safe inside ``<script>``: "<", ">" and "&" are escaped as JSON allows."""
    text = json.dumps(course_data(course, content, page_url), ensure_ascii=False, indent=1)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))
