"""inbound reply payload: the whole first reply, so a re-delivered message is answered with the same message

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 18:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('inbound_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reply_type', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('reply_payload', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('inbound_message', schema=None) as batch_op:
        batch_op.drop_column('reply_payload')
        batch_op.drop_column('reply_type')
