"""Qualifications are not courses: the classifier on the real XCRI-CAP samples and on written records, and a
harvest that keeps them out of the catalogue, counts them, offers them to the awards register and changes
nothing when the same bytes come again."""

from __future__ import annotations

import orjson
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from directory.catalogue.models import Course, CourseStatus
from directory.catalogue.qualifications import OfferState, QualificationOffer
from directory.identity.identity import Role
from harvester import pipeline, qualifications, registry
from harvester.environment import harvest_environment
from harvester.formats import xcri_cap
from harvester.mapping import EMPTY, parse_profile_text
from harvester.models import RunOutcome
from harvester.web.schemas import present_run
from tests.auth import add_user, signed_in
from tests.factories import course, feed_bytes
from tests.shared import shared_path

PROVIDER = "10000001"


def recognised(raw: dict, profile=EMPTY):
    return qualifications.recognise(raw.get("id", "X"), raw, profile)


recognise = qualifications.recognise


def sample(name: str) -> list:
    return list(xcri_cap.parse(shared_path("data", "xcri-cap", name).read_bytes()).items)


# --- the classifier on the real samples --------------------------------------------------------------------


def test_the_open_university_degree_is_a_qualification_and_its_module_a_course():
    found = {r.id: recognised(dict(r.raw)) for r in sample("ou-example.xml")}
    assert found["http://data.open.ac.uk/course/a174"] is None  # "May lead to a variety of qualifications"
    degree = found["B01"]
    assert degree.title == "BA (Honours) History"
    assert degree.reason.startswith("its qualification block names the record itself")
    assert degree.level == {"framework": "FHEQ", "value": 6, "source": "award"}  # the feed's credit:level is empty
    assert degree.credit == {"value": "360", "system": None, "scheme": "The Open University"}
    assert degree.url == "http://www3.open.ac.uk/study/undergraduate/qualification/B01.htm"
    assert degree.awarding_body == "The Open University"


@pytest.mark.parametrize("name", ["oxford-moxie-xcri.xml", "wychwolf-moodle.xml"])
def test_the_other_real_samples_publish_courses_only(name):
    records = sample(name)
    assert records and all(recognised(dict(r.raw)) is None for r in records)


def test_the_adapter_keeps_the_qualification_block_beside_the_awarding_body():
    raw = {r.id: r.raw for r in sample("ou-example.xml")}["B01"]
    assert raw["qualification"] == {"title": "BA (Honours) History", "education_level": "Undergraduate",
                                    "type": "NLD Qual Code: M", "awarded_by": "The Open University"}
    assert raw["awarding_body"] == {"name": "The Open University"}


# --- the classifier on written records ---------------------------------------------------------------------


@pytest.mark.parametrize("title, credit, expected_level", [
    ("BSc (Hons) Computer Science", {"value": 360, "scheme": "CATS"}, 6),
    ("MSc Data Science", {"value": 90, "scheme": "ECTS"}, 7),  # 180 CATS
    ("PGCert Academic Practice", {"value": 60, "scheme": "CATS"}, 7),
    ("Postgraduate Diploma in Law", {"value": 120, "scheme": "CATS"}, 7),
    ("Foundation Degree in Early Years", {"value": 240, "scheme": "CATS"}, 5),
    ("CertHE Humanities", None, 4),
    ("PhD Chemistry", None, 8),
    ("History (Honours)", {"value": 360, "scheme": "CATS"}, 6),
])
def test_a_title_naming_an_award_with_a_whole_awards_credit_is_a_qualification(title, credit, expected_level):
    raw = {"id": "Q1", "title": title, **({"credit": credit} if credit else {})}
    found = recognised(raw)
    assert found is not None and found.level == {"framework": "FHEQ", "value": expected_level, "source": "award"}
    assert "its title names a" in found.reason


@pytest.mark.parametrize("title, credit", [
    ("MSc Dissertation", {"value": 60, "scheme": "CATS"}),  # a part of a master's (180)
    ("BSc Year 1 Mathematics", {"value": 120, "scheme": "CATS"}),  # a part of a bachelor's (300)
    ("Mathematics for engineers", {"value": 360, "scheme": "CATS"}),  # large, but no award named
    ("Machine learning", None),
    ("MAking pottery", None),  # abbreviations are case-sensitive
    ("Certificate of credit in Python", {"value": 10, "scheme": "CATS"}),
])
def test_a_module_or_a_short_course_is_not_a_qualification(title, credit):
    assert recognised({"id": "M1", "title": title, **({"credit": credit} if credit else {})}) is None


