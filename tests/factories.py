"""Test data: valid native feed records that tests then spoil on purpose."""

from __future__ import annotations

import copy
import json
from typing import Any

HECOS_CODES = ["100366", "100992", "100078", "100485", "100089", "100497"]


def course(course_id: str, **overrides: Any) -> dict[str, Any]:
    number = sum(ord(ch) for ch in course_id)
    record = {
        "id": course_id,
        "status": "active",
        "title": f"Applied topic {course_id}",
        "url": f"https://www.example.ac.uk/courses/{course_id}",
        "summary": "A short course for professionals who want to apply new methods at work.",
        "aims": "To develop practical competence and critical understanding.",
        "learning_outcomes": [
            "Critically evaluate current approaches in the field",
            "Apply the methods studied to a problem from your own workplace",
        ],
        "credit": {"value": 15, "scheme": "CATS"},
        "level": {"framework": "FHEQ", "value": 7},
        "subjects": [{"scheme": "HECoS", "code": HECOS_CODES[number % len(HECOS_CODES)]}],
        "mode": ["online-asynchronous"],
        "study_hours": 150,
        "languages": ["en"],
        "schedule": {"type": "cohort", "presentations": [{"start": "2027-01-11", "end": "2027-03-26"}]},
        "cost": {"amount": "850.00", "currency": "GBP"},
        "entry_requirements": "A first degree or equivalent professional experience.",
        "assessment": ["Portfolio (100%)"],
        "assessment_supervision": "unsupervised",
        "identity_verified": True,
        "awarding_body": {"id": "10000001", "name": "University of Testing"},
        "quality_assurance": "Approved under the university's academic framework.",
        "skills": ["analysis"],
        "updated": "2026-11-01T09:00:00Z",
    }
    record.update(copy.deepcopy(overrides))
    return record


def feed_document(courses: list[dict[str, Any]], provider_id: str = "10000001",
                  name: str = "University of Testing", **extra: Any) -> dict[str, Any]:
    return {
        "format": "climbing-frame/catalogue-feed",
        "version": "1.0",
        "generated": "2026-11-20T08:00:00Z",
        "provider": {"id": provider_id, "id_scheme": "UKPRN", "name": name, "country": "GB",
                     "url": "https://www.example.ac.uk/"},
        "courses": courses,
        **extra,
    }


def feed_bytes(courses: list[dict[str, Any]], provider_id: str = "10000001", **extra: Any) -> bytes:
    return json.dumps(feed_document(courses, provider_id, **extra)).encode()
