"""audit events name the project they belong to

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 06:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('project_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_audit_events_project_id'), ['project_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_audit_events_project_id_projects'), 'projects',
                                    ['project_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_audit_events_project_id_projects'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_audit_events_project_id'))
        batch_op.drop_column('project_id')
