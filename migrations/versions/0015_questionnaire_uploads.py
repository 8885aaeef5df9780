"""questionnaire uploads: an XLSForm spreadsheet kept between its preview and its publishing;
a version's source (file or upload); an answer may hold only a number; responses by version

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 05:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    # which versions have answers (the Enkäter page, a report's note on changed options)
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_responses_version_id'), ['version_id'], unique=False)
    # a whole-number answer holds only its number
    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_answers_has_value'), type_='check')
        batch_op.create_check_constraint(op.f('ck_answers_has_value'),
                                         'code IS NOT NULL OR text IS NOT NULL OR number IS NOT NULL')
    with op.batch_alter_table('questionnaire_versions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source', sa.String(length=10), server_default='file', nullable=False))
    op.create_table(
        'questionnaire_uploads',
        sa.Column('token', sa.String(length=32), nullable=False),
        sa.Column('account_id', sa.Integer(), nullable=False),
        sa.Column('filename', sa.String(length=255), nullable=False),
        sa.Column('content', sa.LargeBinary(), nullable=False),
        sa.Column('uploaded_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['account_id'], ['accounts.id'],
                                name=op.f('fk_questionnaire_uploads_account_id_accounts'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('token', name=op.f('pk_questionnaire_uploads')),
    )
    with op.batch_alter_table('questionnaire_uploads', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_questionnaire_uploads_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_questionnaire_uploads_uploaded_at'), ['uploaded_at'], unique=False)


def downgrade():
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_responses_version_id'))
    op.execute('DELETE FROM answers WHERE code IS NULL AND text IS NULL')
    with op.batch_alter_table('answers', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_answers_has_value'), type_='check')
        batch_op.create_check_constraint(op.f('ck_answers_has_value'), 'code IS NOT NULL OR text IS NOT NULL')
    with op.batch_alter_table('questionnaire_uploads', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_questionnaire_uploads_uploaded_at'))
        batch_op.drop_index(batch_op.f('ix_questionnaire_uploads_account_id'))
    op.drop_table('questionnaire_uploads')
    with op.batch_alter_table('questionnaire_versions', schema=None) as batch_op:
        batch_op.drop_column('source')
