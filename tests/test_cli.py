"""The climbing-frame command, as an operator uses it: real settings from the environment, a real database,
feeds served over local HTTP."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from climbing_frame.cli import main
from tests.conftest import TEST_DATABASE_URL
from tests.factories import course, feed_bytes

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def env(tmp_path, instance, monkeypatch):
    """CF_* variables pointing the command at the test's database and data directory."""
    values = {
        "CF_SETTINGS_FILE": str(tmp_path / "none.toml"),
        "CF_DATA_DIR": str(instance.settings.data_dir),
        "CF_DATABASE_URL": TEST_DATABASE_URL,
        "CF_HARVEST_ALLOW_PRIVATE": "1",
        "CF_HARVEST_RETRIES": "0",
        "CF_SECRET_KEY": "test",
        "CF_LOG_LEVEL": "WARNING",
    }
    for key, value in values.items():
        monkeypatch.setenv(key, value)
    return values


def run(*args: str):
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result


def test_feeds_add_list_harvest_report_remove(env, httpserver):
    httpserver.expect_request("/f.json").respond_with_data(feed_bytes([course("A1"), course("A2")]))
    added = run("feeds", "add", "--provider-id", "10000001", "--name", "University of Testing",
                "--url", httpserver.url_for("/f.json"), "--every", "2h")
    assert added.exit_code == 0, added.output
    listed = json.loads(run("feeds", "list", "--json").output)
    assert listed == [{"id": "10000001", "provider_id": "10000001", "aggregator": False,
                       "name": "University of Testing", "url": httpserver.url_for("/f.json"),
                       "format": "native", "every_seconds": 7200, "enabled": True, "aliases": []}]

    harvested = run("harvest", "--feed", "10000001", "--json")
    assert harvested.exit_code == 0, harvested.output
    report = json.loads(run("harvest", "report", "--feed", "10000001", "--json").output)
    assert report["outcome"] == "succeeded" and report["counts"]["new"] == 2
    assert set(report) >= {"feed", "provider_id", "started", "finished", "http_status", "counts", "errors"}

    assert run("feeds", "remove", "10000001").exit_code == 0
    assert json.loads(run("feeds", "list", "--json").output) == []


def test_a_failed_harvest_exits_non_zero_with_the_reason(env, httpserver):
    httpserver.expect_request("/f.json").respond_with_data("nope", status=404)
    run("feeds", "add", "--provider-id", "10000001", "--name", "U", "--url", httpserver.url_for("/f.json"))
    result = run("harvest")
    assert result.exit_code == 1
    assert "HTTP 404" in result.output


def test_bad_input_is_a_clear_error_not_a_trace(env):
    result = run("feeds", "add", "--provider-id", "1", "--name", "U", "--url", "http://x.example/f", "--every", "5s")
    assert result.exit_code != 0 and "shorter than a minute" in result.output
    assert "Traceback" not in result.output
    assert run("harvest", "confirm", "999").exit_code != 0


def test_private_feed_urls_are_refused_by_default(env, monkeypatch):
    monkeypatch.setenv("CF_HARVEST_ALLOW_PRIVATE", "0")
    result = run("feeds", "add", "--provider-id", "1", "--name", "U", "--url", "http://127.0.0.1:8080/f.json")
    assert result.exit_code != 0 and "refused" in result.output


def test_parallel_harvest_gives_the_same_catalogue(env, httpserver):
    for provider in ("10000001", "10000002", "10000003"):
        httpserver.expect_request(f"/{provider}.json").respond_with_data(
            feed_bytes([course(f"{provider}-{i}") for i in range(5)], provider_id=provider))
        run("feeds", "add", "--provider-id", provider, "--name", f"U{provider}",
            "--url", httpserver.url_for(f"/{provider}.json"))
    result = run("harvest", "--jobs", "2", "--json")
    assert result.exit_code == 0, result.output
    reports = json.loads(result.output[result.output.index("["):])
    assert sorted(r["counts"]["new"] for r in reports) == [5, 5, 5]


