"""The qualifications migration goes up and down on the suite's database (SQLite, or PostgreSQL) and leaves
the offers table and the run's column as the models declare them."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from climbing_frame.migrate import MIGRATIONS, current, downgrade, upgrade
from directory.catalogue.qualifications import QualificationOffer
from directory.db import Base, make_engine
from harvester.models import HarvestRun
from tests.conftest import TEST_DATABASE_URL


def columns(engine, table: str) -> set[str]:
    return {c["name"] for c in inspect(engine).get_columns(table)}


def test_the_qualification_offers_and_the_runs_qualifications_come_and_go_with_their_revision(tmp_path, database_kind):
    url = TEST_DATABASE_URL if database_kind == "postgresql" else f"sqlite:///{tmp_path / 'migrate.db'}"
    engine = make_engine(url)
    table = QualificationOffer.__tablename__
    try:
        upgrade(engine)
        assert "0021_overlap_terms" in current(engine)
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = [d for d in compare_metadata(context, Base.metadata)
                           if table in repr(d) or "'qualifications'" in repr(d)]
        assert differences == []
        assert columns(engine, table) == {c.name for c in QualificationOffer.__table__.columns}
        assert columns(engine, "harvest_runs") == {c.name for c in HarvestRun.__table__.columns}
        assert [u["column_names"] for u in inspect(engine).get_unique_constraints(table)] == \
            [["provider_id", "qualification_id"]]
        # The revision below (0018_listing_policy, or the one the revisions are chained onto when merged);
        # named, not "@-1": that counts from the head, 0021_overlap_terms, which goes down first.
        below = ScriptDirectory(str(MIGRATIONS)).get_revision("0019_qualifications").down_revision
        downgrade(engine, below)
        assert "0019_qualifications" not in current(engine) and below in current(engine)
        assert table not in inspect(engine).get_table_names()
        assert "qualifications" not in columns(engine, "harvest_runs") and "unmapped_values" in columns(engine, "harvest_runs")
        upgrade(engine)  # and up again: the enum type was dropped with the table (PostgreSQL)
        assert table in inspect(engine).get_table_names()
    finally:
        upgrade(engine)  # leave the shared database as the suite found it
        engine.dispose()
