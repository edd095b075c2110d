"""Harvest leases a crashed run cannot hold (who holds it, since when, for which trigger), and run counts
that add up (records marked withdrawn, pathways counted apart from courses)

Revision ID: 0010_harvest_lease
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

import directory.db

revision = "0010_harvest_lease"
down_revision = "0001"


def upgrade() -> None:
    with op.batch_alter_table('feeds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lease_holder', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('lease_started', directory.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('lease_trigger', sa.String(length=20), nullable=True))
    with op.batch_alter_table('harvest_runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('marked_withdrawn', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('pathways_seen', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('pathways_quarantined', sa.Integer(), server_default='0', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('harvest_runs', schema=None) as batch_op:
        batch_op.drop_column('pathways_quarantined')
        batch_op.drop_column('pathways_seen')
        batch_op.drop_column('marked_withdrawn')
    with op.batch_alter_table('feeds', schema=None) as batch_op:
        batch_op.drop_column('lease_trigger')
        batch_op.drop_column('lease_started')
        batch_op.drop_column('lease_holder')
