"""rules: pauses, reminders sent once, standing links, digest runs

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-28 23:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('pause',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=True),
    sa.Column('start', sa.Date(), nullable=False),
    sa.Column('until', sa.Date(), nullable=False),
    sa.Column('source_text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_pause_person_id_person')),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_pause_school_id_school')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pause'))
    )
    with op.batch_alter_table('pause', schema=None) as batch_op:
        batch_op.create_index('ix_pause_person_until', ['person_id', 'until'], unique=False)
        batch_op.create_index(batch_op.f('ix_pause_school_id'), ['school_id'], unique=False)

    op.create_table('reminder_sent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('rule', sa.String(length=40), nullable=False),
    sa.Column('period', sa.String(length=64), nullable=False),
    sa.Column('stage', sa.Integer(), nullable=False),
    sa.Column('sent_on', sa.Date(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_reminder_sent_person_id_person')),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_reminder_sent_school_id_school')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminder_sent')),
    sa.UniqueConstraint('person_id', 'rule', 'period', 'stage',
                        name=op.f('uq_reminder_sent_person_id_rule_period_stage'))
    )
    with op.batch_alter_table('reminder_sent', schema=None) as batch_op:
        batch_op.create_index('ix_reminder_sent_person_day', ['person_id', 'sent_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_reminder_sent_school_id'), ['school_id'], unique=False)

    op.create_table('standing_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('since', sa.Date(), nullable=False),
    sa.Column('until', sa.Date(), nullable=True),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_standing_link_person_id_person')),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_standing_link_school_id_school')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_standing_link'))
    )
    with op.batch_alter_table('standing_link', schema=None) as batch_op:
        batch_op.create_index('ix_standing_link_person_until', ['person_id', 'until'], unique=False)
        batch_op.create_index(batch_op.f('ix_standing_link_school_id'), ['school_id'], unique=False)

    op.create_table('digest_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('week', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('file_path', sa.String(length=500), nullable=True),
    sa.Column('messages', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_digest_run_school_id_school')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_digest_run')),
    sa.UniqueConstraint('school_id', 'week', name=op.f('uq_digest_run_school_id_week'))
    )


def downgrade() -> None:
    op.drop_table('digest_run')
    with op.batch_alter_table('standing_link', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_standing_link_school_id'))
        batch_op.drop_index('ix_standing_link_person_until')
    op.drop_table('standing_link')
    with op.batch_alter_table('reminder_sent', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reminder_sent_school_id'))
        batch_op.drop_index('ix_reminder_sent_person_day')
    op.drop_table('reminder_sent')
    with op.batch_alter_table('pause', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pause_school_id'))
        batch_op.drop_index('ix_pause_person_until')
    op.drop_table('pause')
