"""catalogue and harvester

Revision ID: 0001
Revises:
Create Date: 2026-11-23 07:11:17.664429
"""

import sqlalchemy as sa
from alembic import op

import directory.db

revision = '0001'
down_revision = None


def upgrade() -> None:
    op.create_table('feeds',
    sa.Column('id', sa.String(length=100), nullable=False),
    sa.Column('provider_id', sa.String(length=100), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('url', sa.String(length=2000), nullable=True),
    sa.Column('format', sa.String(length=30), nullable=False),
    sa.Column('interval_seconds', sa.Integer(), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('etag', sa.String(length=500), nullable=True),
    sa.Column('last_modified', sa.String(length=100), nullable=True),
    sa.Column('body_hash', sa.String(length=64), nullable=True),
    sa.Column('lease_until', directory.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created', directory.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feeds')),
    sa.UniqueConstraint('provider_id', name=op.f('uq_feeds_provider_id'))
    )
    op.create_table('providers',
    sa.Column('id', sa.String(length=100), nullable=False),
    sa.Column('id_scheme', sa.String(length=50), nullable=True),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=True),
    sa.Column('url', sa.String(length=1000), nullable=True),
    sa.Column('created', directory.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated', directory.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_providers'))
    )
    op.create_table('courses',
    sa.Column('pk', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.String(length=100), nullable=False),
    sa.Column('course_id', sa.String(length=200), nullable=False),
    sa.Column('status', sa.Enum('active', 'withdrawn', name='course_status'), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('source_hash', sa.String(length=64), nullable=False),
    sa.Column('current_version_id', sa.Integer(), nullable=True),
    sa.Column('first_seen', directory.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_seen', directory.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated', directory.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('withdrawn_at', directory.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['provider_id'], ['providers.id'], name=op.f('fk_courses_provider_id_providers')),
    sa.PrimaryKeyConstraint('pk', name=op.f('pk_courses')),
    sa.UniqueConstraint('provider_id', 'course_id', name='uq_courses_provider_course')
    )
    with op.batch_alter_table('courses', schema=None) as batch_op:
        batch_op.create_index('ix_courses_provider_status', ['provider_id', 'status'], unique=False)

    op.create_table('harvest_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('feed_id', sa.String(length=100), nullable=False),
    sa.Column('provider_id', sa.String(length=100), nullable=False),
    sa.Column('trigger', sa.String(length=20), nullable=False),
    sa.Column('started', directory.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('finished', directory.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('outcome', sa.Enum('succeeded', 'failed', 'held', name='run_outcome'), nullable=False),
    sa.Column('http_status', sa.Integer(), nullable=True),
    sa.Column('seen', sa.Integer(), nullable=False),
    sa.Column('new', sa.Integer(), nullable=False),
    sa.Column('changed', sa.Integer(), nullable=False),
    sa.Column('unchanged', sa.Integer(), nullable=False),
    sa.Column('withdrawn', sa.Integer(), nullable=False),
    sa.Column('quarantined', sa.Integer(), nullable=False),
    sa.Column('errors', directory.db.JSONType, nullable=False),
    sa.Column('held_withdrawals', directory.db.JSONType, nullable=False),
    sa.Column('withdrawals_confirmed', directory.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('completeness_mean', sa.Float(), nullable=True),
    sa.Column('incomplete', directory.db.JSONType, nullable=False),
    sa.Column('unmapped', directory.db.JSONType, nullable=False),
    sa.ForeignKeyConstraint(['feed_id'], ['feeds.id'], name=op.f('fk_harvest_runs_feed_id_feeds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_harvest_runs'))
    )
    with op.batch_alter_table('harvest_runs', schema=None) as batch_op:
        batch_op.create_index('ix_harvest_runs_feed', ['feed_id', 'id'], unique=False)

    op.create_table('course_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_pk', sa.Integer(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('content', directory.db.JSONType, nullable=False),
    sa.Column('completeness', sa.Float(), nullable=False),
    sa.Column('missing', directory.db.JSONType, nullable=False),
    sa.Column('first_seen', directory.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_seen', directory.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('harvest_run_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['course_pk'], ['courses.pk'], name=op.f('fk_course_versions_course_pk_courses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_course_versions'))
    )
    with op.batch_alter_table('course_versions', schema=None) as batch_op:
        batch_op.create_index('ix_course_versions_course', ['course_pk', 'id'], unique=False)

    # courses and course_versions refer to each other: the second reference is added once both exist.
    with op.batch_alter_table('courses', schema=None) as batch_op:
        batch_op.create_foreign_key('fk_courses_current_version', 'course_versions', ['current_version_id'], ['id'])

    op.create_table('quarantine',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('feed_id', sa.String(length=100), nullable=False),
    sa.Column('provider_id', sa.String(length=100), nullable=False),
    sa.Column('record_id', sa.String(length=200), nullable=True),
    sa.Column('field', sa.String(length=300), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('problems', directory.db.JSONType, nullable=False),
    sa.Column('excerpt', sa.Text(), nullable=False),
    sa.Column('created', directory.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['harvest_runs.id'], name=op.f('fk_quarantine_run_id_harvest_runs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quarantine'))
    )
    with op.batch_alter_table('quarantine', schema=None) as batch_op:
        batch_op.create_index('ix_quarantine_run', ['run_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('courses', schema=None) as batch_op:
        batch_op.drop_constraint('fk_courses_current_version', type_='foreignkey')
    with op.batch_alter_table('quarantine', schema=None) as batch_op:
        batch_op.drop_index('ix_quarantine_run')

    op.drop_table('quarantine')
    with op.batch_alter_table('course_versions', schema=None) as batch_op:
        batch_op.drop_index('ix_course_versions_course')

    op.drop_table('course_versions')
    with op.batch_alter_table('harvest_runs', schema=None) as batch_op:
        batch_op.drop_index('ix_harvest_runs_feed')

    op.drop_table('harvest_runs')
    with op.batch_alter_table('courses', schema=None) as batch_op:
        batch_op.drop_index('ix_courses_provider_status')

    op.drop_table('courses')
    op.drop_table('providers')
    op.drop_table('feeds')
    sa.Enum(name='run_outcome').drop(op.get_bind(), checkfirst=True)
    sa.Enum(name='course_status').drop(op.get_bind(), checkfirst=True)
