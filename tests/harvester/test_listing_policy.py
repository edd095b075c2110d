"""The listing policy end to end: a harvest over a real HTTP server, database and index, the run report,
the course page, the API and search; the consortium's settings and a member's profile."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from climbing_frame.app import make_instance
from climbing_frame.cli import main
from directory.catalogue.models import Course, CourseStatus
from directory.errors import SettingsError
from directory.search.query import Filters, SearchQuery
from harvester import pipeline, registry
from harvester.environment import harvest_environment
from harvester.models import QuarantineEntry
from harvester.web.schemas import present_run
from tests.clock import TODAY
from tests.conftest import make_settings
from tests.factories import course, feed_bytes

PROVIDER = "10000001"


@pytest.fixture
def feed(instance, httpserver):
    with instance.sessions.begin() as session:
        registry.add_feed(session, registry.FeedSpec(PROVIDER, "University of Testing",
                                                     httpserver.url_for("/feed.json")), allow_private=True)
    httpserver.expect_request("/feed.json").respond_with_data(
        feed_bytes([course("A1"), course("NO-LO", learning_outcomes=[], title="Bookbinding without outcomes"),
                    course("NO-COST", cost=None)]), content_type="application/json")
    return PROVIDER


def active_ids(instance) -> list[str]:
    with instance.sessions() as session:
        return sorted(session.scalars(select(Course.course_id).where(Course.status == CourseStatus.ACTIVE)))


def test_a_course_missing_only_expected_fields_is_listed_with_warnings(instance, feed):
    run = pipeline.harvest(harvest_environment(instance), feed)
    assert (run.new, run.quarantined) == (3, 0)
    assert active_ids(instance) == ["A1", "NO-COST", "NO-LO"]
    warnings = present_run(run)["warnings"]
    assert [(w["field"], w["count"], w["examples"]) for w in warnings] == [
        ("learning_outcomes", 1, ["NO-LO"]), ("cost", 1, ["NO-COST"])]
    assert warnings[0]["reason"] == "learning outcomes: expected by the listing policy, not published"
    # The same document again (unchanged records are not validated again): the same warnings.
    again = pipeline.harvest(harvest_environment(instance), feed)
    assert again.unchanged == 3 and again.warnings == run.warnings


def test_a_listed_course_without_outcomes_renders_and_is_searchable(instance, feed, client):
    pipeline.harvest(harvest_environment(instance), feed)
    page = client.get(f"/courses/{PROVIDER}/NO-LO")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Bookbinding without outcomes" in text
    structured = text.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert json.loads(structured)["teaches"] == []
    api = client.get(f"/api/v1/courses/{PROVIDER}/NO-LO")
    assert api.status_code == 200 and api.get_json()["learning_outcomes"] == []
    hits = instance.search.search(SearchQuery(text="bookbinding", filters=Filters(), per_page=10, today=TODAY)).hits
    assert [hit.id for hit in hits] == [f"{PROVIDER}/NO-LO"]


def test_the_consortium_may_require_an_expected_field_and_stored_feeds_are_sorted_again(instance, feed, tmp_path):
    pipeline.harvest(harvest_environment(instance), feed)
    strict = make_instance(make_settings(tmp_path, listing_required=[
        "id", "title", "url", "credit", "level", "subjects", "mode", "learning_outcomes"]))
    try:
        # The same bytes: sorted again all the same, because the policy is part of what records are hashed with.
        run = pipeline.harvest(harvest_environment(strict), feed)
        assert (run.quarantined, run.withdrawn) == (1, 0)
        with strict.sessions() as session:
            entry = session.scalar(select(QuarantineEntry).where(QuarantineEntry.run_id == run.id))
        assert (entry.record_id, entry.field) == ("NO-LO", "learning_outcomes")
        assert entry.reason == "learning outcomes are required to list a course here (listing policy)"
        assert entry.problems[0]["value"] == []  # the bad value as the feed gave it
        # Required now, not expected: no longer among the warnings.
        assert [w["field"] for w in run.warnings] == ["cost"]
    finally:
        strict.close()


@pytest.mark.parametrize("required, message", [
    (["id", "title", "url", "credit", "level", "subjects", "mode", "outcomes"], "unknown field 'outcomes'"),
    (["id", "title", "url", "level", "subjects", "mode"], "must keep credit"),
])
def test_a_policy_naming_an_unknown_field_or_dropping_a_floor_field_is_refused_at_startup(tmp_path, required, message):
    with pytest.raises(SettingsError, match=message):
        make_settings(tmp_path, listing_required=required)


def test_the_policy_comes_from_the_environment_like_every_setting(tmp_path):
    from directory import settings as settings_module

    loaded = settings_module.load(environ={
        "CF_SETTINGS_FILE": str(tmp_path / "none.toml"),
        "CF_LISTING_REQUIRED": "id,title,url,credit,level,subjects,mode,learning_outcomes"})
    assert "learning_outcomes" in loaded.listing_required
    assert "learning_outcomes" not in loaded.listing_expected_only and loaded.listing_expected_only[0] == "summary"
    with pytest.raises(SettingsError, match="CF_LISTING_EXPECTED.*unknown field 'fees'"):
        settings_module.load(environ={"CF_SETTINGS_FILE": str(tmp_path / "none.toml"), "CF_LISTING_EXPECTED": "fees"})


def test_harvest_report_json_has_the_warnings(instance, feed, settings, monkeypatch):
    pipeline.harvest(harvest_environment(instance), feed)
    monkeypatch.setenv("CF_SETTINGS_FILE", str(settings.data_dir / "none.toml"))
    for key, value in (("CF_DATA_DIR", str(settings.data_dir)), ("CF_DATABASE_URL", settings.database_url),
                       ("CF_CLOCK_START", settings.clock_start)):
        monkeypatch.setenv(key, value)
    result = CliRunner().invoke(main, ["harvest", "report", "--feed", PROVIDER, "--json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    report = json.loads(result.output[result.output.index("{"):])
    assert [w["field"] for w in report["warnings"]] == ["learning_outcomes", "cost"]


def test_the_course_page_says_which_expected_fields_the_provider_has_not_published_yet(instance, feed, client):
    pipeline.harvest(harvest_environment(instance), feed)
    text = " ".join(client.get(f"/courses/{PROVIDER}/NO-LO").get_data(as_text=True).split())
    assert "Learning outcomes: not published by University of Testing yet." in text
    assert "What you will be able to do</h2> <p class=\"not-published\">Learning outcomes" in text
    assert "Cost: not published" not in text  # NO-LO publishes its cost
    cost = " ".join(client.get(f"/courses/{PROVIDER}/NO-COST").get_data(as_text=True).split())
    assert "Cost: not published by University of Testing yet." in cost and "Learning outcomes: not published" not in cost
    full = client.get(f"/courses/{PROVIDER}/A1").get_data(as_text=True)
    assert "not published by" not in full
