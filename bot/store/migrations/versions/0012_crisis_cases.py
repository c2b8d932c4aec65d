"""crisis cases: a crisis ticket's states with their moments and actors, and its escalation steps sent

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 21:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('crisis_case',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('concern_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('alerted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('acknowledged_by', sa.Integer(), nullable=True),
    sa.Column('contacted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('contacted_by', sa.Integer(), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_by', sa.Integer(), nullable=True),
    sa.Column('outcome', sa.String(length=16), nullable=True),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_crisis_case_school_id_school')),
    sa.ForeignKeyConstraint(['concern_id'], ['concern.id'], name=op.f('fk_crisis_case_concern_id_concern'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['acknowledged_by'], ['person.id'], name=op.f('fk_crisis_case_acknowledged_by_person')),
    sa.ForeignKeyConstraint(['contacted_by'], ['person.id'], name=op.f('fk_crisis_case_contacted_by_person')),
    sa.ForeignKeyConstraint(['closed_by'], ['person.id'], name=op.f('fk_crisis_case_closed_by_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crisis_case')),
    sa.UniqueConstraint('concern_id', name=op.f('uq_crisis_case_concern_id'))
    )
    with op.batch_alter_table('crisis_case', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_crisis_case_school_id'), ['school_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_crisis_case_state'), ['state'], unique=False)
    op.create_table('crisis_step',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('step', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recipients', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['crisis_case.id'], name=op.f('fk_crisis_step_case_id_crisis_case'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crisis_step')),
    sa.UniqueConstraint('case_id', 'step', name=op.f('uq_crisis_step_case_id_step'))
    )
    with op.batch_alter_table('crisis_step', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_crisis_step_case_id'), ['case_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('crisis_step', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_crisis_step_case_id'))
    op.drop_table('crisis_step')
    with op.batch_alter_table('crisis_case', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_crisis_case_state'))
        batch_op.drop_index(batch_op.f('ix_crisis_case_school_id'))
    op.drop_table('crisis_case')
