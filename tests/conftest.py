"""Shared fixtures: a real database (SQLite per test, or PostgreSQL when CF_TEST_DATABASE_URL is set),
a real tantivy index in a temporary folder, and the app built on them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings
from sqlalchemy import text

import directory.catalogue.models  # noqa: F401  (complete metadata)
import directory.catalogue.qualifications  # noqa: F401
import directory.identity.models  # noqa: F401
import directory.overlaps.models  # noqa: F401
import directory.pathways.models  # noqa: F401
import exchange.models  # noqa: F401
import harvester.models  # noqa: F401
from climbing_frame.app import create_app, make_instance
from climbing_frame.migrate import upgrade
from directory import settings as settings_module
from directory.db import Base, make_engine
from tests.clock import CLOCK_START

ROOT = Path(__file__).resolve().parent.parent
# The twin loopback servers of the DNS-rebinding tests (feeds, webhooks, sign-in).
pytest_plugins = ["tests.rebinding"]

# CI (which sets CI=true) runs the same examples every time and never fails a test for being slow on a
# busy machine; a developer's run keeps Hypothesis's defaults.
hypothesis_settings.register_profile("ci", deadline=None, derandomize=True, database=None, print_blob=True)
hypothesis_settings.register_profile("dev")
hypothesis_settings.load_profile("ci" if os.environ.get("CI") else "dev")
TEST_DATABASE_URL = os.environ.get("CF_TEST_DATABASE_URL", "")
# The commands the tests run (in-process or as subprocesses) read CF_* variables: pin their clock too.
os.environ["CF_CLOCK_START"] = CLOCK_START


def _reset_postgres(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    upgrade(engine)
    engine.dispose()


@pytest.fixture(scope="session")
def database_kind() -> str:
    if TEST_DATABASE_URL:
        _reset_postgres(TEST_DATABASE_URL)
        return "postgresql"
    return "sqlite"


def make_settings(tmp_path: Path, **overrides) -> settings_module.Settings:
    values = {
        "data_dir": str(tmp_path / "var"),
        "database_url": TEST_DATABASE_URL,
        "secret_key": "test-secret-not-for-production",
        "harvest_allow_private": True,
        "harvest_retries": 1,
        "harvest_backoff": 0.01,
        "harvest_read_timeout": 5,
        "harvest_connect_timeout": 2,
        "log_level": "WARNING",
        "clock_start": CLOCK_START,  # no test depends on the day the suite runs (tests/clock.py)
    }
    values.update(overrides)
    return settings_module.load(values, environ={"CF_SETTINGS_FILE": str(tmp_path / "none.toml")})


@pytest.fixture
def settings(tmp_path, database_kind) -> settings_module.Settings:
    return make_settings(tmp_path)


@pytest.fixture
def instance(settings, database_kind):
    instance = make_instance(settings)
    if database_kind == "postgresql":
        tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
        with instance.engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
            # APScheduler's job store is its own table, outside our metadata.
            connection.execute(text("DROP TABLE IF EXISTS apscheduler_jobs"))
    else:
        upgrade(instance.engine)
    yield instance
    instance.close()


@pytest.fixture
def app(settings, instance):
    app = create_app(settings)
    instance.attach(app)
    app.config["TESTING"] = True
    return app


@pytest.fixture
def client(app):
    return app.test_client()
