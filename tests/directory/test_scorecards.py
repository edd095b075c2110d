"""The QAA and EU Annex I scorecards: per record (pure) and per member (over the stored catalogue)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from directory.catalogue import service as catalogue
from directory.catalogue.completeness import EU_ANNEX_I, QAA_SET, completeness, member_scorecard, score
from directory.catalogue.schema import CourseValidator
from directory.catalogue.vocab import vocabularies
from tests.factories import course

ROOT = Path(__file__).resolve().parents[2]
VALIDATOR = CourseValidator(vocabularies(ROOT / "config" / "vocab"))


def record(course_id="X1", **overrides):
    return VALIDATOR.load(course(course_id, **overrides))


def test_a_full_record_scores_one_on_both_when_the_issuer_has_a_country():
    full = record()
    assert score(full, "qaa").score == 1.0
    assert score(full, "eu", issuer_country="GB").score == 1.0
    assert score(full, "eu").missing == ("country",)  # the provider's country is an Annex I element


def test_the_two_standards_are_scored_separately():
    # Quality assurance is an EU mandatory element, not in the QAA set; aims and cost are the QAA's only.
    no_qa = record(quality_assurance=None)
    assert score(no_qa, "qaa").score == 1.0 and "quality_assurance" in score(no_qa, "eu", issuer_country="GB").missing
    plain = record(aims=None, cost=None)
    assert score(plain, "eu", issuer_country="GB").score == 1.0
    assert score(plain, "qaa").missing == ("aims", "cost") and score(plain, "qaa").score == round(12 / 14, 3)
    # The old combined score and its missing list still work as before.
    assert completeness(plain)[1] == ["aims", "cost"]


def test_certificate_elements_are_explained_and_not_counted():
    certificate = [e for e in EU_ANNEX_I if e.certificate]
    assert {e.key for e in certificate} == {"learner", "date_of_issuing"}
    card = member_scorecard([("X1", record())], "eu", issuer_country="GB")
    rows = {row["key"]: row for row in card["elements"]}
    assert rows["learner"]["counted"] is False and "certificate" in rows["learner"]["note"]
    assert rows["learner"]["publishing"] is None
    assert card["mean"] == 1.0  # two elements no course can carry do not lower it


def test_a_jacs_subject_gives_no_hecos_code():
    jacs = record(subjects=[{"scheme": "JACS3", "code": "B100"}])
    assert "subjects.HECoS" in score(jacs, "qaa").missing
    assert len(QAA_SET) == 14


@pytest.fixture
def stored(instance):
    now = datetime(2026, 11, 2, tzinfo=UTC)
    with instance.sessions.begin() as session:
        catalogue.upsert_provider(session, "10000001", "University of Testing", country="GB")
        catalogue.upsert_provider(session, "10000002", "Other College")
        contents = []
        for cid, raw in (("A1", {}), ("A2", {"learning_outcomes": []}), ("A3", {"learning_outcomes": [], "cost": None})):
            rec = record(cid, **raw)
            value, missing = completeness(rec)
            contents.append(catalogue.Content(cid, cid, rec, catalogue.content_hash(rec), value, missing))
        catalogue.store_new(session, "10000001", contents, now, None)
        other = record("B1", quality_assurance=None)
        catalogue.store_new(session, "10000002", [catalogue.Content("B1", "B1", other, catalogue.content_hash(other),
                                                                   *completeness(other))], now, None)
    return instance


def test_a_members_scorecards_count_per_element_and_give_the_mean(stored):
    with stored.sessions() as session:
        cards = catalogue.member_scorecards(session, "10000001")
    qaa, eu = cards["qaa"], cards["eu"]
    assert qaa["courses"] == eu["courses"] == 3  # the other member's course is not counted
    outcomes = next(row for row in qaa["elements"] if row["key"] == "learning_outcomes")
    assert (outcomes["publishing"], outcomes["of"]) == (1, 3)
    assert next(row for row in qaa["elements"] if row["key"] == "cost")["publishing"] == 2
    assert [r["course_id"] for r in qaa["records"]] == ["A1", "A2", "A3"]
    assert qaa["records"][2]["missing"] == ["learning_outcomes", "cost"]
    assert qaa["mean"] == round((1 + 13 / 14 + 12 / 14) / 3, 3)
    assert eu["mean"] == round((1 + 8 / 9 + 8 / 9) / 3, 3)  # cost is not an Annex I element
    with stored.sessions() as session:
        other = catalogue.member_scorecards(session, "10000002")["eu"]
    assert other["records"][0]["missing"] == ["country", "quality_assurance"]
