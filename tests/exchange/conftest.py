"""Exchange test data: members with courses in the directory, awards, agreements, people."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from directory.catalogue.models import Course, CourseStatus, CourseVersion, Provider
from directory.catalogue.service import content_hash
from directory.identity.identity import Identity, Permission, Role
from exchange.agreements import service as agreements
from exchange.agreements.terms import AgreementContent, AgreementKind, Recognition, Scope, Terms
from exchange.awards import AwardSpec, register_award
from tests.factories import course as course_record

HOME, OTHER, THIRD = "10000001", "10000002", "10000003"
NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
TODAY = date(2026, 11, 2)  # a Monday


def staff(org: str, user_id: int, *permissions: str) -> Identity:
    return Identity(user_id=user_id, org_id=org, role=Role.STAFF,
                    permissions=frozenset(Permission(p) for p in (permissions or ("agreements", "transfers"))))


def learner(user_id: int = 500) -> Identity:
    return Identity(user_id=user_id, role=Role.LEARNER)


ADMIN = Identity(user_id=1, role=Role.ADMIN)


def add_course(session, provider_id: str, course_id: str, **overrides) -> CourseVersion:
    """A course with one version in the directory (canonical content as the schema would derive it)."""
    if session.get(Provider, provider_id) is None:
        session.add(Provider(id=provider_id, name=f"University {provider_id}"))
        session.flush()
    record = course_record(course_id, **overrides)
    credit = record["credit"]["value"]
    record["credit"] = {**record["credit"], "cats": credit, "ects": credit / 2}
    record["level"] = {**record["level"], "eqf": overrides.get("eqf", 7)}
    record["subjects"] = [{"scheme": "HECoS", "code": "100366", "name": "computer science",
                           "cah3": "CAH11-01-01", "cah2": "CAH11-01", "cah1": "CAH11"}]
    record.pop("eqf", None)
    course = Course(provider_id=provider_id, course_id=course_id, status=CourseStatus.ACTIVE,
                    title=record["title"], source_hash="x" * 64)
    session.add(course)
    session.flush()
    version = CourseVersion(course_pk=course.pk, content_hash=content_hash(record), content=record,
                            completeness=1.0, missing=[])
    session.add(version)
    session.flush()
    course.current_version_id = version.id
    session.flush()
    return version


def content(parties=(HOME, OTHER), **changes) -> AgreementContent:
    values = dict(
        title="Computing micro-credentials", kind=AgreementKind.MUTUAL_RECOGNITION, parties=tuple(parties),
        scope=Scope(cah_groups=("CAH11-01",), eqf_levels=(7,)),
        terms=Terms(recognition=Recognition.SUPPORTS_APPLICATION, max_credit_per_learner=Decimal(60),
                    shelf_life_years=5),
        valid_from=date(2026, 1, 1), valid_until=date(2029, 12, 31), document_ref="docs/agreement-1.pdf")
    values.update(changes)
    return AgreementContent(**values)


def active_agreement(session, parties=(HOME, OTHER), **changes):
    """An agreement every party has approved."""
    agreement = agreements.create(session, staff(parties[0], 10), content(parties, **changes), now=NOW)
    agreements.propose(session, staff(parties[0], 10), agreement.id, now=NOW)
    for n, org in enumerate(parties):
        agreements.approve(session, staff(org, 20 + n), agreement.id, agreement.current.terms_hash, now=NOW)
    return agreement


@pytest.fixture
def sessions(instance):
    return instance.sessions


@pytest.fixture
def world(sessions):
    """Two members with an MSc award at HOME and three level-7 computing courses at OTHER."""
    with sessions.begin() as session:
        for org in (HOME, OTHER, THIRD):
            session.add(Provider(id=org, name=f"University {org}"))
        session.flush()
        register_award(session, ADMIN, AwardSpec(HOME, "MSC-DS", "MSc Data Science", Decimal(180), 7))
        versions = [add_course(session, OTHER, f"C{n}") for n in range(1, 4)]
        return {"versions": [(v.id, v.content_hash, v.course_pk) for v in versions]}
