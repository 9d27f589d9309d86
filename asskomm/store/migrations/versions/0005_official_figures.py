"""official figures entered by the ministry (»amtliche Zahlen«)

Revision ID: 0005
Revises: 0003
Create Date: 2026-12-04 22:30:00

Written in parallel with another revision 0004; the chain is joined when the branches are merged.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('official_figures',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('kennzahl', sa.String(length=40), nullable=False),
    sa.Column('wert', sa.Integer(), nullable=False),
    sa.Column('stand', sa.String(length=10), nullable=False),
    sa.Column('referenz', sa.String(length=200), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )


def downgrade() -> None:
    op.drop_table('official_figures')