def test_a_micro_credential_naming_its_short_award_in_its_qualification_block_stays_a_course():
    raw = course("MC1", title="Data visualisation in practice", credit={"value": 10, "scheme": "CATS"},
                 qualification={"title": "Certificate of credit", "awarded_by": "University of Testing"})
    assert recognised(raw) is None


def test_a_block_naming_the_record_is_compared_without_case_punctuation_or_the_honours_spelling():
    raw = {"id": "D1", "title": "BA (Hons) History", "qualification": {"title": "ba honours history"},
           "credit": {"value": 10, "scheme": "CATS"}}  # the block wins over the credit rule
    assert recognised(raw).reason.startswith("its qualification block names the record itself")


def test_the_profiles_patterns_name_qualifications_the_title_alone_would_not():
    profile = parse_profile_text('[qualifications]\nurl_pattern = "/qualifications/"\ntitle_pattern = "^Degree:"\n', source="p")
    by_url = recognised({"id": "A", "title": "Nursing", "url": "https://x.ac.uk/qualifications/a"}, profile)
    by_title = recognised({"id": "B", "title": "Degree: Nursing", "url": "https://x.ac.uk/c/b"}, profile)
    assert "url_pattern '/qualifications/'" in by_url.reason and "title_pattern '^Degree:'" in by_title.reason
    assert by_url.level is None  # no level given and no award named
    assert recognised({"id": "C", "title": "Nursing", "url": "https://x.ac.uk/courses/c"}, profile) is None


def test_the_records_own_level_is_offered_before_the_awards():
    found = recognised({"id": "Q", "title": "MSc Physics", "level": {"framework": "SCQF", "value": 11, "source": "11"},
                        "credit": {"value": 180, "scheme": "SCQF"}})
    assert found.level == {"framework": "SCQF", "value": 11, "source": "11"}
    assert found.credit == {"value": "180", "system": "SCQF", "scheme": "SCQF"}


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=8)
                    | st.sampled_from(["1e999999", "NaN", "-5", "BSc (Hons) X", "MSc", "CATS", "ECTS"]),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
                    max_leaves=8)
FIELDS = st.sampled_from(["id", "title", "url", "credit", "level", "qualification", "awarding_body"])


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(FIELDS, JSON | st.fixed_dictionaries(
    {}, optional={"value": JSON, "scheme": JSON, "title": JSON, "framework": JSON, "name": JSON}), max_size=7))
@example({"title": "BSc (Hons) X", "credit": {"value": "1e999999", "scheme": "CATS"}})
@example({"title": "MSc X", "level": {"framework": "FHEQ", "value": 10 ** 20}})
@example({"title": ["BSc"], "qualification": "BSc", "credit": [1], "level": {"framework": "FHEQ", "value": True}})
def test_any_record_is_classified_without_an_error_and_what_is_offered_is_json(raw):
    found = recognise(raw.get("id", "X") if isinstance(raw.get("id"), str) else "X", raw, PATTERNS)
    if found is not None:
        orjson.dumps(found.as_dict())
        assert found.reason and isinstance(found.title, str)
        assert found.credit is None or len(found.credit["value"]) < 20
        assert found.level is None or found.level["value"] in range(1, 13)  # a level its framework has


PATTERNS = parse_profile_text('[qualifications]\nurl_pattern = "/q/"\ntitle_pattern = "Degree"\n', source="p")


# --- a harvest -------------------------------------------------------------------------------------------------


def degree(course_id: str = "BSC1", **overrides) -> dict:
    values = {"title": "BSc (Hons) Applied Topics", "credit": {"value": 360, "scheme": "CATS"},
              "level": {"framework": "FHEQ", "value": 6}, "url": f"https://www.example.ac.uk/degrees/{course_id}"}
    return course(course_id, **{**values, **overrides})


