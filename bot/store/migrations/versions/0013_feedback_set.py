"""feedback set: the crisis detector's false alarms and missed crises, labelled by staff, without who sent them

Also `person.feedback_noticed_at`: when someone was told such words may be kept (only theirs are).

Revision ID: 0013
Revises: 0011
Create Date: 2026-12-06 21:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('feedback_example',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('concern_id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=16), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('category', sa.String(length=16), nullable=False),
    sa.Column('risk', sa.String(length=8), nullable=False),
    sa.Column('detector_category', sa.String(length=16), nullable=False),
    sa.Column('signals', sa.JSON(), nullable=False),
    sa.Column('labelled_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('labelled_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['concern_id'], ['concern.id'], name=op.f('fk_feedback_example_concern_id_concern'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['labelled_by_id'], ['person.id'], name=op.f('fk_feedback_example_labelled_by_id_person'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], name=op.f('fk_feedback_example_school_id_school')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback_example')),
    sa.UniqueConstraint('concern_id', name=op.f('uq_feedback_example_concern_id'))
    )
    with op.batch_alter_table('feedback_example', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_example_school_id'), ['school_id'], unique=False)
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.add_column(sa.Column('feedback_noticed_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_column('feedback_noticed_at')
    with op.batch_alter_table('feedback_example', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_example_school_id'))
    op.drop_table('feedback_example')
