"""Schema as before migrations (issue 12): the baseline.

Creates only the tables that are missing, so that a database made by the code before migrations existed
(which created its tables itself and has no ``alembic_version``) is taken over without loss; the tables
it already has are left as they are. Also the ``meta`` rows ``data_version`` and ``seeded``.

Revision ID: 0001
Revises:
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    existing = set(sa.inspect(op.get_bind()).get_table_names())

    def _create(name, *columns):
        if name not in existing:
            op.create_table(name, *columns)

    def _index(name, table, columns):
        if table not in existing:  # a table made by the older code has its index already
            op.create_index(name, table, columns, unique=False)

    _create('audit_log',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('batch', sa.String(length=36), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=100), nullable=False),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('entity', sa.String(length=30), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=True),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    _index('ix_audit_log_batch', 'audit_log', ['batch'])

    _create('login_throttle',
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('last_failure_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('blocked_until', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('name')
    )
    _create('meta',
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    _create('participants',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('ags', sa.String(length=8), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=100), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key')
    )
    _create('problemfeld_entries',
    sa.Column('id', sa.String(length=60), nullable=False),
    sa.Column('label', sa.String(length=120), nullable=False),
    sa.Column('colour', sa.String(length=7), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=100), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    _create('users',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    _create('audit_reverts',
    sa.Column('audit_id', sa.Integer(), nullable=False),
    sa.Column('revert_audit_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['audit_id'], ['audit_log.id'], ),
    sa.PrimaryKeyConstraint('audit_id')
    )
    _create('contacts',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('gremium', sa.String(length=300), nullable=False),
    sa.Column('adresse', sa.Text(), nullable=False),
    sa.Column('telefon', sa.String(length=100), nullable=False),
    sa.Column('email', sa.String(length=300), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=100), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    _create('members',
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('ags', sa.String(length=8), nullable=False),
    sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('participant_id', 'ags')
    )
    _create('milestones',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('baustein', sa.String(length=40), nullable=False),
    sa.Column('datum', sa.String(length=10), nullable=False),
    sa.Column('betrag_eur', sa.Numeric(precision=14, scale=2, asdecimal=False), nullable=True),
    sa.Column('quelle', sa.Text(), nullable=False),
    sa.Column('bemerkung', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=100), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('participant_id', 'baustein', 'datum', name='uq_milestone')
    )
    _create('focus',
    sa.Column('milestone_id', sa.Integer(), nullable=False),
    sa.Column('problemfeld', sa.String(length=60), nullable=False),
    sa.ForeignKeyConstraint(['milestone_id'], ['milestones.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('milestone_id', 'problemfeld')
    )
    meta = sa.table('meta', sa.column('key', sa.String), sa.column('value', sa.Integer))
    have = {r[0] for r in op.get_bind().execute(sa.select(meta.c.key))}
    rows = [{'key': k, 'value': 0} for k in ('data_version', 'seeded') if k not in have]
    if rows:
        op.bulk_insert(meta, rows)


def downgrade() -> None:
    op.drop_table('focus')
    op.drop_table('milestones')
    op.drop_table('members')
    op.drop_table('contacts')
    op.drop_table('audit_reverts')
    op.drop_table('users')
    op.drop_table('problemfeld_entries')
    op.drop_table('participants')
    op.drop_table('meta')
    op.drop_table('login_throttle')
    op.drop_index('ix_audit_log_batch', 'audit_log')
    op.drop_table('audit_log')
