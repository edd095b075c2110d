"""The harvest lease migration goes up and down on the suite's database (SQLite, or PostgreSQL), and leaves
the harvester's tables as the models declare them."""

from __future__ import annotations

from sqlalchemy import inspect

from directory.db import make_engine
from directory.migrate import current, downgrade, upgrade
from harvester.models import Feed, HarvestRun, QuarantineEntry, StoredDocument
from tests.conftest import TEST_DATABASE_URL

ADDED = {"feeds": {"lease_holder", "lease_started", "lease_trigger"},
         "harvest_runs": {"marked_withdrawn", "pathways_seen", "pathways_quarantined"}}


def columns(engine, table: str) -> set[str]:
    return {c["name"] for c in inspect(engine).get_columns(table)}


def test_the_lease_columns_come_and_go_with_their_revision(tmp_path, database_kind):
    url = TEST_DATABASE_URL if database_kind == "postgresql" else f"sqlite:///{tmp_path / 'migrate.db'}"
    engine = make_engine(url)
    try:
        upgrade(engine)
        assert "0018_listing_policy" in current(engine)  # the head on top of 0014 on top of 0010_harvest_lease
        for model in (Feed, HarvestRun):
            assert columns(engine, model.__tablename__) == {c.name for c in model.__table__.columns}
        downgrade(engine, "0010_harvest_lease")  # the revisions built on this one go first
        downgrade(engine, "0010_harvest_lease@-1")
        assert "0010_harvest_lease" not in current(engine)
        for table, added in ADDED.items():
            assert not added & columns(engine, table) and "lease_until" in columns(engine, "feeds")
    finally:
        upgrade(engine)  # leave the shared database as the suite found it
        engine.dispose()


def test_the_held_run_columns_come_and_go_with_their_revision(tmp_path, database_kind):
    url = TEST_DATABASE_URL if database_kind == "postgresql" else f"sqlite:///{tmp_path / 'migrate.db'}"
    engine = make_engine(url)
    try:
        upgrade(engine)
        assert "0018_listing_policy" in current(engine)  # built on 0014_held_runs
        for model in (HarvestRun, QuarantineEntry):
            assert columns(engine, model.__tablename__) == {c.name for c in model.__table__.columns}
        downgrade(engine, "0010_harvest_lease")  # 0014 and the revision built on it
        assert "0014_held_runs" not in current(engine) and "0010_harvest_lease" in current(engine)
        assert not {"withdrawals_rejected", "held_run_id"} & columns(engine, "harvest_runs")
        assert "title" not in columns(engine, "quarantine") and "reason" in columns(engine, "quarantine")
    finally:
        upgrade(engine)  # leave the shared database as the suite found it
        engine.dispose()


def test_the_mapping_profile_columns_and_the_kept_document_come_and_go_with_their_revision(tmp_path, database_kind):
    url = TEST_DATABASE_URL if database_kind == "postgresql" else f"sqlite:///{tmp_path / 'migrate.db'}"
    engine = make_engine(url)
    try:
        upgrade(engine)
        assert "0018_listing_policy" in current(engine)
        for model in (Feed, HarvestRun, StoredDocument):
            assert columns(engine, model.__tablename__) == {c.name for c in model.__table__.columns}
        downgrade(engine, "0014_held_runs")  # with 0018_listing_policy, built on it
        assert "0016_feed_mapping" not in current(engine) and "0014_held_runs" in current(engine)
        assert "mapping" not in columns(engine, "feeds") and "unmapped_values" not in columns(engine, "harvest_runs")
        assert "feed_documents" not in inspect(engine).get_table_names()
    finally:
        upgrade(engine)  # leave the shared database as the suite found it
        engine.dispose()


def test_the_listing_policy_warnings_column_comes_and_goes_with_its_revision(tmp_path, database_kind):
    url = TEST_DATABASE_URL if database_kind == "postgresql" else f"sqlite:///{tmp_path / 'migrate.db'}"
    engine = make_engine(url)
    try:
        upgrade(engine)
        assert "0018_listing_policy" in current(engine)
        assert columns(engine, "harvest_runs") == {c.name for c in HarvestRun.__table__.columns}
        downgrade(engine, "0018_listing_policy@-1")
        assert "0018_listing_policy" not in current(engine) and "0016_feed_mapping" in current(engine)
        assert "warnings" not in columns(engine, "harvest_runs") and "unmapped_values" in columns(engine, "harvest_runs")
    finally:
        upgrade(engine)  # leave the shared database as the suite found it
        engine.dispose()
