"""Real feeds through the whole pipeline, checked as a consortium's registry officer checks a new member: each
real XCRI-CAP sample (``../shared/data/xcri-cap``, written by others) registered under its provider's
identifiers, harvested over HTTP into the real database and index, first without a mapping profile and then
with the profile written for it from what the first run reported. How many are listed, how many quarantined
and why (in plain words), no course lost, every unmapped value named with the profile line that maps it, and
a second harvest of the same bytes that changes nothing.

Then feeds written here in the shapes real members publish that the samples do not show: a university that
identifies itself only by its web address and an internal code, with its own points scheme (levels 1, 2, 3,
M; CATS points) and JACS, LDCS and free-text subjects; UTF-16 and ISO-8859-1 documents with non-ASCII
titles; a further-education college whose courses carry no credit. (Several providers in one document:
tests/harvester/test_provider_identity.py and the aggregator tests.)
"""

from __future__ import annotations

import codecs
import html
import importlib.util
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import func, select

from directory.catalogue import service as catalogue
from directory.catalogue.listing import required_reason
from directory.catalogue.models import Course, CourseStatus, CourseVersion
from directory.search.query import Filters, SearchQuery
from harvester import check, mapping, pipeline, registry
from harvester.environment import harvest_environment
from harvester.formats import Record, xcri_cap
from harvester.models import RunOutcome
from harvester.web.schemas import present_quarantine_record
from tests.clock import TODAY
from tests.shared import shared_path


@dataclass(frozen=True)
class Member:
    """A sample's provider as the consortium registers it, what the first run must report, and the profile
    its registry team writes from that report."""

    provider_id: str
    name: str
    aliases: tuple[str, ...]
    # (field, value, count) of every unmapped value the first run reports
    unmapped: tuple[tuple[str, str | None, int], ...]
    profile: str
    # course id -> the fields that keep it out of the catalogue once the profile is set; every other course
    # of the document is listed
    quarantined: dict[str, set[str]] = field(default_factory=dict)
    # course ids the harvester recognises as whole qualifications: neither listed nor quarantined, offered to
    # the awards register (harvester.qualifications)
    qualifications: frozenset[str] = frozenset()


# None of the three samples publishes learning outcomes: expected by the listing policy, not required, so
# their courses list once the profile maps what they carry; what keeps the rest out is said in plain words.
MEMBERS = {
    "ou-example.xml": Member(
        "10007773", "The Open University", ("http://www.open.ac.uk/",),
        # Its one record in the university's own points is the degree, which is offered to the awards register
        # (where the offer names the profile line its credit needs), not sorted as a course.
        unmapped=(),
        profile="""
            [credit_schemes."The Open University"]
            system = "CATS"
            factor = 1
            [credit_schemes."The Open University".levels]
            "1" = { framework = "FHEQ", value = 4 }
            "2" = { framework = "FHEQ", value = 5 }
            "3" = { framework = "FHEQ", value = 6 }
        """,
        # The BA (Honours) History is a whole degree (360 points, no level of its own): not a course.
        # Its module A174 publishes no learning outcomes: listed all the same (expected, not required).
        quarantined={},
        qualifications=frozenset({"B01"}),
    ),
    "oxford-moxie-xcri.xml": Member(
        # Two divisions of the university publish in one document; both are the member's.
        "10007774", "University of Oxford",
        ("http://oxpoints.oucs.ox.ac.uk/id/PROVIDER", "http://oxpoints.oucs.ox.ac.uk/id/23233551"),
        unmapped=(("subjects", "Graduate Training", 3), ("subjects", "Not Graduate Training", 1)),
        profile="""
            [subjects]
            "Graduate Training" = "100962"   # research skills
            [defaults]
            language = "en"
        """,
        # Graduate-training workshops: no credit and so no level.
        quarantined={cid: {"credit", "level"} for cid in ("9051", "9072", "9043")},
    ),
    "wychwolf-moodle.xml": Member(
        # A Moodle site with no UKPRN: the consortium gives it an id, its address is the alias.
        "10099801", "Wychwolf.com", ("http://www.wychwolf.com/moodle",),
        unmapped=(("subjects", "Webcomics", 1),),
        profile="""
            [subjects]
            "Webcomics" = "100062"   # illustration
        """,
        quarantined={"http://www.wychwolf.com/moodle/course/view.php?id=5": {"credit", "level"}},
    ),
}


