"""exchange web: members' webhooks and their delivery attempts

Revision ID: 0006_exchange_web
Revises: 0004_exchange
"""

import sqlalchemy as sa
from alembic import op

import directory.db

revision = "0006_exchange_web"
down_revision = "0004_exchange"


def upgrade() -> None:
    op.create_table(
        "exchange_webhooks",
        sa.Column("org_id", sa.String(length=100), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("secret", sa.String(length=500), nullable=False),
        sa.Column("created", directory.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated", directory.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("from_message_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("org_id", name=op.f("pk_exchange_webhooks")),
    )
    op.create_table(
        "exchange_webhook_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.String(length=100), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", directory.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", directory.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["message_id"], ["exchange_outbox.id"],
                                name=op.f("fk_exchange_webhook_deliveries_message_id_exchange_outbox")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_webhook_deliveries")),
        sa.UniqueConstraint("message_id", "org_id", name="uq_exchange_webhook_deliveries_message"),
    )
    op.create_index("ix_exchange_webhook_deliveries_pending", "exchange_webhook_deliveries",
                    ["state", "next_attempt_at"], unique=False)
    op.create_table(
        "exchange_webhook_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("delivery_id", sa.Integer(), nullable=False),
        sa.Column("at", directory.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["delivery_id"], ["exchange_webhook_deliveries.id"],
                                name=op.f("fk_exchange_webhook_attempts_delivery_id_exchange_webhook_deliveries")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_webhook_attempts")),
    )
    op.create_index(op.f("ix_exchange_webhook_attempts_delivery_id"), "exchange_webhook_attempts",
                    ["delivery_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_exchange_webhook_attempts_delivery_id"), table_name="exchange_webhook_attempts")
    op.drop_table("exchange_webhook_attempts")
    op.drop_index("ix_exchange_webhook_deliveries_pending", table_name="exchange_webhook_deliveries")
    op.drop_table("exchange_webhook_deliveries")
    op.drop_table("exchange_webhooks")
