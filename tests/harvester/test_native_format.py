"""The native parser: no input crashes it; every item becomes an accepted record or a quarantine entry."""

from pathlib import Path

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from marshmallow import ValidationError

from directory.catalogue.schema import CourseValidator
from directory.catalogue.vocab import vocabularies
from directory.errors import FeedError
from harvester.formats import Record, Rejection, native, sniff
from tests.factories import course, feed_bytes, feed_document

VALIDATOR = CourseValidator(vocabularies(Path(__file__).resolve().parents[2] / "config" / "vocab"))

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20,
)
FIELDS = ["id", "status", "title", "url", "learning_outcomes", "credit", "level", "subjects", "mode", "schedule",
          "cost", "languages", "study_hours", "psrb_recognition", "awarding_body", "updated"]


def outcome(item):
    """An item is accepted (canonical record) or quarantined (field + reason): nothing else."""
    if isinstance(item, Rejection):
        assert item.field and item.reason
        return "rejected"
    assert isinstance(item, Record)
    try:
        VALIDATOR.load(item.raw)
    except ValidationError as exc:
        errors = VALIDATOR.errors(exc)
        assert errors and all(e.field and e.reason for e in errors)
        return "quarantined"
    return "accepted"


@given(st.binary(max_size=300))
def test_arbitrary_bytes_are_a_feed_error_or_a_document(data):
    try:
        document = native.parse(data)
    except FeedError:
        return
    for item in document.items:
        outcome(item)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(json_values, st.fixed_dictionaries({}, optional={f: json_values for f in FIELDS})),
                max_size=5))
def test_arbitrary_courses_are_accepted_or_quarantined(courses):
    document = native.parse(feed_bytes(courses))
    results = [outcome(item) for item in document.items]
    assert len(results) == len(courses)


@settings(max_examples=200)
@given(st.sampled_from(FIELDS), json_values)
def test_spoiling_one_field_of_a_good_course_never_crashes(field, value):
    raw = course("P1")
    raw[field] = value
    document = native.parse(feed_bytes([raw]))
    assert [outcome(item) for item in document.items] in (["accepted"], ["quarantined"], ["rejected"])


def test_items_that_are_not_objects_or_lack_an_id_are_rejected_with_their_place():
    items = list(native.parse(feed_bytes([42, {"title": "no id"}, course("OK")])).items)
    assert [type(i).__name__ for i in items] == ["Rejection", "Rejection", "Record"]
    assert items[0].field == "courses[0]" and items[1].field == "courses[1].id"


@pytest.mark.parametrize("document, reason", [
    ({**feed_document([]), "provider": None}, "provider"),
    ({**feed_document([]), "courses": {}}, "courses must be a list"),
    ({**feed_document([]), "provider": {"id": "", "name": "x"}}, "provider.id"),
])
def test_document_level_problems_are_feed_errors(document, reason):
    with pytest.raises(FeedError, match=reason):
        native.parse(orjson.dumps(document))


def test_sniffing_the_format_of_a_pushed_document():
    assert sniff(b'\xef\xbb\xbf  <?xml version="1.0"?><catalog/>') == "xcri-cap"
    assert sniff(b'{"format": "climbing-frame/catalogue-feed"}') == "native"
    assert sniff(b"{}", "application/xml") == "xcri-cap"
