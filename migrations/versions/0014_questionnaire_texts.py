"""questionnaire texts: translations per questionnaire, language and Swedish text, with review
state; translator links

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 05:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'questionnaire_texts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('questionnaire_key', sa.String(length=100), nullable=False),
        sa.Column('language', sa.String(length=5), nullable=False),
        sa.Column('source_hash', sa.String(length=64), nullable=False),
        sa.Column('source', sa.Text(), nullable=False),
        sa.Column('translation', sa.Text(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.Column('updated_by', sa.String(length=254), nullable=False),
        sa.Column('reviewed_at', sa.DateTime(), nullable=True),
        sa.Column('reviewed_by', sa.String(length=254), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_questionnaire_texts')),
        sa.UniqueConstraint('questionnaire_key', 'language', 'source_hash',
                            name=op.f('uq_questionnaire_texts_questionnaire_key_language_source_hash')),
    )
    with op.batch_alter_table('questionnaire_texts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_questionnaire_texts_questionnaire_key'), ['questionnaire_key'],
                              unique=False)
    op.create_table(
        'translation_links',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('label', sa.String(length=200), nullable=False),
        sa.Column('questionnaire_key', sa.String(length=100), nullable=True),
        sa.Column('language', sa.String(length=5), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('expires_at', sa.DateTime(), nullable=False),
        sa.Column('revoked_at', sa.DateTime(), nullable=True),
        sa.Column('may_record', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['created_by_id'], ['accounts.id'],
                                name=op.f('fk_translation_links_created_by_id_accounts'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_translation_links')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_translation_links_token_hash')),
    )
    op.create_table(
        'text_generations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('generation', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_text_generations')),
    )


def downgrade():
    op.drop_table('text_generations')
    op.drop_table('translation_links')
    with op.batch_alter_table('questionnaire_texts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_questionnaire_texts_questionnaire_key'))
    op.drop_table('questionnaire_texts')
