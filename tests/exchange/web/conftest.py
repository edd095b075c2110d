"""The exchange over HTTP: members with courses and an award, and people signed in through real sessions
(their CSRF token sent as the browser's JavaScript would), or members' systems with bearer tokens."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace

import pytest

from directory.identity.identity import Permission, Role
from exchange.awards import AwardSpec, register_award
from tests.auth import ALL_PERMISSIONS, add_client, add_org, add_user, bearer_token, csrf_of, signed_in
from tests.exchange.conftest import ADMIN, HOME, OTHER, THIRD, add_course


@dataclass
class Caller:
    """A test client that sends its credentials with every call: a session's CSRF token or a bearer token."""

    client: object
    headers: dict

    def open(self, url, method="GET", headers=None, **kwargs):
        return self.client.open(url, method=method, headers={**self.headers, **(headers or {})}, **kwargs)

    def get(self, url, **kwargs):
        return self.open(url, "GET", **kwargs)

    def post(self, url, **kwargs):
        return self.open(url, "POST", **kwargs)

    def put(self, url, **kwargs):
        return self.open(url, "PUT", **kwargs)


def person(app, instance, user) -> Caller:
    client = signed_in(app, instance, user)
    return Caller(client, {"X-CSRFToken": csrf_of(client)})


def system(app, instance, org_id: str, scopes: str) -> Caller:
    client, _ = add_client(instance, org_id, scopes)
    return Caller(app.test_client(), {"Authorization": f"Bearer {bearer_token(instance, client)}"})


@pytest.fixture
def members(instance):
    """HOME (awarding an MSc), OTHER (three level-7 computing courses) and THIRD, with their people."""
    for org in (HOME, OTHER, THIRD):
        add_org(instance, org, f"University {org}")
    with instance.sessions.begin() as session:
        register_award(session, ADMIN, AwardSpec(HOME, "MSC-DS", "MSc Data Science", Decimal(180), 7))
        versions = [add_course(session, OTHER, f"C{n}") for n in range(1, 4)]
        versions = [(v.id, v.content_hash) for v in versions]
    transfers = frozenset({Permission.TRANSFERS})
    return SimpleNamespace(
        versions=versions,
        learner=add_user(instance, "learner@example.org", Role.LEARNER),
        other_learner=add_user(instance, "other@example.org", Role.LEARNER),
        home_staff=add_user(instance, "staff@home.example.org", Role.STAFF, HOME, ALL_PERMISSIONS),
        home_registry=add_user(instance, "registry@home.example.org", Role.STAFF, HOME, transfers),
        other_staff=add_user(instance, "staff@other.example.org", Role.STAFF, OTHER, ALL_PERMISSIONS),
        third_staff=add_user(instance, "staff@third.example.org", Role.STAFF, THIRD, ALL_PERMISSIONS),
        admin=add_user(instance, "admin@example.org", Role.ADMIN),
    )


def agreement_body(parties=(HOME, OTHER), **changes) -> dict:
    body = {
        "title": "Computing micro-credentials", "kind": "mutual_recognition", "parties": list(parties),
        "scope": {"cah_groups": ["CAH11-01"], "eqf_levels": [7]},
        "terms": {"recognition": "supports_application", "max_credit_per_learner": "60", "shelf_life_years": 5},
        "valid_from": "2026-01-01", "valid_until": "2029-12-31", "document_ref": "docs/agreement-1.pdf",
    }
    body.update(changes)
    return body


def request_body(members, *indexes, grade="70") -> dict:
    return {"target_org": HOME, "award_code": "MSC-DS", "purpose": "advanced_standing",
            "achievements": [{"awarded_on": "2025-06-01", "grade": grade, "evidence": f"cert-{i}",
                              "course_version_id": members.versions[i][0],
                              "content_hash": members.versions[i][1]} for i in indexes]}
