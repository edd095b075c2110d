"""exchange: agreements, transfer requests, credit ledger, audit log, outbox

Revision ID: 0004_exchange
Revises: 0001
Create Date: 2026-11-24

A branch of its own off 0001 (identity and overlaps are other branches); ``climbing_frame.migrate.upgrade``
upgrades every head.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

import directory.db

revision = "0004_exchange"
down_revision = "0001"


def upgrade() -> None:
    op.create_table('exchange_agreements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('draft', 'proposed', 'active', 'suspended', 'expired', 'terminated', name='agreement_state'), nullable=False),
    sa.Column('current_version_id', sa.Integer(), nullable=True),
    sa.Column('approved_hash', sa.String(length=64), nullable=True),
    sa.Column('row_version', sa.Integer(), nullable=False),
    sa.Column('created', directory.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated', directory.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exchange_agreements'))
    )
    op.create_index('ix_exchange_agreements_state', 'exchange_agreements', ['state', 'id'], unique=False)
    op.create_table('exchange_audit',
    sa.Column('seq', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('at', directory.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=200), nullable=False),
    sa.Column('entity', sa.String(length=50), nullable=False),
    sa.Column('entity_id', sa.String(length=100), nullable=False),
    sa.Column('action', sa.String(length=50), nullable=False),
    sa.Column('before', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=True),
    sa.Column('after', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=True),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_exchange_audit')),
    sa.UniqueConstraint('hash', name=op.f('uq_exchange_audit_hash')),
    sa.UniqueConstraint('prev_hash', name=op.f('uq_exchange_audit_prev_hash'))
    )
    op.create_index(op.f('ix_exchange_audit_entity_id'), 'exchange_audit', ['entity_id'], unique=False)
    op.create_table('exchange_awards',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.String(length=100), nullable=False),
    sa.Column('code', sa.String(length=100), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('total_credit', sa.Numeric(precision=7, scale=2), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('updated', directory.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exchange_awards')),
    sa.UniqueConstraint('org_id', 'code', name='uq_exchange_awards_org_code')
    )
    op.create_table('exchange_outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('recipient_org', sa.String(length=100), nullable=True),
    sa.Column('recipient_user', sa.Integer(), nullable=True),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('kind', sa.String(length=50), nullable=False),
    sa.Column('dedupe_key', sa.String(length=200), nullable=True),
    sa.Column('created', directory.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', directory.db.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exchange_outbox')),
    sa.UniqueConstraint('dedupe_key', name=op.f('uq_exchange_outbox_dedupe_key'))
    )
    op.create_index(op.f('ix_exchange_outbox_recipient_org'), 'exchange_outbox', ['recipient_org'], unique=False)
    op.create_index(op.f('ix_exchange_outbox_recipient_user'), 'exchange_outbox', ['recipient_user'], unique=False)
    op.create_table('exchange_transfer_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('learner_id', sa.Integer(), nullable=False),
    sa.Column('idempotency_key', sa.String(length=200), nullable=True),
    sa.Column('body_hash', sa.String(length=64), nullable=False),
    sa.Column('target_org', sa.String(length=100), nullable=False),
    sa.Column('award_code', sa.String(length=100), nullable=False),
    sa.Column('purpose', sa.Enum('entry', 'advanced_standing', name='transfer_purpose'), nullable=False),
    sa.Column('state', sa.Enum('submitted', 'pre_assessed', 'accepted', 'changed', 'refused', 'withdrawn', 'appealed', name='transfer_state'), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('request_date', sa.Date(), nullable=False),
    sa.Column('submitted_at', directory.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('assessment', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=True),
    sa.Column('decision', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=True),
    sa.Column('decided_by', sa.String(length=200), nullable=True),
    sa.Column('decided_at', directory.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('appeal_reason', sa.Text(), nullable=True),
    sa.Column('appealed_at', directory.db.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exchange_transfer_requests')),
    sa.UniqueConstraint('learner_id', 'idempotency_key', name='uq_exchange_transfer_requests_idempotency')
    )
    op.create_index('ix_exchange_transfer_requests_learner', 'exchange_transfer_requests', ['learner_id', 'id'], unique=False)
    op.create_index('ix_exchange_transfer_requests_queue', 'exchange_transfer_requests', ['target_org', 'state', 'due_on', 'id'], unique=False)
    op.create_table('exchange_agreement_history',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agreement_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=30), nullable=False),
    sa.Column('from_state', sa.String(length=20), nullable=True),
    sa.Column('to_state', sa.String(length=20), nullable=False),
    sa.Column('version_number', sa.Integer(), nullable=False),
    sa.Column('actor', sa.String(length=200), nullable=False),
    sa.Column('at', directory.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('note', sa.String(length=2000), nullable=True),
    sa.ForeignKeyConstraint(['agreement_id'], ['exchange_agreements.id'], name=op.f('fk_exchange_agreement_history_agreement_id_exchange_agreements')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exchange_agreement_history'))
    )
    op.create_index('ix_exchange_agreement_history_agreement', 'exchange_agreement_history', ['agreement_id', 'id'], unique=False)
    op.create_table('exchange_agreement_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agreement_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('content', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('terms_hash', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('created', directory.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['agreement_id'], ['exchange_agreements.id'], name=op.f('fk_exchange_agreement_versions_agreement_id_exchange_agreements')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exchange_agreement_versions')),
    sa.UniqueConstraint('agreement_id', 'number', name='uq_exchange_agreement_versions_number')
    )
    op.create_index(op.f('ix_exchange_agreement_versions_valid_until'), 'exchange_agreement_versions', ['valid_until'], unique=False)
    op.create_table('exchange_ledger',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('learner_id', sa.Integer(), nullable=False),
    sa.Column('target_org', sa.String(length=100), nullable=False),
    sa.Column('award_code', sa.String(length=100), nullable=False),
    sa.Column('purpose', sa.String(length=30), nullable=False),
    sa.Column('credits', sa.Numeric(precision=8, scale=2), nullable=False),
    sa.Column('achievement_ref', sa.String(length=600), nullable=False),
    sa.Column('course_pk', sa.Integer(), nullable=True),
    sa.Column('course_version_id', sa.Integer(), nullable=True),
    sa.Column('agreement_id', sa.Integer(), nullable=True),
    sa.Column('agreement_version_id', sa.Integer(), nullable=True),
    sa.Column('request_id', sa.Integer(), nullable=True),
    sa.Column('reverses_id', sa.Integer(), nullable=True),
    sa.Column('created', directory.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.Column('note', sa.String(length=1000), nullable=True),
    sa.ForeignKeyConstraint(['request_id'], ['exchange_transfer_requests.id'], name=op.f('fk_exchange_ledger_request_id_exchange_transfer_requests')),
    sa.ForeignKeyConstraint(['reverses_id'], ['exchange_ledger.id'], name=op.f('fk_exchange_ledger_reverses_id_exchange_ledger')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exchange_ledger')),
    sa.UniqueConstraint('reverses_id', name=op.f('uq_exchange_ledger_reverses_id'))
    )
    op.create_index('ix_exchange_ledger_learner', 'exchange_ledger', ['learner_id', 'id'], unique=False)
    op.create_index(op.f('ix_exchange_ledger_request_id'), 'exchange_ledger', ['request_id'], unique=False)
    op.create_table('exchange_request_history',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=30), nullable=False),
    sa.Column('from_state', sa.String(length=20), nullable=True),
    sa.Column('to_state', sa.String(length=20), nullable=False),
    sa.Column('actor', sa.String(length=200), nullable=False),
    sa.Column('at', directory.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['request_id'], ['exchange_transfer_requests.id'], name=op.f('fk_exchange_request_history_request_id_exchange_transfer_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exchange_request_history'))
    )
    op.create_index('ix_exchange_request_history_request', 'exchange_request_history', ['request_id', 'id'], unique=False)
    op.create_table('exchange_agreement_approvals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.String(length=100), nullable=False),
    sa.Column('terms_hash', sa.String(length=64), nullable=False),
    sa.Column('approved_by', sa.String(length=200), nullable=False),
    sa.Column('approved_at', directory.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('voided_at', directory.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['version_id'], ['exchange_agreement_versions.id'], name=op.f('fk_exchange_agreement_approvals_version_id_exchange_agreement_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exchange_agreement_approvals')),
    sa.UniqueConstraint('version_id', 'org_id', name='uq_exchange_agreement_approvals_party')
    )
    op.create_table('exchange_agreement_parties',
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['version_id'], ['exchange_agreement_versions.id'], name=op.f('fk_exchange_agreement_parties_version_id_exchange_agreement_versions')),
    sa.PrimaryKeyConstraint('version_id', 'org_id', name=op.f('pk_exchange_agreement_parties'))
    )
    op.create_index('ix_exchange_agreement_parties_org', 'exchange_agreement_parties', ['org_id', 'version_id'], unique=False)
    op.create_table('exchange_request_achievements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('course_version_id', sa.Integer(), nullable=True),
    sa.Column('content_hash', sa.String(length=64), nullable=True),
    sa.Column('course_pk', sa.Integer(), nullable=True),
    sa.Column('provider_id', sa.String(length=100), nullable=True),
    sa.Column('course_id', sa.String(length=200), nullable=True),
    sa.Column('provider_name', sa.String(length=300), nullable=True),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('credit', sa.Numeric(precision=7, scale=2), nullable=False),
    sa.Column('level', sa.Integer(), nullable=True),
    sa.Column('cah_groups', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('grade', sa.Numeric(precision=5, scale=2), nullable=True),
    sa.Column('awarded_on', sa.Date(), nullable=False),
    sa.Column('evidence', sa.String(length=2000), nullable=True),
    sa.ForeignKeyConstraint(['course_version_id'], ['course_versions.id'], name=op.f('fk_exchange_request_achievements_course_version_id_course_versions')),
    sa.ForeignKeyConstraint(['request_id'], ['exchange_transfer_requests.id'], name=op.f('fk_exchange_request_achievements_request_id_exchange_transfer_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exchange_request_achievements')),
    sa.UniqueConstraint('request_id', 'position', name='uq_exchange_request_achievements_pos')
    )
    # The agreement's current version refers to a table created after it.
    with op.batch_alter_table('exchange_agreements', schema=None) as batch_op:
        batch_op.create_foreign_key('fk_exchange_agreements_current', 'exchange_agreement_versions',
                                    ['current_version_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('exchange_agreements', schema=None) as batch_op:
        batch_op.drop_constraint('fk_exchange_agreements_current', type_='foreignkey')
    op.drop_table('exchange_request_achievements')
    op.drop_index('ix_exchange_agreement_parties_org', table_name='exchange_agreement_parties')
    op.drop_table('exchange_agreement_parties')
    op.drop_table('exchange_agreement_approvals')
    op.drop_index('ix_exchange_request_history_request', table_name='exchange_request_history')
    op.drop_table('exchange_request_history')
    op.drop_index(op.f('ix_exchange_ledger_request_id'), table_name='exchange_ledger')
    op.drop_index('ix_exchange_ledger_learner', table_name='exchange_ledger')
    op.drop_table('exchange_ledger')
    op.drop_index(op.f('ix_exchange_agreement_versions_valid_until'), table_name='exchange_agreement_versions')
    op.drop_table('exchange_agreement_versions')
    op.drop_index('ix_exchange_agreement_history_agreement', table_name='exchange_agreement_history')
    op.drop_table('exchange_agreement_history')
    op.drop_index('ix_exchange_transfer_requests_queue', table_name='exchange_transfer_requests')
    op.drop_index('ix_exchange_transfer_requests_learner', table_name='exchange_transfer_requests')
    op.drop_table('exchange_transfer_requests')
    op.drop_index(op.f('ix_exchange_outbox_recipient_user'), table_name='exchange_outbox')
    op.drop_index(op.f('ix_exchange_outbox_recipient_org'), table_name='exchange_outbox')
    op.drop_table('exchange_outbox')
    op.drop_table('exchange_awards')
    op.drop_index(op.f('ix_exchange_audit_entity_id'), table_name='exchange_audit')
    op.drop_table('exchange_audit')
    op.drop_index('ix_exchange_agreements_state', table_name='exchange_agreements')
    op.drop_table('exchange_agreements')
    for name in ('transfer_state', 'transfer_purpose', 'agreement_state'):
        sa.Enum(name=name).drop(op.get_bind(), checkfirst=True)
