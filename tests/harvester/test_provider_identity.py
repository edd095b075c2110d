"""Provider identity through the real pipeline: a feed takes a document whose provider carries any identifier
of the feed's member, stores its courses under the member's id, and refuses a stranger's document saying
how to alias it."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from directory.catalogue import service as catalogue
from directory.catalogue.models import Course, Provider
from directory.errors import Conflict, Invalid
from directory.identity import organisations
from harvester import pipeline, registry
from harvester.environment import harvest_environment
from harvester.models import QuarantineEntry, RunOutcome
from tests.factories import course, feed_bytes
from tests.shared import shared_path

MEMBER = "10099123"
WEB = "http://www.example.ac.uk/"
OU_UKPRN = "10007773"
OU_WEB = "http://www.open.ac.uk/"


def add_feed(instance, httpserver, provider_id=MEMBER, aliases=(), path="/feed", format_name="native"):
    with instance.sessions.begin() as session:
        registry.add_feed(session, registry.FeedSpec(provider_id, "Example University", httpserver.url_for(path),
                                                     format=format_name, aliases=tuple(aliases)),
                          allow_private=True)


def serve(httpserver, body: bytes, path="/feed") -> None:
    httpserver.clear()
    httpserver.expect_request(path).respond_with_data(body)


def harvest(instance, feed_id=MEMBER):
    return pipeline.harvest(harvest_environment(instance), feed_id)


def stored_providers(instance) -> list[str]:
    with instance.sessions() as session:
        return sorted(set(session.scalars(select(Course.provider_id))))


def assert_ou_harvested_under_ukprn(instance, run) -> None:
    """Both OU records read and sorted under the member (the module publishes no learning outcomes, so today
    it waits in quarantine; the degree B01 is a qualification); the provider record is the member's, named by
    the document."""
    assert run.outcome is RunOutcome.SUCCEEDED, run.errors
    assert run.seen == 2 and run.new + run.quarantined + len(run.qualifications) == 2
    assert [q["id"] for q in run.qualifications] == ["B01"]
    with instance.sessions() as session:
        assert set(session.scalars(select(QuarantineEntry.provider_id))) <= {OU_UKPRN}
        assert session.scalar(select(func.count()).select_from(Provider)) == 1
        assert catalogue.get_provider(session, OU_UKPRN).name == "The Open University"
    assert set(stored_providers(instance)) <= {OU_UKPRN}


def test_a_document_naming_the_member_by_its_web_address_is_stored_under_the_member_id(instance, httpserver,
                                                                                       client):
    # Registered with the address in another spelling: scheme, host case and trailing slash do not matter.
    add_feed(instance, httpserver, aliases=["https://WWW.Example.ac.uk"])
    serve(httpserver, feed_bytes([course("A1"), course("A2")], provider_id=WEB))
    run = harvest(instance)
    assert run.outcome is RunOutcome.SUCCEEDED, run.errors
    assert run.new == 2 and stored_providers(instance) == [MEMBER]
    with instance.sessions() as session:
        assert session.get(Provider, WEB) is None
        assert catalogue.get_course(session, MEMBER, "A1").provider.name == "University of Testing"
    api = client.get(f"/api/v1/courses/{MEMBER}/A1")
    assert api.status_code == 200 and api.json["id"] == f"{MEMBER}/A1"
    assert client.get(f"/courses/{MEMBER}/A1").status_code == 200


def test_a_document_of_an_unknown_provider_names_its_identifiers_and_the_alias_command(instance, httpserver):
    add_feed(instance, httpserver)
    serve(httpserver, feed_bytes([course("A1")], provider_id=WEB))
    run = harvest(instance)
    assert run.outcome is RunOutcome.FAILED
    assert f"'{WEB}'" in run.errors[0] and "does not know" in run.errors[0]
    assert f"`climbing-frame feeds alias {MEMBER} '{WEB}'`" in run.errors[0]
    assert stored_providers(instance) == []
    # The command it names is the fix.
    with instance.sessions.begin() as session:
        registry.alias_feed(session, MEMBER, [WEB])
    assert harvest(instance).outcome is RunOutcome.SUCCEEDED and stored_providers(instance) == [MEMBER]


def test_a_document_of_another_member_is_refused_naming_that_member(instance, httpserver):
    add_feed(instance, httpserver)
    add_feed(instance, httpserver, provider_id="10000002", aliases=[WEB], path="/other")
    serve(httpserver, feed_bytes([course("A1")], provider_id=WEB))
    run = harvest(instance)
    assert run.outcome is RunOutcome.FAILED and "which is member '10000002'" in run.errors[0]
    assert stored_providers(instance) == []


def test_an_identifier_belongs_to_one_member_and_member_ids_are_not_web_addresses(instance, httpserver):
    add_feed(instance, httpserver, aliases=[WEB])
    with instance.sessions.begin() as session:
        organisations.add_identifier(session, MEMBER, "HTTPS://www.example.ac.uk")  # the same: nothing added
        assert [i.value for i in organisations.identifiers_of(session, MEMBER)] == [WEB]
        assert organisations.identifiers_of(session, MEMBER)[0].scheme == "URL"
    with pytest.raises(Conflict, match="already an identifier of member '10099123'"), \
            instance.sessions.begin() as session:
        registry.add_feed(session, registry.FeedSpec("10000002", "Other", httpserver.url_for("/o"),
                                                     aliases=("http://www.example.ac.uk",)), allow_private=True)
    with pytest.raises(Invalid, match="stable id such as its UKPRN"), instance.sessions.begin() as session:
        registry.add_feed(session, registry.FeedSpec(WEB, "Web", httpserver.url_for("/w")), allow_private=True)
    with instance.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Provider)) == 1


def test_the_open_university_sample_is_harvested_under_its_ukprn_with_its_address_as_alias(instance, httpserver):
    body = shared_path("data", "xcri-cap", "ou-example.xml").read_bytes()
    add_feed(instance, httpserver, provider_id=OU_UKPRN, aliases=[OU_WEB], format_name="xcri-cap")
    serve(httpserver, body)
    assert_ou_harvested_under_ukprn(instance, harvest(instance, OU_UKPRN))


def test_an_xcri_ukprn_identifier_among_others_names_the_member(instance, httpserver):
    body = shared_path("data", "xcri-cap", "ou-example.xml").read_bytes()
    # The document's first identifier is its address; a typed UKPRN follows (no alias registered).
    typed = body.replace(b"<dc:identifier>http://www.open.ac.uk/</dc:identifier>",
                         b"<dc:identifier>http://www.open.ac.uk/</dc:identifier>"
                         b'<dc:identifier xsi:type="courseDataProgramme:ukprn">10007773</dc:identifier>', 1)
    assert typed != body
    add_feed(instance, httpserver, provider_id=OU_UKPRN, format_name="xcri-cap")
    serve(httpserver, typed)
    assert_ou_harvested_under_ukprn(instance, harvest(instance, OU_UKPRN))


def test_an_internal_code_with_the_provider_url_as_alias_names_the_member(instance, httpserver):
    # No UKPRN, an internal code as identifier: the provider's url (aliased in another spelling) names it.
    body = shared_path("data", "xcri-cap", "ou-example.xml").read_bytes().replace(
        b"<dc:identifier>http://www.open.ac.uk/</dc:identifier>", b"<dc:identifier>OU-CAT-01</dc:identifier>", 1)
    add_feed(instance, httpserver, provider_id=OU_UKPRN, aliases=["https://www.open.ac.uk"], format_name="xcri-cap")
    serve(httpserver, body)
    assert_ou_harvested_under_ukprn(instance, harvest(instance, OU_UKPRN))
