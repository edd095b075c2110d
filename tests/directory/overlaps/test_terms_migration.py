"""The overlap-terms migration goes up and down on the suite's database (SQLite, or PostgreSQL): it creates
the word counts as the model declares them and clears the overlap state, signatures and band keys (made by
the previous detector), so the next refresh recomputes every course in one full pass; the overlaps
themselves and their decisions are kept."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from climbing_frame.migrate import current, downgrade, upgrade
from directory.db import Base, make_engine
from directory.overlaps.models import OverlapTerm
from tests.conftest import TEST_DATABASE_URL
from tests.directory.overlaps.test_origin_migration import add_courses_and_overlaps, columns
from tests.harvester.test_migration import empty


def test_the_word_counts_come_with_their_revision_and_the_old_signatures_go(tmp_path, database_kind):
    url = TEST_DATABASE_URL if database_kind == "postgresql" else f"sqlite:///{tmp_path / 'migrate.db'}"
    engine = make_engine(url)
    try:
        upgrade(engine)
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert [d for d in compare_metadata(context, Base.metadata) if "overlap_terms" in repr(d)] == []
        assert columns(engine, "overlap_terms") == {c.name for c in OverlapTerm.__table__.columns}

        downgrade(engine, "0020_overlap_origin")
        assert "0021_overlap_terms" not in current(engine) and "0020_overlap_origin" in current(engine)
        assert "overlap_terms" not in inspect(engine).get_table_names()
        empty(engine, database_kind)
        add_courses_and_overlaps(engine)
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO overlap_state (course_pk, version_id) VALUES (1, 7)"))
            connection.execute(text("INSERT INTO overlap_bands (course_pk, band_key) VALUES (1, 42)"))
            connection.execute(text("INSERT INTO overlap_signatures (course_pk, signature) VALUES (1, :s)"),
                               {"s": b"\x00" * 8})

        upgrade(engine)
        with engine.connect() as connection:
            for table in ("overlap_state", "overlap_bands", "overlap_signatures", "overlap_terms"):
                assert connection.execute(text(f"SELECT count(*) FROM {table}")).scalar() == 0, table
            assert connection.execute(text("SELECT count(*) FROM course_overlaps")).scalar() == 1
    finally:
        upgrade(engine)
