"""open answers: themes projektledning tags free-text answers with

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 02:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('answer_themes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_answer_themes')),
    sa.UniqueConstraint('name', name=op.f('uq_answer_themes_name'))
    )
    with op.batch_alter_table('answer_themes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_answer_themes_project_id'), ['project_id'], unique=False)
    op.create_table('answer_tags',
    sa.Column('answer_id', sa.Integer(), nullable=False),
    sa.Column('theme_id', sa.Integer(), nullable=False),
    sa.Column('tagged_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['answer_id'], ['answers.id'], name=op.f('fk_answer_tags_answer_id_answers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['theme_id'], ['answer_themes.id'], name=op.f('fk_answer_tags_theme_id_answer_themes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('answer_id', 'theme_id', name=op.f('pk_answer_tags'))
    )
    with op.batch_alter_table('answer_tags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_answer_tags_theme_id'), ['theme_id'], unique=False)


def downgrade():
    with op.batch_alter_table('answer_tags', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_answer_tags_theme_id'))
    op.drop_table('answer_tags')
    with op.batch_alter_table('answer_themes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_answer_themes_project_id'))
    op.drop_table('answer_themes')
