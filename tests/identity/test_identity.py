"""The one Identity every service takes: scopes for machines, staff permissions for people, the learner's
id, the audit name, and a view's narrowing to the scope it requires."""

from __future__ import annotations

import pytest

from directory.errors import Forbidden
from directory.identity.identity import ANONYMOUS, OPERATOR, Identity, Permission, Role

HOME = "10000001"
CLIENT = Identity(org_id=HOME, client_id="sis", scopes=frozenset({"transfers:read", "transfers:decide"}))
STAFF = Identity(user_id=7, org_id=HOME, role=Role.STAFF, permissions=frozenset({Permission.TRANSFERS}))


def test_a_person_is_allowed_a_scope_by_its_staff_permission_and_a_machine_by_its_token():
    assert STAFF.allows("transfers:read") and STAFF.allows("transfers:decide")
    assert not STAFF.allows("agreements:read")
    reader = CLIENT.only("transfers:read")
    assert reader.allows("transfers:read") and not reader.allows("transfers:decide")
    assert reader.allows_any("transfers:read", "transfers:decide")
    with pytest.raises(Forbidden):
        reader.check("transfers:decide", HOME)


def test_a_view_narrows_a_machine_to_its_scope_and_leaves_a_person_as_they_are():
    assert CLIENT.only(None).scopes == frozenset()
    assert CLIENT.only("agreements:read").scopes == frozenset()
    assert STAFF.only("transfers:read") is STAFF


def test_only_a_signed_in_learner_has_a_learner_id():
    assert Identity(user_id=5, role=Role.LEARNER).require_learner() == 5
    for other in (STAFF, CLIENT, OPERATOR, ANONYMOUS):
        with pytest.raises(Forbidden, match="only a signed-in learner"):
            other.require_learner()


def test_the_audit_log_names_clients_people_and_the_operator():
    assert [who.actor for who in (CLIENT, STAFF, OPERATOR, ANONYMOUS)] == [
        "client:sis", "user:7", "operator", "anonymous"]
