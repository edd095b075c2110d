"""pathways

A branch of its own off 0001 (identity, overlaps and the exchange are other branches);
``climbing_frame.migrate.upgrade`` upgrades every head.

Revision ID: 0005_pathways
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

import directory.db

revision = "0005_pathways"
down_revision = "0001"


def upgrade() -> None:
    op.create_table(
        "pathways",
        sa.Column("id", sa.String(length=100), nullable=False),
        sa.Column("awarding_provider_id", sa.String(length=100), nullable=False),
        sa.Column("source", sa.Enum("feed", "consortium", name="pathway_source"), nullable=False),
        sa.Column("status", sa.Enum("active", "withdrawn", name="pathway_status"), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("content", directory.db.JSONType, nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("created", directory.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated", directory.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", directory.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["awarding_provider_id"], ["providers.id"],
                                name=op.f("fk_pathways_awarding_provider_id_providers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pathways")),
    )
    op.create_index("ix_pathways_awarding_status", "pathways", ["awarding_provider_id", "status"])
    op.create_table(
        "pathway_courses",
        sa.Column("pathway_id", sa.String(length=100), nullable=False),
        sa.Column("provider_id", sa.String(length=100), nullable=False),
        sa.Column("course_id", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(["pathway_id"], ["pathways.id"], ondelete="CASCADE",
                                name=op.f("fk_pathway_courses_pathway_id_pathways")),
        sa.PrimaryKeyConstraint("pathway_id", "provider_id", "course_id", name=op.f("pk_pathway_courses")),
    )
    op.create_index("ix_pathway_courses_course", "pathway_courses", ["provider_id", "course_id"])


def downgrade() -> None:
    op.drop_index("ix_pathway_courses_course", table_name="pathway_courses")
    op.drop_table("pathway_courses")
    op.drop_index("ix_pathways_awarding_status", table_name="pathways")
    op.drop_table("pathways")
    sa.Enum(name="pathway_status").drop(op.get_bind(), checkfirst=True)
    sa.Enum(name="pathway_source").drop(op.get_bind(), checkfirst=True)
