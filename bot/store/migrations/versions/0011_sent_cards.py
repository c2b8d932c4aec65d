"""sent cards: every WeCom template card sent, its task id and response_code, under what it asks about

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 18:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('sent_card',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('outbound_id', sa.Integer(), nullable=True),
    sa.Column('recipient', sa.String(length=64), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('task_id', sa.String(length=128), nullable=False),
    sa.Column('response_code', sa.String(length=512), nullable=True),
    sa.Column('card', sa.JSON(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('outcome', sa.Text(), nullable=True),
    sa.Column('settled_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['outbound_id'], ['outbound_message.id'],
                            name=op.f('fk_sent_card_outbound_id_outbound_message'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_sent_card_school_id_school')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sent_card')),
    sa.UniqueConstraint('task_id', name=op.f('uq_sent_card_task_id'))
    )
    with op.batch_alter_table('sent_card', schema=None) as batch_op:
        batch_op.create_index('ix_sent_card_subject', ['school_id', 'subject'], unique=False)
        batch_op.create_index(batch_op.f('ix_sent_card_outbound_id'), ['outbound_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('sent_card', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sent_card_outbound_id'))
        batch_op.drop_index('ix_sent_card_subject')

    op.drop_table('sent_card')