@pytest.fixture
def feed(instance):
    with instance.sessions.begin() as session:
        registry.add_feed(session, registry.FeedSpec(PROVIDER, "University of Testing", None), allow_private=False)
    return harvest_environment(instance)


def offers(instance) -> list[tuple]:
    with instance.sessions() as session:
        return [(o.qualification_id, o.title, o.state, o.in_feed, o.credit_value, o.credit_system, o.level_framework,
                 o.level_value, o.updated_at, o.offered_at)
                for o in session.scalars(select(QualificationOffer).order_by(QualificationOffer.id))]


def statuses(instance) -> dict[str, CourseStatus]:
    with instance.sessions() as session:
        return dict(session.execute(select(Course.course_id, Course.status)).all())


def test_a_harvest_keeps_qualifications_out_of_the_catalogue_counts_them_and_offers_them(instance, feed):
    body = feed_bytes([course("C1"), degree(), course("C2")], provider_id=PROVIDER)
    run = pipeline.ingest(feed, PROVIDER, body)
    assert run.outcome is RunOutcome.SUCCEEDED, run.errors
    assert (run.seen, run.new, run.quarantined) == (3, 2, 0)
    counts = present_run(run)["counts"]
    assert counts["qualifications"] == 1 and counts["seen"] == counts["new"] + counts["qualifications"]
    assert [q["id"] for q in present_run(run)["qualifications"]] == ["BSC1"]
    assert statuses(instance) == {"C1": CourseStatus.ACTIVE, "C2": CourseStatus.ACTIVE}
    [offer] = offers(instance)
    assert offer[:8] == ("BSC1", "BSc (Hons) Applied Topics", OfferState.OFFERED, True, 360, "CATS", "FHEQ", 6)


def test_the_same_bytes_again_change_nothing(instance, feed):
    body = feed_bytes([course("C1"), degree()], provider_id=PROVIDER)
    first = pipeline.ingest(feed, PROVIDER, body)
    before = offers(instance), statuses(instance)
    again = pipeline.ingest(feed, PROVIDER, body)
    assert again.outcome is RunOutcome.SUCCEEDED and (again.new, again.changed) == (0, 0)
    assert present_run(again)["qualifications"] == present_run(first)["qualifications"]
    assert present_run(again)["counts"]["qualifications"] == 1
    assert (offers(instance), statuses(instance)) == before


def test_a_sorted_again_document_leaves_the_offers_as_they_were(instance, feed):
    pipeline.ingest(feed, PROVIDER, feed_bytes([course("C1"), degree()], provider_id=PROVIDER))
    before = offers(instance)
    resorted = pipeline.resort(feed, PROVIDER)  # every record sorted again, the same qualifications found
    assert len(resorted.qualifications) == 1 and offers(instance) == before


def test_a_listed_course_now_described_as_a_qualification_is_withdrawn_saying_why(instance, feed):
    courses = [course(f"C{n}") for n in range(1, 5)]
    pipeline.ingest(feed, PROVIDER, feed_bytes([*courses, course("D1", title="Applied topics, three years")],
                                               provider_id=PROVIDER))
    assert statuses(instance)["D1"] is CourseStatus.ACTIVE
    run = pipeline.ingest(feed, PROVIDER, feed_bytes([*courses, degree("D1")], provider_id=PROVIDER))
    assert run.outcome is RunOutcome.SUCCEEDED and run.withdrawn == 1
    assert statuses(instance)["D1"] is CourseStatus.WITHDRAWN
    [entry] = present_run(run)["qualifications"]
    assert entry["course"] == "withdrawn from the catalogue: the feed now describes it as a qualification"


def test_a_changed_qualification_updates_its_offer_and_a_dropped_one_is_no_longer_in_the_feed(instance, feed):
    pipeline.ingest(feed, PROVIDER, feed_bytes([course("C1"), degree(), degree("BSC2")], provider_id=PROVIDER))
    pipeline.ingest(feed, PROVIDER, feed_bytes([course("C1"), degree(title="BSc (Hons) Applied Topics and Methods")],
                                               provider_id=PROVIDER))
    found = {o[0]: o for o in offers(instance)}
    assert found["BSC1"][1] == "BSc (Hons) Applied Topics and Methods" and found["BSC1"][3] is True
    assert found["BSC1"][8] > found["BSC1"][9]  # updated after it was first offered
    assert found["BSC2"][3] is False and found["BSC2"][2] is OfferState.OFFERED


