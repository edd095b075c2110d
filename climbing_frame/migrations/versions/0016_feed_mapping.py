"""Mapping profiles: a feed's profile, the last document it read (sorted again when the profile changes), and
the values each run could not map

Revision ID: 0016_feed_mapping
Revises: 0014_held_runs
"""

import sqlalchemy as sa
from alembic import op

import directory.db

revision = "0016_feed_mapping"
down_revision = "0014_held_runs"


def upgrade() -> None:
    with op.batch_alter_table('feeds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mapping', directory.db.JSONType, nullable=True))
    with op.batch_alter_table('harvest_runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unmapped_values', directory.db.JSONType, nullable=False,
                                      server_default='[]'))
    op.create_table('feed_documents',
    sa.Column('feed_id', sa.String(length=100), nullable=False),
    sa.Column('format', sa.String(length=30), nullable=False),
    sa.Column('body', sa.LargeBinary(), nullable=False),
    sa.Column('sorted_with', sa.String(length=200), nullable=False),
    sa.Column('stored', directory.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['feed_id'], ['feeds.id'], name=op.f('fk_feed_documents_feed_id_feeds'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('feed_id', name=op.f('pk_feed_documents'))
    )


def downgrade() -> None:
    op.drop_table('feed_documents')
    with op.batch_alter_table('harvest_runs', schema=None) as batch_op:
        batch_op.drop_column('unmapped_values')
    with op.batch_alter_table('feeds', schema=None) as batch_op:
        batch_op.drop_column('mapping')
