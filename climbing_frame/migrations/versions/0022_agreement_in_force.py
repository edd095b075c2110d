"""exchange agreements: the version in force, kept apart from the newest version

Revision ID: 0022_agreement_in_force
Revises: 0009_audit_anchor

An amendment no longer takes an agreement out of force: ``in_force_version_id`` names the version every
party approved, and stays until every party has approved the next one (``current_version_id`` is the
newest, possibly pending, version). Agreements that have been in force (active, suspended, expired, or
terminated after being approved) start with their current version in force.
"""

import sqlalchemy as sa
from alembic import op

revision = "0022_agreement_in_force"
down_revision = "0009_audit_anchor"


def upgrade() -> None:
    with op.batch_alter_table("exchange_agreements") as batch_op:
        batch_op.add_column(sa.Column("in_force_version_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_exchange_agreements_in_force", "exchange_agreement_versions",
                                    ["in_force_version_id"], ["id"])
    op.execute(sa.text("UPDATE exchange_agreements SET in_force_version_id = current_version_id "
                       "WHERE approved_hash IS NOT NULL"))


def downgrade() -> None:
    with op.batch_alter_table("exchange_agreements") as batch_op:
        batch_op.drop_constraint("fk_exchange_agreements_in_force", type_="foreignkey")
        batch_op.drop_column("in_force_version_id")
