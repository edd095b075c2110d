"""Completeness is scored on the record as it is stored: the awarding-body default (a provider awards its
own micro-credentials unless the feed names another body) counts as the awarding body it is."""

from __future__ import annotations

from pathlib import Path

from directory.catalogue import service as catalogue
from harvester import pipeline, registry
from harvester.environment import harvest_environment
from harvester.models import RunOutcome

# A real-shaped XCRI-CAP document whose course names no awarding body (no mlo:qualification/awardedBy).
XCRI = Path(__file__).resolve().parent / "data" / "xcri" / "scottish-latin1.xml"
PROVIDER = "10007790"


def test_an_xcri_record_stored_with_the_default_awarding_body_is_not_reported_missing_it(instance, httpserver):
    assert b"awardedBy" not in XCRI.read_bytes()
    with instance.sessions.begin() as session:
        registry.add_feed(session, registry.FeedSpec(PROVIDER, "University of Glenaird",
                                                     httpserver.url_for("/xcri.xml"), format="xcri-cap"),
                          allow_private=True)
    httpserver.expect_request("/xcri.xml").respond_with_data(XCRI.read_bytes(), content_type="application/xml")
    run = pipeline.harvest(harvest_environment(instance), PROVIDER)
    assert run.outcome is RunOutcome.SUCCEEDED and run.new >= 1

    with instance.sessions() as session:
        stored = catalogue.get_course(session, PROVIDER, "GLA-GD-11").current_version
        assert stored.content["awarding_body"] == {"id": None, "name": "University of Glenaird"}
        assert "awarding_body" not in stored.missing
    assert all("awarding_body" not in entry["missing"] for entry in run.incomplete)