def test_the_command_works_from_any_directory(env, tmp_path):
    environment = {**os.environ, **env}
    result = subprocess.run([sys.executable, "-m", "climbing_frame.cli", "db", "current"], cwd=tmp_path,
                            env=environment | {"PYTHONPATH": str(ROOT)}, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()


def test_a_bad_setting_is_one_line_naming_it_not_a_trace(env, tmp_path):
    environment = {**os.environ, **env, "CF_SEARCH_BACKEND": "bogus", "PYTHONPATH": str(ROOT)}

    def command(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "climbing_frame.cli", *args], cwd=tmp_path,
                              env=environment, capture_output=True, text=True, timeout=60)

    failed, helped = command("db", "current"), command("--help")
    assert failed.returncode != 0
    assert helped.returncode == 0  # the help still lists every command it can
    for result in (failed, helped):
        assert "Traceback" not in result.stderr
        assert "setting search_backend (CF_SEARCH_BACKEND): must be one of tantivy, elasticsearch" in result.stderr


def test_settings_lists_every_setting(env):
    output = run("settings").output
    for name in ("CF_DATA_DIR", "CF_DATABASE_URL", "CF_SEARCH_BACKEND", "CF_SECRET_KEY", "CF_HARVEST_ALLOW_PRIVATE"):
        assert name in output


def test_the_demo_sets_up_and_harvests_the_demo_consortium(env):
    result = run("demo", "--no-serve", "--feeds-port", "0")
    assert result.exit_code == 0, result.output
    report = run("harvest", "report", "--json").output
    runs = json.loads(report[report.index("["):])
    assert len(runs) == 7 and all(r["outcome"] == "succeeded" for r in runs)
    assert sum(r["counts"]["new"] for r in runs) >= 320
    assert "overlaps brought up to date" in result.output
    assert "exchange: 2 awards, agreements in force: 1" in result.output
    # The onboarding member (config/demo/README.md): its document names it only by its address and code
    # (aliased), and its profile maps its own points scheme, levels, free-text subjects and a default mode.
    # Listed: its 22 modules (8 publish no learning outcomes: expected, so a warning, not a quarantine); its 2
    # whole qualifications are offered to the awards register; left out: the further-education course, which
    # carries no credit.
    (brackenfield,) = [r for r in runs if r["feed"] == "10099007"]
    assert brackenfield["counts"]["seen"] == 25 and brackenfield["unmapped"] == []
    assert (brackenfield["counts"]["new"], brackenfield["counts"]["quarantined"],
            brackenfield["counts"]["qualifications"]) == (22, 1, 2)
    reasons = {q["course_id"]: {p["field"] for p in q["problems"]} for q in brackenfield["quarantine"]}
    assert reasons == {"BRK-CE-GCSE-ENG": {"credit"}}
    (outcomes,) = [w for w in brackenfield["warnings"] if w["field"] == "learning_outcomes"]
    assert outcomes["count"] == 8


