"""OpenID Connect sign-in through each member's identity provider: per-organisation settings and
single-use nonces

Revision ID: 0007_oidc
Revises: 0002_identity
"""

import sqlalchemy as sa
from alembic import op

import directory.db

revision = "0007_oidc"
down_revision = "0002_identity"


def upgrade() -> None:
    op.create_table('organisation_sign_in',
    sa.Column('org_id', sa.String(length=100), nullable=False),
    sa.Column('issuer', sa.String(length=500), nullable=False),
    sa.Column('client_id', sa.String(length=255), nullable=False),
    sa.Column('client_secret_sealed', sa.Text(), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('allowed_domains', directory.db.JSONType, nullable=False),
    sa.Column('updated', directory.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['organisations.id'], name=op.f('fk_organisation_sign_in_org_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('org_id', name=op.f('pk_organisation_sign_in'))
    )
    op.create_table('oidc_nonces',
    sa.Column('nonce_hash', sa.String(length=64), nullable=False),
    sa.Column('org_id', sa.String(length=100), nullable=False),
    sa.Column('issued', directory.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires', directory.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used', directory.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['org_id'], ['organisations.id'], name=op.f('fk_oidc_nonces_org_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('nonce_hash', name=op.f('pk_oidc_nonces'))
    )


def downgrade() -> None:
    op.drop_table('oidc_nonces')
    op.drop_table('organisation_sign_in')
