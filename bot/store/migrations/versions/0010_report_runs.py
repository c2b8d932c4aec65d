"""report runs: the progress report sent upward once a month, and the province digest once a week (N21)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 02:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'report_run',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('scope', sa.String(length=64), nullable=False),
        sa.Column('period', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('file_path', sa.String(length=500), nullable=True),
        sa.Column('messages', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_report_run')),
        sa.UniqueConstraint('kind', 'scope', 'period', name=op.f('uq_report_run_kind_scope_period')),
    )


def downgrade() -> None:
    op.drop_table('report_run')
