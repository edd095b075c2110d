import json
from pathlib import Path

import jsonschema
import pytest
from marshmallow import ValidationError

from directory.catalogue.completeness import completeness
from directory.catalogue.schema import CourseValidator
from directory.catalogue.vocab import vocabularies
from tests.factories import course, feed_document

ROOT = Path(__file__).resolve().parents[2]
VALIDATOR = CourseValidator(vocabularies(ROOT / "config" / "vocab"))
FEED_SCHEMA = json.loads((ROOT / "docs" / "feed-format.schema.json").read_text())


def problems(raw):
    with pytest.raises(ValidationError) as caught:
        VALIDATOR.load(raw)
    return {e.field: e.reason for e in VALIDATOR.errors(caught.value)}


def test_a_full_record_is_canonical():
    record = VALIDATOR.load(course("X1", credit={"value": 10, "scheme": "ECTS"}, level={"framework": "SCQF", "value": 11}))
    assert record["credit"] == {"value": 10, "scheme": "ECTS", "cats": 20, "ects": 10}
    assert record["level"] == {"framework": "SCQF", "value": 11, "eqf": 7}
    assert record["subjects"][0]["cah1"]
    assert record["cost"]["amount"] == "850.00"


def test_the_documented_json_schema_accepts_what_the_validator_accepts():
    jsonschema.validate(feed_document([course("X1")]), FEED_SCHEMA)


@pytest.mark.parametrize("missing", ["id", "title", "url", "learning_outcomes", "credit", "level", "subjects", "mode"])
def test_required_fields(missing):
    raw = course("X1")
    raw.pop(missing)
    assert missing in problems(raw)


def test_errors_name_the_field_path():
    raw = course("X1", credit={"value": -5, "scheme": "CATS"}, subjects=[{"scheme": "HECoS", "code": "100366"},
                 {"scheme": "JACS3", "code": "ZZ99"}], mode=["telepathy"])
    found = problems(raw)
    assert "credit.value" in found
    assert "subjects[1].code" in found and "JACS3" in found["subjects[1].code"]
    assert "mode[0]" in found


def test_a_cohort_course_needs_a_presentation_and_dates_in_order():
    assert "schedule.presentations" in problems(course("X1", schedule={"type": "cohort", "presentations": []}))
    found = problems(course("X1", schedule={"type": "cohort", "presentations": [{"start": "2027-03-01", "end": "2027-01-01"}]}))
    assert "schedule.presentations[0].end" in found


def test_unknown_fields_are_kept_as_extensions_and_nulls_mean_absent():
    record = VALIDATOR.load(course("X1", local_code="ABC-1", summary=None))
    assert record["extensions"] == {"local_code": "ABC-1"}
    assert record["summary"] is None


def test_updated_is_normalised_to_utc():
    assert VALIDATOR.load(course("X1", updated="2026-06-01T10:00:00+01:00"))["updated"] == "2026-06-01T09:00:00Z"


def test_completeness_against_the_minimum_information_set():
    full = VALIDATOR.load(course("X1"))
    assert completeness(full) == (1.0, [])
    sparse = VALIDATOR.load({k: v for k, v in course("X2", subjects=[{"scheme": "JACS3", "code": "G400"}]).items()
                             if k not in ("aims", "cost")})
    score, missing = completeness(sparse)
    assert set(missing) == {"aims", "cost", "subjects.HECoS"} and score < 1


@pytest.mark.parametrize(("level", "eqf"), [
    ({"framework": "SCQF", "value": 6}, 4), ({"framework": "SCQF", "value": 3}, 1), ({"framework": "EQF", "value": 2}, 2),
    ({"framework": "RQF", "value": 3}, 4), ({"framework": "CQFW", "value": 1}, 2),
])
def test_levels_below_higher_education_are_valid_levels(level, eqf):
    assert VALIDATOR.load(course("X1", level=level))["level"] == {**level, "eqf": eqf}


def test_a_level_the_feed_adapter_could_not_place_is_refused_quoting_the_feed():
    found = problems(course("X1", level={"source": "Intermediate 9", "problem": "not a qualification name we know"}))
    assert found["level"].startswith("level 'Intermediate 9' cannot be placed: not a qualification name we know")
    placed_but_absent = problems(course("X1", level={"framework": "FHEQ", "value": 2, "source": "FHEQ 2"}))
    assert "(the feed said 'FHEQ 2')" in placed_but_absent["level.value"]
