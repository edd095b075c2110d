"""Registering a feed creates (or names) its member's organisation, so a member whose first harvest fails
can still be given staff accounts and API clients."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from climbing_frame.cli import main
from directory.catalogue.models import Provider
from directory.identity.models import Organisation
from tests.conftest import TEST_DATABASE_URL

A = "10000001"


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


def organisations(instance) -> dict[str, str]:
    with instance.sessions() as session:
        return {o.id: o.name for o in session.query(Organisation)}


def test_a_member_whose_first_run_failed_can_be_given_an_api_client(env, instance, httpserver):
    added = run("feeds", "add", "--provider-id", A, "--name", "University of Testing",
                "--url", httpserver.url_for("/feed.json"))
    assert added.exit_code == 0, added.output
    httpserver.expect_request("/feed.json").respond_with_data("down for maintenance", status=503)
    harvested = run("harvest", "--json")
    assert harvested.exit_code == 1
    (report,) = json.loads(harvested.output[harvested.output.index("["):])
    assert report["outcome"] == "failed"

    made = run("clients", "create", "--org", A, "--scopes", "catalogue:publish", "--json")
    assert made.exit_code == 0, made.output
    assert set(json.loads(made.output)) == {"client_id", "client_secret"}
    assert organisations(instance) == {A: "University of Testing"}
    with instance.sessions() as session:
        assert session.get(Provider, A).name == "University of Testing"


def test_feeds_sync_creates_organisations_and_names_existing_ones_without_renaming(env, instance, tmp_path):
    assert run("orgs", "add", "--provider-id", "10000002", "--name", "Northgate (as the consortium calls it)"
               ).exit_code == 0
    feeds_file = tmp_path / "feeds.toml"
    feeds_file.write_text(
        '[[feed]]\nprovider_id = "10000001"\nname = "University of Testing"\nurl = "https://a.example.org/f.json"\n'
        '[[feed]]\nprovider_id = "10000002"\nname = "University of Northgate"\nurl = "https://b.example.org/f.json"\n',
        encoding="utf-8")
    synced = run("feeds", "sync", "--file", str(feeds_file))
    assert synced.exit_code == 0, synced.output
    assert organisations(instance) == {"10000001": "University of Testing",
                                       "10000002": "Northgate (as the consortium calls it)"}
    assert run("users", "create", "--email", "s@a.example.org", "--role", "staff", "--org", "10000001").exit_code == 0
