"""concerns: ticket counter, common problems, escalation steps; concern routing/abuse columns

Revision ID: 0004
Revises: 0001
Create Date: 2026-11-28 22:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('concern_counter',
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_concern_counter_school_id_school')),
    sa.PrimaryKeyConstraint('school_id', name=op.f('pk_concern_counter'))
    )
    op.create_table('concern_group',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=16), nullable=False),
    sa.Column('place', sa.String(length=64), nullable=True),
    sa.Column('label', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_concern_group_school_id_school')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_concern_group'))
    )
    with op.batch_alter_table('concern_group', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_concern_group_school_id'), ['school_id'], unique=False)

    op.create_table('concern_escalation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('concern_id', sa.Integer(), nullable=False),
    sa.Column('step', sa.String(length=16), nullable=False),
    sa.Column('due', sa.DateTime(timezone=True), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recipients', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['concern_id'], ['concern.id'], name=op.f('fk_concern_escalation_concern_id_concern'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_concern_escalation')),
    sa.UniqueConstraint('concern_id', 'step', 'due', name=op.f('uq_concern_escalation_concern_id_step_due'))
    )
    with op.batch_alter_table('concern_escalation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_concern_escalation_concern_id'), ['concern_id'], unique=False)

    with op.batch_alter_table('concern', schema=None) as batch_op:
        batch_op.add_column(sa.Column('counselor_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('group_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('abuse', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('channel', sa.String(length=16), nullable=False, server_default='wecom'))
        batch_op.add_column(sa.Column('place', sa.String(length=64), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_concern_counselor_id_person'), 'person', ['counselor_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_concern_group_id_concern_group'), 'concern_group',
                                    ['group_id'], ['id'])
        batch_op.create_index(batch_op.f('ix_concern_group_id'), ['group_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('concern', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_concern_group_id'))
        batch_op.drop_constraint(batch_op.f('fk_concern_group_id_concern_group'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_concern_counselor_id_person'), type_='foreignkey')
        batch_op.drop_column('place')
        batch_op.drop_column('channel')
        batch_op.drop_column('abuse')
        batch_op.drop_column('group_id')
        batch_op.drop_column('counselor_id')
    with op.batch_alter_table('concern_escalation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_concern_escalation_concern_id'))
    op.drop_table('concern_escalation')
    with op.batch_alter_table('concern_group', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_concern_group_school_id'))
    op.drop_table('concern_group')
    op.drop_table('concern_counter')
