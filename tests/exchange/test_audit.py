"""The audit log is append-only and hash-chained: any edit or deletion is found, the first broken link
named."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text

from exchange import audit
from tests.exchange.conftest import NOW


def write(sessions, count=5):
    with sessions.begin() as session:
        for n in range(count):
            audit.append(session, actor=f"user:{n}", entity="agreement", entity_id=n, action="create",
                         before=None, after={"state": "draft", "n": n}, at=NOW + timedelta(seconds=n))
        return audit.verify(session).head


def check(sessions, **kw):
    with sessions() as session:
        return audit.verify(session, **kw)


def test_an_untouched_chain_verifies(sessions):
    head = write(sessions)
    result = check(sessions, expected_head=head)
    assert (result.ok, result.events, result.head) == (True, 5, head)


def test_an_edited_event_is_found(sessions):
    write(sessions)
    with sessions.begin() as session:
        session.execute(text("UPDATE exchange_audit SET actor = 'user:99' WHERE seq = 3"))
    result = check(sessions)
    assert (result.ok, result.broken_at) == (False, 3)
    assert "edited" in result.reason


def test_an_edited_payload_is_found(sessions):
    write(sessions)
    with sessions.begin() as session:
        session.execute(text("UPDATE exchange_audit SET after = NULL WHERE seq = 2"))
    assert check(sessions).broken_at == 2


def test_a_deleted_event_is_found(sessions):
    write(sessions)
    with sessions.begin() as session:
        session.execute(text("DELETE FROM exchange_audit WHERE seq = 2"))
    result = check(sessions)
    assert (result.ok, result.broken_at) == (False, 2)
    assert "missing" in result.reason


def test_a_replaced_event_is_found_even_with_a_recomputed_hash(sessions):
    write(sessions)
    with sessions.begin() as session:
        row = session.execute(text("SELECT prev_hash FROM exchange_audit WHERE seq = 3")).one()
        forged = audit.chain_hash(row.prev_hash, audit.canonical_event(
            3, NOW + timedelta(seconds=2), "user:99", "agreement", "2", "create", None, {"state": "draft", "n": 2}))
        session.execute(text("UPDATE exchange_audit SET actor = 'user:99', hash = :h WHERE seq = 3"), {"h": forged})
    assert check(sessions).broken_at == 4


def test_events_removed_from_the_end_are_found_against_a_kept_head(sessions):
    head = write(sessions)
    with sessions.begin() as session:
        session.execute(text("DELETE FROM exchange_audit WHERE seq = 5"))
    assert check(sessions).ok
    result = check(sessions, expected_head=head)
    assert (result.ok, result.broken_at) == (False, 5)


def test_the_orm_refuses_to_edit_an_event(sessions):
    write(sessions, 1)
    with sessions() as session:
        event = session.get(audit.AuditEvent, 1)
        event.actor = "someone else"
        with pytest.raises(RuntimeError, match="append-only"):
            session.flush()
