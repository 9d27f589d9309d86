"""Alembic environment: runs on the connection that ``asskomm.store.migrate`` hands over (no alembic.ini)."""

from __future__ import annotations

from alembic import context

from asskomm.store import migrate

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - only reachable through the alembic command-line tool
    raise RuntimeError("Use »asskomm db …« (asskomm.store.migrate), not the alembic command.")

context.configure(
    connection=connection,
    target_metadata=migrate.target_metadata(),
    render_as_batch=True,  # SQLite cannot ALTER most things; batch mode rebuilds the table instead
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
