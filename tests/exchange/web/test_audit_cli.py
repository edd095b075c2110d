"""``climbing-frame audit verify`` after a workflow done over HTTP: the chain verifies (exit 0); an edited
event, events removed from the end or a different key make it fail (exit 1) naming the problem; without
a key it cannot check (exit 2). ``audit seal`` signs a chain written before the upgrade, once."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from climbing_frame.cli import main
from climbing_frame.migrate import downgrade, upgrade
from tests.exchange.tampering import as_owner
from tests.exchange.test_audit import write_legacy
from tests.exchange.web.conftest import person
from tests.exchange.web.test_api import active_agreement, submitted
from tests.test_cli import env  # noqa: F401  (the fixture: CF_* variables pointing at the test database)


def run(*args):
    return CliRunner().invoke(main, ["audit", *args], catch_exceptions=False)


@pytest.fixture
def workflow(app, instance, members, env, monkeypatch):  # noqa: F811
    """An agreement and an accepted request, audited under the instance's key, which the command shares."""
    monkeypatch.setenv("CF_SECRET_KEY", instance.settings.secret_key)
    active_agreement(app, instance, members)
    request = submitted(app, instance, members, 0)
    person(app, instance, members.home_staff).post(
        f"/api/v1/transfer-requests/{request['id']}/decision", json={"action": "accept"},
        headers={"If-Match": str(request["version"])})


def test_the_audit_chain_of_a_web_workflow_verifies_until_an_event_is_edited(workflow, instance):
    result = run("verify")
    assert result.exit_code == 0, result.output
    assert "audit chain verified" in result.output
    with as_owner(instance.sessions) as session:
        session.execute(text("UPDATE exchange_audit SET actor = 'user:999' WHERE seq = 3"))
    broken = run("verify")
    assert broken.exit_code == 1
    assert "broken at event 3" in broken.output


def test_events_removed_from_the_end_fail_the_command_without_an_expected_head(workflow, instance):
    with instance.sessions() as session:
        last = session.scalar(text("SELECT max(seq) FROM exchange_audit"))
    with as_owner(instance.sessions) as session:
        session.execute(text("DELETE FROM exchange_audit WHERE seq = :last"), {"last": last})
    broken = run("verify")
    assert broken.exit_code == 1
    assert f"broken at event {last}" in broken.output
    assert "removed" in broken.output


def test_an_expected_head_that_is_not_the_chains_fails_the_command(workflow):
    assert run("verify", "--expected-head", "f" * 64).exit_code == 1


def test_another_key_fails_the_command_and_no_key_cannot_check(workflow, monkeypatch):
    monkeypatch.setenv("CF_AUDIT_KEY", "a key this chain was not written with")
    other = run("verify")
    assert other.exit_code == 1
    assert "different audit key" in other.output
    monkeypatch.setenv("CF_AUDIT_KEY", "")
    monkeypatch.setenv("CF_SECRET_KEY", "")
    keyless = run("verify")
    assert keyless.exit_code == 2
    assert "CF_AUDIT_KEY" in keyless.output


def test_seal_has_nothing_to_do_on_a_keyed_chain(workflow):
    result = run("seal")
    assert result.exit_code == 1
    assert "nothing to seal" in result.output
    assert run("verify").exit_code == 0


def test_a_chain_from_before_the_upgrade_verifies_once_sealed(instance, env, monkeypatch):  # noqa: F811
    monkeypatch.setenv("CF_SECRET_KEY", instance.settings.secret_key)
    downgrade(instance.engine, "0006_exchange_web")
    try:
        with instance.sessions.begin() as session:
            write_legacy(session, 2)
        upgrade(instance.engine)
        unsealed = run("verify")
        assert unsealed.exit_code == 1
        assert "climbing-frame audit seal" in unsealed.output
        sealed = run("seal")
        assert sealed.exit_code == 0, sealed.output
        assert "2 events written before the upgrade" in sealed.output
        assert run("verify").exit_code == 0
    finally:
        upgrade(instance.engine)  # leave the shared database as the suite found it
