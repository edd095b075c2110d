"""overlap terms: how many courses use each word, in the catalogue and per provider

Detection now weighs shared words by how specific they are (directory/overlaps/rarity.py) and compares the
whole of a course (title, outcomes, aims, description), so every stored signature and band key is stale:
the overlap state is cleared and the next refresh recomputes every course in one full pass.

Revision ID: 0021_overlap_terms
Revises: 0020_overlap_origin
"""

import sqlalchemy as sa
from alembic import op

revision = "0021_overlap_terms"
down_revision = "0020_overlap_origin"
depends_on = ("0003_overlaps",)  # the overlap tables it clears


def upgrade() -> None:
    op.create_table(
        "overlap_terms",
        sa.Column("scope", sa.String(length=200), nullable=False),
        sa.Column("term", sa.String(length=200), nullable=False),
        sa.Column("courses", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("scope", "term", name=op.f("pk_overlap_terms")),
    )
    for table in ("overlap_state", "overlap_bands", "overlap_signatures"):
        op.execute(sa.text(f"DELETE FROM {table}"))


def downgrade() -> None:
    op.drop_table("overlap_terms")
    for table in ("overlap_state", "overlap_bands", "overlap_signatures"):
        op.execute(sa.text(f"DELETE FROM {table}"))
