"""The agreement-in-force migration goes up and down on the suite's database (SQLite, or PostgreSQL): the
column is as the model declares it, and an agreement that was approved starts with its current version in
force while one never approved has none."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from climbing_frame.migrate import current, downgrade, upgrade
from directory.db import Base, make_engine
from tests.conftest import TEST_DATABASE_URL

REVISION = "0022_agreement_in_force"


def columns(engine) -> set[str]:
    from sqlalchemy import inspect
    return {c["name"] for c in inspect(engine).get_columns("exchange_agreements")}


def add_agreement(connection, number: int, state: str, approved_hash: str | None) -> None:
    connection.execute(text(
        "INSERT INTO exchange_agreements (id, state, approved_hash, row_version, created, updated, created_by) "
        "VALUES (:id, :state, :hashed, 1, '2026-01-05 09:00:00+00:00', '2026-01-05 09:00:00+00:00', 'test')"),
        {"id": number, "state": state, "hashed": approved_hash})
    connection.execute(text(
        "INSERT INTO exchange_agreement_versions (id, agreement_id, number, content, terms_hash, kind, valid_from, "
        "created, created_by) VALUES (:id, :id, 1, '{}', :hashed, 'mutual_recognition', '2026-01-01', "
        "'2026-01-05 09:00:00+00:00', 'test')"), {"id": number, "hashed": "a" * 64})
    connection.execute(text("UPDATE exchange_agreements SET current_version_id = :id WHERE id = :id"),
                       {"id": number})


def test_the_version_in_force_comes_with_its_revision_and_approved_agreements_start_in_force(
        tmp_path, database_kind):
    url = TEST_DATABASE_URL if database_kind == "postgresql" else f"sqlite:///{tmp_path / 'migrate.db'}"
    engine = make_engine(url)
    try:
        upgrade(engine)
        assert REVISION in current(engine)  # the exchange branch's one head
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert [d for d in compare_metadata(context, Base.metadata) if "exchange_agreements" in repr(d)] == []
        downgrade(engine, f"{REVISION}@-1")
        assert "in_force_version_id" not in columns(engine)
        with engine.begin() as connection:
            add_agreement(connection, 9001, "active", "a" * 64)
            add_agreement(connection, 9002, "proposed", None)
        upgrade(engine)
        with engine.connect() as connection:
            found = dict(connection.execute(text(
                "SELECT id, in_force_version_id FROM exchange_agreements WHERE id IN (9001, 9002)")).all())
        assert found == {9001: 9001, 9002: None}
    finally:
        with engine.begin() as connection:  # leave the shared database as the suite found it
            connection.execute(text("UPDATE exchange_agreements SET current_version_id = NULL, "
                                    "in_force_version_id = NULL WHERE id IN (9001, 9002)"))
            connection.execute(text("DELETE FROM exchange_agreement_versions WHERE id IN (9001, 9002)"))
            connection.execute(text("DELETE FROM exchange_agreements WHERE id IN (9001, 9002)"))
        upgrade(engine)
        engine.dispose()
