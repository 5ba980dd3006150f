"""Where a demo order stands today: the lifecycle mix of a realistic desk.

Split from the catalog so the rules that make a few orders late and a few at risk
(and put the long-past ones in closed) read on their own.
"""

from __future__ import annotations

from bisect import bisect
from collections.abc import Callable
from types import MappingProxyType

from followup_tui.domain.orders import lifecycle
from followup_tui.domain.orders.lifecycle import OrderStatus

_S = OrderStatus
#: A status as the row stores it: (status, status_rank), built once.
_STATUS_ROW = MappingProxyType({s: (s.value, lifecycle.rank(s)) for s in OrderStatus})
DRAFT_ROW, CANCELLED_ROW = _STATUS_ROW[_S.DRAFT], _STATUS_ROW[_S.CANCELLED]
_HOLD, _DELIVERED = _STATUS_ROW[_S.ON_HOLD], _STATUS_ROW[_S.DELIVERED]
_ACCEPTED, _CLOSED = _STATUS_ROW[_S.ACCEPTED], _STATUS_ROW[_S.CLOSED]
#: Where an order that is not yet due stands, by the share of its lead time gone
#: (below 0.16: confirmed, below 0.34: materials, ..., from 1.03: delivered early).
_PROGRESS_LIMITS = (0.16, 0.34, 0.60, 0.70, 0.79, 0.88, 1.03)
_PROGRESS_STAGES = tuple(_STATUS_ROW[s] for s in lifecycle.PIPELINE[1:9])
#: Where late orders are stuck (cumulative shares): mostly on the water.
_LATE_LIMITS = (0.15, 0.35, 0.50, 0.65)
_LATE_STAGES = tuple(_STATUS_ROW[s] for s in lifecycle.PIPELINE[3:8])
#: Stages an order is put on hold in (confirmed to packed); it resumes where it was.
_HOLDABLE = frozenset(_STATUS_ROW[s] for s in lifecycle.PIPELINE[1:6])


def order_stage(
    rnd: Callable[[], float], age: int, lead: int, overdue: int
) -> tuple[tuple[str, int], str | None]:
    """Where an order stands today, from its age and how far past its due date it is.

    Tuned so that roughly 5-10 % of the undelivered open orders are late (mostly those
    due in the last few weeks), orders long past due are closed, and every stage turns
    up even in a few hundred orders. Returns ((status, rank), held_from).
    """
    if age <= 5 and rnd() < 0.6:
        return DRAFT_ROW, None
    roll = rnd()
    if roll < 0.03:
        return CANCELLED_ROW, None
    if overdue > 0:
        stuck = (
            0.30 if overdue <= 7 else 0.12 if overdue <= 21 else 0.025 if overdue <= 60 else 0.004
        )
        if rnd() >= stuck:
            # Delivered around the due date, accepted within days, closed (paid) within
            # a few weeks: nothing long past due lingers as accepted.
            share = rnd()
            if overdue <= 7:
                done = _DELIVERED if share < 0.60 else _ACCEPTED if share < 0.85 else _CLOSED
            elif overdue <= 21:
                done = _DELIVERED if share < 0.10 else _ACCEPTED if share < 0.40 else _CLOSED
            else:
                done = _ACCEPTED if overdue <= 45 and share < 0.06 else _CLOSED
            return done, None
        stage = _LATE_STAGES[bisect(_LATE_LIMITS, rnd())]
    else:
        progress = age / lead + (rnd() - rnd()) * 0.12
        stage = _PROGRESS_STAGES[bisect(_PROGRESS_LIMITS, progress)]
    if roll < 0.15 and stage in _HOLDABLE:
        return _HOLD, stage[0]
    return stage, None


# --- the catalog in the store --------------------------------------------------------
