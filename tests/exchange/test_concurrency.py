"""Parallel writers with separate sessions in threads: no lost update, an intact audit chain.

On PostgreSQL the threads read inside their transactions and then race; SQLite takes its single write
lock when a writer's transaction begins, so there the threads queue instead of racing, and the same
outcomes must still hold.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from directory.errors import Conflict
from exchange import audit
from exchange.agreements import service as agreements
from exchange.agreements.lifecycle import AgreementState
from exchange.agreements.models import Agreement, AgreementHistory, Approval
from exchange.ledger import LedgerEntry
from exchange.requests import service as requests
from exchange.requests.models import RequestHistory, TransferRequest
from exchange.requests.service import Decision
from exchange.requests.workflow import RequestAction
from tests.exchange.conftest import HOME, NOW, TODAY, active_agreement, content, staff
from tests.exchange.test_requests import LEARNER, draft

THREADS = 6


def race(sessions, database_kind, count, work):
    """Run ``work(session, index, ready)`` in ``count`` threads, each in its own transaction; ``ready()``
    is where the threads line up (inside the transaction on PostgreSQL, before it on SQLite)."""
    barrier = threading.Barrier(count, timeout=30)
    inside = database_kind == "postgresql"

    def run(index):
        if not inside:
            barrier.wait()
        session = sessions()
        try:
            with session.begin():
                return ("ok", work(session, index, barrier.wait if inside else (lambda: None)))
        except Conflict as exc:
            return ("conflict", str(exc))
        finally:
            session.close()

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(run, range(count)))


def test_parallel_decisions_one_wins_the_others_get_conflict(sessions, world, database_kind):
    with sessions.begin() as session:
        active_agreement(session)
        request_id = requests.submit(session, LEARNER, draft(world, 0, 1), today=TODAY, now=NOW).request.id

    def decide(session, index, ready):
        held = session.get(TransferRequest, request_id)
        seen = held.version
        ready()
        action = RequestAction.ACCEPT if index % 2 else RequestAction.REFUSE
        requests.decide(session, staff(HOME, 100 + index), request_id, Decision(action, f"decision {index}"),
                        expected_version=seen, now=NOW)
        return index

    results = race(sessions, database_kind, THREADS, decide)
    assert sorted(kind for kind, _ in results) == ["conflict"] * (THREADS - 1) + ["ok"]
    with sessions() as session:
        request = session.get(TransferRequest, request_id)
        assert request.version == 3
        decisions = session.scalars(select(RequestHistory.action).where(
            RequestHistory.request_id == request_id, RequestHistory.action.in_(["accept", "refuse"]))).all()
        assert len(decisions) == 1
        entries = session.scalar(select(func.count()).select_from(LedgerEntry))
        assert entries == (2 if decisions[0] == "accept" else 0)
        assert audit.verify(session).ok


def test_the_same_course_in_parallel_decisions_of_several_requests_is_credited_once(sessions, world,
                                                                                    database_kind):
    """Issue 11, finding 2: one course in several open requests to one award, accepted at once by
    different staff, each holding its request as read before any decided: credited once."""
    with sessions.begin() as session:
        active_agreement(session)
        ids = [requests.submit(session, LEARNER, draft(world, 0), today=TODAY, now=NOW).request.id
               for _ in range(THREADS)]

    def decide(session, index, ready):
        held = session.get(TransferRequest, ids[index])
        seen = held.version
        ready()
        decided = requests.decide(session, staff(HOME, 100 + index), ids[index], Decision(RequestAction.ACCEPT),
                                  expected_version=seen, now=NOW)
        return decided.decision["credits"]

    results = race(sessions, database_kind, THREADS, decide)
    assert [kind for kind, _ in results] == ["ok"] * THREADS
    assert sorted(len(credits) for _, credits in results) == [0] * (THREADS - 1) + [1]
    with sessions() as session:
        assert [e.credits for e in session.scalars(select(LedgerEntry))] == [15]
        assert audit.verify(session).ok


def test_parallel_approvals_are_all_kept_and_activate_the_agreement_once(sessions, database_kind):
    parties = tuple(f"1000{n:04d}" for n in range(THREADS))
    with sessions.begin() as session:
        agreement = agreements.create(session, staff(parties[0], 10), content(parties), now=NOW)
        agreements.propose(session, staff(parties[0], 10), agreement.id, now=NOW)
        agreement_id, hashed = agreement.id, agreement.current.terms_hash

    def approve(session, index, ready):
        session.get(Agreement, agreement_id)
        ready()
        agreements.approve(session, staff(parties[index], 200 + index), agreement_id, hashed, now=NOW)

    results = race(sessions, database_kind, THREADS, approve)
    assert [kind for kind, _ in results] == ["ok"] * THREADS
    with sessions() as session:
        assert session.get(Agreement, agreement_id).state is AgreementState.ACTIVE
        assert session.scalar(select(func.count()).select_from(Approval)) == THREADS
        activations = session.scalars(select(AgreementHistory.id).where(AgreementHistory.action == "activate")).all()
        assert len(activations) == 1
        assert audit.verify(session).ok


def test_parallel_submissions_with_one_idempotency_key_make_one_request(sessions, world, database_kind):
    def submit(session, index, ready):
        ready()
        return requests.submit(session, LEARNER, draft(world, 0), today=TODAY, idempotency_key="same",
                               now=NOW).request.id

    results = race(sessions, database_kind, THREADS, submit)
    assert {kind for kind, _ in results} == {"ok"}
    assert len({value for _, value in results}) == 1
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(TransferRequest)) == 1
        assert audit.verify(session).ok


@pytest.mark.parametrize("count", [THREADS])
def test_parallel_audit_appends_keep_one_chain(sessions, database_kind, count):
    def append(session, index, ready):
        ready()
        audit.lock(session)
        audit.append(session, actor=f"user:{index}", entity="agreement", entity_id=index, action="create",
                     before=None, after=None, at=NOW)

    assert {kind for kind, _ in race(sessions, database_kind, count, append)} == {"ok"}
    with sessions() as session:
        result = audit.verify(session)
        assert (result.ok, result.events) == (True, count)