def register(instance, httpserver, member: Member, path: str, fmt: str = "xcri-cap") -> None:
    with instance.sessions.begin() as session:
        registry.add_feed(session, registry.FeedSpec(member.provider_id, member.name, httpserver.url_for(path),
                                                     format=fmt, aliases=member.aliases), allow_private=True)


def serve(httpserver, path: str, body: bytes, content_type: str = "application/xml") -> None:
    httpserver.expect_request(path).respond_with_data(body, content_type=content_type)


def profile_of(text: str) -> mapping.MappingProfile:
    return mapping.parse_profile_text("\n".join(line.strip() for line in text.splitlines()), source="profile")


def document_ids(body: bytes) -> list[str | None]:
    return [item.id if isinstance(item, Record) else item.record_id for item in xcri_cap.parse(body).items]


def listed(instance, provider_id: str) -> set[str]:
    with instance.sessions() as session:
        return set(session.scalars(select(Course.course_id).where(Course.provider_id == provider_id,
                                                                  Course.status == CourseStatus.ACTIVE)))


def quarantine(instance, run) -> dict[str | None, dict]:
    with instance.sessions() as session:
        return {e.record_id: present_quarantine_record(e) for e in pipeline.run_quarantine(session, run.id)}


def problem_fields(record: dict) -> set[str]:
    return {p["field"] for p in record["problems"]}


def snapshot(instance, provider_id: str) -> tuple:
    """Everything a second harvest of the same bytes must leave as it was."""
    with instance.sessions() as session:
        versions = session.scalar(select(func.count()).select_from(CourseVersion)
                                  .join(Course, Course.pk == CourseVersion.course_pk)
                                  .where(Course.provider_id == provider_id))
        courses = session.execute(select(Course.course_id, Course.status, Course.current_version_id)
                                  .where(Course.provider_id == provider_id).order_by(Course.course_id)).all()
    return versions, courses


def counts(run) -> tuple:
    return run.seen, run.new + run.changed + run.unchanged, run.quarantined, run.marked_withdrawn


def assert_nothing_lost(instance, member: Member, body: bytes, run) -> None:
    """Every course of the document is either listed or quarantined with its reasons: none dropped."""
    ids = document_ids(body)
    assert run.seen == len(ids) and None not in ids
    held = quarantine(instance, run)
    awards = {q["id"] for q in run.qualifications}
    assert set(held) | listed(instance, member.provider_id) | awards == set(ids)
    assert not set(held) & listed(instance, member.provider_id)
    assert not awards & (set(held) | listed(instance, member.provider_id))
    assert run.seen == (run.new + run.changed + run.unchanged + run.quarantined + run.marked_withdrawn
                        + len(run.qualifications))


