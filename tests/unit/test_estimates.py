"""What rests on a year the calendar has no holidays for is marked "~", whichever end of
the span the year is at: a case received 2025-12-31 17:00 counts an hour of 2025."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from followup_tui.domain.calendar import load_calendar
from followup_tui.domain.complaints.sla import Level
from followup_tui.widgets.complaint_columns import clock_text

SHANGHAI = ZoneInfo("Asia/Shanghai")
CN = load_calendar("cn-mainland")


def sh(year: int, month: int, day: int, hour: int = 0) -> datetime:
    return datetime(year, month, day, hour, tzinfo=SHANGHAI)


def test_the_unknown_year_of_a_span_is_found_at_either_end() -> None:
    assert CN.unknown_year_between(sh(2025, 12, 31, 17), sh(2026, 1, 5, 9)) == 2025
    assert CN.unknown_year_between(sh(2026, 12, 7, 17), sh(2027, 2, 15, 17)) == 2027
    assert CN.unknown_year_between(sh(2026, 3, 2, 9), sh(2026, 3, 3, 9)) is None
    assert load_calendar("mon-fri").unknown_year_between(sh(2031, 1, 1), sh(2032, 1, 1)) is None


def test_an_estimated_cell_is_marked() -> None:
    day = timedelta(hours=8)
    assert clock_text(Level.OK, timedelta(hours=5), day=day, estimate=True).plain == "~5:00"
    assert clock_text(Level.BREACHED, -timedelta(hours=1), estimate=True).plain == "‼ ~-1:00"
