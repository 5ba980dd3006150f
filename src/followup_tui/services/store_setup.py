"""A store's first minutes: bring its schema to the revision this program expects.

The desk's first-run screen offers a brand-new store the demo data, an import or an
empty start; each begins by creating the schema. The desk reaches the store only
through the services, so the upgrade (Alembic, in ``store.schema``) is asked for here;
whether the store needs it is ``services.orders.queue.store_state``, which answers on
the queue's light reader before SQLAlchemy is loaded.
"""

from __future__ import annotations

from followup_tui.domain.errors import FollowupError
from followup_tui.store.unit_of_work import StoreContext


def upgrade_store(ctx: StoreContext) -> None:
    """Create the schema of a new store, or bring an older one up to this program's
    revision; nothing is lost. A read-only desk cannot, and is refused."""
    from followup_tui.store import schema

    if ctx.read_only:
        raise FollowupError("error.read_only")
    schema.upgrade(ctx.engine)
