"""answer drafts: answers given so far between a post and the page it redirects to

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 01:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'answer_drafts',
        sa.Column('id', sa.String(length=32), nullable=False),
        sa.Column('turn', sa.String(length=32), nullable=False),
        sa.Column('round_id', sa.Integer(), nullable=False),
        sa.Column('payload', sa.Text(), nullable=False),
        sa.Column('with_errors', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_answer_drafts_round_id_rounds'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_answer_drafts')),
    )
    with op.batch_alter_table('answer_drafts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_answer_drafts_turn'), ['turn'], unique=False)
        batch_op.create_index(batch_op.f('ix_answer_drafts_created_at'), ['created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('answer_drafts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_answer_drafts_created_at'))
        batch_op.drop_index(batch_op.f('ix_answer_drafts_turn'))
    op.drop_table('answer_drafts')
