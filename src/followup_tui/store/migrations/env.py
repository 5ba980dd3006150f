"""Alembic environment: runs on the connection handed over by ``store.schema``."""

from __future__ import annotations

from alembic import context

from followup_tui.store.archive_models import SEARCH_INDEX_PREFIXES
from followup_tui.store.models import Base


def _described(name: str | None, type_: str, _parent: object) -> bool:
    """The FTS5 tables (and their shadow tables) are created by hand, not by models."""
    return not (type_ == "table" and name is not None and name.startswith(SEARCH_INDEX_PREFIXES))


config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through followup_tui.store.schema.upgrade")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    compare_type=True,
    include_name=_described,
)
with context.begin_transaction():
    context.run_migrations()
