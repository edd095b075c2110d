"""The overlap-origin migration goes up and down on the suite's database (SQLite, or PostgreSQL): it leaves
the overlaps and declared exclusions as the models declare them, gives every existing overlap the origin
"detected", and takes declared pairs away with the column on the way down."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from climbing_frame.migrate import current, downgrade, upgrade
from directory.db import Base, make_engine
from directory.overlaps.models import DeclaredExclusion, Overlap
from tests.conftest import TEST_DATABASE_URL
from tests.harvester.test_migration import empty

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def columns(engine, table: str) -> set[str]:
    return {c["name"] for c in inspect(engine).get_columns(table)}


def add_courses_and_overlaps(engine) -> None:
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO providers (id, name, created, updated) VALUES ('10000001', 'One', :now, :now)"),
                           {"now": NOW})
        for pk in (1, 2, 3):
            connection.execute(text(
                "INSERT INTO courses (pk, provider_id, course_id, status, title, source_hash, first_seen, last_seen, "
                "updated) VALUES (:pk, '10000001', :id, 'active', 'A course', 'x', :now, :now, :now)"),
                {"pk": pk, "id": f"C{pk}", "now": NOW})
        connection.execute(text(
            "INSERT INTO course_overlaps (course_a_pk, course_b_pk, score, reasons, status, content_hash_a, "
            "content_hash_b, detected) VALUES (1, 2, 0.7, '[]', 'detected', 'a', 'b', :now)"), {"now": NOW})


def test_the_overlap_origin_and_declared_exclusions_come_and_go_with_their_revision(tmp_path, database_kind):
    url = TEST_DATABASE_URL if database_kind == "postgresql" else f"sqlite:///{tmp_path / 'migrate.db'}"
    engine = make_engine(url)
    try:
        upgrade(engine)
        assert "0021_overlap_terms" in current(engine)
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = [d for d in compare_metadata(context, Base.metadata)
                           if "course_overlaps" in repr(d) or "declared_exclusions" in repr(d)]
        assert differences == []
        assert columns(engine, "declared_exclusions") == {c.name for c in DeclaredExclusion.__table__.columns}
        assert [i["column_names"] for i in inspect(engine).get_indexes("declared_exclusions")] == \
            [["provider_id", "course_id"]]

        downgrade(engine, "0019_qualifications")  # named: "@-1" counts from the head
        assert "0020_overlap_origin" not in current(engine) and "0019_qualifications" in current(engine)
        assert "origin" not in columns(engine, "course_overlaps")
        assert "declared_exclusions" not in inspect(engine).get_table_names()
        empty(engine, database_kind)
        add_courses_and_overlaps(engine)

        upgrade(engine)  # the enum type went with the column (PostgreSQL): up again
        assert columns(engine, "course_overlaps") == {c.name for c in Overlap.__table__.columns}
        with engine.begin() as connection:
            assert connection.execute(text("SELECT origin FROM course_overlaps")).scalars().all() == ["detected"]
            connection.execute(text(
                "INSERT INTO course_overlaps (course_a_pk, course_b_pk, score, reasons, status, origin, content_hash_a, "
                "content_hash_b, detected) VALUES (2, 3, 1.0, '[]', 'confirmed', 'declared', 'b', 'c', :now)"),
                {"now": NOW})
            connection.execute(text("INSERT INTO declared_exclusions (course_pk, provider_id, course_id) "
                                    "VALUES (3, '10000001', 'C2')"))

        downgrade(engine, "0019_qualifications")  # named: "@-1" counts from the head
        with engine.connect() as connection:
            # The declared pair goes (its feed alone confirmed it); the detected one stays.
            assert connection.execute(text("SELECT course_a_pk, course_b_pk FROM course_overlaps")).all() == [(1, 2)]
            # SQLite's batch mode rebuilt the table: its constraints and index came through.
            assert "ix_course_overlaps_course_b" in {i["name"] for i in inspect(connection).get_indexes("course_overlaps")}
    finally:
        upgrade(engine)  # leave the shared database as the suite found it
        empty(engine, database_kind)
        engine.dispose()
