"""The listing policy: which fields of the canonical course record a course needs to be listed, and which
are expected (counted in the scorecards, shown to the publisher as warnings and to learners as "not
published yet").

The consortium sets both lists (settings ``listing_required`` / ``listing_expected``); a member may add to
the required ones in its mapping profile (``[listing] required = [...]``), never remove from them. This
module holds only names and words, so that settings, the validator and the pages share one vocabulary.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..errors import PolicyError

# Always required: a course without them cannot be found, faceted, shown or credited (search, the facets
# and the exchange's credit rules are built on them), so no policy can make them merely expected.
FLOOR: tuple[str, ...] = ("id", "title", "url", "credit", "level", "subjects", "mode")

# Every field a policy may name, with its plain words (as a course page or a report says it). The order
# is the default expected order: learning outcomes first, then the rest of the QAA minimum information set
# and the EU Annex I elements a course record carries.
FIELD_WORDS: dict[str, str] = {
    "id": "a course id",
    "title": "a title",
    "url": "the address of the course's page",
    "credit": "credit (a value and a scheme that resolves to CATS or ECTS)",
    "level": "a level that resolves to the European Qualifications Framework",
    "subjects": "a subject that rolls up to the Common Aggregation Hierarchy",
    "mode": "the mode of study",
    "learning_outcomes": "learning outcomes",
    "summary": "a summary",
    "aims": "aims",
    "study_hours": "study hours",
    "languages": "the language of teaching",
    "schedule": "start dates",
    "cost": "the cost",
    "entry_requirements": "entry requirements",
    "assessment": "the type of assessment",
    "awarding_body": "the awarding body",
    "quality_assurance": "the type of quality assurance",
    "assessment_supervision": "how assessment is supervised",
    "identity_verified": "whether identity is checked at assessment",
}

# Titles for a course page's "not published yet" lines (first word capitalised, no article).
FIELD_TITLES: dict[str, str] = {
    "learning_outcomes": "Learning outcomes",
    "summary": "Summary",
    "aims": "Aims",
    "study_hours": "Study time",
    "languages": "Language of teaching",
    "schedule": "Start dates",
    "cost": "Cost",
    "entry_requirements": "Entry requirements",
    "assessment": "Type of assessment",
    "awarding_body": "Awarding body",
    "quality_assurance": "Type of quality assurance",
    "assessment_supervision": "Supervision of assessment",
    "identity_verified": "Identity check at assessment",
}

DEFAULT_REQUIRED: tuple[str, ...] = FLOOR
DEFAULT_EXPECTED: tuple[str, ...] = tuple(
    name for name in FIELD_WORDS if name not in FLOOR and name not in ("assessment_supervision", "identity_verified")
)


def check_names(names: Iterable[str], what: str) -> tuple[str, ...]:
    """The names, deduplicated in order; PolicyError naming every unknown one and the known ones."""
    names = tuple(dict.fromkeys(n.strip() for n in names if n.strip()))
    unknown = [n for n in names if n not in FIELD_WORDS]
    if unknown:
        raise PolicyError(f"{what}: unknown field {', '.join(map(repr, unknown))} "
                          f"(fields of the course record: {', '.join(FIELD_WORDS)})")
    return names


def check_policy(required: Iterable[str], expected: Iterable[str]) -> None:
    required = check_names(required, "listing_required")
    check_names(expected, "listing_expected")
    dropped = [n for n in FLOOR if n not in required]
    if dropped:
        raise PolicyError(f"listing_required: must keep {', '.join(dropped)}: no course can be listed, searched "
                          f"or credited without {'them' if len(dropped) > 1 else 'it'} (always required: "
                          f"{', '.join(FLOOR)})")


# Why a course without each required field is not listed, said so that the publisher knows what to add.
WHY_MISSING = {
    "id": "not listed: the record has no course id",
    "title": "not listed: the record has no title",
    "url": "not listed: the record has no web address (url) for the course",
    "credit": "not listed: the record carries no credit (a value in CATS, ECTS, SCQF or CQFW credits); courses "
              "that award no credit, such as most further-education courses, are not micro-credentials",
    "level": "not listed: the record gives no level (FHEQ, SCQF, CQFW or EQF), in its credit or elsewhere",
    "subjects": "not listed: the record has no subject the directory knows (a HECoS, JACS 3.0 or LDCS code, "
                "or a free-text subject named in the feed's mapping profile)",
    "mode": "not listed: the record does not say how the course is taught (no presentation with an attendance "
            "mode; the feed's mapping profile can give a default mode)",
}


def required_reason(name: str) -> str:
    """Why a record missing ``name`` is quarantined, in plain words: what is missing (for the fields every
    course needs, what that means, e.g. that a course awarding no credit is not a micro-credential), and
    that the listing policy requires it."""
    words = FIELD_WORDS.get(name, name)
    verb = "are" if name in ("learning_outcomes", "aims") else "is"
    policy = f"{words} {verb} required to list a course here (listing policy)"
    return f"{WHY_MISSING[name]}: {policy}" if name in WHY_MISSING else policy


def expected_missing(missing: Iterable[str], expected: Iterable[str]) -> list[str]:
    """The expected fields among a record's missing ones, in the policy's order."""
    gone = set(missing)
    return [name for name in expected if name in gone]


def warnings(records: Iterable[tuple[str, Iterable[str]]], expected: Iterable[str]) -> list[dict]:
    """The expected fields listed courses do not publish, from (course id, missing fields) pairs: per field
    (in the policy's order) how many courses lack it and two of them, for the publisher's report."""
    expected = tuple(expected)
    lacking: dict[str, list[str]] = {name: [] for name in expected}
    for course_id, missing in records:
        for name in set(missing) & lacking.keys():
            lacking[name].append(course_id)
    return [{"field": name, "words": FIELD_WORDS.get(name, name), "count": len(ids), "examples": sorted(ids)[:2],
             "reason": f"{FIELD_WORDS.get(name, name)}: expected by the listing policy, not published"}
            for name, ids in lacking.items() if ids]