@pytest.mark.parametrize("name", sorted(MEMBERS))
def test_a_real_feed_is_onboarded_with_a_profile_written_from_its_first_report(name, instance, httpserver):
    member = MEMBERS[name]
    body = shared_path("data", "xcri-cap", name).read_bytes()
    register(instance, httpserver, member, "/xcri.xml")
    serve(httpserver, "/xcri.xml", body)
    env = harvest_environment(instance)

    first = pipeline.harvest(env, member.provider_id)
    assert first.outcome is RunOutcome.SUCCEEDED, first.errors
    assert_nothing_lost(instance, member, body, first)
    # Each value a profile could map, counted, with the feeds.toml line that maps it.
    assert [(u["field"], u["value"], u["count"]) for u in first.unmapped_values] == list(member.unmapped)
    for unmapped in first.unmapped_values:
        assert unmapped["profile_line"].startswith("[feed.mapping.")
        assert unmapped["examples"] and set(unmapped["examples"]) <= set(document_ids(body))
    with instance.sessions() as session:
        assert catalogue.get_provider(session, member.provider_id).name  # under the member's id, named
    for record in quarantine(instance, first).values():
        for problem in record["problems"]:  # the university's own scheme, quoted where it is refused
            if problem["field"] == "credit.scheme":
                assert problem["reason"].startswith(f"credit scheme {problem['value']!r} is not one the "
                                                    "directory knows")

    # The profile written from that report: re-sorts the kept document, no second fetch.
    fetched = len(httpserver.log)
    profiled = pipeline.change_profile(env, member.provider_id, profile_of(member.profile))
    assert len(httpserver.log) == fetched
    assert profiled.outcome is RunOutcome.SUCCEEDED and profiled.unmapped_values == []
    assert_nothing_lost(instance, member, body, profiled)
    held = quarantine(instance, profiled)
    assert {cid: problem_fields(record) for cid, record in held.items()} == member.quarantined
    assert {q["id"] for q in profiled.qualifications} == member.qualifications
    assert listed(instance, member.provider_id) == (set(document_ids(body)) - set(member.quarantined)
                                                    - member.qualifications)
    for record in held.values():
        assert record["title"]  # the officer sees which course, by its title
        for problem in record["problems"]:
            # A missing field is explained in words, not marshmallow's
            assert problem["reason"] == required_reason(problem["field"])
            assert problem["reason"].startswith("not listed: ")

    # The dry run of the same bytes under the same profile tells the same story, storing nothing.
    with instance.sessions() as session:
        dry = check.check_document(instance.vocab, body, profile=profile_of(member.profile),
                                   provider_id=member.provider_id, session=session, settings=instance.settings)
    assert dry.provider_ok is True
    assert (dry.seen, dry.listable, dry.quarantined) == (
        profiled.seen, profiled.seen - profiled.quarantined - len(profiled.qualifications), profiled.quarantined)
    assert {(p.course_id, p.field, p.reason) for p in dry.problems} == {
        (cid, p["field"], p["reason"]) for cid, record in held.items() for p in record["problems"]}

    # The same bytes again: nothing new, nothing changed, the same quarantine.
    before = snapshot(instance, member.provider_id)
    again = pipeline.harvest(env, member.provider_id)
    assert again.outcome is RunOutcome.SUCCEEDED and (again.new, again.changed, again.withdrawn) == (0, 0, 0)
    assert counts(again) == counts(profiled)
    assert snapshot(instance, member.provider_id) == before
    assert quarantine(instance, again).keys() == held.keys()
    assert again.unmapped_values == []


def test_a_real_feed_registered_without_aliases_fails_naming_its_identifiers_and_the_alias_command(
        instance, httpserver):
    member = MEMBERS["oxford-moxie-xcri.xml"]
    body = shared_path("data", "xcri-cap", "oxford-moxie-xcri.xml").read_bytes()
    register(instance, httpserver, Member("10007774", member.name, (), (), ""), "/xcri.xml")
    serve(httpserver, "/xcri.xml", body)
    run = pipeline.harvest(harvest_environment(instance), "10007774")
    assert run.outcome is RunOutcome.FAILED
    for identifier in ("http://oxpoints.oucs.ox.ac.uk/id/PROVIDER", "'5E00'", "'humdiv'",
                       "http://www.humanities.ox.ac.uk/"):
        assert identifier in run.errors[0]
    assert "`climbing-frame feeds alias 10007774 'http://oxpoints.oucs.ox.ac.uk/id/PROVIDER'`" in run.errors[0]
    assert listed(instance, "10007774") == set()


# --- a university in its own scheme, known only by its web address and internal code ----------------------

NAMESPACES = (
    'xmlns="http://xcri.org/profiles/1.2/catalog" xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:mlo="http://purl.org/net/mlo" xmlns:credit="http://purl.org/net/cm" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:courseDataProgramme="http://xcri.co.uk" '
    'xmlns:ng="https://www.northgate.ac.example/ns/"'
)
NORTHGATE = Member("10099902", "University of Northgate", ("NGU",), (), profile="""
    [credit_schemes."University of Northgate"]
    system = "CATS"
    factor = 1.0
    [credit_schemes."University of Northgate".levels]
    "1" = { framework = "FHEQ", value = 4 }
    "2" = { framework = "FHEQ", value = 5 }
    "3" = { framework = "FHEQ", value = 6 }
    "M" = { framework = "FHEQ", value = 7 }
    [subjects]
    "Local history" = "100308"
    [defaults]
    mode = ["online-asynchronous"]
    language = "en"
""")
SUBJECTS = [  # (subject element, CAH level 1 group it rolls up to)
    ('<dc:subject xsi:type="courseDataProgramme:JACS3" identifier="V100">History by period</dc:subject>', "CAH20"),
    ('<dc:subject xsi:type="courseDataProgramme:LDCS" identifier="KC.3">Creative writing</dc:subject>', "CAH19"),
    ("<dc:subject>Local history</dc:subject>", "CAH20"),
    ("<dc:subject>JACS 3.0: G400</dc:subject>", "CAH11"),
]
LEVELS = {"1": 4, "2": 5, "3": 6, "M": 7}


