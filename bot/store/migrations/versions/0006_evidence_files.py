"""evidence files: photos fetched from WeCom before their media ids expire (jobs/evidence.py)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 01:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.add_column(sa.Column('stored_path', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('fetch_attempts', sa.Integer(), server_default='0', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.drop_column('fetch_attempts')
        batch_op.drop_column('stored_path')
