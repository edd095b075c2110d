"""How complete a course record is against the minimum information set.

The set is the QAA Characteristics Statement's certification list (section 6) and pre-enrolment
information (section 4.1), with the EU Council Recommendation's mandatory elements: what a learner needs
to choose a course and what a transcript must later be able to cite. PSRB recognition is not counted:
most courses rightly have none.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# (field, why it is in the set) — the reason is shown to providers in harvest reports.
MINIMUM_INFORMATION_SET: tuple[tuple[str, str], ...] = (
    ("title", "title of the micro-credential (QAA 6)"),
    ("url", "where the course is described"),
    ("summary", "what the course is about (QAA 4.1)"),
    ("aims", "aims (QAA 6)"),
    ("learning_outcomes", "learning outcomes (QAA 6, EU mandatory)"),
    ("credit", "workload in CATS/ECTS (QAA 6, EU mandatory)"),
    ("level", "level of study (QAA 6, EU mandatory)"),
    ("subjects", "subject with HECoS code and CAH group (QAA 6)"),
    ("mode", "mode of learning (QAA 6, EU form of participation)"),
    ("study_hours", "expected engagement in hours (QAA 4.1)"),
    ("languages", "language of instruction"),
    ("schedule", "start dates, or the learner-led engagement period (QAA 4.1)"),
    ("cost", "cost"),
    ("entry_requirements", "prior knowledge and skills needed (QAA 4.1)"),
    ("assessment", "type of assessment (QAA 4.1, EU mandatory)"),
    ("assessment_supervision", "supervision of assessment (EU optional)"),
    ("identity_verified", "identity verification at assessment (EU optional)"),
    ("awarding_body", "awarding body (QAA 6, EU mandatory)"),
    ("quality_assurance", "type of quality assurance (EU mandatory)"),
)


def _present(value: Any) -> bool:
    return value not in (None, "", [], {})


def completeness(record: Mapping[str, Any]) -> tuple[float, list[str]]:
    """(score between 0 and 1, missing field names) of a canonical record."""
    missing = [name for name, _ in MINIMUM_INFORMATION_SET if not _present(record.get(name))]
    if "subjects" not in missing and not any(s.get("scheme") == "HECoS" for s in record["subjects"]):
        # A JACS or ISCED-F code still gives a CAH group (or a field), but not the HECoS code asked for.
        missing.append("subjects.HECoS")
    total = len(MINIMUM_INFORMATION_SET) + 1
    return round(1 - len(missing) / total, 3), missing
