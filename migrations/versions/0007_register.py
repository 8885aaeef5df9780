"""participant register: inskrivning date and background codes per participant code; insatser
per participant; the project goal table's motivering and bedömning

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 01:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
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

    op.create_table(
        'participant_insatser',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('participant_code_id', sa.Integer(), nullable=False),
        sa.Column('insats', sa.String(length=50), nullable=False),
        sa.Column('started_on', sa.Date(), nullable=False),
        sa.Column('ended_on', sa.Date(), nullable=True),
        sa.CheckConstraint('ended_on IS NULL OR ended_on >= started_on',
                           name=op.f('ck_participant_insatser_dates')),
        sa.ForeignKeyConstraint(['participant_code_id'], ['participant_codes.id'],
                                name=op.f('fk_participant_insatser_participant_code_id_participant_codes'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_participant_insatser')),
        sa.UniqueConstraint('participant_code_id', 'insats', 'started_on',
                            name=op.f('uq_participant_insatser_participant_code_id_insats_started_on')),
    )
    with op.batch_alter_table('participant_insatser', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_participant_insatser_participant_code_id'),
                              ['participant_code_id'], unique=False)


def downgrade():
    op.drop_table('participant_insatser')
    op.drop_table('goal_assessments')
    with op.batch_alter_table('participant_codes', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_participant_codes_enrolment_dates'), type_='check')
        batch_op.drop_column('fodelseregion')
        batch_op.drop_column('aldersgrupp')
        batch_op.drop_column('kon')
        batch_op.drop_column('enrolled_on')
