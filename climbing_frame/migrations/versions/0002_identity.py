"""identity and access: organisations, users, sessions, password tokens, OAuth clients and tokens, the
security audit log and the outbox

Revision ID: 0002_identity
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

import directory.db

revision = "0002_identity"
down_revision = "0001"


def upgrade() -> None:
    op.create_table('outbox_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('kind', sa.String(length=50), nullable=False),
    sa.Column('to', sa.String(length=320), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created', directory.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', directory.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_messages'))
    )
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_messages_unsent', ['sent_at', 'id'], unique=False)

    op.create_table('security_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', directory.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=400), nullable=False),
    sa.Column('source_address', sa.String(length=64), nullable=True),
    sa.Column('event', sa.Enum('sign_in', 'sign_out', 'lockout', 'unlock', 'password_reset_requested', 'password_changed', 'token_issued', 'token_revoked', 'client_authentication', 'permission_denied', 'user_created', 'user_changed', 'client_created', 'client_revoked', 'organisation_added', name='eventkind', native_enum=False, length=40), nullable=False),
    sa.Column('outcome', sa.Enum('success', 'failure', 'denied', name='outcome', native_enum=False, length=20), nullable=False),
    sa.Column('detail', directory.db.JSONType, nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_security_events'))
    )
    with op.batch_alter_table('security_events', schema=None) as batch_op:
        batch_op.create_index('ix_security_events_address', ['source_address', 'event', 'at'], unique=False)
        batch_op.create_index('ix_security_events_at', ['at'], unique=False)

    op.create_table('organisations',
    sa.Column('id', sa.String(length=100), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('created', directory.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['id'], ['providers.id'], name=op.f('fk_organisations_id_providers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisations'))
    )
    op.create_table('oauth_clients',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('org_id', sa.String(length=100), nullable=False),
    sa.Column('scopes', directory.db.JSONType, nullable=False),
    sa.Column('secret_hash', sa.String(length=64), nullable=False),
    sa.Column('created', directory.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('revoked', directory.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['org_id'], ['organisations.id'], name=op.f('fk_oauth_clients_org_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_oauth_clients')),
    sa.UniqueConstraint('client_id', name=op.f('uq_oauth_clients_client_id'))
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.Enum('learner', 'staff', 'admin', name='user_role'), nullable=False),
    sa.Column('org_id', sa.String(length=100), nullable=True),
    sa.Column('permissions', directory.db.JSONType, nullable=False),
    sa.Column('password_hash', sa.String(length=300), nullable=True),
    sa.Column('external_issuer', sa.String(length=500), nullable=True),
    sa.Column('external_subject', sa.String(length=255), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('failed_sign_ins', sa.Integer(), nullable=False),
    sa.Column('locked_until', directory.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_sign_in', directory.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created', directory.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['organisations.id'], name=op.f('fk_users_org_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email')),
    sa.UniqueConstraint('external_issuer', 'external_subject', name='uq_users_external_identity')
    )
    op.create_table('oauth_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('client_pk', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.String(length=64), nullable=False),
    sa.Column('org_id', sa.String(length=100), nullable=False),
    sa.Column('scopes', directory.db.JSONType, nullable=False),
    sa.Column('issued', directory.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires', directory.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('revoked', directory.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['client_pk'], ['oauth_clients.id'], name=op.f('fk_oauth_tokens_client_pk_oauth_clients'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_oauth_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_oauth_tokens_token_hash'))
    )
    with op.batch_alter_table('oauth_tokens', schema=None) as batch_op:
        batch_op.create_index('ix_oauth_tokens_client', ['client_pk'], unique=False)

    op.create_table('password_reset_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.Enum('reset', 'set', name='password_token_purpose', native_enum=False, length=20), nullable=False),
    sa.Column('created', directory.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires', directory.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used', directory.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_password_reset_tokens_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_password_reset_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_password_reset_tokens_token_hash'))
    )
    op.create_table('user_sessions',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created', directory.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires', directory.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('revoked', directory.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('source_address', sa.String(length=64), nullable=True),
    sa.Column('user_agent', sa.String(length=300), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_sessions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_sessions'))
    )
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.create_index('ix_user_sessions_user', ['user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.drop_index('ix_user_sessions_user')

    op.drop_table('user_sessions')
    op.drop_table('password_reset_tokens')
    with op.batch_alter_table('oauth_tokens', schema=None) as batch_op:
        batch_op.drop_index('ix_oauth_tokens_client')

    op.drop_table('oauth_tokens')
    op.drop_table('users')
    op.drop_table('oauth_clients')
    op.drop_table('organisations')
    with op.batch_alter_table('security_events', schema=None) as batch_op:
        batch_op.drop_index('ix_security_events_at')
        batch_op.drop_index('ix_security_events_address')

    op.drop_table('security_events')
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_messages_unsent')

    op.drop_table('outbox_messages')
    sa.Enum(name="user_role").drop(op.get_bind(), checkfirst=True)
