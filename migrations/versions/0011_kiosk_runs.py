"""kiosk runs: the tickets of a kiosk's forms live as long as the kiosk

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 02:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('kiosk_runs',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('ended_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_kiosk_runs_account_id_accounts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kiosk_runs'))
    )
    with op.batch_alter_table('kiosk_runs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_kiosk_runs_account_id'), ['account_id'], unique=False)


def downgrade():
    with op.batch_alter_table('kiosk_runs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_kiosk_runs_account_id'))
    op.drop_table('kiosk_runs')
