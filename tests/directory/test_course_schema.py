import json
from pathlib import Path

import jsonschema
import pytest
from marshmallow import ValidationError

from directory.catalogue.completeness import completeness
from directory.catalogue.schema import CourseValidator
from directory.catalogue.vocab import SUBJECT_SCHEMES, vocabularies
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


@pytest.mark.parametrize("missing", ["id", "title", "url", "credit", "level", "subjects", "mode"])
def test_required_fields(missing):
    raw = course("X1")
    raw.pop(missing)
    found = problems(raw)
    assert found[missing].endswith("required to list a course here (listing policy)")


@pytest.mark.parametrize("empty", [None, [], "absent"])
def test_learning_outcomes_are_expected_not_required_by_default(empty):
    raw = course("X1")
    if empty == "absent":
        raw.pop("learning_outcomes")
    else:
        raw["learning_outcomes"] = empty
    record = VALIDATOR.load(raw)
    assert record["learning_outcomes"] == []
    assert "learning_outcomes" in completeness(record)[1]


def test_a_policy_requiring_an_expected_field_refuses_records_without_it_in_plain_words():
    strict = CourseValidator(vocabularies(ROOT / "config" / "vocab"), ("learning_outcomes", "cost"))
    raw = course("X1", learning_outcomes=[])
    raw.pop("cost")
    with pytest.raises(ValidationError) as caught:
        strict.load(raw)
    found = {e.field: e.reason for e in strict.errors(caught.value)}
    assert found == {"learning_outcomes": "learning outcomes are required to list a course here (listing policy)",
                     "cost": "the cost is required to list a course here (listing policy)"}
    # Reported beside the record's other problems, not instead of them.
    with pytest.raises(ValidationError) as caught:
        strict.load({**raw, "mode": ["telepathy"]})
    assert {"learning_outcomes", "cost", "mode[0]"} <= {e.field for e in strict.errors(caught.value)}
    assert strict.load(course("X1"))["learning_outcomes"]


def test_errors_name_the_field_path():
    raw = course("X1", credit={"value": -5, "scheme": "CATS"}, subjects=[{"scheme": "HECoS", "code": "100366"},
                 {"scheme": "JACS3", "code": "ZZ99"}], mode=["telepathy"])
    found = problems(raw)
    assert "credit.value" in found
    assert "subjects[1].code" in found and "JACS3" in found["subjects[1].code"]
    assert "mode[0]" in found


def test_ldcs_and_jacs_subjects_are_valid_and_roll_up_to_their_cah_groups():
    record = VALIDATOR.load(course("X1", subjects=[{"scheme": "LDCS", "code": "kc.3"}, {"scheme": "LDCS", "code": "DB"},
                                                   {"scheme": "JACS3", "code": "B100"}]))
    assert record["subjects"] == [
        {"scheme": "LDCS", "code": "KC.3", "name": "creative writing",
         "cah3": "CAH19-01-05", "cah2": "CAH19-01", "cah1": "CAH19"},
        {"scheme": "LDCS", "code": "DB.", "name": "HISTORY", "cah3": "CAH23-01-03", "cah2": "CAH23-01", "cah1": "CAH23"},
        {"scheme": "JACS3", "code": "B100", "name": "Anatomy, physiology & pathology",
         "cah3": "CAH02-05-04", "cah2": "CAH02-05", "cah1": "CAH02"},
    ]


def test_an_unknown_ldcs_code_is_refused_naming_the_code_and_the_scheme():
    found = problems(course("X1", subjects=[{"scheme": "HECoS", "code": "100366"}, {"scheme": "LDCS", "code": "ZZ.9"}]))
    assert found == {"subjects[1].code": "'ZZ.9' is not an LDCS code"}
    assert "LDCS" in problems(course("X1", subjects=[{"scheme": "LCSH", "code": "x"}]))["subjects[0].scheme"]


def test_the_documented_subject_schemes_are_the_validators():
    assert _find_subject_schemes(FEED_SCHEMA) == list(SUBJECT_SCHEMES)
    documented = (ROOT / "docs" / "feed-format.md").read_text()
    row = next(line for line in documented.splitlines() if line.startswith("| `subjects`"))
    assert all(f"`{scheme}`" in row for scheme in SUBJECT_SCHEMES)
    for scheme in SUBJECT_SCHEMES:
        jsonschema.validate(feed_document([course("X1", subjects=[{"scheme": scheme, "code": "x"}])]), FEED_SCHEMA)


def _find_subject_schemes(node):
    if isinstance(node, dict):
        if "subjects" in node.get("properties", {}):
            return node["properties"]["subjects"]["items"]["properties"]["scheme"]["enum"]
        children = node.values()
    elif isinstance(node, list):
        children = node
    else:
        return None
    return next((found for child in children if (found := _find_subject_schemes(child)) is not None), None)


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


def test_exclusions_get_the_courses_own_provider_and_collapse_duplicates():
    record = VALIDATOR.load(course("X1", excludes=[
        {"course_id": "X0", "reason": "  X1 replaces X0  "}, {"course_id": 42, "provider_id": 10000002},
        {"course_id": "X0", "provider_id": "10000001", "reason": "again"}]), "10000001")
    assert record["excludes"] == [{"provider_id": "10000001", "course_id": "X0", "reason": "X1 replaces X0"},
                                  {"provider_id": "10000002", "course_id": "42", "reason": None}]


def test_a_course_may_name_its_own_id_at_another_provider_but_not_itself():
    record = VALIDATOR.load(course("X1", excludes=[{"course_id": "X1", "provider_id": "10000002"}]), "10000001")
    assert record["excludes"] == [{"provider_id": "10000002", "course_id": "X1", "reason": None}]
    assert "cannot exclude itself" in problems(course("X1", excludes=[{"course_id": "X1"}]))["excludes[0].course_id"]


def test_a_record_without_exclusions_has_no_excludes_key():
    assert "excludes" not in VALIDATOR.load(course("X1"))
    assert "excludes" not in VALIDATOR.load(course("X1", excludes=[]))


def test_the_documented_json_schema_accepts_exclusions_and_refuses_one_without_a_course_id():
    jsonschema.validate(feed_document([course("X1", excludes=[{"course_id": "X0", "reason": "replaces X0"}])]),
                        FEED_SCHEMA)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(feed_document([course("X1", excludes=[{"reason": "no id"}])]), FEED_SCHEMA)
