"""Lockout and per-address throttling hold under parallel sign-ins: threads try wrong passwords at once,
each in its own transaction on the suite's database (PostgreSQL runs them truly in parallel), and we
count how many password checks really ran."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select
from werkzeug import security

from directory.identity import service, signin
from directory.identity.audit import Source
from directory.identity.identity import Role
from directory.identity.models import EventKind, SecurityEvent, User
from directory.identity.signin import Policy, SignInOutcome
from tests.auth import add_user

PASSWORD = "correct horse battery staple"
THREADS = 40


@pytest.fixture
def checks(monkeypatch):
    """The password hashes scrypt really checked against, one entry per check (the real check runs)."""
    seen: list[str] = []
    lock = threading.Lock()

    def counting(pwhash: str, password: str) -> bool:
        with lock:
            seen.append(pwhash)
        return security.check_password_hash(pwhash, password)

    monkeypatch.setattr(service, "check_password_hash", counting)
    return seen


def attempt_all(instance, attempts: list[tuple[str, str, str]], policy: Policy) -> list[SignInOutcome]:
    """Every (email, password, address) signed in at once, each in its own writing transaction."""
    start = threading.Barrier(len(attempts))

    def one(attempt):
        email, password, address = attempt
        start.wait()
        with instance.sessions.begin() as session:
            return signin.sign_in(session, email, password, Source(address), policy).outcome

    with ThreadPoolExecutor(len(attempts)) as pool:
        return list(pool.map(one, attempts))


def stored_hash(instance, user_id: int) -> str:
    with instance.readers() as session:
        return session.get(User, user_id).password_hash


def test_parallel_wrong_passwords_check_no_more_than_the_limit(instance, checks):
    person = add_user(instance, "learner@example.org", Role.LEARNER, password=PASSWORD)
    policy = Policy(max_failures=5, address_max_failures=1000)
    # Each from its own address, as from many machines: only the account's lockout can stop them.
    outcomes = attempt_all(instance, [(person.email, f"wrong {n}", f"192.0.2.{n + 1}") for n in range(THREADS)],
                           policy)
    real = [h for h in checks if h == stored_hash(instance, person.id)]
    assert len(real) <= policy.max_failures
    assert outcomes.count(SignInOutcome.BAD_CREDENTIALS) == len(real)
    assert outcomes.count(SignInOutcome.LOCKED) == THREADS - len(real)
    with instance.readers() as session:
        assert session.get(User, person.id).locked_until is not None
        lockouts = session.scalars(select(SecurityEvent).where(SecurityEvent.event == EventKind.LOCKOUT)).all()
    assert len(lockouts) == 1
    # The right password is refused too while the lockout lasts.
    assert attempt_all(instance, [(person.email, PASSWORD, "198.51.100.1")], policy) == [SignInOutcome.LOCKED]


def test_a_right_password_in_the_crowd_still_signs_in_and_resets_the_count(instance, checks):
    person = add_user(instance, "learner@example.org", Role.LEARNER, password=PASSWORD)
    policy = Policy(max_failures=5, address_max_failures=1000)
    attempts = [(person.email, f"wrong {n}", f"192.0.2.{n + 1}") for n in range(3)]
    outcomes = attempt_all(instance, [*attempts, (person.email, PASSWORD, "198.51.100.1")], policy)
    assert outcomes.count(SignInOutcome.SIGNED_IN) == 1
    assert outcomes.count(SignInOutcome.BAD_CREDENTIALS) == 3
    with instance.readers() as session:
        row = session.get(User, person.id)
    assert row.locked_until is None and row.failed_sign_ins <= 3


def test_parallel_failures_from_one_address_stop_at_its_limit(instance, checks):
    for n in range(THREADS):
        add_user(instance, f"learner{n}@example.org", Role.LEARNER, password=PASSWORD)
    policy = Policy(max_failures=5, address_max_failures=10)
    outcomes = attempt_all(instance, [(f"learner{n}@example.org", "wrong", "203.0.113.9") for n in range(THREADS)],
                           policy)
    assert len(checks) <= policy.address_max_failures
    assert outcomes.count(SignInOutcome.BAD_CREDENTIALS) == len(checks)
    assert outcomes.count(SignInOutcome.THROTTLED) == THREADS - len(checks)
