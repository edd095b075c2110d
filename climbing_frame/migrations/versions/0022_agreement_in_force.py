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


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def upgrade() -> None:
    if _sqlite():
        # Not a batch copy: that drops the table the versions refer to, which SQLite's foreign keys refuse
        # once there are agreements. A nullable column with its reference is added in place.
        op.execute(sa.text("ALTER TABLE exchange_agreements ADD COLUMN in_force_version_id INTEGER "
                           "CONSTRAINT fk_exchange_agreements_in_force REFERENCES exchange_agreement_versions (id)"))
    else:
        op.add_column("exchange_agreements", sa.Column("in_force_version_id", sa.Integer(), nullable=True))
        op.create_foreign_key("fk_exchange_agreements_in_force", "exchange_agreements",
                              "exchange_agreement_versions", ["in_force_version_id"], ["id"])
    op.execute(sa.text("UPDATE exchange_agreements SET in_force_version_id = current_version_id "
                       "WHERE approved_hash IS NOT NULL"))


def downgrade() -> None:
    if _sqlite():
        op.execute(sa.text("ALTER TABLE exchange_agreements DROP COLUMN in_force_version_id"))
    else:
        op.drop_constraint("fk_exchange_agreements_in_force", "exchange_agreements", type_="foreignkey")
        op.drop_column("exchange_agreements", "in_force_version_id")
