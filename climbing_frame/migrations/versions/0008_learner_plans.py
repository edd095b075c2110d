"""A signed-in person's planner, kept with their account

Revision ID: 0008_learner_plans
Revises: 0005_pathways
"""

import sqlalchemy as sa
from alembic import op

import directory.db

revision = "0008_learner_plans"
down_revision = "0005_pathways"
depends_on = "0002_identity"  # users


def upgrade() -> None:
    op.create_table('learner_plans',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('achievements', directory.db.JSONType, nullable=False),
    sa.Column('updated', directory.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_learner_plans_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_learner_plans'))
    )


def downgrade() -> None:
    op.drop_table('learner_plans')
