"""Every web address we store or link to is http(s) (issue 11, finding 1: a member's feed could put a
``javascript:`` provider link on its provider page).

One rule (``directory.urls``) checks every URL field of every format and form when it comes in; a feed's
bad value is quarantined with its field, its value and the reason. The same rule guards the pages: a bad
value already in the database (written directly here) is never rendered into an ``href``.
"""

from __future__ import annotations

import json
import re

import pytest
from marshmallow import ValidationError
from sqlalchemy import select

from directory.catalogue import service as catalogue
from directory.catalogue.models import Course, CourseVersion, Provider
from directory.identity.schema import OrganisationSignInIn
from directory.pathways.models import Pathway
from directory.urls import is_web_url, safe_url, url_refusal
from exchange.web.schemas import WebhookIn
from harvester import pipeline, registry
from harvester.environment import harvest_environment
from harvester.formats import native, xcri_cap
from harvester.formats.base import Rejection
from tests.auth import add_client, add_org, bearer_token
from tests.factories import course, feed_bytes, feed_document

A = "10000001"
BAD = [
    "javascript:alert(1)", "JavaScript:alert(1)", " javascript:alert(1)", "java\tscript:alert(1)",
    "java\nscript:alert(1)", "\x01javascript:alert(1)", "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)", "file:///etc/passwd", "//evil.example/", "/relative/path", "www.example.ac.uk",
    "http://", "https:///path", "http:/example.org", "https://exa mple.org/", "",
]
GOOD = ["https://www.example.ac.uk/", "http://127.0.0.1:5000/feed.json", "HTTPS://WWW.EXAMPLE.AC.UK/x?y=1#z",
        "https://[2001:db8::1]/a"]
HREFS = re.compile(r'(?:href|src|action)="([^"]*)"')


@pytest.mark.parametrize("value", BAD)
def test_the_rule_refuses_what_is_not_an_absolute_web_address(value):
    assert not is_web_url(value)
    assert url_refusal(value) is not None and repr(value)[:40] in url_refusal(value)


@pytest.mark.parametrize("value", GOOD)
def test_the_rule_accepts_http_and_https_addresses(value):
    assert is_web_url(value) and url_refusal(value) is None and safe_url(value) == value


@pytest.mark.parametrize("value", [v for v in BAD if v != "/relative/path"])
def test_a_page_never_links_to_a_refused_address(value):
    assert safe_url(value) == ""


def test_a_page_may_link_to_a_path_of_this_site():
    assert safe_url("/exchange/requests/new?course=1") == "/exchange/requests/new?course=1"
    assert safe_url("//evil.example/") == "" and safe_url("/\\evil.example/") == ""


# --- coming in --------------------------------------------------------------------------------------------


def _publish(app, instance, body: bytes):
    add_org(instance, A, "University of Testing")
    client, _ = add_client(instance, A, "catalogue:publish")
    token = bearer_token(instance, client)
    return app.test_client().put(f"/api/v1/providers/{A}/catalogue", data=body, content_type="application/json",
                                 headers={"Authorization": f"Bearer {token}"})


def test_a_published_provider_url_that_is_not_http_is_quarantined_and_never_linked(app, instance, client):
    document = feed_document([course("A1")], provider_id=A)
    document["provider"]["url"] = "javascript:alert(document.cookie)"
    response = _publish(app, instance, json.dumps(document).encode())
    assert response.status_code == 200, response.json
    assert response.json["counts"]["new"] == 1  # the rest of the feed goes on

    with instance.readers() as session:
        assert session.get(Provider, A).url is None
    quarantine = client.get(f"/api/v1/harvest/quarantine?feed={A}",
                            headers=_publisher_headers(instance)).json["results"]
    entry = next(e for e in quarantine if e["field"] == "provider.url")
    assert "javascript:alert(document.cookie)" in entry["reason"] and "not a web address" in entry["reason"]
    assert "javascript:alert(document.cookie)" in entry["excerpt"]

    page = client.get(f"/providers/{A}").get_data(as_text=True)
    assert "javascript:" not in page


def _publisher_headers(instance):
    client, _ = add_client(instance, A, "catalogue:publish")
    return {"Authorization": f"Bearer {bearer_token(instance, client)}"}


def test_the_native_adapter_keeps_a_good_provider_url_and_treats_blank_as_absent():
    good = native.parse(feed_bytes([], provider_id=A))
    assert good.provider.url == "https://www.example.ac.uk/" and list(good.items) == []
    document = feed_document([], provider_id=A)
    document["provider"]["url"] = "  "
    blank = native.parse(json.dumps(document).encode())
    assert blank.provider.url is None and list(blank.items) == []


@pytest.mark.parametrize("field", ["url", "apply_url"])
def test_a_course_url_that_is_not_http_is_quarantined_with_field_value_and_reason(instance, field):
    with instance.sessions.begin() as session:
        registry.add_feed(session, registry.FeedSpec(A, "University", None), allow_private=False)
    body = feed_bytes([course("A1"), course("A2", **{field: "javascript:alert(1)"})], provider_id=A)
    run = pipeline.ingest(harvest_environment(instance), A, body)
    assert run.new == 1 and run.quarantined == 1
    with instance.readers() as session:
        entry = pipeline.current_quarantine(session, A, 1, 10).results[0]
    assert (entry.record_id, entry.field) == ("A2", field)
    assert entry.reason == "'javascript:alert(1)' is not a web address (http or https): scheme javascript: is not http or https"


