"""The weekly cross-department review: only what is due, late or at risk, grouped.

The meeting walks the next N weeks (two by default) customer by customer, or clerk by
clerk; an order on time with nothing due in the window is not on the agenda. This works
on the timeline already loaded for the Gantt, so the review opens as fast as it does.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from followup_tui.services.timeline.views import MilestoneBar, TimelineOrder


class GroupBy(StrEnum):
    CUSTOMER = "customer"
    OWNER = "owner"


class Reason(StrEnum):
    """Why an item is on the agenda, most pressing first."""

    LATE = "late"
    AT_RISK = "at_risk"
    DUE = "due"


@dataclass(frozen=True, slots=True)
class ReviewItem:
    order: TimelineOrder
    milestone: MilestoneBar | None
    reason: Reason
    due: date


@dataclass(frozen=True, slots=True)
class ReviewGroup:
    name: str
    items: tuple[ReviewItem, ...]

    @property
    def late(self) -> int:
        return sum(1 for item in self.items if item.reason is Reason.LATE)


@dataclass(frozen=True, slots=True)
class Review:
    as_of: date
    until: date
    weeks: int
    group_by: GroupBy
    groups: tuple[ReviewGroup, ...]

    @property
    def orders(self) -> tuple[TimelineOrder, ...]:
        """The orders on the agenda, once each, in agenda order."""
        seen: dict[int, TimelineOrder] = {}
        for group in self.groups:
            for item in group.items:
                seen.setdefault(item.order.order_id, item.order)
        return tuple(seen.values())


_RANK = {Reason.LATE: 0, Reason.AT_RISK: 1, Reason.DUE: 2}


def _items(order: TimelineOrder, today: date, until: date) -> Iterable[ReviewItem]:
    if order.late:
        yield ReviewItem(order, None, Reason.LATE, order.promised)
    elif order.at_risk:
        yield ReviewItem(order, None, Reason.AT_RISK, order.promised)
    for bar in order.milestones:
        if bar.actual_end is not None:
            continue
        if bar.late:
            yield ReviewItem(order, bar, Reason.LATE, bar.planned_end)
        elif today <= bar.planned_end < until:
            yield ReviewItem(order, bar, Reason.DUE, bar.planned_end)


def weekly_review(
    rows: Iterable[TimelineOrder],
    today: date,
    *,
    weeks: int = 2,
    group_by: GroupBy = GroupBy.CUSTOMER,
) -> Review:
    """What the review has to talk about in the next ``weeks`` weeks, grouped.

    Groups with something late come first, then by name; inside a group, late before
    at risk before due, then by date and order number.
    """
    if weeks < 1:
        raise ValueError("weeks must be at least 1")
    until = today + timedelta(weeks=weeks)
    grouped: dict[str, list[ReviewItem]] = defaultdict(list)
    for order in rows:
        name = order.customer if group_by is GroupBy.CUSTOMER else order.owner
        grouped[name].extend(_items(order, today, until))
    groups = [
        ReviewGroup(
            name,
            tuple(
                sorted(
                    items,
                    key=lambda i: (
                        _RANK[i.reason],
                        i.due,
                        i.order.order_no,
                        i.milestone is not None,
                    ),
                )
            ),
        )
        for name, items in grouped.items()
        if items
    ]
    groups.sort(key=lambda g: (g.late == 0, g.name))
    return Review(today, until, weeks, group_by, tuple(groups))
