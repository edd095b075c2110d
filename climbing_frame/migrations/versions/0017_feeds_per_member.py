"""Several feeds per member: a feed's member is no longer unique, a feed may be an aggregator's (several
providers in one document), a course remembers the feed that listed it last, and a run counts the records of
providers outside the consortium it did not import

Revision ID: 0017_feeds_per_member
Revises: 0016_feed_mapping
"""

import sqlalchemy as sa
from alembic import op

import directory.db

revision = "0017_feeds_per_member"
down_revision = "0016_feed_mapping"


def upgrade() -> None:
    with op.batch_alter_table('feeds', schema=None) as batch_op:
        batch_op.drop_constraint('uq_feeds_provider_id', type_='unique')
        batch_op.add_column(sa.Column('aggregator', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.create_index(batch_op.f('ix_feeds_provider_id'), ['provider_id'], unique=False)
    with op.batch_alter_table('courses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('feed_id', sa.String(length=100), nullable=True))
        batch_op.create_index('ix_courses_feed_status', ['feed_id', 'status'], unique=False)
    # Until now a member had one feed, whose id is the member's: its courses are that feed's.
    op.execute("UPDATE courses SET feed_id = (SELECT feeds.id FROM feeds WHERE feeds.provider_id = "
               "courses.provider_id)")
    with op.batch_alter_table('harvest_runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('not_imported', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('outsiders', directory.db.JSONType, nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('held_elsewhere', directory.db.JSONType, nullable=False, server_default='{}'))


def downgrade() -> None:
    _refuse_several_feeds_per_member()
    with op.batch_alter_table('harvest_runs', schema=None) as batch_op:
        batch_op.drop_column('held_elsewhere')
        batch_op.drop_column('outsiders')
        batch_op.drop_column('not_imported')
    with op.batch_alter_table('courses', schema=None) as batch_op:
        batch_op.drop_index('ix_courses_feed_status')
        batch_op.drop_column('feed_id')
    with op.batch_alter_table('feeds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feeds_provider_id'))
        batch_op.drop_column('aggregator')
        batch_op.create_unique_constraint('uq_feeds_provider_id', ['provider_id'])


def _refuse_several_feeds_per_member() -> None:
    # One feed per member again: refuse rather than drop a member's other feeds and their history.
    doubled = op.get_bind().execute(sa.text(
        "SELECT provider_id FROM feeds GROUP BY provider_id HAVING COUNT(*) > 1 ORDER BY provider_id")).scalars().all()
    if doubled:
        raise RuntimeError(f"cannot go below 0017_feeds_per_member: members {', '.join(doubled)} have several "
                           "feeds; remove all but one of each first (`climbing-frame feeds remove FEED`)")
