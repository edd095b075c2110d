"""LDCS and JACS 3.0 subjects from an XCRI-CAP feed, through the real pipeline into the catalogue and the
search index: a course that carries only an LDCS or a JACS code is found under its CAH subject facet, and
an LDCS code the vocabulary does not know quarantines its course with the field, the value and the reason."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from directory.catalogue import service as catalogue
from directory.search.query import Filters, SearchQuery
from harvester import pipeline, registry
from harvester.environment import harvest_environment
from harvester.models import QuarantineEntry, RunOutcome
from tests.clock import TODAY

PROVIDER = "10007791"
NAMESPACES = (
    'xmlns="http://xcri.org/profiles/1.2/catalog" xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:mlo="http://purl.org/net/mlo" xmlns:credit="http://purl.org/net/cm" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xmlns:courseDataProgramme="http://xcri.co.uk" xmlns:xcriTerms="http://xcri.org/profiles/1.2/catalog/terms"'
)


def xcri_course(course_id: str, subject: str) -> str:
    return (
        f"<course><dc:identifier>{course_id}</dc:identifier><dc:title>Course {course_id}</dc:title>{subject}"
        f"<mlo:url>https://www.example-fe.ac.uk/courses/{course_id}</mlo:url>"
        "<learningOutcome>Write a short story.</learningOutcome>"
        "<mlo:credit><credit:scheme>CATS</credit:scheme><credit:level>4</credit:level>"
        "<credit:value>15</credit:value></mlo:credit>"
        '<presentation><mlo:start dtf="2027-01-11"/><attendanceMode identifier="CM">Campus</attendanceMode>'
        "</presentation></course>"
    )


DOCUMENT = (
    f'<?xml version="1.0" encoding="UTF-8"?>\n<catalog {NAMESPACES}><provider>'
    f"<dc:identifier>{PROVIDER}</dc:identifier><dc:title>Example Further Education College</dc:title>"
    + xcri_course("FE-WRITING", '<dc:subject xsi:type="courseDataProgramme:LDCS" identifier="KC.3">Creative writing'
                                "</dc:subject><dc:subject>Writing</dc:subject>")
    + xcri_course("FE-HISTORY", "<dc:subject>LDCS1: DB.</dc:subject>")
    + xcri_course("HE-ANATOMY", '<dc:subject xsi:type="courseDataProgramme:JACS3" identifier="B100">Anatomy'
                                "</dc:subject>")
    + xcri_course("FE-UNKNOWN", '<dc:subject xsi:type="xcriTerms:LDCS" identifier="ZZ.9">Nothing</dc:subject>')
    + "</provider></catalog>"
).encode()


@pytest.fixture
def harvested(instance, httpserver):
    with instance.sessions.begin() as session:
        registry.add_feed(session, registry.FeedSpec(PROVIDER, "Example Further Education College",
                                                     httpserver.url_for("/xcri.xml"), format="xcri-cap"),
                          allow_private=True)
    httpserver.expect_request("/xcri.xml").respond_with_data(DOCUMENT, content_type="application/xml")
    return pipeline.harvest(harvest_environment(instance), PROVIDER)


def search(instance, **filters):
    return instance.search.search(SearchQuery(text="", filters=Filters(**filters), per_page=100, today=TODAY))


def test_ldcs_and_jacs_subjects_are_stored_with_their_cah_groups(instance, harvested):
    assert harvested.outcome is RunOutcome.SUCCEEDED
    assert (harvested.seen, harvested.new, harvested.quarantined) == (4, 3, 1)
    with instance.sessions() as session:
        writing = catalogue.get_course(session, PROVIDER, "FE-WRITING").current_version.content
        history = catalogue.get_course(session, PROVIDER, "FE-HISTORY").current_version.content
        anatomy = catalogue.get_course(session, PROVIDER, "HE-ANATOMY").current_version.content
    assert writing["subjects"] == [{"scheme": "LDCS", "code": "KC.3", "name": "creative writing",
                                    "cah3": "CAH19-01-05", "cah2": "CAH19-01", "cah1": "CAH19"}]
    assert history["subjects"][0]["code"] == "DB." and history["subjects"][0]["cah1"] == "CAH23"
    assert anatomy["subjects"][0]["cah3"] == "CAH02-05-04" and anatomy["subjects"][0]["cah1"] == "CAH02"


def test_courses_with_only_an_ldcs_or_jacs_subject_appear_under_their_cah_subject_facet(instance, harvested):
    facet = {value.value: value.count for value in search(instance).facets["subject"]}
    assert facet == {"CAH19": 1, "CAH23": 1, "CAH02": 1}
    for group, course_id in (("CAH19", "FE-WRITING"), ("CAH23", "FE-HISTORY"), ("CAH02", "HE-ANATOMY")):
        assert [hit.id for hit in search(instance, subject=(group,)).hits] == [f"{PROVIDER}/{course_id}"]


def test_an_unknown_ldcs_code_quarantines_its_course_with_field_value_and_reason(instance, harvested):
    with instance.sessions() as session:
        (entry,) = session.scalars(select(QuarantineEntry))
    assert entry.record_id == "FE-UNKNOWN"
    assert entry.field == "subjects[0].code"
    assert {"field": "subjects[0].code", "value": "ZZ.9", "reason": "'ZZ.9' is not an LDCS code"} in entry.problems


def test_the_course_page_names_the_ldcs_scheme_and_the_cah_group(client, harvested):
    response = client.get(f"/courses/{PROVIDER}/FE-WRITING")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "creative writing (Learndirect Classification System code KC.3;" in html
    assert "Common Aggregation Hierarchy group CAH19-01-05" in html