def northgate_course(n: int) -> str:
    level = list(LEVELS)[n % 4]
    presentation = ('<presentation><mlo:start dtf="2027-01-11"/><attendanceMode identifier="CM">Campus'
                    "</attendanceMode></presentation>") if n % 3 else ""  # every third: no presentation, no mode
    return (f"<course><dc:identifier>NG{n:02d}</dc:identifier><dc:title>Northgate module {n}</dc:title>"
            f"{SUBJECTS[n % 4][0]}<mlo:url>https://www.northgate.ac.example/modules/NG{n:02d}</mlo:url>"
            "<learningOutcome>Analyse a primary source.</learningOutcome>"
            f"<mlo:credit><credit:scheme>University of Northgate</credit:scheme><credit:level>{level}</credit:level>"
            f"<credit:value>{30 if n % 2 else 15}</credit:value></mlo:credit>{presentation}</course>")


def northgate_feed(count: int = 8) -> bytes:
    # No UKPRN: an internal code and the university's address identify it.
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<catalog {NAMESPACES}><provider>'
            '<dc:identifier xsi:type="ng:institution">NGU</dc:identifier>'
            "<dc:identifier>https://www.northgate.ac.example/</dc:identifier>"
            "<dc:title>University of Northgate</dc:title><mlo:url>https://www.northgate.ac.example/</mlo:url>"
            f"{''.join(northgate_course(n) for n in range(count))}</provider></catalog>").encode()


def search(instance, text: str = "", **filters):
    return instance.search.search(SearchQuery(text=text, filters=Filters(**filters), per_page=100, today=TODAY))


def test_a_university_scheme_with_levels_1_2_3_m_and_three_subject_vocabularies_is_listed_in_full(
        instance, httpserver, client):
    body = northgate_feed()
    register(instance, httpserver, NORTHGATE, "/ng.xml")
    serve(httpserver, "/ng.xml", body)
    env = harvest_environment(instance)
    first = pipeline.harvest(env, NORTHGATE.provider_id)
    assert first.outcome is RunOutcome.SUCCEEDED, first.errors  # the internal code, aliased, names the member
    assert (first.seen, first.new, first.quarantined) == (8, 0, 8)
    assert [(u["field"], u["value"], u["count"]) for u in first.unmapped_values] == [
        ("credit.scheme", "University of Northgate", 8), ("mode", None, 3), ("subjects", "Local history", 2)]

    run = pipeline.change_profile(env, NORTHGATE.provider_id, profile_of(NORTHGATE.profile))
    assert (run.seen, run.new, run.quarantined, run.unmapped_values) == (8, 8, 0, [])
    with instance.sessions() as session:
        for n in range(8):
            stored = catalogue.get_course(session, NORTHGATE.provider_id, f"NG{n:02d}").current_version.content
            points = 30 if n % 2 else 15
            assert stored["credit"] == {"value": points, "scheme": "CATS", "cats": points, "ects": points / 2}
            assert (stored["level"]["framework"], stored["level"]["value"]) == ("FHEQ", LEVELS[list(LEVELS)[n % 4]])
            assert stored["subjects"][0]["cah1"] == SUBJECTS[n % 4][1]
            assert stored["mode"] == (["on-campus"] if n % 3 else ["online-asynchronous"])
            assert stored["languages"] == ["en"]
    # Found under its level and subject facets: FHEQ 4 (level "1") and local history (CAH20).
    assert {hit.id for hit in search(instance, framework_level=("FHEQ-4",)).hits} == {
        f"{NORTHGATE.provider_id}/NG00", f"{NORTHGATE.provider_id}/NG04"}
    assert {hit.id for hit in search(instance, subject=("CAH20",)).hits} == {
        f"{NORTHGATE.provider_id}/NG{n:02d}" for n in (0, 2, 4, 6)}
    assert client.get(f"/api/v1/courses/{NORTHGATE.provider_id}/NG03").json["level"]["eqf"] == 7

    before = snapshot(instance, NORTHGATE.provider_id)
    again = pipeline.harvest(env, NORTHGATE.provider_id)
    assert (again.new, again.changed, again.unchanged, again.quarantined) == (0, 0, 8, 0)
    assert snapshot(instance, NORTHGATE.provider_id) == before


