"""How complete a course record is against the minimum information set.

The set is the QAA Characteristics Statement's certification list (section 6) and pre-enrolment
information (section 4.1), with the EU Council Recommendation's mandatory elements: what a learner needs
to choose a course and what a transcript must later be able to cite. PSRB recognition is not counted:
most courses rightly have none.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
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


# -- the two scorecards --------------------------------------------------------------------------------------
# Scored separately: a member may publish all the QAA asks for and still miss an element the EU
# Recommendation makes mandatory (the type of quality assurance, say), and each audience asks for its own.


@dataclass(frozen=True)
class Element:
    """One element of a standard: the record field that carries it (None: not a field of the course
    record), its words, and, for an element of the learner's certificate, why it is not the course's."""

    key: str
    words: str
    field: str | None = None
    certificate: str | None = None  # why the element belongs to the certificate, not the course


# QAA Characteristics Statement: Micro-credentials (2022), pre-enrolment information (4.1) and what a
# certificate or transcript records (6).
QAA_SET: tuple[Element, ...] = (
    Element("title", "title", "title"),
    Element("summary", "what the course is about", "summary"),
    Element("aims", "aims", "aims"),
    Element("learning_outcomes", "learning outcomes", "learning_outcomes"),
    Element("credit", "credit value (CATS or ECTS)", "credit"),
    Element("level", "level", "level"),
    Element("subjects.HECoS", "subject with its HECoS code", "subjects"),
    Element("mode", "mode of study", "mode"),
    Element("study_hours", "expected study hours", "study_hours"),
    Element("schedule", "start dates or learner-led period", "schedule"),
    Element("cost", "cost", "cost"),
    Element("entry_requirements", "entry requirements", "entry_requirements"),
    Element("assessment", "type of assessment", "assessment"),
    Element("awarding_body", "awarding body", "awarding_body"),
)

_CERTIFICATE = "recorded on each learner's certificate when credit is awarded, not in the course's description"

# Council Recommendation of 16 June 2022 on a European approach to micro-credentials, Annex I, mandatory
# elements.
EU_ANNEX_I: tuple[Element, ...] = (
    Element("learner", "identification of the learner", certificate=_CERTIFICATE),
    Element("title", "title of the micro-credential", "title"),
    Element("country", "country or region of the issuer"),  # the provider's, not the record's
    Element("awarding_body", "awarding body", "awarding_body"),
    Element("date_of_issuing", "date of issuing", certificate=_CERTIFICATE),
    Element("learning_outcomes", "learning outcomes", "learning_outcomes"),
    Element("credit", "notional workload (ECTS where possible)", "credit"),
    Element("level", "level (European Qualifications Framework)", "level"),
    Element("assessment", "type of assessment", "assessment"),
    Element("mode", "form of participation", "mode"),
    Element("quality_assurance", "type of quality assurance", "quality_assurance"),
)

STANDARDS: dict[str, tuple[str, tuple[Element, ...]]] = {
    "qaa": ("QAA minimum information set", QAA_SET),
    "eu": ("EU Annex I mandatory elements", EU_ANNEX_I),
}


@dataclass(frozen=True)
class Score:
    """A record's score against one standard: counted elements only (certificate ones left out)."""

    score: float
    published: tuple[str, ...]
    missing: tuple[str, ...]


def _publishes(element: Element, record: Mapping[str, Any], issuer_country: str | None) -> bool:
    if element.key == "country":
        return bool(issuer_country)
    if element.key == "subjects.HECoS":
        return any(s.get("scheme") == "HECoS" for s in record.get("subjects") or [])
    if element.key == "level":
        return _present(record.get("level")) and (record["level"].get("eqf") is not None)
    return _present(record.get(element.field))


def score(record: Mapping[str, Any], standard: str, *, issuer_country: str | None = None) -> Score:
    """The record's score against ``standard`` ("qaa" or "eu"); ``issuer_country`` is the provider's."""
    _, elements = STANDARDS[standard]
    counted = [e for e in elements if e.certificate is None]
    published = tuple(e.key for e in counted if _publishes(e, record, issuer_country))
    missing = tuple(e.key for e in counted if e.key not in published)
    return Score(round(len(published) / len(counted), 3), published, missing)


def member_scorecard(records: Iterable[tuple[str, Mapping[str, Any]]], standard: str, *,
                     issuer_country: str | None = None) -> dict[str, Any]:
    """One standard's scorecard over a member's courses ((course id, record) pairs): the mean, per element
    how many publish it (certificate elements explained, not counted), and every record's score."""
    name, elements = STANDARDS[standard]
    scored = [(course_id, score(record, standard, issuer_country=issuer_country)) for course_id, record in records]
    total = len(scored)
    rows = []
    for element in elements:
        if element.certificate is not None:
            rows.append({"key": element.key, "words": element.words, "counted": False, "note": element.certificate,
                         "publishing": None, "of": total})
            continue
        publishing = sum(1 for _, s in scored if element.key in s.published)
        rows.append({"key": element.key, "words": element.words, "counted": True, "note": None,
                     "publishing": publishing, "of": total})
    mean = round(sum(s.score for _, s in scored) / total, 3) if total else None
    return {"standard": standard, "name": name, "courses": total, "mean": mean, "elements": rows,
            "records": [{"course_id": cid, "score": s.score, "missing": list(s.missing)} for cid, s in scored]}
