"""An order's change history as a person reads it: the one place a change-log diff
becomes lines.

The change log keeps each change as ``{column: [old, new]}`` in UTC with the store's
codes (``confirmed``, ``sea``, ``bill_of_lading``). The detail screen, ``followup order
show`` and the audit bundle's index all show that history, so they all take it from
here and say the same thing: the field under its label from the catalog, codes under
their names, instants in the desk's time zone, and every value whole (a clerk reading
why a date moved needs the date, not "2027-01-2"). Bookkeeping a clerk never typed
(ids, ranks, search keys, the plan's floor dates) is left out; ``--json`` and the
bundle's ``data/history.json`` keep the raw diff.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, tzinfo
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from followup_tui.i18n import t
from followup_tui.i18n.names import kind_title

if TYPE_CHECKING:
    from followup_tui.services.orders.views import ChangeView

#: Columns no clerk typed or reads: keys, denormalised search and sort columns, the
#: plan's internal order and floors, the text extractor's bookkeeping.
_HIDDEN = frozenset(
    {
        "id",
        "seq",
        "floor_date",
        "created_at",
        "armed_at",
        "lead_product",
        "kind_guessed",
        "text_status",
        "fields",
        "extension",
    }
)
_HIDDEN_SUFFIXES = ("_id", "_rank", "_initials", "_folded")

#: Catalog prefixes naming a stored code, by (entity, column); ``None`` is any entity.
_CODES: dict[tuple[str | None, str], str] = {
    ("order", "status"): "status",
    ("milestone", "status"): "milestone_status",
    ("complaint", "status"): "complaint_status",
    ("exception", "status"): "exception_status",
    ("note", "kind"): "note_kind",
    ("exception", "kind"): "exception_kind",
    ("milestone_link", "kind"): "link_kind",
    ("milestone", "key"): "stage",
    (None, "held_from"): "status",
    (None, "priority"): "priority",
    (None, "mode"): "ship_mode",
    (None, "party"): "party",
    (None, "responsible_party"): "party",
    (None, "reason"): "pause_reason",
    (None, "grade"): "grade",
    (None, "suggested_grade"): "grade",
    (None, "category"): "category",
    (None, "remedy_kind"): "remedy_kind",
}
_FLAGS = frozenset({"key_account", "third_party_inspection"})

#: Fields in the order a clerk reads a row: what it is, its state, who, then its dates;
#: anything else follows in the log's order.
_READING_ORDER: dict[str, int] = {
    name: rank
    for rank, name in enumerate(
        (
            "order_no",
            "key",
            "line_no",
            "title",
            "kind",
            "kinds",
            "carrier",
            "mode",
            "tracking_no",
            "customer_name",
            "customer_po",
            "product",
            "spec",
            "quantity",
            "unit",
            "unit_price",
            "currency",
            "category",
            "grade",
            "status",
            "held_from",
            "owner",
            "party",
            "priority",
            "order_date",
            "requested_date",
            "confirmed_date",
            "due_date",
            "planned_start",
            "planned_end",
            "actual_start",
            "actual_end",
            "duration_days",
            "buffer_days",
            "etd",
            "eta",
        )
    )
}


@dataclass(frozen=True)
class FieldChange:
    """One field of one change: its label and its old and new values as shown ("—"
    for none)."""

    label: str
    old: str
    new: str


def _zone(timezone: str | tzinfo) -> tzinfo:
    return ZoneInfo(timezone) if isinstance(timezone, str) else timezone


def local_time(moment: datetime, timezone: str | tzinfo) -> str:
    """``2026-11-26 14:30``: an instant in the desk's time zone, as the desk shows it."""
    return moment.astimezone(_zone(timezone)).strftime("%Y-%m-%d %H:%M")


def field_title(field: str) -> str:
    """The field's label: ``history.field.<field>``, else the form's ``field.<field>``,
    else the column's own name (a column added later reads as itself until named)."""
    for key in (f"history.field.{field}", f"field.{field}"):
        label = t(key)
        if label != key:
            return label
    return field


def _named(prefix: str, code: str) -> str:
    key = f"{prefix}.{code}"
    name = t(key)
    return code if name == key else name


def _instant(text: str, zone: tzinfo) -> str | None:
    """Local time for an ISO instant with an offset (``2026-11-26T06:30:00+00:00``);
    ``None`` for anything else, dates included."""
    if "T" not in text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return local_time(moment, zone) if moment.tzinfo is not None else None


def value_text(entity: str, field: str, value: Any, timezone: str | tzinfo) -> str:
    """One stored value as the clerk reads it: codes named, instants local, "—" for
    nothing."""
    if value is None or value == "":
        return "—"
    if field in _FLAGS or isinstance(value, bool):
        return t("history.yes") if value else t("history.no")
    if isinstance(value, Decimal):
        return format(value.normalize(), ",f")
    text = str(value)
    prefix = _CODES.get((entity, field)) or _CODES.get((None, field))
    if prefix is not None:
        return _named(prefix, text)
    if entity == "document" and field == "kind":
        return kind_title(text)
    if entity == "document_waiver" and field == "kinds":
        return ", ".join(kind_title(kind.strip()) for kind in text.split(",") if kind.strip())
    return _instant(text, _zone(timezone)) or text


def shown_field(field: str) -> bool:
    """Whether the history shows this column (bookkeeping is left to ``--json``)."""
    return field not in _HIDDEN and not field.endswith(_HIDDEN_SUFFIXES)


def field_changes(change: ChangeView, timezone: str | tzinfo) -> tuple[FieldChange, ...]:
    """The change's fields a clerk reads, what the row is first, then its state and
    dates (the log itself keeps them alphabetical)."""
    out: list[FieldChange] = []
    fields = sorted(change.diff, key=lambda name: _READING_ORDER.get(name, len(_READING_ORDER)))
    for field in fields:
        values = change.diff[field]
        if not shown_field(field):
            continue
        old, new = [*values, None, None][:2]
        out.append(
            FieldChange(
                field_title(field),
                value_text(change.entity, field, old, timezone),
                value_text(change.entity, field, new, timezone),
            )
        )
    return tuple(out)


def change_title(change: ChangeView) -> str:
    """ "order line created", "shipment created": what the row is about."""
    entity = t(f"entity.{change.entity}")
    return f"{entity} {t(f'action.{change.action}')}"


def field_line(action: str, field: FieldChange) -> str:
    """ "Status: confirmed → materials" for an update; the value alone for a row that
    was created (its new value) or deleted (its last value)."""
    if action == "insert":
        return f"{field.label}: {field.new}"
    if action == "delete":
        return f"{field.label}: {field.old}"
    return f"{field.label}: {field.old} → {field.new}"


def change_lines(change: ChangeView, timezone: str | tzinfo) -> list[str]:
    """Every shown field of the change, one a line."""
    return [field_line(change.action, field) for field in field_changes(change, timezone)]


def history_lines(
    changes: Iterable[ChangeView],
    timezone: str | tzinfo,
    *,
    indent: str = "  ",
    heading: Callable[[ChangeView], str] | None = None,
) -> list[str]:
    """The whole history as text lines: for each change a heading (local time, who,
    what) and its fields below it, indented."""
    out: list[str] = []
    for change in changes:
        out.append(
            heading(change)
            if heading is not None
            else f"{local_time(change.at, timezone)}  {change.actor}  {change_title(change)}"
        )
        out += [indent + line for line in change_lines(change, timezone)]
    return out
