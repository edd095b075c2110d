"""overlaps between courses, their MinHash band keys and signatures

Revision ID: 0003_overlaps
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

import directory.db

revision = "0003_overlaps"
down_revision = "0001"


def upgrade() -> None:
    op.create_table(
        "course_overlaps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("course_a_pk", sa.Integer(), nullable=False),
        sa.Column("course_b_pk", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("reasons", directory.db.JSONType, nullable=False),
        sa.Column("status", sa.Enum("detected", "confirmed", "dismissed", name="overlap_status"), nullable=False),
        sa.Column("content_hash_a", sa.String(length=64), nullable=False),
        sa.Column("content_hash_b", sa.String(length=64), nullable=False),
        sa.Column("detected", directory.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("decided", directory.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(length=200), nullable=True),
        sa.CheckConstraint("course_a_pk < course_b_pk", name=op.f("ck_course_overlaps_ordered_pair")),
        sa.ForeignKeyConstraint(["course_a_pk"], ["courses.pk"], name=op.f("fk_course_overlaps_course_a_pk_courses"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["course_b_pk"], ["courses.pk"], name=op.f("fk_course_overlaps_course_b_pk_courses"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_course_overlaps")),
        sa.UniqueConstraint("course_a_pk", "course_b_pk", name="uq_course_overlaps_pair"),
    )
    op.create_index("ix_course_overlaps_course_b", "course_overlaps", ["course_b_pk"], unique=False)
    op.create_table(
        "overlap_bands",
        sa.Column("course_pk", sa.Integer(), nullable=False),
        sa.Column("band_key", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["course_pk"], ["courses.pk"], name=op.f("fk_overlap_bands_course_pk_courses"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("course_pk", "band_key", name=op.f("pk_overlap_bands")),
    )
    op.create_index("ix_overlap_bands_key", "overlap_bands", ["band_key"], unique=False)
    op.create_table(
        "overlap_signatures",
        sa.Column("course_pk", sa.Integer(), nullable=False),
        sa.Column("signature", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["course_pk"], ["courses.pk"],
                                name=op.f("fk_overlap_signatures_course_pk_courses"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("course_pk", name=op.f("pk_overlap_signatures")),
    )


    op.create_table(
        "overlap_state",
        sa.Column("course_pk", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["course_pk"], ["courses.pk"],
                                name=op.f("fk_overlap_state_course_pk_courses"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("course_pk", name=op.f("pk_overlap_state")),
    )


def downgrade() -> None:
    op.drop_table("overlap_state")
    op.drop_table("overlap_signatures")
    op.drop_index("ix_overlap_bands_key", table_name="overlap_bands")
    op.drop_table("overlap_bands")
    op.drop_index("ix_course_overlaps_course_b", table_name="course_overlaps")
    op.drop_table("course_overlaps")
    sa.Enum(name="overlap_status").drop(op.get_bind(), checkfirst=True)
