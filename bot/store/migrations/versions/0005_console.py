"""console: local console accounts (bot.console.models.ConsoleAccount)

Revision ID: 0005
Revises: 0001
Create Date: 2026-11-29 12:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('console_account',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('password_hash', sa.String(length=256), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=True),
    sa.Column('userid', sa.String(length=64), nullable=True),
    sa.Column('department', sa.String(length=200), nullable=False),
    sa.Column('display_name', sa.String(length=64), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_console_account_school_id_school')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_console_account')),
    sa.UniqueConstraint('username', name=op.f('uq_console_account_username'))
    )
    with op.batch_alter_table('console_account', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_console_account_school_id'), ['school_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('console_account', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_console_account_school_id'))

    op.drop_table('console_account')
