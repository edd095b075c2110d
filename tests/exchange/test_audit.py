"""The audit log is append-only and chained under the instance's audit key, with a signed head: any edit,
deletion or truncation is found (the first broken link named), even by someone who can write the
database and recompute hashes; the database itself refuses to edit events or ledger entries."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import event, select, text
from sqlalchemy.exc import IntegrityError

from climbing_frame.app import make_instance
from climbing_frame.migrate import downgrade, upgrade
from directory.errors import AuditUnavailable
from exchange import audit
from exchange.ledger import LedgerEntry
from tests.conftest import make_settings
from tests.exchange.conftest import NOW
from tests.exchange.tampering import as_owner


def write(sessions, count=5, start=0):
    with sessions.begin() as session:
        for n in range(start, start + count):
            audit.append(session, actor=f"user:{n}", entity="agreement", entity_id=n, action="create",
                         before=None, after={"state": "draft", "n": n}, at=NOW + timedelta(seconds=n))
        return audit.verify(session).head


def check(sessions, **kw):
    with sessions() as session:
        return audit.verify(session, **kw)


def rewrite_from(session, seq, actor, link):
    """Edit event ``seq`` and recompute every later link with ``link(prev_hash, body)``, as a forger
    would."""
    prev = session.scalar(select(audit.AuditEvent.hash).where(audit.AuditEvent.seq == seq - 1)) or audit.GENESIS
    for row in session.execute(select(audit.AuditEvent.__table__).where(audit.AuditEvent.seq >= seq)
                               .order_by(audit.AuditEvent.seq)).all():
        who = actor if row.seq == seq else row.actor
        body = audit.canonical_event(row.seq, row.at, who, row.entity, row.entity_id, row.action, row.before,
                                     row.after)
        new = link(prev, body)
        session.execute(text("UPDATE exchange_audit SET actor = :a, prev_hash = :p, hash = :h WHERE seq = :s"),
                        {"a": who, "p": prev, "h": new, "s": row.seq})
        prev = new
    return prev


def test_an_untouched_chain_verifies(sessions):
    head = write(sessions)
    result = check(sessions, expected_head=head)
    assert (result.ok, result.events, result.head) == (True, 5, head)


def test_an_edited_event_is_found(sessions):
    write(sessions)
    with as_owner(sessions) as session:
        session.execute(text("UPDATE exchange_audit SET actor = 'user:99' WHERE seq = 3"))
    result = check(sessions)
    assert (result.ok, result.broken_at) == (False, 3)
    assert "edited" in result.reason


def test_an_edited_payload_is_found(sessions):
    write(sessions)
    with as_owner(sessions) as session:
        session.execute(text("UPDATE exchange_audit SET after = NULL WHERE seq = 2"))
    assert check(sessions).broken_at == 2


def test_a_deleted_event_is_found(sessions):
    write(sessions)
    with as_owner(sessions) as session:
        session.execute(text("DELETE FROM exchange_audit WHERE seq = 2"))
    result = check(sessions)
    assert (result.ok, result.broken_at) == (False, 2)
    assert "missing" in result.reason


def test_an_event_rewritten_with_every_later_hash_recomputed_is_found(sessions):
    write(sessions)
    with as_owner(sessions) as session:
        rewrite_from(session, 3, "user:99", audit.chain_hash)
    result = check(sessions)
    assert (result.ok, result.broken_at) == (False, 3)
    assert "edited" in result.reason


def test_a_rewrite_that_also_moves_the_head_is_found_without_the_key(sessions):
    write(sessions)
    with as_owner(sessions) as session:
        last = rewrite_from(session, 3, "user:99", audit.chain_hash)
        session.execute(text("UPDATE exchange_audit_head SET hash = :h, mac = :m"),
                        {"h": last, "m": audit.head_mac(b"a guess", 5, last, 0)})
    result = check(sessions)
    assert not result.ok
    assert "signature" in result.reason


def test_events_removed_from_the_end_are_found_by_default(sessions):
    write(sessions)
    with as_owner(sessions) as session:
        session.execute(text("DELETE FROM exchange_audit WHERE seq >= 4"))
    result = check(sessions)
    assert (result.ok, result.events, result.broken_at) == (False, 3, 4)
    assert "removed" in result.reason


def test_events_removed_from_the_end_are_found_when_the_head_is_pulled_back_unsigned(sessions):
    write(sessions)
    with as_owner(sessions) as session:
        third = session.scalar(select(audit.AuditEvent.hash).where(audit.AuditEvent.seq == 3))
        session.execute(text("DELETE FROM exchange_audit WHERE seq >= 4"))
        session.execute(text("UPDATE exchange_audit_head SET seq = 3, hash = :h"), {"h": third})
    result = check(sessions)
    assert not result.ok
    assert "signature" in result.reason


def test_a_deleted_head_is_found_and_stops_appends(sessions):
    write(sessions)
    with as_owner(sessions) as session:
        session.execute(text("DELETE FROM exchange_audit_head"))
    assert "head is missing" in check(sessions).reason
    with pytest.raises(AuditUnavailable, match="head is missing"):
        write(sessions, 1, start=5)


def test_appends_refuse_to_chain_onto_a_truncated_end(sessions):
    write(sessions)
    with as_owner(sessions) as session:
        session.execute(text("DELETE FROM exchange_audit WHERE seq = 5"))
    with pytest.raises(AuditUnavailable, match="removed"):
        write(sessions, 1, start=5)


def test_a_copy_restored_from_earlier_is_found_against_a_kept_head(sessions):
    write(sessions, 3)
    with sessions() as session:
        earlier = session.execute(text("SELECT seq, hash, legacy_seq, mac FROM exchange_audit_head")).one()
    head = write(sessions, 2, start=3)
    with as_owner(sessions) as session:
        session.execute(text("DELETE FROM exchange_audit WHERE seq > 3"))
        session.execute(text("UPDATE exchange_audit_head SET seq = :seq, hash = :hash, mac = :mac"),
                        dict(earlier._mapping))
    assert check(sessions).ok  # a whole earlier state is consistent: only a head kept elsewhere shows it
    result = check(sessions, expected_head=head)
    assert (result.ok, result.broken_at) == (False, 4)


def test_a_wrong_key_fails_verification(sessions, tmp_path):
    write(sessions)
    result = check(sessions, key=b"not the instance's key")
    assert not result.ok
    assert "different audit key" in result.reason
    other = make_instance(make_settings(tmp_path, secret_key="another secret"))
    try:
        with other.readers() as session:
            assert not audit.verify(session).ok
        with pytest.raises(AuditUnavailable, match="different audit key"):
            write(other.sessions, 1, start=5)
    finally:
        other.close()


def test_without_a_key_nothing_is_written(tmp_path, instance):
    keyless = make_instance(make_settings(tmp_path, secret_key="", audit_key=""))
    try:
        with pytest.raises(AuditUnavailable, match="CF_AUDIT_KEY"):
            write(keyless.sessions, 1)
        with keyless.readers() as session, pytest.raises(AuditUnavailable):
            audit.verify(session)
    finally:
        keyless.close()
    assert check(instance.sessions).events == 0


def test_the_key_comes_from_audit_key_else_from_the_secret_key(tmp_path):
    derived = audit.derive_key(make_settings(tmp_path, secret_key="s"))
    assert derived not in (None, b"s") and len(derived) == 64
    # Before rotating the secret key, the derived key can be pinned as audit_key: the chain stays valid.
    assert audit.derive_key(make_settings(tmp_path, secret_key="new", audit_key=derived.decode())) == derived
    assert audit.derive_key(make_settings(tmp_path, secret_key="other")) != derived
    assert audit.derive_key(make_settings(tmp_path, secret_key="s", audit_key="k" * 40)) == b"k" * 40
    assert audit.derive_key(make_settings(tmp_path, secret_key="", audit_key="")) is None


def a_ledger_entry(sessions) -> int:
    with sessions.begin() as session:
        entry = LedgerEntry(learner_id=500, target_org="10000001", award_code="MSC-DS", purpose="award",
                            credits=Decimal(15), achievement_ref="ref", created=NOW, created_by="user:1")
        session.add(entry)
        session.flush()
        return entry.id


@pytest.mark.parametrize("statement", [
    "UPDATE exchange_audit SET actor = 'user:99' WHERE seq = 1",
    "DELETE FROM exchange_audit WHERE seq = 2",
    "DELETE FROM exchange_audit",
    "UPDATE exchange_ledger SET credits = 999",
    "DELETE FROM exchange_ledger",
    "DELETE FROM exchange_audit_head",
    "UPDATE exchange_audit_head SET seq = 1",
])
def test_the_database_refuses_to_edit_the_log_and_the_ledger(sessions, statement):
    write(sessions, 2)
    a_ledger_entry(sessions)
    with pytest.raises(IntegrityError), sessions.begin() as session:
        session.execute(text(statement))
    with sessions() as session:
        assert check(sessions).ok
        assert session.scalar(select(LedgerEntry.credits)) == Decimal(15)


def test_the_orm_refuses_to_edit_an_event(sessions):
    write(sessions, 1)
    with sessions() as session:
        event = session.get(audit.AuditEvent, 1)
        event.actor = "someone else"
        with pytest.raises(RuntimeError, match="append-only"):
            session.flush()


def write_legacy(session, count):
    """Events as the code before migration 0009 wrote them: plain SHA-256 links, no head."""
    prev = audit.GENESIS
    for n in range(1, count + 1):
        at = NOW + timedelta(seconds=n)
        body = audit.canonical_event(n, at, f"user:{n}", "agreement", str(n), "create", None, {"n": n})
        prev, link = audit.chain_hash(prev, body), prev
        session.add(audit.AuditEvent(seq=n, at=at, actor=f"user:{n}", entity="agreement", entity_id=str(n),
                                     action="create", before=None, after={"n": n}, prev_hash=link, hash=prev))
    session.flush()


def test_a_chain_written_before_the_upgrade_is_sealed_once_then_covered(sessions, instance):
    downgrade(instance.engine, "0006_exchange_web")
    try:
        with sessions.begin() as session:
            write_legacy(session, 3)
        upgrade(instance.engine)
        unsealed = check(sessions)
        assert not unsealed.ok and "audit seal" in unsealed.reason
        with pytest.raises(AuditUnavailable, match="not sealed"):
            write(sessions, 1, start=3)
        with sessions.begin() as session:
            assert audit.seal(session).ok
        write(sessions, 2, start=3)
        result = check(sessions)
        assert (result.ok, result.events) == (True, 5)
        with as_owner(sessions) as session:  # the legacy links can be recomputed: the keyed ones cannot
            rewrite_from(session, 2, "user:99", audit.chain_hash)
        assert (check(sessions).ok, check(sessions).broken_at) == (False, 4)
    finally:
        upgrade(instance.engine)  # leave the shared database as the suite found it


def test_a_broken_legacy_chain_is_not_sealed(sessions, instance):
    downgrade(instance.engine, "0006_exchange_web")
    try:
        with sessions.begin() as session:
            write_legacy(session, 3)
            session.execute(text("UPDATE exchange_audit SET actor = 'user:99' WHERE seq = 2"))
        upgrade(instance.engine)
        with sessions.begin() as session:
            result = audit.seal(session)
        assert (result.ok, result.broken_at) == (False, 2)
        assert not check(sessions).ok
    finally:
        upgrade(instance.engine)


def test_an_append_committed_while_the_chain_is_read_is_no_false_alarm(sessions, instance):
    write(sessions, 2)
    appended = []

    def append_between_the_reads(_conn, _cursor, statement, *_args):
        # Once verify has read the head and is about to read the events, another writer commits.
        if not appended and "FROM exchange_audit ORDER BY exchange_audit.seq" in statement:
            appended.append("writing")
            write(sessions, 1, start=2)

    event.listen(instance.engine, "before_cursor_execute", append_between_the_reads)
    try:
        with instance.readers() as session:
            result = audit.verify(session)
    finally:
        event.remove(instance.engine, "before_cursor_execute", append_between_the_reads)
    assert appended
    assert (result.ok, result.events) == (True, 2)
    assert check(sessions).events == 3
