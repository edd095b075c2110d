"""Agreements on a real database: approvals bound to the terms, versions kept, lifecycle, expiry."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import select

from directory.errors import Conflict, Forbidden, IllegalTransition, NotFound
from exchange import audit
from exchange.agreements import service as agreements
from exchange.agreements.lifecycle import AgreementState
from exchange.agreements.models import AgreementHistory
from exchange.notifications import OutboxMessage
from tests.exchange.conftest import ADMIN, HOME, NOW, OTHER, THIRD, active_agreement, content, learner, staff


def proposed(session, parties=(HOME, OTHER)):
    agreement = agreements.create(session, staff(parties[0], 10), content(parties), now=NOW)
    return agreements.propose(session, staff(parties[0], 10), agreement.id, now=NOW)


def test_an_agreement_becomes_active_only_when_every_party_has_approved(sessions):
    with sessions.begin() as session:
        agreement = proposed(session, (HOME, OTHER, THIRD))
        hashed = agreement.current.terms_hash
        agreements.approve(session, staff(HOME, 20), agreement.id, hashed, now=NOW)
        agreements.approve(session, staff(OTHER, 21), agreement.id, hashed, now=NOW)
        assert agreement.state is AgreementState.PROPOSED
        agreements.approve(session, staff(THIRD, 22), agreement.id, hashed, now=NOW)
        assert agreement.state is AgreementState.ACTIVE
        actions = session.scalars(select(AgreementHistory.action).where(
            AgreementHistory.agreement_id == agreement.id).order_by(AgreementHistory.id)).all()
        assert actions == ["create", "propose", "activate"]


def test_approving_twice_changes_nothing(sessions):
    with sessions.begin() as session:
        agreement = proposed(session)
        hashed = agreement.current.terms_hash
        agreements.approve(session, staff(HOME, 20), agreement.id, hashed, now=NOW)
        agreements.approve(session, staff(HOME, 20), agreement.id, hashed, now=NOW)
        assert len(agreements.versions(session, agreement.id)[0].approvals) == 1


def test_an_approval_of_terms_the_approver_did_not_read_is_refused(sessions):
    with sessions.begin() as session:
        agreement = proposed(session)
        with pytest.raises(Conflict, match="terms changed"):
            agreements.approve(session, staff(OTHER, 21), agreement.id, "0" * 64, now=NOW)


def test_staff_approve_only_for_their_own_organisation(sessions):
    with sessions.begin() as session:
        agreement = proposed(session)
        hashed = agreement.current.terms_hash
        with pytest.raises(Forbidden):
            agreements.approve(session, staff(THIRD, 30), agreement.id, hashed, now=NOW)
        with pytest.raises(Forbidden):
            agreements.approve(session, staff(OTHER, 31, "transfers"), agreement.id, hashed, now=NOW)
        with pytest.raises(Forbidden):
            agreements.approve(session, learner(), agreement.id, hashed, now=NOW)
        # An administrator approves on behalf of a named party.
        agreements.approve(session, ADMIN, agreement.id, hashed, org_id=OTHER, now=NOW)
        assert {a.org_id for a in agreements.versions(session, agreement.id)[0].approvals} == {OTHER}


def test_only_staff_of_a_party_may_create_an_agreement(sessions):
    with sessions.begin() as session:
        with pytest.raises(Forbidden):
            agreements.create(session, staff(THIRD, 30), content((HOME, OTHER)), now=NOW)
        assert agreements.create(session, ADMIN, content((HOME, OTHER)), now=NOW).state is AgreementState.DRAFT


def test_a_change_makes_a_new_version_keeps_the_old_in_force_until_every_party_approves(sessions):
    with sessions.begin() as session:
        agreement = active_agreement(session)
        first = agreements.versions(session, agreement.id)[0]
        changed = replace(first.content, terms=replace(first.content.terms, shelf_life_years=3))
        agreements.new_version(session, staff(OTHER, 21), agreement.id, changed, now=NOW)
        assert agreement.state is AgreementState.ACTIVE and agreement.in_force.number == 1  # issue 15
        old, new = agreements.versions(session, agreement.id)
        assert old.content == first.content and old.terms_hash == first.terms_hash
        assert all(a.voided_at is None for a in old.approvals)  # the approvals of the version in force stand
        assert old.approved_by_all and not new.approvals
        assert new.number == 2 and new.terms_hash != old.terms_hash
        words = [c.words for c in agreements.version_diff(session, agreement.id, 1, 2)]
        assert words == ["Credit shelf-life (years) changed from 5 to 3"]
        # The parties are asked again.
        kinds = session.scalars(select(OutboxMessage.kind).where(OutboxMessage.kind == "agreement_amended")).all()
        assert len(kinds) == 2
        # Approving the new terms brings them into force.
        for n, org in enumerate((HOME, OTHER)):
            agreements.approve(session, staff(org, 40 + n), agreement.id, new.terms_hash, now=NOW)
        assert agreement.state is AgreementState.ACTIVE and agreement.in_force.number == 2


def test_an_approval_of_the_old_terms_does_not_count_for_the_new(sessions):
    with sessions.begin() as session:
        agreement = proposed(session)
        old_hash = agreement.current.terms_hash
        agreements.approve(session, staff(HOME, 20), agreement.id, old_hash, now=NOW)
        agreements.new_version(session, staff(HOME, 20), agreement.id, content(valid_until=date(2028, 1, 1)),
                               now=NOW)
        with pytest.raises(Conflict):
            agreements.approve(session, staff(OTHER, 21), agreement.id, old_hash, now=NOW)
        agreements.approve(session, staff(OTHER, 21), agreement.id, agreement.current.terms_hash, now=NOW)
        assert agreement.state is AgreementState.PROPOSED  # HOME approved only the old terms


def test_unchanged_content_makes_no_new_version(sessions):
    with sessions.begin() as session:
        agreement = proposed(session)
        agreements.new_version(session, staff(HOME, 20), agreement.id, content(), now=NOW)
        assert len(agreements.versions(session, agreement.id)) == 1


def test_a_stale_writer_gets_conflict(sessions):
    with sessions.begin() as session:
        agreement = agreements.create(session, staff(HOME, 10), content(), now=NOW)
        seen = agreement.row_version
        agreements.new_version(session, staff(HOME, 10), agreement.id, content(title="Renamed"), now=NOW)
        with pytest.raises(Conflict):
            agreements.propose(session, staff(HOME, 10), agreement.id, expected_row_version=seen, now=NOW)


def test_suspend_resume_and_terminate(sessions):
    with sessions.begin() as session:
        agreement = active_agreement(session)
        agreements.suspend(session, staff(OTHER, 21), agreement.id, "under review", now=NOW)
        assert agreement.state is AgreementState.SUSPENDED
        agreements.resume(session, staff(HOME, 20), agreement.id, "review done", now=NOW)
        agreements.terminate(session, ADMIN, agreement.id, "consortium dissolved", now=NOW)
        assert agreement.state is AgreementState.TERMINATED
        with pytest.raises(IllegalTransition):
            agreements.resume(session, ADMIN, agreement.id, "again", now=NOW)
        with pytest.raises(Forbidden):
            agreements.terminate(session, staff(THIRD, 30), agreement.id, "not mine", now=NOW)


def test_expire_due_expires_agreements_that_ended_before_today(sessions):
    with sessions.begin() as session:
        ends_yesterday = active_agreement(session, valid_until=date(2026, 11, 1))
        ends_today = active_agreement(session, valid_until=date(2026, 11, 2))
        assert agreements.expire_due(session, date(2026, 11, 2), now=NOW) == [ends_yesterday.id]
        assert ends_yesterday.state is AgreementState.EXPIRED
        assert ends_today.state is AgreementState.ACTIVE
        assert agreements.expire_due(session, date(2026, 11, 2), now=NOW) == []


def test_parties_are_warned_once_before_expiry(sessions):
    with sessions.begin() as session:
        soon = active_agreement(session, valid_until=date(2026, 11, 30))
        active_agreement(session, valid_until=date(2027, 6, 30))
        assert agreements.warn_before_expiry(session, date(2026, 11, 2), days=30, now=NOW) == 2
        assert agreements.warn_before_expiry(session, date(2026, 11, 3), days=30, now=NOW) == 0
        messages = session.scalars(select(OutboxMessage).where(
            OutboxMessage.kind == "agreement_expiry_warning")).all()
        assert {m.recipient_org for m in messages} == {HOME, OTHER}
        assert all(f"Agreement {soon.id} ends in 28 days" in m.subject for m in messages)


def test_drafts_are_visible_to_parties_only_and_active_agreements_to_everyone(sessions):
    with sessions.begin() as session:
        draft = agreements.create(session, staff(HOME, 10), content(), now=NOW)
        live = active_agreement(session)
        with pytest.raises(NotFound):
            agreements.read_agreement(session, staff(THIRD, 30), draft.id)
        with pytest.raises(NotFound):
            agreements.read_agreement(session, learner(), draft.id)
        assert agreements.read_agreement(session, learner(), live.id)[1].number == 1
        assert [a.id for a in agreements.list_agreements(session, learner())] == [live.id]
        assert [a.id for a in agreements.list_agreements(session, staff(HOME, 10))] == [draft.id, live.id]
        assert [a.id for a in agreements.list_agreements(session, staff(HOME, 10), after=draft.id)] == [live.id]


def test_every_move_is_in_the_audit_log(sessions):
    with sessions.begin() as session:
        agreement = active_agreement(session)
        actions = [e.action for e in audit.history(session, "agreement", agreement.id)]
        assert actions == ["create", "propose", "approve", "approve", "activate"]
        assert audit.verify(session).ok
