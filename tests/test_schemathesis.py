"""Schemathesis over the served OpenAPI document: generated requests to every operation of the JSON API,
sent to the app on a real local port over a seeded catalogue, anonymously and with a token of every scope.

No answer may be a 5xx, and none may contradict the document: its status code documented, its content
type the documented one, its body valid against the documented schema (``CHECKS``). The run is bounded
(``MAX_EXAMPLES`` per operation and phase, derandomized, no deadline) so it takes about a minute or two
per database; it runs on SQLite, and on PostgreSQL when ``CF_TEST_DATABASE_URL`` is set.

Path parameters are drawn half the time from the seeded rows (``DICTIONARIES``), so the operations reach
real providers, courses, agreements, requests and pathways as well as ids that name nothing.
"""

from __future__ import annotations

import tempfile
import threading
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import hypothesis
import pytest
import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import select, text
from werkzeug.serving import make_server

from climbing_frame.app import create_app, make_instance
from climbing_frame.migrate import upgrade
from directory.db import Base, utcnow
from directory.identity.identity import SCOPES, Identity, Role
from directory.instance import Instance
from exchange.agreements.rules import Purpose
from exchange.awards import AwardSpec, register_award
from exchange.requests import service as transfer_requests
from tests.auth import add_client, add_org, add_user, bearer_token
from tests.conftest import make_settings
from tests.directory.pathways.helpers import A, B, build
from tests.exchange.conftest import ADMIN, active_agreement

MAX_EXAMPLES = 5
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          response_headers_conformance]


@dataclass(frozen=True)
class Seeded:
    base_url: str
    token: str


def _fresh_instance(settings, database_kind: str) -> Instance:
    # As the conftest's ``instance`` fixture, once for the module: the run is read-mostly and slow to set up.
    instance = make_instance(settings)
    if database_kind == "postgresql":
        tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
        with instance.engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
            connection.execute(text("DROP TABLE IF EXISTS apscheduler_jobs"))
    else:
        upgrade(instance.engine)
    return instance


def _seed(instance: Instance) -> None:
    """Two members with courses and a pathway, an award, an agreement in force, a transfer request."""
    from directory.catalogue.models import Course, CourseVersion

    build(instance)
    add_org(instance, A, "University of Aldport")
    add_org(instance, B, "Bexley University")
    learner = add_user(instance, "learner@example.org", Role.LEARNER)
    with instance.sessions.begin() as session:
        register_award(session, ADMIN, AwardSpec(A, "MSC-DS", "MSc Data Science", Decimal(180), 7))
        agreement = active_agreement(session, parties=(A, B))
        version = session.scalars(select(CourseVersion).join(Course, Course.pk == CourseVersion.course_pk)
                                  .where(Course.provider_id == B).order_by(CourseVersion.id)).first()
        draft = transfer_requests.RequestDraft(A, "MSC-DS", Purpose.ADVANCED_STANDING, (
            transfer_requests.AchievementClaim(awarded_on=date(2025, 6, 1), course_version_id=version.id,
                                               content_hash=version.content_hash),))
        submitted = transfer_requests.submit(session, Identity(user_id=learner.id, role=Role.LEARNER), draft,
                                             today=utcnow().date(), now=utcnow())
        courses = set(session.scalars(select(Course.course_id)))
        assert set(DICTIONARIES["course_id"]) <= courses
        assert (agreement.id, submitted.request.id) == (DICTIONARIES["agreement_id"][0], DICTIONARIES["request_id"][0])


def seeded_app(folder: Path, database_kind: str):
    """(instance, app, bearer token with every scope) over the seeded catalogue and exchange in a fresh
    database: what both this fuzzing and the contract test (tests/test_api_contract.py) call."""
    settings = make_settings(folder)
    instance = _fresh_instance(settings, database_kind)
    _seed(instance)
    client, _ = add_client(instance, A, " ".join(SCOPES))
    token = bearer_token(instance, client, expires_in=3600)
    app = create_app(settings)
    instance.attach(app)
    return instance, app, token


@pytest.fixture(scope="module")
def seeded(tmp_path_factory, database_kind):
    instance, app, token = seeded_app(tmp_path_factory.mktemp("schemathesis"), database_kind)
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield Seeded(f"http://127.0.0.1:{httpd.server_port}", token)
    httpd.shutdown()
    thread.join(5)
    instance.close()


def _document() -> dict:
    """The document as the app serves it (it needs no database), for pytest to collect one test per
    operation (schemathesis' lazy fixture loader does not run under this pytest)."""
    with tempfile.TemporaryDirectory() as folder:
        return create_app(make_settings(Path(folder))).test_client().get("/api/v1/openapi.json").json


# The seeded rows (``_seed`` checks them): a fresh database numbers them from 1.
DICTIONARIES = {"provider_id": [A, B], "org_id": [A, B], "course_id": ["DS1", "BX1", "CAP"],
                "agreement_id": [1], "request_id": [1], "pathway_id": ["pg-ds"]}

schema = schemathesis.openapi.from_dict(_document(), config=schemathesis.Config.from_dict({
    "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True, "database": "none"},
    "phases": {"stateful": {"enabled": False}},
    "dictionaries": {name: {"values": values} for name, values in DICTIONARIES.items()},
    "parameters": {f"path.{name}": {"dictionary": name, "probability": 0.5} for name in DICTIONARIES},
}))
SETTINGS = hypothesis.settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
                               suppress_health_check=list(hypothesis.HealthCheck))


@schema.parametrize()
@SETTINGS
def test_anonymous_calls_keep_to_the_document(case, seeded):
    case.call_and_validate(base_url=seeded.base_url, checks=CHECKS)


@schema.parametrize()
@SETTINGS
def test_calls_with_a_token_of_every_scope_keep_to_the_document(case, seeded):
    case.call_and_validate(base_url=seeded.base_url, headers={"Authorization": f"Bearer {seeded.token}"},
                           checks=CHECKS)
