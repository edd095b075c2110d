"""Aggregator documents (a federation's XCRI-CAP feed listing several providers), through the real pipeline on
real local HTTP: each provider's courses go to the member that owns it, under that member's id, remembered
as this feed's; a provider outside the consortium is reported with its identifiers, course count and the
alias command, not imported; withdrawal touches only courses this feed listed last; an ordinary feed still
refuses another member's courses."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from sqlalchemy import select
from werkzeug import Response

from climbing_frame.cli import main
from directory.catalogue.models import Course
from directory.identity import organisations
from harvester import check, pipeline, registry
from harvester.environment import harvest_environment
from harvester.models import RunOutcome
from tests.conftest import TEST_DATABASE_URL
from tests.factories import course, feed_bytes

FEDERATION = "10000099"  # the member that runs the aggregator
NORTH = "10000011"  # a member named in the document by its UKPRN
SOUTH = "10000022"  # a member named in the document by its web address only (an alias)
SOUTH_WEB = "https://www.south.example.ac.uk/"
STRANGER_WEB = "https://www.elsewhere.example.org/"

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<catalog xmlns="http://xcri.org/profiles/1.2/catalog" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
         xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:credit="http://purl.org/net/cm"
         xmlns:mlo="http://purl.org/net/mlo" xmlns:courseDataProgramme="http://xcri.co.uk">
"""


def xcri_course(course_id: str, title: str | None = None) -> str:
    return f"""    <course>
      <dc:identifier>{course_id}</dc:identifier>
      <dc:title>{title or "Applied topic " + course_id}</dc:title>
      <dc:subject xsi:type="courseDataProgramme:HECoS" identifier="100647">Public policy</dc:subject>
      <mlo:url>https://courses.example.ac.uk/{course_id}</mlo:url>
      <abstract>A short course for professionals.</abstract>
      <learningOutcome>Explain the main approaches
Apply them at work</learningOutcome>
      <mlo:credit><credit:scheme>CATS</credit:scheme><credit:level>FHEQ Level 7</credit:level>
        <credit:value>15</credit:value></mlo:credit>
      <presentation><mlo:start dtf="2027-01-11"/>
        <attendanceMode identifier="DS">Distance without attendance</attendanceMode></presentation>
    </course>
"""


def provider(identifiers: list[str], name: str, course_ids: list[str]) -> str:
    ids = "".join(f"    <dc:identifier>{i}</dc:identifier>\n" for i in identifiers)
    return f"  <provider>\n{ids}    <dc:title>{name}</dc:title>\n" + "".join(map(xcri_course, course_ids)) + \
        "  </provider>\n"


def document(north=("N1", "N2"), south=("S1", "S2"), stranger=("E1", "E2", "E3")) -> bytes:
    parts = [provider([NORTH], "University of the North", list(north)) if north is not None else "",
             provider([SOUTH_WEB], "South University", list(south)) if south is not None else "",
             provider([STRANGER_WEB, "ELSE-01"], "Elsewhere College", list(stranger)) if stranger is not None else ""]
    return (HEAD + "".join(parts) + "</catalog>\n").encode()


@pytest.fixture
def serve(httpserver):
    served: dict[str, bytes] = {}

    def handler(request):
        return Response(served[request.path], content_type="application/xml")

    def set_document(path: str, body: bytes) -> None:
        if path not in served:
            httpserver.expect_request(path).respond_with_handler(handler)
        served[path] = body

    return set_document


@pytest.fixture
def consortium(instance, httpserver):
    """The federation's aggregator feed, North's own native feed, and South known by its web address."""
    with instance.sessions.begin() as session:
        registry.add_feed(session, registry.FeedSpec(FEDERATION, "The Federation", httpserver.url_for("/fed.xml"),
                                                     format="xcri-cap", id="federation", aggregator=True),
                          allow_private=True)
        registry.add_feed(session, registry.FeedSpec(NORTH, "University of the North",
                                                     httpserver.url_for("/north.json")), allow_private=True)
        organisations.ensure_for_feed(session, SOUTH, "South University")
        organisations.add_identifier(session, SOUTH, SOUTH_WEB)
    return instance


def stored(instance) -> dict[tuple[str, str], tuple[str, str | None]]:
    with instance.sessions() as session:
        return {(c.provider_id, c.course_id): (c.status.value, c.feed_id) for c in session.scalars(select(Course))}


def harvest(instance, feed_id):
    run = pipeline.harvest(harvest_environment(instance), feed_id)
    assert run.outcome is not RunOutcome.FAILED, run.errors
    return run


