"""The tables of the local accounts: users, failed sign-ins per name, sign-in sessions.

They join the records' ``metadata`` (``asskomm.store.schema``), so the migrations see them.
"""

from __future__ import annotations

import sqlalchemy as sa

from asskomm.store.schema import metadata

users = sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(64), nullable=False, unique=True),
    sa.Column("role", sa.String(20), nullable=False),
    sa.Column("password_hash", sa.String(255), nullable=False),
    sa.Column("active", sa.Boolean, nullable=False, default=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("created_by", sa.String(100), nullable=False),
    sa.Column("last_login_at", sa.DateTime(timezone=True)),
)
login_throttle = sa.Table(
    "login_throttle",
    metadata,
    sa.Column("name", sa.String(64), primary_key=True),  # folded user name, whether it exists or not
    sa.Column("failures", sa.Integer, nullable=False, default=0),
    sa.Column("last_failure_at", sa.DateTime(timezone=True)),
    sa.Column("blocked_until", sa.DateTime(timezone=True)),
)

# One row per sign-in (browser, not tab): the token's hash, its user, when it started and was last used.
user_sessions = sa.Table(
    "user_sessions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("token_hash", sa.String(64), unique=True),  # SHA-256 hex of the cookie's token (after activation)
    sa.Column("activation_hash", sa.String(64), unique=True),  # SHA-256 hex of the one-time code (until used)
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("last_ags", sa.String(8)),  # the Gemeinde last opened on the Kommune page
)


def create(engine: sa.Engine) -> None:
    """Create the account tables that are missing (a database the migrations have not seen yet)."""
    for table in (users, login_throttle, user_sessions):
        table.create(engine, checkfirst=True)