def test_the_demo_has_awards_and_an_agreement_in_force_a_learner_can_ask_credit_under(env, instance, monkeypatch):
    """config/demo/exchange.toml: a Northmoor course asked for at Wychbury is covered by the agreement."""
    monkeypatch.setenv("CF_SECRET_KEY", instance.settings.secret_key)  # one audit key: the demo's and this test's
    from datetime import date

    from sqlalchemy import select

    from directory.catalogue.models import Course, CourseVersion
    from directory.db import utcnow
    from directory.identity.identity import OPERATOR, Identity, Role
    from exchange.agreements import service as agreements
    from exchange.agreements.models import AgreementState
    from exchange.agreements.rules import Purpose
    from exchange.awards import list_awards
    from exchange.requests import service as transfer_requests
    from tests.auth import add_user

    for _ in range(2):  # a second run registers nothing twice
        result = run("demo", "--no-serve", "--feeds-port", "0")
        assert result.exit_code == 0, result.output
    with instance.sessions.begin() as session:
        in_force = agreements.list_agreements(session, OPERATOR, state=AgreementState.ACTIVE)
        assert len(in_force) == 1
        assert [a.code for a in list_awards(session, "10099001")] == ["WYC-MSC-PP"]
        assert [a.code for a in list_awards(session, "10099002")] == ["NMU-MSC-AHP"]
    learner = add_user(instance, "learner@example.org", Role.LEARNER)
    with instance.sessions.begin() as session:
        version = session.scalars(select(CourseVersion).join(Course, Course.current_version_id == CourseVersion.id)
                                  .where(Course.provider_id == "10099002", Course.course_id == "NMU-NU701")).one()
        draft = transfer_requests.RequestDraft("10099001", "WYC-MSC-PP", Purpose.ADVANCED_STANDING, (
            transfer_requests.AchievementClaim(awarded_on=date(2026, 6, 1), course_version_id=version.id,
                                               content_hash=version.content_hash),))
        submitted = transfer_requests.submit(session, Identity(user_id=learner.id, role=Role.LEARNER), draft,
                                             today=utcnow().date(), now=utcnow())
        assert "covered by" in json.dumps(submitted.request.assessment), submitted.request.assessment


def test_a_demo_run_again_fills_a_search_index_made_anew(env, instance):
    assert run("demo", "--no-serve", "--feeds-port", "0").exit_code == 0
    index_dir = instance.settings.index_dir
    # An index of an older schema (its folder says 0): it serves until the start rebuilds it.
    live = (index_dir / "CURRENT").read_text()
    older = "0-" + live.split("-", 1)[1]
    (index_dir / live).rename(index_dir / older)
    (index_dir / "CURRENT").write_text(older)
    result = run("demo", "--no-serve", "--feeds-port", "0")
    assert result.exit_code == 0, result.output
    assert "the search index was built for index schema 0" in result.output
    assert not (index_dir / older).exists()
    from directory.search.tantivy_backend import TantivyBackend

    assert TantivyBackend(index_dir, instance.vocab).count() >= 320


# --- harvest report: the quarantined records, and output that is not a terminal (issue 12) ---------------

LONG_NAME = "The University of Testing, Continuing and Professional Education Centre (Micro-credentials)"
RUN_HEADERS = ["run", "feed", "outcome", "http", "seen", "new", "changed", "unchanged", "withdrawn", "quarantined",
               "complete"]


def test_harvest_report_gives_the_quarantined_records_and_why(env, httpserver):
    bad = [course(f"B{i:02}", mode=[]) for i in range(23)]
    httpserver.expect_request("/f.json").respond_with_data(
        feed_bytes([course("A1"), course("U1", url="javascript:alert(1)"), *bad]))
    run("feeds", "add", "--provider-id", "10000001", "--name", "U", "--url", httpserver.url_for("/f.json"))
    assert run("harvest").exit_code == 0
    report = json.loads(run("harvest", "report", "--feed", "10000001", "--json").output)
    assert report["counts"]["quarantined"] == 24 and len(report["quarantine"]) == 24
    first = report["quarantine"][0]
    assert first["run_id"] == report["id"] and first["record_id"] == first["course_id"] == "U1"
    assert (first["title"], first["field"], first["value"]) == ("Applied topic U1", "url", "javascript:alert(1)")
    assert first["reason"] and first["problems"][0]["value"] == "javascript:alert(1)"
    assert {"id", "feed", "provider_id", "problems", "excerpt", "created"} <= set(first)  # the API's entry
    assert [(q["course_id"], q["field"], q["value"]) for q in report["quarantine"][1:3]] == [
        ("B00", "mode", []), ("B01", "mode", [])]
    listed = json.loads(run("harvest", "report", "--json").output)
    assert [r["quarantine"] for r in listed] == [report["quarantine"]]

    plain = run("harvest", "report").output
    assert "run 1): 24 records quarantined" in plain
    assert "U1 'Applied topic U1': url = \"javascript:alert(1)\": " + first["reason"] in plain
    assert "B00 'Applied topic B00': mode = []: " in plain and "B18 " in plain and "B19 " not in plain
    assert "... and 4 more (all of them: climbing-frame harvest report --feed 10000001 --json)" in plain