def test_a_document_naming_neither_a_member_id_nor_an_alias_names_both_its_identifiers(instance, httpserver):
    register(instance, httpserver, Member(NORTHGATE.provider_id, NORTHGATE.name, (), (), ""), "/ng.xml")
    serve(httpserver, "/ng.xml", northgate_feed(2))
    run = pipeline.harvest(harvest_environment(instance), NORTHGATE.provider_id)
    assert run.outcome is RunOutcome.FAILED
    assert "'NGU' (institution)" in run.errors[0] and "'https://www.northgate.ac.example/' (URL)" in run.errors[0]
    assert f"`climbing-frame feeds alias {NORTHGATE.provider_id} 'https://www.northgate.ac.example/'`" in run.errors[0]


# --- documents in UTF-16 and ISO-8859-1 -------------------------------------------------------------------

LATIN1_TITLES = ["Gàidhlig for Beginners", "Café Culture and Société", "Ångström-Scale Imaging", "Señor Quixote Reread"]
UTF16_TITLES = ["Cymraeg: Ŵyr ac Ŷd", "Gaeilge: Fáilte Isteach", "Ελληνική Αρχαιολογία", "Ancient Egyptian 𓂀 Signs"]


def encoded_feed(titles: list[str], encoding: str, bom: bytes = b"") -> bytes:
    courses = "".join(
        f"<course><dc:identifier>ENC-{n}</dc:identifier><dc:title>{title}</dc:title>"
        '<dc:subject identifier="100302">History</dc:subject>'
        f"<mlo:url>https://www.northgate.ac.example/enc/{n}</mlo:url>"
        f"<abstract>Taught by Ms Ó Súilleabháin: {title}.</abstract>"
        "<learningOutcome>Read a source in the original.</learningOutcome>"
        "<mlo:credit><credit:scheme>CATS</credit:scheme><credit:level>5</credit:level>"
        "<credit:value>15</credit:value></mlo:credit>"
        '<presentation><mlo:start dtf="2027-01-11"/><attendanceMode identifier="CM">Campus</attendanceMode>'
        "</presentation></course>" for n, title in enumerate(titles))
    text = (f'<?xml version="1.0" encoding="{encoding}"?>\n<catalog {NAMESPACES}><provider>'
            "<dc:identifier>10099902</dc:identifier><dc:title>University of Northgate</dc:title>"
            f"{courses}</provider></catalog>")
    return bom + text.encode(encoding.replace("UTF-16", "utf-16-le") if bom else encoding)


@pytest.mark.parametrize(("encoding", "bom", "titles"), [
    ("ISO-8859-1", b"", LATIN1_TITLES),
    ("UTF-16", codecs.BOM_UTF16_LE, UTF16_TITLES),
    ("UTF-16BE", b"", UTF16_TITLES),  # no byte order mark: the declaration and the bytes say it
], ids=["iso-8859-1", "utf-16-bom", "utf-16be"])
def test_non_ascii_titles_of_encoded_documents_come_out_right_in_store_index_and_pages(
        encoding, bom, titles, instance, httpserver, client):
    body = encoded_feed(titles, encoding, bom)
    assert titles[0].encode("utf-8") not in body  # really not UTF-8
    register(instance, httpserver, Member("10099902", "University of Northgate", (), (), ""), "/enc.xml")
    # The server's content type says nothing of the charset, as most do: the document's declaration rules.
    serve(httpserver, "/enc.xml", body, content_type="text/xml")
    run = pipeline.harvest(harvest_environment(instance), "10099902")
    assert (run.outcome, run.new, run.quarantined) == (RunOutcome.SUCCEEDED, len(titles), 0), run.errors
    with instance.sessions() as session:
        for n, title in enumerate(titles):
            stored = catalogue.get_course(session, "10099902", f"ENC-{n}").current_version.content
            assert stored["title"] == title
            assert stored["summary"] == f"Taught by Ms Ó Súilleabháin: {title}."
    for n, title in enumerate(titles):
        assert f"10099902/ENC-{n}" in {hit.id for hit in search(instance, title.split()[0].rstrip(":")).hits}
        page = client.get(f"/courses/10099902/ENC-{n}")
        assert page.status_code == 200 and title in page.get_data(as_text=True)
        assert client.get(f"/api/v1/courses/10099902/ENC-{n}").json["title"] == title
    again = pipeline.harvest(harvest_environment(instance), "10099902")
    assert (again.new, again.changed, again.unchanged) == (0, 0, len(titles))


