"""The listing policy: the expected fields each run's listed courses do not publish (warnings)

Revision ID: 0018_listing_policy
Revises: 0017_feeds_per_member
"""

import sqlalchemy as sa
from alembic import op

import directory.db

revision = "0018_listing_policy"
down_revision = "0017_feeds_per_member"


def upgrade() -> None:
    with op.batch_alter_table('harvest_runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('warnings', directory.db.JSONType, nullable=False, server_default='[]'))


def downgrade() -> None:
    with op.batch_alter_table('harvest_runs', schema=None) as batch_op:
        batch_op.drop_column('warnings')
