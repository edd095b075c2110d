"""The harvest lease migration goes up and down on the suite's database (SQLite, or PostgreSQL), and leaves
the harvester's tables as the models declare them; the feeds-per-member revision keeps every course's feed
and refuses to go down while a member has several feeds."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from climbing_frame.migrate import current, downgrade, upgrade
from directory.catalogue.models import Course
from directory.db import make_engine
from harvester.models import Feed, HarvestRun, QuarantineEntry, StoredDocument
from tests.conftest import TEST_DATABASE_URL

ADDED = {"feeds": {"lease_holder", "lease_started", "lease_trigger"},
         "harvest_runs": {"marked_withdrawn", "pathways_seen", "pathways_quarantined"}}


@pytest.fixture(autouse=True)
def no_member_with_several_feeds(database_kind):
    """The shared PostgreSQL database holds what the last test left, perhaps a member with several feeds,
    which would (rightly) stop 0017_feeds_per_member from going down."""
    if database_kind == "postgresql":
        engine = make_engine(TEST_DATABASE_URL)
        try:
            upgrade(engine)
            empty(engine, database_kind)
        finally:
            engine.dispose()


def columns(engine, table: str) -> set[str]:
    return {c["name"] for c in inspect(engine).get_columns(table)}


def test_the_lease_columns_come_and_go_with_their_revision(tmp_path, database_kind):
    url = TEST_DATABASE_URL if database_kind == "postgresql" else f"sqlite:///{tmp_path / 'migrate.db'}"
    engine = make_engine(url)
    try:
        upgrade(engine)
        assert "0021_overlap_terms" in current(engine)  # the head on top of 0014 on top of 0010_harvest_lease
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
        assert "0021_overlap_terms" in current(engine)  # built on 0014_held_runs
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
        assert "0021_overlap_terms" in current(engine)
        for model in (Feed, HarvestRun, StoredDocument):
            assert columns(engine, model.__tablename__) == {c.name for c in model.__table__.columns}
        downgrade(engine, "0014_held_runs")  # 0016 and the revisions built on it
        assert "0016_feed_mapping" not in current(engine) and "0014_held_runs" in current(engine)
        assert "mapping" not in columns(engine, "feeds") and "unmapped_values" not in columns(engine, "harvest_runs")
        assert "feed_documents" not in inspect(engine).get_table_names()
    finally:
        upgrade(engine)  # leave the shared database as the suite found it
        engine.dispose()


def empty(engine, database_kind: str) -> None:
    """No catalogue or feeds (the shared PostgreSQL database holds what the last test left)."""
    with engine.begin() as connection:
        if database_kind == "postgresql":
            connection.execute(text("TRUNCATE courses, feeds, providers RESTART IDENTITY CASCADE"))
        else:
            for table in ("courses", "feeds", "providers"):
                connection.execute(text(f"DELETE FROM {table}"))


def test_several_feeds_per_member_come_and_go_with_their_revision_and_courses_keep_their_feed(tmp_path, database_kind):
    url = TEST_DATABASE_URL if database_kind == "postgresql" else f"sqlite:///{tmp_path / 'migrate.db'}"
    engine = make_engine(url)
    now = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    try:
        upgrade(engine)
        for model in (Feed, HarvestRun, Course):
            assert columns(engine, model.__tablename__) == {c.name for c in model.__table__.columns}
        downgrade(engine, "0016_feed_mapping")
        assert "0017_feeds_per_member" not in current(engine) and "0016_feed_mapping" in current(engine)
        assert "feed_id" not in columns(engine, "courses") and "aggregator" not in columns(engine, "feeds")
        empty(engine, database_kind)
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO providers (id, name, created, updated) VALUES "
                                    "('10000001', 'One', :now, :now), ('10000002', 'Two', :now, :now)"), {"now": now})
            connection.execute(text(
                "INSERT INTO feeds (id, provider_id, name, format, interval_seconds, enabled, created) VALUES "
                "('10000001', '10000001', 'One', 'native', 3600, :yes, :now)"), {"now": now, "yes": True})
            connection.execute(text(
                "INSERT INTO courses (provider_id, course_id, status, title, source_hash, first_seen, last_seen, "
                "updated) VALUES ('10000001', 'A1', 'active', 'A', 'h', :now, :now, :now), "
                "('10000002', 'B1', 'active', 'B', 'h', :now, :now, :now)"), {"now": now})

        upgrade(engine)  # a member's courses are its one feed's; a member without a feed's are no feed's
        with engine.begin() as connection:
            assert dict(connection.execute(text("SELECT course_id, feed_id FROM courses")).all()) == \
                {"A1": "10000001", "B1": None}
            connection.execute(text(
                "INSERT INTO feeds (id, provider_id, name, format, interval_seconds, enabled, created) VALUES "
                "('one-vle', '10000001', 'One VLE', 'native', 3600, :yes, :now)"), {"now": now, "yes": True})
        before = current(engine)
        with pytest.raises(RuntimeError, match="members 10000001 have several feeds"):
            downgrade(engine, "0016_feed_mapping")  # refused, and nothing lost
        assert current(engine) == before
        with engine.begin() as connection:
            assert connection.execute(text("SELECT COUNT(*) FROM feeds")).scalar() == 2
            connection.execute(text("DELETE FROM feeds WHERE id = 'one-vle'"))
        downgrade(engine, "0016_feed_mapping")
        with pytest.raises(IntegrityError), engine.begin() as connection:  # one feed per member again
            connection.execute(text(
                "INSERT INTO feeds (id, provider_id, name, format, interval_seconds, enabled, created) VALUES "
                "('again', '10000001', 'Again', 'native', 3600, :yes, :now)"), {"now": now, "yes": True})
    finally:
        empty(engine, database_kind)
        upgrade(engine)  # leave the shared database as the suite found it
        engine.dispose()


def test_the_listing_policy_warnings_column_comes_and_goes_with_its_revision(tmp_path, database_kind):
    url = TEST_DATABASE_URL if database_kind == "postgresql" else f"sqlite:///{tmp_path / 'migrate.db'}"
    engine = make_engine(url)
    try:
        upgrade(engine)
        assert "0021_overlap_terms" in current(engine)  # built on 0018, built on 0017
        assert columns(engine, "harvest_runs") == {c.name for c in HarvestRun.__table__.columns}
        downgrade(engine, "0017_feeds_per_member")
        assert "0018_listing_policy" not in current(engine) and "0017_feeds_per_member" in current(engine)
        assert "warnings" not in columns(engine, "harvest_runs") and "unmapped_values" in columns(engine, "harvest_runs")
    finally:
        upgrade(engine)  # leave the shared database as the suite found it
        engine.dispose()