def test_an_iso_8859_1_document_written_with_windows_quotes_and_dashes_keeps_them(instance, httpserver, client):
    # Windows tools label windows-1252 text ISO-8859-1: read as ISO-8859-1, bytes 0x93/0x94/0x96 would be
    # invisible control characters in the title.
    title = "The \u201cBig Society\u201d \u2013 Café Politics since 2010"
    body = encoded_feed([title], "windows-1252").replace(
        b'encoding="windows-1252"', b'encoding="ISO-8859-1"', 1)
    assert b"\x93Big Society\x94 \x96 Caf\xe9" in body
    register(instance, httpserver, Member("10099902", "University of Northgate", (), (), ""), "/enc.xml")
    serve(httpserver, "/enc.xml", body, content_type="text/xml")
    run = pipeline.harvest(harvest_environment(instance), "10099902")
    assert (run.new, run.quarantined) == (1, 0), run.errors
    assert any("read as windows-1252" in note for note in run.unmapped)  # said in the run report
    with instance.sessions() as session:
        assert catalogue.get_course(session, "10099902", "ENC-0").current_version.content["title"] == title
    assert title in client.get("/courses/10099902/ENC-0").get_data(as_text=True)


# --- further education: courses without credit --------------------------------------------------------------

def college_feed() -> bytes:
    def course(cid: str, title: str, subject: str, credit: str = "") -> str:
        return (f"<course><dc:identifier>{cid}</dc:identifier><dc:title>{title}</dc:title>"
                f'<dc:subject xsi:type="courseDataProgramme:LDCS" identifier="{subject}"/>'
                f"<mlo:url>https://www.wealdside.ac.example/courses/{cid}</mlo:url>"
                "<learningOutcome>Prepare a two-course meal to a professional standard.</learningOutcome>"
                "<mlo:level>Level 2</mlo:level>"
                f"{credit}"
                '<presentation><mlo:start dtf="2027-09-06"/><studyMode identifier="FT">Full time</studyMode>'
                '<attendanceMode identifier="CM">Campus</attendanceMode></presentation></course>')

    credit = ("<mlo:credit><credit:scheme>CATS</credit:scheme><credit:level>4</credit:level>"
              "<credit:value>15</credit:value></mlo:credit>")
    courses = (course("FE-CHEF-2", "Diploma in Professional Cookery (Level 2)", "NA.11")
               + course("FE-ESOL", "ESOL Entry 3", "FN.22")
               + course("HE-HNC-BUS", "HNC Business: Management Principles unit", "AA.1", credit))
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<catalog {NAMESPACES}><provider>'
            "<dc:identifier>10099903</dc:identifier><dc:title>Wealdside College</dc:title>"
            f"{courses}</provider></catalog>").encode()


def test_further_education_courses_without_credit_are_quarantined_saying_plainly_why(instance, httpserver):
    body = college_feed()
    member = Member("10099903", "Wealdside College", (), (), "")
    register(instance, httpserver, member, "/fe.xml")
    serve(httpserver, "/fe.xml", body)
    env = harvest_environment(instance)
    first = pipeline.harvest(env, "10099903")
    assert (first.outcome, first.seen, first.new, first.quarantined) == (RunOutcome.SUCCEEDED, 3, 1, 2), first.errors
    # "Level 2" names no framework: quoted, with the line that places it.
    (level,) = first.unmapped_values
    assert (level["field"], level["value"], level["count"]) == ("level", "Level 2", 2)
    assert level["profile_line"].startswith('[feed.mapping.levels] "Level 2" = ')
    reasons = {p["field"]: p["reason"] for p in quarantine(instance, first)["FE-ESOL"]["problems"]}
    assert "'RQF 2'" in reasons["level"] and reasons["credit"] == required_reason("credit")

    # With the level placed, what is left is what the college does not publish: credit, said plainly.
    run = pipeline.change_profile(env, "10099903", profile_of('[levels]\n"Level 2" = { framework = "RQF", value = 2 }'))
    assert (run.seen, run.new + run.unchanged, run.quarantined, run.unmapped_values) == (3, 1, 2, [])
    assert listed(instance, "10099903") == {"HE-HNC-BUS"}
    held = quarantine(instance, run)
    assert set(held) == {"FE-CHEF-2", "FE-ESOL"}
    for record in held.values():
        assert problem_fields(record) == {"credit"}
        assert record["reason"].startswith("not listed: the record carries no credit")
        assert "further-education" in record["reason"]
    assert held["FE-ESOL"]["title"] == "ESOL Entry 3"
    assert_nothing_lost(instance, member, body, run)


