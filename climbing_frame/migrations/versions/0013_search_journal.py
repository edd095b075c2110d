"""The search index's rebuild claim and its journal of writes made while a rebuild runs

A branch of its own off 0001; ``climbing_frame.migrate.upgrade`` upgrades every head.

Revision ID: 0013_search_journal
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

import directory.db

revision = "0013_search_journal"
down_revision = "0001"


def upgrade() -> None:
    op.create_table(
        "search_rebuilds",
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("slot", sa.Integer(), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("started", directory.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("touched", directory.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("token", name=op.f("pk_search_rebuilds")),
        sa.UniqueConstraint("slot", name=op.f("uq_search_rebuilds_slot")),
    )
    op.create_table(
        "search_journal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rebuild", sa.String(length=32), nullable=False),
        sa.Column("provider_id", sa.String(length=100), nullable=False),
        sa.Column("course_id", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["rebuild"], ["search_rebuilds.token"],
            name=op.f("fk_search_journal_rebuild_search_rebuilds"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_journal")),
    )
    op.create_index(op.f("ix_search_journal_rebuild"), "search_journal", ["rebuild"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_search_journal_rebuild"), table_name="search_journal")
    op.drop_table("search_journal")
    op.drop_table("search_rebuilds")
