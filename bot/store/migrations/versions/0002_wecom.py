"""WeChat Official Account binding codes (bot.channels.binding.BindCode)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 10:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('bind_code',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('issued_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('used_openid', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['issued_by_id'], ['person.id'], name=op.f('fk_bind_code_issued_by_id_person')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_bind_code_person_id_person')),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_bind_code_school_id_school')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bind_code'))
    )
    with op.batch_alter_table('bind_code', schema=None) as batch_op:
        batch_op.create_index('ix_bind_code_lookup', ['school_id', 'code'], unique=False)
        batch_op.create_index(batch_op.f('ix_bind_code_person_id'), ['person_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('bind_code', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bind_code_person_id'))
        batch_op.drop_index('ix_bind_code_lookup')

    op.drop_table('bind_code')
