"""The identity migration goes up and down on the suite's database (SQLite, or PostgreSQL)."""

from __future__ import annotations

from sqlalchemy import inspect, text

from directory.db import make_engine
from directory.migrate import current, downgrade, upgrade
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
        assert "0007_oidc" in current(engine)  # OpenID Connect sign-in, on top of identity
        assert TABLES | OIDC_TABLES <= set(inspect(engine).get_table_names())
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