def test_tables_are_not_cut_when_the_output_is_not_a_terminal(env, httpserver):
    url = httpserver.url_for("/a/long/path/to/the/university/catalogue/feed/for/continuing/education.json")
    httpserver.expect_request("/a/long/path/to/the/university/catalogue/feed/for/continuing/education.json") \
        .respond_with_data(feed_bytes([course("A1"), course("BAD", mode=[])]))
    assert run("feeds", "add", "--provider-id", "10000001", "--name", LONG_NAME, "--url", url,
               "--every", "1d").exit_code == 0
    lines = run("feeds", "list").output.splitlines()
    assert [line.split("\t") for line in lines] == [["id", "member", "name", "format", "every", "url", "aliases"],
                                                     ["10000001", "10000001", LONG_NAME, "native", "1440 min", url,
                                                      ""]]
    for output in (run("harvest").output, run("harvest", "report").output):
        rows = [line.split("\t") for line in output.splitlines() if "\t" in line]
        assert rows[0] == RUN_HEADERS
        assert dict(zip(RUN_HEADERS, rows[1], strict=True)) | {"run": "?"} == {
            "run": "?", "feed": "10000001", "outcome": "succeeded", "http": "200", "seen": "2", "new": rows[1][5],
            "changed": "0", "unchanged": rows[1][7], "withdrawn": "0", "quarantined": "1", "complete": rows[1][10]}
    assert "…" not in run("harvest", "report").output


def test_feed_aliases_from_the_command_line_and_the_feeds_file(env, httpserver, tmp_path):
    web = "http://www.example.ac.uk/"
    httpserver.expect_request("/f.json").respond_with_data(feed_bytes([course("A1")], provider_id=web))
    url = httpserver.url_for("/f.json")
    assert run("feeds", "add", "--provider-id", "10099123", "--name", "Example University", "--url", url,
               "--alias", "EXU-01").exit_code == 0
    failed = json.loads(run("harvest", "--feed", "10099123", "--json").output)[0]
    assert failed["outcome"] == "failed"
    assert f"identified as '{web}'" in failed["errors"][0]
    assert f"`climbing-frame feeds alias 10099123 '{web}'`" in failed["errors"][0]

    aliased = run("feeds", "alias", "10099123", web)
    assert aliased.exit_code == 0 and aliased.output.strip() == f"feed 10099123 aliases: EXU-01 {web}"
    assert json.loads(run("feeds", "list", "--json").output)[0]["aliases"] == ["EXU-01", web]
    assert json.loads(run("harvest", "--feed", "10099123", "--json").output)[0]["outcome"] == "succeeded"
    assert run("feeds", "alias", "nobody", web).exit_code == 1

    # The feeds file adds identifiers too, and refuses one another member already has.
    feeds = tmp_path / "feeds.toml"
    feeds.write_text(f'[[feed]]\nprovider_id = "10099123"\nname = "Example University"\nurl = "{url}"\n'
                     'aliases = ["https://www.example.ac.uk", "UK EXAMPLE01"]\n'
                     f'[[feed]]\nprovider_id = "10000002"\nname = "Other"\nurl = "{url}"\n', encoding="utf-8")
    assert run("feeds", "sync", "--file", str(feeds)).exit_code == 0
    listed = {f["id"]: f["aliases"] for f in json.loads(run("feeds", "list", "--json").output)}
    assert listed == {"10099123": ["EXU-01", web, "UK EXAMPLE01"], "10000002": []}
    feeds.write_text(f'[[feed]]\nprovider_id = "10000002"\nname = "Other"\nurl = "{url}"\n'
                     f'aliases = ["{web}"]\n', encoding="utf-8")
    refused = run("feeds", "sync", "--file", str(feeds))
    assert refused.exit_code == 1 and "already an identifier of member '10099123'" in refused.output
    shown = json.loads(run("feeds", "show", "10099123", "--json").output)
    assert shown["aliases"] == [{"value": "EXU-01", "scheme": "internal"}, {"value": web, "scheme": "URL"},
                                {"value": "UK EXAMPLE01", "scheme": "Erasmus"}]
    plain = run("feeds", "show", "10099123").output
    assert f"  {web} (URL)" in plain and "provider_id: 10099123" in plain
    assert run("feeds", "show", "nobody").exit_code == 1
    assert run("feeds", "add", "--provider-id", web, "--name", "W", "--url", url).exit_code == 1


