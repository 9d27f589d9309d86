"""unbestaetigt on milestones

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02

The column came with issue 13 (reason for doubt; "" = confirmed). Written with »python -m asskomm db revision«.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("milestones", schema=None) as batch_op:
        batch_op.add_column(sa.Column("unbestaetigt", sa.Text(), server_default="", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("milestones", schema=None) as batch_op:
        batch_op.drop_column("unbestaetigt")
