"""Held runs that stand until decided: rejected withdrawals, and the held run an unchanged run repeats;
quarantined records keep their title

Revision ID: 0014_held_runs
Revises: 0010_harvest_lease
"""

import sqlalchemy as sa
from alembic import op

import directory.db

revision = "0014_held_runs"
down_revision = "0010_harvest_lease"


def upgrade() -> None:
    with op.batch_alter_table('harvest_runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('withdrawals_rejected', directory.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('held_run_id', sa.Integer(), nullable=True))
    with op.batch_alter_table('quarantine', schema=None) as batch_op:
        batch_op.add_column(sa.Column('title', sa.String(length=500), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('quarantine', schema=None) as batch_op:
        batch_op.drop_column('title')
    with op.batch_alter_table('harvest_runs', schema=None) as batch_op:
        batch_op.drop_column('held_run_id')
        batch_op.drop_column('withdrawals_rejected')
