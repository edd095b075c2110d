"""Transfer requests on a real database: submission, pre-assessment, decisions, appeals, the ledger and
the staff queue."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from directory.errors import Conflict, Forbidden, IllegalTransition, Invalid, NotFound
from directory.identity.identity import Identity
from directory.overlaps import declared
from directory.overlaps.models import Overlap, OverlapStatus
from exchange import audit
from exchange.agreements.rules import Purpose
from exchange.ledger import LedgerEntry
from exchange.requests import service as requests
from exchange.requests.models import RequestHistory, TransferRequest
from exchange.requests.service import AchievementClaim, Decision, RequestDraft
from exchange.requests.workflow import RequestAction, RequestState
from tests.exchange.conftest import (
    ADMIN,
    HOME,
    NOW,
    OTHER,
    THIRD,
    TODAY,
    active_agreement,
    add_course,
    learner,
    staff,
)

LEARNER = learner(500)
DECIDER, SECOND = staff(HOME, 20), staff(HOME, 21)


def claims(world, *indexes, awarded_on=date(2025, 6, 1), grade=Decimal(70)):
    return tuple(AchievementClaim(awarded_on=awarded_on, grade=grade, course_version_id=world["versions"][i][0],
                                  content_hash=world["versions"][i][1], evidence=f"cert-{i}")
                 for i in indexes)


def draft(world, *indexes, purpose=Purpose.ADVANCED_STANDING, **kw):
    return RequestDraft(HOME, "MSC-DS", purpose, claims(world, *indexes, **kw))


def submit(session, world, *indexes, actor=LEARNER, key=None, today=TODAY, **kw):
    return requests.submit(session, actor, draft(world, *indexes, **kw), today=today, idempotency_key=key,
                           now=NOW).request


def kinds(request):
    return [(o["kind"], o["credits"]) for o in request.assessment["outcomes"]]


def test_a_submitted_request_is_pre_assessed_at_once_with_reasons(sessions, world):
    with sessions.begin() as session:
        agreement = active_agreement(session)
        request = submit(session, world, 0, 1)
        assert request.state is RequestState.PRE_ASSESSED
        assert kinds(request) == [("recognise", "15.00"), ("recognise", "15.00")]
        outcome = request.assessment["outcomes"][0]
        assert outcome["agreement_id"] == agreement.id
        assert outcome["agreement_version_id"] == agreement.current_version_id
        assert [r["code"] for r in outcome["reasons"]] == ["covered", "within_shelf_life", "recognised"]
        assert request.due_on == date(2026, 11, 16)
        assert request.achievements[0].content_hash == world["versions"][0][1]


def test_without_an_agreement_the_request_needs_review(sessions, world):
    with sessions.begin() as session:
        request = submit(session, world, 0)
        assert request.assessment["proposal"]["kind"] == "needs_review"


def test_an_external_achievement_is_described_by_the_learner(sessions, world):
    with sessions.begin() as session:
        active_agreement(session)
        external = AchievementClaim(awarded_on=date(2025, 1, 10), provider_id=OTHER, title="Data ethics",
                                    credit=Decimal(10), level=7, grade=Decimal(60), evidence="https://x/cert")
        request = requests.submit(session, LEARNER, RequestDraft(HOME, "MSC-DS", Purpose.ADVANCED_STANDING,
                                                                 (external,)), today=TODAY, now=NOW).request
        # The agreement's scope names subject groups, which an external description does not carry.
        assert kinds(request) == [("needs_review", "0.00")]


def test_a_cited_version_must_match_its_content_hash(sessions, world):
    with sessions.begin() as session:
        bad = AchievementClaim(awarded_on=date(2025, 6, 1), course_version_id=world["versions"][0][0],
                               content_hash="0" * 64)
        with pytest.raises(Invalid, match="content hash"):
            requests.submit(session, LEARNER, RequestDraft(HOME, "MSC-DS", Purpose.ADVANCED_STANDING, (bad,)),
                            today=TODAY, now=NOW)


def test_only_learners_submit_and_only_to_a_known_award(sessions, world):
    with sessions.begin() as session:
        with pytest.raises(Forbidden):
            requests.submit(session, DECIDER, draft(world, 0), today=TODAY, now=NOW)
        with pytest.raises(NotFound):
            requests.submit(session, LEARNER, RequestDraft(HOME, "NOPE", Purpose.ENTRY, claims(world, 0)),
                            today=TODAY, now=NOW)


def test_the_same_idempotency_key_and_body_returns_the_first_request(sessions, world):
    with sessions.begin() as session:
        first = requests.submit(session, LEARNER, draft(world, 0), today=TODAY, idempotency_key="k1", now=NOW)
        again = requests.submit(session, LEARNER, draft(world, 0), today=TODAY, idempotency_key="k1", now=NOW)
        assert (again.replayed, again.request.id) == (True, first.request.id)
        assert not first.replayed
        # Another learner may use the same key.
        other = requests.submit(session, learner(501), draft(world, 0), today=TODAY, idempotency_key="k1", now=NOW)
        assert other.request.id != first.request.id


def test_the_same_idempotency_key_with_a_different_body_is_a_conflict(sessions, world):
    with sessions.begin() as session:
        requests.submit(session, LEARNER, draft(world, 0), today=TODAY, idempotency_key="k1", now=NOW)
        with pytest.raises(Conflict, match="different request"):
            requests.submit(session, LEARNER, draft(world, 1), today=TODAY, idempotency_key="k1", now=NOW)


def test_accepting_the_proposal_writes_the_credit_to_the_ledger(sessions, world):
    with sessions.begin() as session:
        active_agreement(session)
        request = submit(session, world, 0, 1)
        requests.decide(session, DECIDER, request.id, Decision(RequestAction.ACCEPT),
                        expected_version=request.version, now=NOW)
        assert request.state is RequestState.ACCEPTED
        credit = requests.learner_credit(session, LEARNER)
        assert [e.credits for e in credit.entries] == [15, 15]
        assert [(t.award_code, t.credits) for t in credit.totals] == [("MSC-DS", 30)]


def test_a_later_pre_assessment_reads_the_ledger(sessions, world):
    with sessions.begin() as session:
        active_agreement(session)
        first = submit(session, world, 0)
        requests.decide(session, DECIDER, first.id, Decision(RequestAction.ACCEPT), expected_version=first.version,
                        now=NOW)
        second = submit(session, world, 0, 1)
        assert [o["reasons"][0]["code"] for o in second.assessment["outcomes"]] == ["already_counted", "covered"]


def test_a_course_overlapping_a_counted_course_is_not_recognised(sessions, world):
    with sessions.begin() as session:
        active_agreement(session)
        first = submit(session, world, 0)
        requests.decide(session, DECIDER, first.id, Decision(RequestAction.ACCEPT), expected_version=first.version,
                        now=NOW)
        a, b = sorted((world["versions"][0][2], world["versions"][1][2]))
        session.add(Overlap(course_a_pk=a, course_b_pk=b, score=0.9, reasons=[], status=OverlapStatus.CONFIRMED,
                            content_hash_a="a" * 64, content_hash_b="b" * 64))
        session.flush()
        second = submit(session, world, 1)
        assert second.assessment["outcomes"][0]["reasons"][0]["code"] == "overlaps_counted_course"


def test_a_course_its_provider_declared_exclusive_of_a_counted_course_is_not_recognised(sessions, world):
    with sessions.begin() as session:
        active_agreement(session)
        first = submit(session, world, 0)
        requests.decide(session, DECIDER, first.id, Decision(RequestAction.ACCEPT), expected_version=first.version,
                        now=NOW)
        # The feed of C4 says it replaces C1: the directory's declared exclusion, as a harvest stores it.
        version = add_course(session, OTHER, "C4", excludes=[{"provider_id": OTHER, "course_id": "C1",
                                                              "reason": "C4 replaces C1 from 2025"}])
        declared.sync(session, [version.course_pk], NOW)
        world["versions"].append((version.id, version.content_hash, version.course_pk))
        second = submit(session, world, 3)
        assert second.assessment["outcomes"][0]["reasons"][0]["code"] == "overlaps_counted_course"


def test_the_per_learner_cap_counts_credit_already_recognised(sessions, world):
    with sessions.begin() as session:
        active_agreement(session)  # at most 60 credits per learner
        for extra in range(3, 6):
            world["versions"].append(
                (lambda v: (v.id, v.content_hash, v.course_pk))(add_course(session, OTHER, f"C{extra + 1}")))
        first = submit(session, world, 0, 1, 2)
        requests.decide(session, DECIDER, first.id, Decision(RequestAction.ACCEPT), expected_version=first.version,
                        now=NOW)
        second = submit(session, world, 3, 4)
        assert kinds(second) == [("recognise", "15.00"), ("not_recognised", "0.00")]


def test_changing_the_proposal_grants_what_staff_decide(sessions, world):
    with sessions.begin() as session:
        request = submit(session, world, 0, 1)
        with pytest.raises(Invalid, match="needs a note"):
            requests.decide(session, DECIDER, request.id, Decision(RequestAction.CHANGE, credits={1: Decimal(10)}),
                            expected_version=request.version, now=NOW)
        with pytest.raises(Invalid, match="from 0 to"):
            requests.decide(session, DECIDER, request.id,
                            Decision(RequestAction.CHANGE, "too much", {1: Decimal(16)}),
                            expected_version=request.version, now=NOW)
        requests.decide(session, DECIDER, request.id,
                        Decision(RequestAction.CHANGE, "recognised under our RPL policy", {1: Decimal(10)}),
                        expected_version=request.version, now=NOW)
        assert request.state is RequestState.CHANGED
        assert [e.credits for e in requests.learner_credit(session, LEARNER).entries] == [10]


def test_staff_decide_only_for_their_own_organisation(sessions, world):
    with sessions.begin() as session:
        request = submit(session, world, 0)
        for outsider in (staff(OTHER, 30), staff(HOME, 31, "agreements"), LEARNER):
            with pytest.raises(Forbidden):
                requests.decide(session, outsider, request.id, Decision(RequestAction.REFUSE, "no"),
                                expected_version=request.version, now=NOW)
        requests.decide(session, ADMIN, request.id, Decision(RequestAction.REFUSE, "out of scope"),
                        expected_version=request.version, now=NOW)


def test_a_client_with_transfers_read_reads_but_never_decides(sessions, world):
    """The services check scopes on the one Identity: a member's system reads its organisation's requests
    with ``transfers:read`` and decides only with ``transfers:decide``."""
    reader = Identity(org_id=HOME, client_id="home-sis", scopes=frozenset({"transfers:read"}))
    with sessions.begin() as session:
        request = submit(session, world, 0)
        assert requests.get_request(session, reader, request.id) is request
        assert [item.request_id for item in requests.staff_queue(session, reader, today=TODAY)] == [request.id]
        with pytest.raises(Forbidden):
            requests.decide(session, reader, request.id, Decision(RequestAction.REFUSE, "no"),
                            expected_version=request.version, now=NOW)
        decider = Identity(org_id=HOME, client_id="home-sis", scopes=frozenset({"transfers:decide"}))
        requests.decide(session, decider, request.id, Decision(RequestAction.REFUSE, "out of scope"),
                        expected_version=request.version, now=NOW)
        assert request.decided_by == "client:home-sis"


def test_the_learner_may_withdraw_before_a_decision_but_not_after(sessions, world):
    with sessions.begin() as session:
        withdrawn = submit(session, world, 0)
        requests.withdraw(session, LEARNER, withdrawn.id, now=NOW)
        assert withdrawn.state is RequestState.WITHDRAWN
        decided = submit(session, world, 1)
        requests.decide(session, DECIDER, decided.id, Decision(RequestAction.REFUSE, "no"),
                        expected_version=decided.version, now=NOW)
        with pytest.raises(IllegalTransition):
            requests.withdraw(session, LEARNER, decided.id, now=NOW)
        with pytest.raises(NotFound):
            requests.withdraw(session, learner(501), decided.id, now=NOW)


def test_an_appeal_is_decided_by_someone_else_and_replaces_the_credit(sessions, world):
    with sessions.begin() as session:
        active_agreement(session)
        request = submit(session, world, 0, 1)
        requests.decide(session, DECIDER, request.id, Decision(RequestAction.ACCEPT),
                        expected_version=request.version, now=NOW)
        requests.appeal(session, LEARNER, request.id, "the second course deserves more", now=NOW)
        assert request.state is RequestState.APPEALED
        with pytest.raises(Forbidden, match="different member of staff"):
            requests.decide(session, DECIDER, request.id, Decision(RequestAction.REFUSE, "no"),
                            expected_version=request.version, now=NOW)
        requests.decide(session, SECOND, request.id,
                        Decision(RequestAction.CHANGE, "upheld in part", {1: Decimal(15), 2: Decimal(5)}),
                        expected_version=request.version, now=NOW)
        entries = session.scalars(select(LedgerEntry).where(LedgerEntry.learner_id == 500)
                                  .order_by(LedgerEntry.id)).all()
        assert [e.credits for e in entries] == [15, 15, -15, -15, 15, 5]
        assert entries[2].reverses_id == entries[0].id
        assert requests.learner_credit(session, LEARNER).totals[0].credits == 20
        assert request.decision["previous"]["action"] == "accept"


def test_a_decision_may_be_appealed_only_once(sessions, world):
    with sessions.begin() as session:
        request = submit(session, world, 0)
        requests.decide(session, DECIDER, request.id, Decision(RequestAction.REFUSE, "no"),
                        expected_version=request.version, now=NOW)
        requests.appeal(session, LEARNER, request.id, "please look again", now=NOW)
        requests.decide(session, SECOND, request.id, Decision(RequestAction.REFUSE, "still no"),
                        expected_version=request.version, now=NOW)
        with pytest.raises(Conflict, match="once"):
            requests.appeal(session, LEARNER, request.id, "and again", now=NOW)


def test_a_stale_decision_is_a_conflict(sessions, world):
    with sessions.begin() as session:
        request = submit(session, world, 0)
        seen = request.version
        requests.decide(session, DECIDER, request.id, Decision(RequestAction.REFUSE, "no"),
                        expected_version=seen, now=NOW)
        with pytest.raises(Conflict):
            requests.decide(session, SECOND, request.id, Decision(RequestAction.ACCEPT), expected_version=seen,
                            now=NOW)


def test_two_staff_deciding_from_two_sessions_one_wins_the_other_gets_conflict(sessions, world):
    with sessions.begin() as session:
        request_id = submit(session, world, 0).id
    # Both read the request (version 2) before either decides.
    first, second = sessions(), sessions()
    try:
        with first.begin():
            seen = first.get(TransferRequest, request_id).version
        with second.begin():
            held = second.get(TransferRequest, request_id)  # kept: the identity map holds it weakly
            assert held.version == seen
        with first.begin():
            requests.decide(first, DECIDER, request_id, Decision(RequestAction.ACCEPT), expected_version=seen,
                            now=NOW)
        # The second session still holds the request as it read it: the UPDATE's WHERE version catches it.
        with second.begin():
            with pytest.raises(Conflict, match="same time"):
                requests.decide(second, SECOND, request_id, Decision(RequestAction.REFUSE, "no"),
                                expected_version=seen, now=NOW)
    finally:
        first.close()
        second.close()
    with sessions.begin() as session:
        request = session.get(TransferRequest, request_id)
        assert (request.state, request.decided_by) == (RequestState.ACCEPTED, "user:20")
        moves = session.scalars(select(RequestHistory.action).where(RequestHistory.request_id == request_id)).all()
        assert moves == ["submit", "pre_assess", "accept"]


def test_the_staff_queue_is_sorted_by_due_date_marks_overdue_and_keeps_to_the_organisation(sessions, world):
    with sessions.begin() as session:
        old = submit(session, world, 0, today=TODAY - timedelta(days=21))
        new = submit(session, world, 1)
        decided = submit(session, world, 2, today=TODAY - timedelta(days=30))
        requests.decide(session, DECIDER, decided.id, Decision(RequestAction.REFUSE, "no"),
                        expected_version=decided.version, now=NOW)
        queue = requests.staff_queue(session, DECIDER, today=TODAY)
        assert [(q.request_id, q.overdue) for q in queue] == [(old.id, True), (new.id, False)]
        assert requests.staff_queue(session, DECIDER, today=TODAY, after=(queue[0].due_on, queue[0].request_id),
                                    limit=1)[0].request_id == new.id
        assert requests.staff_queue(session, staff(THIRD, 40), today=TODAY) == []
        with pytest.raises(Forbidden):
            requests.staff_queue(session, LEARNER, today=TODAY)


def test_learners_see_their_own_requests_and_staff_their_organisations(sessions, world):
    with sessions.begin() as session:
        mine = submit(session, world, 0)
        theirs = submit(session, world, 1, actor=learner(501))
        assert [r.id for r in requests.list_requests(session, LEARNER)] == [mine.id]
        assert [r.id for r in requests.list_requests(session, DECIDER)] == [mine.id, theirs.id]
        assert requests.list_requests(session, staff(THIRD, 40)) == []
        with pytest.raises(NotFound):
            requests.get_request(session, LEARNER, theirs.id)


def test_every_move_of_a_request_is_audited_and_the_chain_holds(sessions, world):
    with sessions.begin() as session:
        request = submit(session, world, 0)
        requests.decide(session, DECIDER, request.id, Decision(RequestAction.REFUSE, "no"),
                        expected_version=request.version, now=NOW)
        events = audit.history(session, "transfer_request", request.id)
        assert [e.action for e in events] == ["submit", "pre_assess", "refuse"]
        assert events[-1].before == {"state": "pre_assessed", "version": 2}
        assert events[-1].after == {"state": "refused", "version": 3, "note": "no"}
        assert audit.verify(session).ok
