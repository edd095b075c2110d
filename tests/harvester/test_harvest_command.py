"""`climbing-frame harvest` exit status, as a monitor reads it: 0 every run succeeded, 1 a run failed (or a
feed could not be harvested), 3 a run is held for confirmation."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from climbing_frame.cli import main
from harvester.cli import HELD_EXIT_STATUS
from harvester.models import HarvestRun
from tests.conftest import TEST_DATABASE_URL
from tests.factories import course, feed_bytes


@pytest.fixture
def env(tmp_path, instance, monkeypatch):
    for key, value in {
        "CF_SETTINGS_FILE": str(tmp_path / "none.toml"),
        "CF_DATA_DIR": str(instance.settings.data_dir),
        "CF_DATABASE_URL": TEST_DATABASE_URL,
        "CF_HARVEST_ALLOW_PRIVATE": "1",
        "CF_HARVEST_RETRIES": "0",
        "CF_SECRET_KEY": "test",
        "CF_LOG_LEVEL": "WARNING",
    }.items():
        monkeypatch.setenv(key, value)


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def serve(httpserver, path: str, courses: list[dict], provider_id: str) -> None:
    httpserver.clear_all_handlers()
    httpserver.expect_request(path).respond_with_data(feed_bytes(courses, provider_id=provider_id))


def add(httpserver, provider_id: str, path: str) -> None:
    assert run("feeds", "add", "--provider-id", provider_id, "--name", f"U{provider_id}",
               "--url", httpserver.url_for(path)).exit_code == 0


def test_a_held_run_exits_3_and_says_what_waits(env, httpserver):
    assert HELD_EXIT_STATUS == 3
    add(httpserver, "10000001", "/a.json")
    serve(httpserver, "/a.json", [course(f"M{i}") for i in range(10)], "10000001")
    assert run("harvest").exit_code == 0
    serve(httpserver, "/a.json", [course("M0")], "10000001")
    held = run("harvest", "--json")
    assert held.exit_code == 3, held.output
    (report,) = json.loads(held.output[held.output.index("["):])
    assert report["outcome"] == "held" and len(report["held_withdrawals"]) == 9

    assert run("harvest", "confirm", str(report["id"])).exit_code == 0
    assert run("harvest").exit_code == 0  # nothing held any more: the same document is a plain success


def test_a_failure_outranks_a_held_run(env, httpserver):
    add(httpserver, "10000001", "/a.json")
    add(httpserver, "10000002", "/b.json")
    httpserver.expect_request("/a.json").respond_with_data(
        feed_bytes([course(f"M{i}") for i in range(4)], provider_id="10000001"))
    httpserver.expect_request("/b.json").respond_with_data(feed_bytes([course("B1")], provider_id="10000002"))
    assert run("harvest").exit_code == 0
    httpserver.clear_all_handlers()
    httpserver.expect_request("/a.json").respond_with_data(feed_bytes([], provider_id="10000001"))
    httpserver.expect_request("/b.json").respond_with_data("gone", status=410)
    result = run("harvest", "--json")
    assert result.exit_code == 1
    outcomes = sorted(r["outcome"] for r in json.loads(result.output[result.output.index("["):]))
    assert outcomes == ["failed", "held"]


def test_the_exit_statuses_are_in_the_help(env):
    text = " ".join(run("harvest", "--help").output.split())
    assert "0 every run succeeded" in text and "1 a run failed" in text and "3 no run failed, but a run is held" in text


def held_run(httpserver) -> dict:
    add(httpserver, "10000001", "/a.json")
    serve(httpserver, "/a.json", [course(f"M{i}") for i in range(10)], "10000001")
    assert run("harvest").exit_code == 0
    serve(httpserver, "/a.json", [course("M0")], "10000001")
    held = run("harvest", "--json")
    assert held.exit_code == 3, held.output
    (report,) = json.loads(held.output[held.output.index("["):])
    return report


def test_an_unchanged_feed_stays_held_and_the_held_run_can_be_confirmed(env, httpserver):
    held = held_run(httpserver)
    again = run("harvest", "--json")  # the same bytes: the hold stands, the exit status says so again
    assert again.exit_code == 3, again.output
    (report,) = json.loads(again.output[again.output.index("["):])
    assert report["outcome"] == "held" and report["held_run"] == held["id"] and report["counts"]["withdrawn"] == 0
    confirmed = run("harvest", "confirm", str(held["id"]))
    assert confirmed.exit_code == 0 and f"run {held['id']}: 9 courses withdrawn" in confirmed.output
    assert run("harvest").exit_code == 0


def test_harvest_reject_keeps_the_courses_and_is_recorded(env, instance, httpserver):
    held = held_run(httpserver)
    rejected = run("harvest", "reject", str(held["id"]))
    assert rejected.exit_code == 0 and "9 courses stay active" in rejected.output
    assert run("harvest").exit_code == 0
    report = json.loads(run("harvest", "report", "--feed", "10000001", "--json").output)
    assert report["outcome"] == "succeeded" and report["held_run"] == held["id"]
    assert report["counts"]["withdrawn"] == 0 and "withdrawals were rejected" in report["errors"][0]
    with instance.sessions() as session:
        assert session.get(HarvestRun, held["id"]).withdrawals_rejected is not None
    again = CliRunner().invoke(main, ["harvest", "confirm", str(held["id"])])
    assert again.exit_code == 1 and "rejected" in again.output
