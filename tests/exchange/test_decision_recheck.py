"""A decision re-runs the pre-assessment as things stand when it is made (issue 11, finding 2): credit the
stored pre-assessment promised but the ledger, the agreements in force or the confirmed overlaps no
longer support is not credited, and the decision says why; staff see what changed before they decide."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select

from directory.overlaps.models import Overlap, OverlapStatus
from exchange.agreements import service as agreements
from exchange.ledger import LedgerEntry
from exchange.requests import service as requests
from exchange.requests.service import Decision
from exchange.requests.workflow import RequestAction, RequestState
from tests.exchange.conftest import HOME, NOW, OTHER, TODAY, active_agreement, add_course, staff
from tests.exchange.test_requests import DECIDER, LEARNER, SECOND, submit

ACCEPT = Decision(RequestAction.ACCEPT)


def accept(session, request, actor=DECIDER, **kw):
    return requests.decide(session, actor, request.id, ACCEPT, expected_version=request.version, now=NOW, **kw)


def entries(session):
    return session.scalars(select(LedgerEntry).where(LedgerEntry.learner_id == LEARNER.user_id)
                           .order_by(LedgerEntry.id)).all()


def net_by_course(session):
    net = {}
    for e in entries(session):
        net[e.achievement_ref] = net.get(e.achievement_ref, 0) + e.credits
    return {ref: credits for ref, credits in net.items() if credits}


def test_the_same_course_in_two_open_requests_is_credited_once(sessions, world):
    with sessions.begin() as session:
        active_agreement(session)
        first, second = submit(session, world, 0), submit(session, world, 0, 1)
        # At submission neither request knew of the other: both propose the course.
        assert second.assessment["outcomes"][0]["kind"] == "recognise"
        accept(session, first)
        accept(session, second)
        assert second.state is RequestState.ACCEPTED
        assert sorted(net_by_course(session).values()) == [15, 15]  # course 1 once, course 2 once
        assert second.decision["credits"] == {"2": "15.00"}
        [dropped] = second.decision["recheck"]["not_credited"]
        assert dropped["achievement"] == 1 and dropped["credits"] == "15.00"
        assert "already counts 15 credits towards MSC-DS" in dropped["why"]
        assert any(c.startswith("Achievement 1 (") and "not recognised now" in c
                   for c in second.decision["recheck"]["changes"])


def test_a_changed_decision_does_not_credit_a_course_already_counted_either(sessions, world):
    with sessions.begin() as session:
        first, second = submit(session, world, 0), submit(session, world, 0)
        requests.decide(session, DECIDER, first.id, Decision(RequestAction.CHANGE, "our RPL policy", {1: Decimal(10)}),
                        expected_version=first.version, now=NOW)
        requests.decide(session, SECOND, second.id, Decision(RequestAction.CHANGE, "again", {1: Decimal(12)}),
                        expected_version=second.version, now=NOW)
        assert [e.credits for e in entries(session)] == [10]
        assert second.decision["credits"] == {}
        assert "already counts 10 credits" in second.decision["recheck"]["not_credited"][0]["why"]


def test_a_request_accepted_after_its_agreement_was_terminated_is_not_credited(sessions, world):
    with sessions.begin() as session:
        agreement = active_agreement(session)
        request = submit(session, world, 0)
        assert request.assessment["outcomes"][0]["agreement_id"] == agreement.id
        agreements.terminate(session, staff(HOME, 10), agreement.id, "the partnership ended", now=NOW)
        accept(session, request)
        assert request.state is RequestState.ACCEPTED
        assert entries(session) == []
        assert request.decision["credits"] == {}
        [dropped] = request.decision["recheck"]["not_credited"]
        assert "no agreement in force covers" in dropped["why"]
        [change, proposal] = request.decision["recheck"]["changes"]
        assert f"recognised for 15.00 credits under agreement {agreement.id}" in change
        assert "needing review now" in change
        assert proposal == "The proposal: recognised, 15.00 credits at submission, needing review, 0.00 credits now."


def test_credit_given_by_change_after_termination_cites_no_agreement(sessions, world):
    with sessions.begin() as session:
        agreement = active_agreement(session)
        request = submit(session, world, 0)
        agreements.terminate(session, staff(HOME, 10), agreement.id, "ended", now=NOW)
        requests.decide(session, DECIDER, request.id, Decision(RequestAction.CHANGE, "RPL", {1: Decimal(15)}),
                        expected_version=request.version, now=NOW)
        [entry] = entries(session)
        assert (entry.credits, entry.agreement_id, entry.agreement_version_id) == (15, None, None)


def test_a_change_within_what_the_agreement_recognises_cites_it(sessions, world):
    with sessions.begin() as session:
        agreement = active_agreement(session)
        request = submit(session, world, 0, 1)
        requests.decide(session, DECIDER, request.id,
                        Decision(RequestAction.CHANGE, "part", {1: Decimal(10), 2: Decimal(15)}),
                        expected_version=request.version, now=NOW)
        assert [(e.credits, e.agreement_id) for e in entries(session)] == [(10, agreement.id), (15, agreement.id)]


def test_an_agreement_past_its_end_on_the_day_of_the_decision_does_not_carry_credit(sessions, world):
    with sessions.begin() as session:
        active_agreement(session, valid_until=TODAY + timedelta(days=3))
        request = submit(session, world, 0)
        assert request.assessment["proposal"]["kind"] == "recognise"
        accept(session, request, today=TODAY + timedelta(days=4))  # the expiry job has not run yet
        assert entries(session) == []
        assert "expired" in request.decision["recheck"]["not_credited"][0]["why"]


def test_shelf_life_is_still_measured_to_the_request_date(sessions, world):
    with sessions.begin() as session:
        active_agreement(session)  # a 5-year shelf-life
        request = submit(session, world, 0, awarded_on=date(2021, 11, 2))  # its fifth anniversary is TODAY
        accept(session, request, today=TODAY + timedelta(days=20))
        assert [e.credits for e in entries(session)] == [15]
        assert request.decision["recheck"]["changes"] == []


def test_a_cap_reached_since_submission_limits_the_credit(sessions, world):
    with sessions.begin() as session:
        active_agreement(session)  # at most 60 credits per learner
        for n in (4, 5):
            v = add_course(session, OTHER, f"C{n}")
            world["versions"].append((v.id, v.content_hash, v.course_pk))
        first, second = submit(session, world, 0, 1, 2), submit(session, world, 3, 4)
        assert second.assessment["proposal"]["credits"] == "30.00"
        accept(session, first)
        accept(session, second)
        assert sum(e.credits for e in entries(session)) == 60
        assert second.decision["credits"] == {"1": "15.00"}
        [dropped] = second.decision["recheck"]["not_credited"]
        assert dropped["achievement"] == 2 and "no credit left" in dropped["why"]


def test_an_overlap_confirmed_since_submission_is_not_credited(sessions, world):
    with sessions.begin() as session:
        active_agreement(session)
        first, second = submit(session, world, 0), submit(session, world, 1)
        accept(session, first)
        a, b = sorted((world["versions"][0][2], world["versions"][1][2]))
        session.add(Overlap(course_a_pk=a, course_b_pk=b, score=0.9, reasons=[], status=OverlapStatus.CONFIRMED,
                            content_hash_a="a" * 64, content_hash_b="b" * 64))
        session.flush()
        accept(session, second)
        assert [e.credits for e in entries(session)] == [15]
        assert "overlaps a course already counted" in second.decision["recheck"]["not_credited"][0]["why"]


def test_an_appeal_decision_rechecks_without_counting_the_requests_own_first_credit(sessions, world):
    with sessions.begin() as session:
        active_agreement(session)
        request = submit(session, world, 0)
        accept(session, request)
        requests.appeal(session, LEARNER, request.id, "look again", now=NOW)
        accept(session, request, actor=SECOND)
        assert [e.credits for e in entries(session)] == [15, -15, 15]
        assert request.decision["recheck"]["not_credited"] == []


def test_an_appeal_decision_does_not_credit_what_another_request_counted_meanwhile(sessions, world):
    with sessions.begin() as session:
        active_agreement(session)
        first = submit(session, world, 0)
        requests.decide(session, DECIDER, first.id, Decision(RequestAction.REFUSE, "no"),
                        expected_version=first.version, now=NOW)
        requests.appeal(session, LEARNER, first.id, "look again", now=NOW)
        other = submit(session, world, 0)
        accept(session, other)
        accept(session, first, actor=SECOND)
        assert [e.credits for e in entries(session)] == [15]
        assert first.decision["appeal"] and first.decision["credits"] == {}


def test_staff_see_what_changed_before_they_decide_and_learners_do_not_get_the_recheck(sessions, world):
    with sessions.begin() as session:
        active_agreement(session)
        first, second = submit(session, world, 0), submit(session, world, 0)
        unchanged = requests.recheck_request(session, DECIDER, second.id, today=TODAY)
        assert unchanged.changes == ()
        accept(session, first)
        check = requests.recheck_request(session, DECIDER, second.id, today=TODAY)
        assert check.changes[0].startswith("Achievement 1 (")
        assert "already counts 15 credits towards MSC-DS" in check.changes[0]
        assert requests.recheck_request(session, LEARNER, second.id, today=TODAY) is None
        assert requests.recheck_request(session, DECIDER, first.id, today=TODAY) is None  # decided


def test_the_learner_is_told_what_was_not_credited(sessions, world):
    from exchange.notifications import OutboxMessage

    with sessions.begin() as session:
        active_agreement(session)
        first, second = submit(session, world, 0), submit(session, world, 0)
        accept(session, first)
        accept(session, second)
        bodies = session.scalars(select(OutboxMessage.body).where(OutboxMessage.subject.like(
            f"Your transfer request {second.id}:%"))).all()
        assert len(bodies) == 1 and "Not credited: achievement 1:" in bodies[0]
