"""The identity migration goes up and down on the suite's database (SQLite, or PostgreSQL)."""

from __future__ import annotations

from sqlalchemy import inspect, text

from climbing_frame.migrate import current, downgrade, upgrade
from directory.db import make_engine
from tests.conftest import TEST_DATABASE_URL

TABLES = {"organisations", "users", "user_sessions", "password_reset_tokens", "oauth_clients", "oauth_tokens",
          "security_events", "outbox_messages"}
OIDC_TABLES = {"organisation_sign_in", "oidc_nonces"}


def test_identity_tables_come_and_go_with_their_revision(tmp_path, database_kind):
    if database_kind == "postgresql":
        engine = make_engine(TEST_DATABASE_URL)
    else:
        engine = make_engine(f"sqlite:///{tmp_path / 'migrate.db'}")
    try:
        upgrade(engine)
        # OpenID Connect sign-in on top of identity, provider identifiers on top of that.
        assert "0015_provider_identifiers" in current(engine)
        assert TABLES | OIDC_TABLES <= set(inspect(engine).get_table_names())
        downgrade(engine, "0015_provider_identifiers@-1")  # the revision built on it goes first
        assert not {"organisation_identifiers"} & set(inspect(engine).get_table_names())
        downgrade(engine, "0007_oidc@-1")
        assert not OIDC_TABLES & set(inspect(engine).get_table_names())
        assert TABLES | {"learner_plans"} <= set(inspect(engine).get_table_names())
        downgrade(engine, "0002_identity@-1")
        # The planner's saved plans belong to accounts (0008 depends on identity): they go first.
        assert not (TABLES | {"learner_plans"}) & set(inspect(engine).get_table_names())
        assert "0002_identity" not in (current(engine) or "")
        if database_kind == "postgresql":
            with engine.connect() as connection:
                assert connection.execute(text("SELECT 1 FROM pg_type WHERE typname = 'user_role'")).first() is None
    finally:
        upgrade(engine)  # leave the shared database as the suite found it
        engine.dispose()


def test_the_provider_identifiers_table_comes_and_goes_with_its_revision_as_its_model_says(tmp_path, database_kind):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from directory.db import Base
    from directory.identity.models import OrganisationIdentifier

    url = TEST_DATABASE_URL if database_kind == "postgresql" else f"sqlite:///{tmp_path / 'migrate.db'}"
    engine = make_engine(url)
    table = OrganisationIdentifier.__tablename__
    try:
        upgrade(engine)
        assert "0015_provider_identifiers" in current(engine)  # the head on top of 0007_oidc
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = [d for d in compare_metadata(context, Base.metadata) if table in repr(d)]
        assert differences == []
        inspector = inspect(engine)
        assert {c["name"] for c in inspector.get_columns(table)} == {c.name for c in OrganisationIdentifier.__table__.columns}
        assert [u["column_names"] for u in inspector.get_unique_constraints(table)] == [["key"]]
        downgrade(engine, "0015_provider_identifiers@-1")
        assert table not in inspect(engine).get_table_names() and "organisations" in inspect(engine).get_table_names()
        assert "0015_provider_identifiers" not in current(engine) and "0007_oidc" in current(engine)
    finally:
        upgrade(engine)  # leave the shared database as the suite found it
        engine.dispose()