def test_a_member_with_two_feeds_and_an_aggregator_from_the_command_line_and_the_feeds_file(env, httpserver,
                                                                                             tmp_path):
    httpserver.expect_request("/sis.json").respond_with_data(feed_bytes([course("S1"), course("S2")]))
    httpserver.expect_request("/vle.json").respond_with_data(feed_bytes([course("V1")]))
    sis, vle = httpserver.url_for("/sis.json"), httpserver.url_for("/vle.json")
    added = run("feeds", "add", "--provider-id", "10000001", "--name", "University of Testing", "--url", sis)
    assert added.exit_code == 0 and "feed 10000001 of member 10000001 added" in added.output
    second = run("feeds", "add", "--provider-id", "10000001", "--name", "University of Testing", "--url", vle)
    assert second.exit_code == 1
    assert "member '10000001' has a feed already (10000001): give its other feed an id of its own (--id FEED_ID" \
        in second.output
    assert run("feeds", "add", "--provider-id", "10000001", "--id", "testing-vle", "--name", "University of Testing",
               "--url", vle).exit_code == 0

    listed = json.loads(run("feeds", "list", "--json").output)
    assert [(f["id"], f["provider_id"], f["aggregator"]) for f in listed] == \
        [("10000001", "10000001", False), ("testing-vle", "10000001", False)]
    plain = [line.split("\t") for line in run("feeds", "list").output.splitlines()]
    assert plain[0][:2] == ["id", "member"] and plain[2][:2] == ["testing-vle", "10000001"]
    shown = run("feeds", "show", "testing-vle").output
    assert "provider_id: 10000001" in shown and "member's other feeds: 10000001" in shown

    report = json.loads(run("harvest", "--feed", "testing-vle", "--json").output)[0]
    assert report["feed"] == "testing-vle" and report["counts"]["new"] == 1
    report = json.loads(run("harvest", "--feed", "10000001", "--json").output)[0]
    assert report["counts"]["new"] == 2 and report["counts"]["withdrawn"] == 0

    # The feeds file names a feed by its id, and marks an aggregator's.
    feeds = tmp_path / "feeds.toml"
    feeds.write_text(f'[[feed]]\nid = "testing-vle"\nprovider_id = "10000001"\nname = "Testing VLE"\nurl = "{vle}"\n'
                     f'[[feed]]\nid = "federation"\nprovider_id = "10000099"\nname = "The Federation"\n'
                     f'url = "{sis}"\nformat = "xcri-cap"\naggregator = true\n', encoding="utf-8")
    assert run("feeds", "sync", "--file", str(feeds)).exit_code == 0
    shown = json.loads(run("feeds", "show", "federation", "--json").output)
    assert (shown["provider_id"], shown["aggregator"]) == ("10000099", True)
    assert json.loads(run("feeds", "show", "testing-vle", "--json").output)["name"] == "Testing VLE"
    assert "10000099 (aggregator)" in run("feeds", "list").output
    # A feed file entry without an id for a member whose feeds all have other ids is refused, saying why.
    feeds.write_text(f'[[feed]]\nprovider_id = "10000099"\nname = "The Federation"\nurl = "{sis}"\n', encoding="utf-8")
    refused = run("feeds", "sync", "--file", str(feeds))
    assert refused.exit_code == 1 and "member '10000099' has a feed already (federation)" in refused.output
