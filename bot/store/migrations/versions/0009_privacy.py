"""privacy: sealed texts marked, anonymous senders sealable, the audit chain, retention dates, console 2FA

Existing texts are marked "plain:" here (no key is needed for that); `contactbot db upgrade` then seals
them and the anonymous senders with the configured key (bot/store/crypto.py, bot/privacy_upgrade.py) and
chains the audit rows already written. A database with no key keeps them marked plain.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

SEALED_TEXTS = (('concern', 'text'), ('concern_message', 'text'), ('concern_group', 'label'),
                ('inbound_message', 'reply'))


def upgrade() -> None:
    with op.batch_alter_table('concern', schema=None) as batch_op:
        batch_op.alter_column('sender_id', existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(sa.Column('sender_ref', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('sender_tag', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('purged_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_concern_sender_tag'), ['sender_tag'], unique=False)
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deactivated_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('privacy_noticed_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('address', sa.String(length=64), server_default='', nullable=False))
        batch_op.add_column(sa.Column('seq', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('row_hash', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_audit_log_seq'), ['seq'])
    op.create_table(
        'audit_head',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.Column('hash', sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_head')),
    )
    op.execute("INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '" + '0' * 64 + "')")
    with op.batch_alter_table('console_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('totp_secret', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('password_changed_at', sa.DateTime(timezone=True), nullable=True))
    for table, column in SEALED_TEXTS:
        op.execute(f"UPDATE {table} SET {column} = 'plain:' || {column} WHERE {column} IS NOT NULL")


def downgrade() -> None:
    bind = op.get_bind()
    for table, column in SEALED_TEXTS:
        if bind.execute(sa.text(f"SELECT 1 FROM {table} WHERE {column} LIKE 'enc:%' LIMIT 1")).first():
            raise RuntimeError(f"{table}.{column} holds sealed values: open them first (keys rotate with no key)")
        op.execute(f"UPDATE {table} SET {column} = substr({column}, 7) WHERE {column} LIKE 'plain:%'")
    with op.batch_alter_table('console_account', schema=None) as batch_op:
        batch_op.drop_column('password_changed_at')
        batch_op.drop_column('totp_secret')
    op.drop_table('audit_head')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_audit_log_seq'), type_='unique')
        batch_op.drop_column('row_hash')
        batch_op.drop_column('prev_hash')
        batch_op.drop_column('seq')
        batch_op.drop_column('address')
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_column('privacy_noticed_at')
        batch_op.drop_column('deactivated_at')
    with op.batch_alter_table('concern', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_concern_sender_tag'))
        batch_op.drop_column('purged_at')
        batch_op.drop_column('sender_tag')
        batch_op.drop_column('sender_ref')
        batch_op.alter_column('sender_id', existing_type=sa.Integer(), nullable=False)
