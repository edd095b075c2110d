"""``climbing-frame audit verify`` after a workflow done over HTTP: the chain verifies, and an edited
event makes the command fail naming it."""

from __future__ import annotations

from click.testing import CliRunner
from sqlalchemy import text

from directory.cli import main
from tests.exchange.web.conftest import person
from tests.exchange.web.test_api import active_agreement, submitted
from tests.test_cli import env  # noqa: F401  (the fixture: CF_* variables pointing at the test database)


def verify():
    return CliRunner().invoke(main, ["audit", "verify"], catch_exceptions=False)


def test_the_audit_chain_of_a_web_workflow_verifies_until_an_event_is_edited(app, instance, members, env):  # noqa: F811
    active_agreement(app, instance, members)
    request = submitted(app, instance, members, 0)
    person(app, instance, members.home_staff).post(
        f"/api/v1/transfer-requests/{request['id']}/decision", json={"action": "accept"},
        headers={"If-Match": str(request["version"])})
    result = verify()
    assert result.exit_code == 0, result.output
    assert "audit chain verified" in result.output
    with instance.sessions.begin() as session:
        session.execute(text("UPDATE exchange_audit SET actor = 'user:999' WHERE seq = 3"))
    broken = verify()
    assert broken.exit_code == 1
    assert "broken at event 3" in broken.output
