"""Alembic environment: runs on the connection handed over by ``store.schema``."""

from __future__ import annotations

from alembic import context

from followup_tui.store.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through followup_tui.store.schema.upgrade")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