def test_a_real_course_whose_id_is_a_web_address_is_reachable_from_its_search_result(instance, httpserver, client):
    # The Moodle course, had it published outcomes and credit: its id is its address, query string and all.
    member = MEMBERS["wychwolf-moodle.xml"]
    body = shared_path("data", "xcri-cap", "wychwolf-moodle.xml").read_bytes().replace(
        b"<abstract>", b"<learningOutcome>Publish a webcomic.</learningOutcome><mlo:credit><credit:scheme>CATS"
                       b"</credit:scheme><credit:level>4</credit:level><credit:value>10</credit:value></mlo:credit>"
                       b"<abstract>", 1)
    register(instance, httpserver, member, "/xcri.xml")
    with instance.sessions.begin() as session:
        registry.set_mapping(session, member.provider_id, profile_of(member.profile))
    serve(httpserver, "/xcri.xml", body)
    run = pipeline.harvest(harvest_environment(instance), member.provider_id)
    assert (run.new, run.quarantined) == (1, 0), run.errors
    course_id = "http://www.wychwolf.com/moodle/course/view.php?id=5"
    results = client.get("/?q=webcomic").get_data(as_text=True)
    (link,) = set(re.findall(r'href="(/courses/[^"]+)"', results))
    page = client.get(html.unescape(link))
    assert page.status_code == 200 and "Creating a webcomic" in page.get_data(as_text=True)
    api = client.get(f"/api/v1/courses/{member.provider_id}/{quote(course_id, safe='')}")
    assert api.status_code == 200 and api.json["id"] == f"{member.provider_id}/{course_id}"


# --- the demo's onboarding member (config/demo/README.md) --------------------------------------------------

DEMO = Path(__file__).resolve().parents[2] / "config" / "demo"


def test_the_onboarding_member_is_generated_byte_for_byte_as_committed(tmp_path):
    spec = importlib.util.spec_from_file_location("make_onboarding_feed",
                                                  DEMO.parents[1] / "deploy" / "demo" / "make_onboarding_feed.py")
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    (tmp_path / "feeds.toml").write_text(DEMO.joinpath("feeds.toml").read_text(encoding="utf-8"), encoding="utf-8")
    generator.write(tmp_path)
    generator.write(tmp_path)  # again: the entry is replaced, not added twice
    for name in ("feeds/brackenfield.xml", "brackenfield-mapping.toml", "feeds.toml"):
        assert (tmp_path / name).read_bytes() == (DEMO / name).read_bytes(), name


def test_the_onboarding_members_dry_run_with_its_profile_file_is_its_harvest_under_feeds_toml(instance):
    body = (DEMO / "feeds" / "brackenfield.xml").read_bytes()
    (spec,) = [s for s in registry.read_feeds_file(DEMO / "feeds.toml", "http://127.0.0.1/", vocab=instance.vocab)
               if s.provider_id == "10099007"]
    profile = mapping.parse_profile_text((DEMO / "brackenfield-mapping.toml").read_text(encoding="utf-8"),
                                         source="brackenfield-mapping.toml", vocab=instance.vocab)
    assert profile.digest == spec.mapping.digest  # the file a member dry-runs with is the profile it goes live with
    assert set(spec.aliases) == {"https://www.brackenfield.ac.example/", "BRK"}
    bare = check.check_document(instance.vocab, body, settings=instance.settings)
    # Its degree and PGCert are whole qualifications, with or without the profile.
    assert (bare.seen, bare.listable, bare.quarantined, len(bare.qualifications)) == (25, 0, 23, 2)
    assert {(u["field"], u["value"]) for u in bare.unmapped} == {
        ("credit.scheme", "University of Brackenfield"), ("mode", None), ("subjects", "Local history"),
        ("subjects", "Archaeology"), ("level", "Level 2")}
    mapped = check.check_document(instance.vocab, body, profile=profile, settings=instance.settings)
    assert (mapped.seen, mapped.listable, mapped.quarantined, len(mapped.qualifications), mapped.unmapped) == (
        25, 22, 1, 2, [])
    assert {p.field for p in mapped.problems} == {"credit"}
    assert [(w["field"], w["count"]) for w in mapped.warnings if w["field"] == "learning_outcomes"] == [
        ("learning_outcomes", 8)]
