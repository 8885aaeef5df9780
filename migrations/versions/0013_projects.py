"""projects: several projects in one installation, each with its set-up versions and members

The existing data becomes one project named "Projektet" without a set-up version;
``surveyapp init`` then reads questionnaires/_project.yaml into it (and names the project
from the file), so the migration itself never reads files.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 04:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

#: the name the existing data's project gets until init names it from the project file
DEFAULT_NAME = "Projektet"
#: the tables whose rows belong to one project
OWNED = ("rounds", "participant_codes", "goal_assessments", "answer_themes")


def upgrade():
    op.create_table(
        'projects',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('starts_on', sa.Date(), nullable=True),
        sa.Column('ends_on', sa.Date(), nullable=True),
        sa.Column('archived', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint('ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on',
                           name=op.f('ck_projects_period')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_projects')),
        sa.UniqueConstraint('name', name=op.f('uq_projects_name')),
    )
    op.create_table(
        'project_setups',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('setup', sa.JSON(), nullable=False),
        sa.Column('created_by', sa.String(length=254), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_project_setups_project_id_projects'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_project_setups')),
        sa.UniqueConstraint('project_id', 'version', name=op.f('uq_project_setups_project_id_version')),
    )
    with op.batch_alter_table('project_setups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_setups_project_id'), ['project_id'], unique=False)
    op.create_table(
        'project_members',
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('account_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_project_members_account_id_accounts'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_project_members_project_id_projects'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('project_id', 'account_id', name=op.f('pk_project_members')),
    )

    op.create_table(
        'project_member_organisations',
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('account_id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['account_id'], ['accounts.id'],
                                name=op.f('fk_project_member_organisations_account_id_accounts'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'],
                                name=op.f('fk_project_member_organisations_organisation_id_organisations'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['project_id'], ['projects.id'],
                                name=op.f('fk_project_member_organisations_project_id_projects'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('project_id', 'account_id', 'organisation_id',
                                name=op.f('pk_project_member_organisations')),
    )

    conn = op.get_bind()
    projects = sa.table('projects', sa.column('id', sa.Integer), sa.column('name', sa.String),
                        sa.column('archived', sa.Boolean), sa.column('created_at', sa.DateTime))
    conn.execute(projects.insert().values(name=DEFAULT_NAME, archived=False, created_at=sa.func.current_timestamp()))
    project_id = conn.execute(sa.select(projects.c.id).where(projects.c.name == DEFAULT_NAME)).scalar_one()

    for table in ("rounds", "participant_codes", "goal_assessments"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('project_id', sa.Integer(), nullable=True))
    for table in OWNED:
        conn.execute(sa.text(f"UPDATE {table} SET project_id = :p").bindparams(p=project_id))

    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.alter_column('project_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_constraint(op.f('uq_rounds_questionnaire_key_name'), type_='unique')
        batch_op.create_unique_constraint(op.f('uq_rounds_project_id_questionnaire_key_name'),
                                          ['project_id', 'questionnaire_key', 'name'])
        batch_op.create_index(batch_op.f('ix_rounds_project_id'), ['project_id'], unique=False)
        batch_op.create_foreign_key(op.f('fk_rounds_project_id_projects'), 'projects', ['project_id'], ['id'])
    with op.batch_alter_table('participant_codes', schema=None) as batch_op:
        batch_op.alter_column('project_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_index(batch_op.f('ix_participant_codes_project_id'), ['project_id'], unique=False)
        batch_op.create_foreign_key(op.f('fk_participant_codes_project_id_projects'), 'projects',
                                    ['project_id'], ['id'])
    with op.batch_alter_table('goal_assessments', schema=None) as batch_op:
        batch_op.alter_column('project_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_constraint(op.f('uq_goal_assessments_goal_key'), type_='unique')
        batch_op.create_unique_constraint(op.f('uq_goal_assessments_project_id_goal_key'),
                                          ['project_id', 'goal_key'])
        batch_op.create_index(batch_op.f('ix_goal_assessments_project_id'), ['project_id'], unique=False)
        batch_op.create_foreign_key(op.f('fk_goal_assessments_project_id_projects'), 'projects',
                                    ['project_id'], ['id'])
    with op.batch_alter_table('answer_themes', schema=None) as batch_op:
        batch_op.alter_column('project_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_constraint(op.f('uq_answer_themes_name'), type_='unique')
        batch_op.create_unique_constraint(op.f('uq_answer_themes_project_id_name'), ['project_id', 'name'])
        batch_op.create_foreign_key(op.f('fk_answer_themes_project_id_projects'), 'projects',
                                    ['project_id'], ['id'])

    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_accounts_role'), type_='check')
        batch_op.create_check_constraint(
            op.f('ck_accounts_role'), "role IN ('admin', 'projektledning', 'samordnare', 'styrgrupp')")
    # every account that worked in the installation's one project works in it still
    conn.execute(sa.text(
        "INSERT INTO project_members (project_id, account_id) "
        "SELECT :p, id FROM accounts WHERE role IN ('projektledning', 'samordnare')").bindparams(p=project_id))


def downgrade():
    conn = op.get_bind()
    conn.execute(sa.text("DELETE FROM accounts WHERE role = 'styrgrupp'"))
    with op.batch_alter_table('accounts', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_accounts_role'), type_='check')
        batch_op.create_check_constraint(op.f('ck_accounts_role'), "role IN ('admin', 'projektledning', 'samordnare')")
    with op.batch_alter_table('answer_themes', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('fk_answer_themes_project_id_projects'), type_='foreignkey')
        batch_op.drop_constraint(op.f('uq_answer_themes_project_id_name'), type_='unique')
        batch_op.create_unique_constraint(op.f('uq_answer_themes_name'), ['name'])
        batch_op.alter_column('project_id', existing_type=sa.Integer(), nullable=True)
    conn.execute(sa.text("UPDATE answer_themes SET project_id = NULL"))
    with op.batch_alter_table('goal_assessments', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('fk_goal_assessments_project_id_projects'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_goal_assessments_project_id'))
        batch_op.drop_constraint(op.f('uq_goal_assessments_project_id_goal_key'), type_='unique')
        batch_op.create_unique_constraint(op.f('uq_goal_assessments_goal_key'), ['goal_key'])
        batch_op.drop_column('project_id')
    with op.batch_alter_table('participant_codes', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('fk_participant_codes_project_id_projects'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_participant_codes_project_id'))
        batch_op.drop_column('project_id')
    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('fk_rounds_project_id_projects'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_rounds_project_id'))
        batch_op.drop_constraint(op.f('uq_rounds_project_id_questionnaire_key_name'), type_='unique')
        batch_op.create_unique_constraint(op.f('uq_rounds_questionnaire_key_name'), ['questionnaire_key', 'name'])
        batch_op.drop_column('project_id')
    op.drop_table('project_member_organisations')
    op.drop_table('project_members')
    with op.batch_alter_table('project_setups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_setups_project_id'))
    op.drop_table('project_setups')
    op.drop_table('projects')