def test_a_second_record_with_a_qualifications_id_is_quarantined(instance, feed):
    run = pipeline.ingest(feed, PROVIDER, feed_bytes([degree("X1"), course("X1")], provider_id=PROVIDER))
    assert (run.seen, len(run.qualifications), run.quarantined, run.new) == (2, 1, 1, 0)


def test_the_run_report_of_the_api_lists_the_qualifications(app, instance, feed):
    pipeline.ingest(feed, PROVIDER, feed_bytes([course("C1"), degree()], provider_id=PROVIDER))
    admin = signed_in(app, instance, add_user(instance, "admin@example.org", Role.ADMIN))
    [latest] = admin.get(f"/api/v1/harvest/runs?feed={PROVIDER}").json["results"]
    assert latest["counts"]["qualifications"] == 1 and latest["counts"]["seen"] == 2
    [found] = latest["qualifications"]
    assert found["id"] == "BSC1" and found["title"] == "BSc (Hons) Applied Topics"
    assert found["credit"] == {"value": "360", "system": "CATS", "scheme": "CATS"}
    assert found["level"] == {"framework": "FHEQ", "value": 6, "source": None}


def test_the_open_university_sample_offers_its_degree_and_a_profile_makes_it_confirmable(instance):
    """The real OU feed through the whole pipeline: the degree is offered (its points unmapped), the module is
    quarantined for its learning outcomes; mapping the OU's points as CATS re-sorts the kept document and the
    offer then carries 360 CATS; the same bytes again change nothing."""
    ukprn = "10007773"
    with instance.sessions.begin() as session:
        registry.add_feed(session, registry.FeedSpec(ukprn, "The Open University", None, format="xcri-cap",
                                                     aliases=("http://www.open.ac.uk/",)), allow_private=False)
    env = harvest_environment(instance)
    body = shared_path("data", "xcri-cap", "ou-example.xml").read_bytes()
    run = pipeline.ingest(env, ukprn, body, format_name="xcri-cap")
    assert (run.seen, run.new, run.quarantined, len(run.qualifications)) == (2, 1, 0, 1), run.errors
    with instance.sessions() as session:
        [offer] = session.scalars(select(QualificationOffer).where(QualificationOffer.provider_id == ukprn))
        assert (offer.qualification_id, offer.credit_value, offer.credit_system, offer.credit_scheme) == \
            ("B01", 360, None, "The Open University")
    profile = parse_profile_text('[credit_schemes."The Open University"]\nsystem = "CATS"\nfactor = 1\n', source="p")
    resorted = pipeline.change_profile(env, ukprn, profile)
    assert resorted is not None and len(resorted.qualifications) == 1
    with instance.sessions() as session:
        offer = session.scalar(select(QualificationOffer).where(QualificationOffer.provider_id == ukprn))
        assert (offer.credit_value, offer.credit_system, offer.level_framework, offer.level_value) == \
            (360, "CATS", "FHEQ", 6)
    before = offers(instance)
    again = pipeline.ingest(env, ukprn, body, format_name="xcri-cap")
    assert len(again.qualifications) == 1 and offers(instance) == before


def test_a_mass_reclassification_is_held_by_the_withdrawal_guard_like_any_mass_withdrawal(instance, feed):
    """A title pattern that suddenly takes every course for a qualification must not empty the catalogue."""
    pipeline.ingest(feed, PROVIDER, feed_bytes([course("C1"), course("C2")], provider_id=PROVIDER))
    run = pipeline.ingest(feed, PROVIDER, feed_bytes([degree("C1"), degree("C2")], provider_id=PROVIDER))
    assert run.outcome is RunOutcome.HELD and sorted(run.held_withdrawals) == ["C1", "C2"]
    assert set(statuses(instance).values()) == {CourseStatus.ACTIVE}
    assert {q["course"] for q in present_run(run)["qualifications"]} == {
        "held: withdrawn from the catalogue when an administrator confirms the run's withdrawals"}
