"""Qualifications: the offers members' feeds make to the awards register, and each run's qualifications

Revision ID: 0019_qualifications
Revises: 0018_listing_policy
"""

import sqlalchemy as sa
from alembic import op

import directory.db

revision = "0019_qualifications"
down_revision = "0018_listing_policy"

STATE = sa.Enum("offered", "confirmed", "dismissed", name="qualification_offer_state")


def upgrade() -> None:
    op.create_table(
        "qualification_offers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.String(length=100), nullable=False),
        sa.Column("qualification_id", sa.String(length=200), nullable=False),
        sa.Column("feed_id", sa.String(length=100), nullable=True),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("level_framework", sa.String(length=10), nullable=True),
        sa.Column("level_value", sa.Integer(), nullable=True),
        sa.Column("level_source", sa.String(length=200), nullable=True),
        sa.Column("credit_value", sa.Numeric(precision=7, scale=2), nullable=True),
        sa.Column("credit_system", sa.String(length=10), nullable=True),
        sa.Column("credit_scheme", sa.String(length=200), nullable=True),
        sa.Column("url", sa.String(length=2000), nullable=True),
        sa.Column("awarding_body", sa.String(length=300), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("state", STATE, nullable=False),
        sa.Column("in_feed", sa.Boolean(), nullable=False),
        sa.Column("award_id", sa.Integer(), nullable=True),
        sa.Column("confirmed_values", directory.db.JSONType, nullable=True),
        sa.Column("offered_at", directory.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", directory.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("decided_at", directory.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decided_by", sa.String(length=100), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_qualification_offers")),
        sa.UniqueConstraint("provider_id", "qualification_id", name="uq_qualification_offers_provider_qualification"),
    )
    op.create_index("ix_qualification_offers_provider_state", "qualification_offers", ["provider_id", "state"])
    with op.batch_alter_table("harvest_runs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("qualifications", directory.db.JSONType, nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("harvest_runs", schema=None) as batch_op:
        batch_op.drop_column("qualifications")
    op.drop_index("ix_qualification_offers_provider_state", table_name="qualification_offers")
    op.drop_table("qualification_offers")
    STATE.drop(op.get_bind(), checkfirst=True)
