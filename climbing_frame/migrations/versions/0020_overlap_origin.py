"""Declared exclusions: where an overlap comes from (detected or declared by a feed), and the declarations
of each active course

Revision ID: 0020_overlap_origin
Revises: 0019_qualifications
"""

import sqlalchemy as sa
from alembic import op

revision = "0020_overlap_origin"
down_revision = "0019_qualifications"
depends_on = "0003_overlaps"  # course_overlaps: a branch of its own below 0019

ORIGIN = sa.Enum("detected", "declared", name="overlap_origin")


def upgrade() -> None:
    # add_column does not create a PostgreSQL enum type as create_table does: create it first.
    ORIGIN.create(op.get_bind(), checkfirst=True)
    with op.batch_alter_table("course_overlaps", schema=None) as batch_op:
        batch_op.add_column(sa.Column("origin", ORIGIN, nullable=False, server_default="detected"))
    op.create_table(
        "declared_exclusions",
        sa.Column("course_pk", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.String(length=200), nullable=False),
        sa.Column("course_id", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["course_pk"], ["courses.pk"], name=op.f("fk_declared_exclusions_course_pk_courses"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("course_pk", "provider_id", "course_id", name=op.f("pk_declared_exclusions")),
    )
    op.create_index("ix_declared_exclusions_target", "declared_exclusions", ["provider_id", "course_id"])


def downgrade() -> None:
    op.drop_index("ix_declared_exclusions_target", table_name="declared_exclusions")
    op.drop_table("declared_exclusions")
    # Declared pairs were confirmed by their feed only: they go with the column (the next recomputation
    # finds the pairs whose content overlaps again), rather than stay as if staff had confirmed them.
    op.execute("DELETE FROM course_overlaps WHERE origin = 'declared'")
    with op.batch_alter_table("course_overlaps", schema=None) as batch_op:
        batch_op.drop_column("origin")
    ORIGIN.drop(op.get_bind(), checkfirst=True)