def test_a_pathway_url_that_is_not_http_is_quarantined(instance):
    with instance.sessions.begin() as session:
        registry.add_feed(session, registry.FeedSpec(A, "University", None), allow_private=False)
    route = {"id": "pg-x", "title": "Postgraduate Certificate in Testing", "url": "data:text/html,x",
             "level": {"framework": "FHEQ", "value": 7}, "total_credit": {"value": 15, "scheme": "CATS"},
             "rules": {"core": ["A1"]}}
    run = pipeline.ingest(harvest_environment(instance), A, feed_bytes([course("A1")], provider_id=A,
                                                                        pathways=[route]))
    with instance.readers() as session:
        entries = pipeline.current_quarantine(session, A, 1, 10).results
        assert session.scalar(select(Pathway).where(Pathway.id == "pg-x")) is None
    assert (run.quarantined, run.pathways_quarantined) == (0, 1)  # pathways are counted apart from courses
    assert (entries[0].field, entries[0].reason) == (
        "pathways[0].url", "'data:text/html,x' is not a web address (http or https): scheme data: is not http or https")


def test_xcri_takes_only_a_web_address_for_the_provider_and_apply_links():
    xml = b"""<?xml version="1.0" encoding="UTF-8"?>
<catalog xmlns="http://xcri.org/profiles/1.2/catalog" xmlns:dc="http://purl.org/dc/elements/1.1/"
         xmlns:mlo="http://purl.org/net/mlo">
  <provider>
    <dc:identifier>10000001</dc:identifier><dc:title>University of Testing</dc:title>
    <mlo:url>javascript:alert(1)</mlo:url><mlo:url>https://www.example.ac.uk/</mlo:url>
    <course><dc:identifier>X1</dc:identifier><dc:title>A course</dc:title>
      <mlo:url>https://www.example.ac.uk/x1</mlo:url>
      <presentation><dc:identifier>P1</dc:identifier><applyTo>javascript:alert(2)</applyTo></presentation>
    </course>
  </provider>
</catalog>"""
    document = xcri_cap.parse(xml)
    assert document.provider.url == "https://www.example.ac.uk/"
    record = next(item for item in document.items if not isinstance(item, Rejection))
    assert record.raw.get("apply_url") is None


@pytest.mark.parametrize("schema, data", [
    (WebhookIn, {"url": "javascript:alert(1)"}),
    (OrganisationSignInIn, {"issuer": "javascript:alert(1)", "client_id": "x"}),
])
def test_forms_and_api_bodies_refuse_addresses_that_are_not_http(schema, data):
    with pytest.raises(ValidationError, match="not a web address"):
        schema().load(data)


# --- going out: values already stored are never linked --------------------------------------------------


def test_stored_addresses_that_are_not_http_never_reach_an_href(instance, client):
    with instance.sessions.begin() as session:
        registry.add_feed(session, registry.FeedSpec(A, "University", None), allow_private=False)
    route = {"id": "pg-x", "title": "Postgraduate Certificate in Testing", "url": "https://www.example.ac.uk/pg",
             "level": {"framework": "FHEQ", "value": 7}, "total_credit": {"value": 15, "scheme": "CATS"},
             "rules": {"core": ["A1"]}}
    body = feed_bytes([course("A1", apply_url="https://www.example.ac.uk/apply")], provider_id=A, pathways=[route])
    assert pipeline.ingest(harvest_environment(instance), A, body).outcome.value == "succeeded"
    # As if written before the rule (or by a path around it): straight into the store.
    with instance.sessions.begin() as session:
        catalogue.upsert_provider(session, A, "University of Testing", url="javascript:alert('provider')")
        version = session.scalar(select(CourseVersion).join(Course, Course.current_version_id == CourseVersion.id)
                                 .where(Course.course_id == "A1"))
        version.content = {**version.content, "url": "JAVASCRIPT:alert('course')",
                           "apply_url": "data:text/html,<b>apply</b>"}
        pathway = session.scalar(select(Pathway).where(Pathway.id == "pg-x"))
        pathway.content = {**pathway.content, "url": "vbscript:msgbox('pathway')"}

    for path in (f"/providers/{A}", f"/courses/{A}/A1", "/pathways/pg-x"):
        page = client.get(path)
        assert page.status_code == 200, path
        links = HREFS.findall(page.get_data(as_text=True))
        assert not [link for link in links if re.match(r"(?i)\s*[a-z][a-z0-9+.-]*:", link)
                    and not is_web_url(link)], (path, links)
    # The links whose stored address was refused are left out, not pointed elsewhere.
    assert "website</a>" not in client.get(f"/providers/{A}").get_data(as_text=True)
    course_page = client.get(f"/courses/{A}/A1").get_data(as_text=True)
    assert "Course page at" not in course_page and ">Apply</a>" not in course_page
    assert "This pathway at" not in client.get("/pathways/pg-x").get_data(as_text=True)