def test_each_providers_courses_go_to_its_member_and_strangers_are_reported_not_imported(consortium, serve):
    serve("/north.json", feed_bytes([course("OWN1")], provider_id=NORTH))
    harvest(consortium, NORTH)
    serve("/fed.xml", document())
    run = harvest(consortium, "federation")

    assert run.outcome is RunOutcome.SUCCEEDED
    assert (run.seen, run.new, run.quarantined, run.not_imported) == (7, 4, 0, 3)
    assert run.new + run.changed + run.unchanged + run.quarantined + run.not_imported == run.seen
    assert stored(consortium) == {
        (NORTH, "OWN1"): ("active", NORTH),
        (NORTH, "N1"): ("active", "federation"), (NORTH, "N2"): ("active", "federation"),
        (SOUTH, "S1"): ("active", "federation"), (SOUTH, "S2"): ("active", "federation"),
    }
    assert run.outsiders == [{"name": "Elsewhere College", "identifiers": [STRANGER_WEB, "ELSE-01"], "courses": 3,
                              "command": f"climbing-frame feeds alias FEED '{STRANGER_WEB}'  "
                                         "(FEED: a feed of the member this provider is)"}]

    # The same document again changes nothing, and repeats the report.
    before = stored(consortium)
    again = harvest(consortium, "federation")
    assert (again.new, again.changed, again.withdrawn, again.unchanged, again.not_imported) == (0, 0, 0, 4, 3)
    assert again.outsiders == run.outsiders and stored(consortium) == before


def test_a_member_dropped_from_the_document_loses_only_the_courses_this_feed_listed(consortium, serve):
    serve("/north.json", feed_bytes([course("OWN1")], provider_id=NORTH))
    harvest(consortium, NORTH)
    serve("/fed.xml", document(north=("N1", "N2", "N3", "N4", "N5"), south=("S1",)))
    harvest(consortium, "federation")

    serve("/fed.xml", document(north=("N1", "N2", "N3", "N4", "N5"), south=None))  # South leaves the federation
    run = harvest(consortium, "federation")
    assert run.outcome is RunOutcome.SUCCEEDED and run.withdrawn == 1
    assert stored(consortium)[(SOUTH, "S1")] == ("withdrawn", "federation")
    assert stored(consortium)[(NORTH, "OWN1")] == ("active", NORTH)  # North's own feed's: not this feed's

    # Most of the feed's courses go at once: held, across members, until confirmed.
    serve("/fed.xml", document(north=("N1",), south=("S1",)))
    run = harvest(consortium, "federation")
    assert run.outcome is RunOutcome.HELD and run.held_elsewhere == {NORTH: ["N2", "N3", "N4", "N5"]}
    assert run.held_withdrawals == [] and stored(consortium)[(SOUTH, "S1")] == ("active", "federation")
    pipeline.confirm_withdrawals(harvest_environment(consortium), run.id)
    assert stored(consortium)[(NORTH, "N2")] == ("withdrawn", "federation")
    assert stored(consortium)[(NORTH, "N1")] == ("active", "federation")
    assert stored(consortium)[(NORTH, "OWN1")] == ("active", NORTH)


def test_an_ordinary_feed_still_refuses_another_members_courses(consortium, serve):
    with consortium.sessions.begin() as session:
        registry.update_feed(session, registry.FeedSpec(FEDERATION, "The Federation", registry.get_feed(
            session, "federation").url, format="xcri-cap", id="federation"), allow_private=True)
    serve("/fed.xml", document())
    run = pipeline.harvest(harvest_environment(consortium), "federation")
    assert run.outcome is RunOutcome.FAILED
    assert f"which is member '{NORTH}'" in run.errors[0] and "--aggregator" in run.errors[0]
    assert stored(consortium) == {}


def test_the_dry_run_of_an_aggregator_document_reports_as_the_harvest_does(consortium):
    with consortium.readers() as session:
        found = check.check_document(consortium.vocab, document(), session=session, provider_id=FEDERATION,
                                     settings=consortium.settings, aggregator=True)
    assert (found.seen, found.listable, found.quarantined, found.not_imported) == (7, 4, 0, 3)
    assert found.outsiders[0]["name"] == "Elsewhere College" and found.outsiders[0]["courses"] == 3
    assert found.as_dict()["counts"]["not_imported"] == 3


def test_feeds_check_aggregator_prints_what_is_not_imported_and_the_command_that_would_admit_it(
        consortium, tmp_path, monkeypatch):
    for key, value in {"CF_SETTINGS_FILE": str(tmp_path / "none.toml"), "CF_DATA_DIR": str(consortium.settings.data_dir),
                       "CF_DATABASE_URL": TEST_DATABASE_URL, "CF_SECRET_KEY": "test", "CF_LOG_LEVEL": "WARNING"}.items():
        monkeypatch.setenv(key, value)
    source = tmp_path / "fed.xml"
    source.write_bytes(document())
    result = CliRunner().invoke(main, ["feeds", "check", str(source), "--aggregator", "--provider-id", FEDERATION],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "seen 7, listable 4, quarantined 0, not imported 3" in result.output
    assert (f"not imported: 3 courses of 'Elsewhere College', a provider outside the consortium (identifiers: "
            f"{STRANGER_WEB}, ELSE-01); to admit it as a member's: climbing-frame feeds alias FEED '{STRANGER_WEB}'"
            in result.output)
    as_json = CliRunner().invoke(main, ["feeds", "check", str(source), "--aggregator", "--json"])
    report = json.loads(as_json.output[as_json.output.index("{"):])
    assert report["counts"]["not_imported"] == 3 and report["outsiders"][0]["identifiers"] == [STRANGER_WEB, "ELSE-01"]
