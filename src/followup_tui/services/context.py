"""The handle every service takes first, under the name the layers above may use.

A screen never opens the store: the app hands its worker the open ``StoreContext`` and
the screen passes it, untouched, to a service (``call_service(screen, lambda store:
confirm_order(store, ...))``). The screen still has to name that type in its
signatures, and screens may not import ``store/``; so the services, whose first
parameter it is, publish it here as part of their interface.
"""

from __future__ import annotations

from followup_tui.store.unit_of_work import StoreContext

__all__ = ["StoreContext"]
