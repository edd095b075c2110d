"""The ledger's invariant as a property (issue 11, finding 2): whatever sequence of submissions, decisions
(accept, change, refuse, in any order), appeals, terminated agreements and newly confirmed overlaps, no
achievement is credited twice towards one award, no credit cites an agreement after it ended or past its
cap, and no course is credited once an overlapping course counted.

Each example runs in one transaction on the suite's database and is rolled back (the services flush,
never commit), so the examples do not see each other.
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from directory.overlaps.models import Overlap, OverlapStatus
from exchange.agreements import service as agreements
from exchange.agreements.lifecycle import AgreementState
from exchange.agreements.terms import Recognition, Terms
from exchange.ledger import LedgerEntry
from exchange.requests import service as requests
from exchange.requests.service import Decision
from exchange.requests.workflow import DECIDABLE, DECIDED, RequestAction
from tests.exchange.conftest import HOME, NOW, TODAY, active_agreement, staff
from tests.exchange.test_requests import LEARNER, draft

COURSES = 3
steps = st.lists(st.one_of(
    st.tuples(st.just("submit"), st.lists(st.integers(0, COURSES - 1), min_size=1, max_size=3)),
    st.tuples(st.just("decide"), st.integers(0, 20), st.sampled_from(["accept", "change", "refuse"])),
    st.tuples(st.just("appeal"), st.integers(0, 20)),
    st.tuples(st.just("terminate"), st.integers(0, 1)),
    st.tuples(st.just("overlap"), st.integers(0, COURSES - 1), st.integers(0, COURSES - 1)),
), min_size=1, max_size=14)
caps = st.sampled_from([None, Decimal(20), Decimal(30), Decimal(60)])


def _last_entry_id(session) -> int:
    return session.scalar(select(func.max(LedgerEntry.id))) or 0


def _standing(entries):
    reversed_ids = {e.reverses_id for e in entries if e.reverses_id is not None}
    return [e for e in entries if e.reverses_id is None and e.id not in reversed_ids]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=steps, cap_a=caps, cap_b=caps)
def test_no_sequence_of_submissions_and_decisions_credits_an_achievement_twice(sessions, world, plan, cap_a,
                                                                               cap_b):
    session = sessions()
    session.begin()
    try:
        made = [active_agreement(session, terms=Terms(recognition=Recognition.SUPPORTS_APPLICATION,
                                                      max_credit_per_learner=cap))
                for cap in (cap_a, cap_b)]
        ended_at: dict[int, int] = {}  # agreement id -> the last ledger entry before it was terminated
        confirmed_at: dict[tuple[int, int], int] = {}  # overlap -> the last ledger entry before it
        submitted, deciders = [], iter(range(100, 10_000))
        for step in plan:
            if step[0] == "submit":
                submitted.append(requests.submit(session, LEARNER, draft(world, *step[1]), today=TODAY,
                                                 now=NOW).request)
            elif step[0] == "decide" and submitted:
                request = submitted[step[1] % len(submitted)]
                if request.state not in DECIDABLE:
                    continue
                action = {"accept": RequestAction.ACCEPT, "change": RequestAction.CHANGE,
                          "refuse": RequestAction.REFUSE}[step[2]]
                # A change asks for every achievement's full credit: the most a decider could give.
                credits = {a.position: Decimal(a.credit) for a in request.achievements}
                requests.decide(session, staff(HOME, next(deciders)), request.id,
                                Decision(action, "decided", credits if action is RequestAction.CHANGE else {}),
                                expected_version=request.version, now=NOW)
            elif step[0] == "appeal" and submitted:
                request = submitted[step[1] % len(submitted)]
                if request.state in DECIDED and request.appealed_at is None:
                    requests.appeal(session, LEARNER, request.id, "look again", now=NOW)
            elif step[0] == "terminate":
                agreement = made[step[1]]
                if agreement.state is AgreementState.ACTIVE:
                    agreements.terminate(session, staff(HOME, 10), agreement.id, "ended", now=NOW)
                    ended_at[agreement.id] = _last_entry_id(session)
            elif step[0] == "overlap" and step[1] != step[2]:
                a, b = sorted((world["versions"][step[1]][2], world["versions"][step[2]][2]))
                if (a, b) not in confirmed_at:
                    session.add(Overlap(course_a_pk=a, course_b_pk=b, score=0.9, reasons=[],
                                        status=OverlapStatus.CONFIRMED, content_hash_a="a" * 64,
                                        content_hash_b="b" * 64))
                    session.flush()
                    confirmed_at[(a, b)] = _last_entry_id(session)

        standing = _standing(session.scalars(select(LedgerEntry).where(
            LedgerEntry.learner_id == LEARNER.user_id)).all())
        refs = [(e.target_org, e.award_code, e.achievement_ref) for e in standing]
        assert len(refs) == len(set(refs)), "an achievement credited twice towards one award"
        assert all(e.credits > 0 for e in standing)
        for agreement, cap in zip(made, (cap_a, cap_b), strict=True):
            cited = [e for e in standing if e.agreement_id == agreement.id]
            if cap is not None:
                assert sum(e.credits for e in cited) <= cap, "credit past the agreement's cap"
            if agreement.id in ended_at:
                assert all(e.id <= ended_at[agreement.id] for e in cited), "credit under a terminated agreement"
        by_course = {e.course_pk: e for e in standing}
        for (a, b), before in confirmed_at.items():
            if a in by_course and b in by_course:
                # Both may stand only if both were credited before the overlap was confirmed.
                assert max(by_course[a].id, by_course[b].id) <= before, "overlapping courses both credited"
    finally:
        session.rollback()
        session.close()
