"""participant register: inskrivning date and background codes per participant code; the
project goal table's motivering and bedömning

Revision ID: 0007
Revises: 0004
Create Date: 2026-12-02 01:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('participant_codes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('enrolled_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('kon', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('aldersgrupp', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('fodelseregion', sa.String(length=20), nullable=True))
        batch_op.create_check_constraint(
            op.f('ck_participant_codes_enrolment_dates'), 'exited_on IS NULL OR enrolled_on IS NULL OR exited_on >= enrolled_on'
        )

    op.create_table(
        'goal_assessments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('goal_key', sa.String(length=200), nullable=False),
        sa.Column('motivering', sa.Text(), nullable=False),
        sa.Column('assessment', sa.String(length=200), nullable=False),
        sa.Column('updated_by', sa.String(length=254), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_goal_assessments')),
        sa.UniqueConstraint('goal_key', name=op.f('uq_goal_assessments_goal_key')),
    )


def downgrade():
    op.drop_table('goal_assessments')
    with op.batch_alter_table('participant_codes', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_participant_codes_enrolment_dates'), type_='check')
        batch_op.drop_column('fodelseregion')
        batch_op.drop_column('aldersgrupp')
        batch_op.drop_column('kon')
        batch_op.drop_column('enrolled_on')
