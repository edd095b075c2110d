"""Provider identity: the other identifiers (web address, internal code, UKPRN, Erasmus, SCHAC, PIC) a
member's documents may name it by

Revision ID: 0015_provider_identifiers
Revises: 0007_oidc
"""

import sqlalchemy as sa
from alembic import op

import directory.db

revision = "0015_provider_identifiers"
down_revision = "0007_oidc"


def upgrade() -> None:
    op.create_table('organisation_identifiers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.String(length=100), nullable=False),
    sa.Column('scheme', sa.String(length=30), nullable=False),
    sa.Column('value', sa.String(length=500), nullable=False),
    sa.Column('key', sa.String(length=500), nullable=False),
    sa.Column('created', directory.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['organisations.id'],
                            name=op.f('fk_organisation_identifiers_org_id_organisations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisation_identifiers')),
    sa.UniqueConstraint('key', name='uq_organisation_identifiers_key')
    )
    with op.batch_alter_table('organisation_identifiers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organisation_identifiers_org_id'), ['org_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('organisation_identifiers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisation_identifiers_org_id'))
    op.drop_table('organisation_identifiers')
