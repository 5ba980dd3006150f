"""Long business spans read in working days of the calendar's length, never 24-hour days:
79:46 of business time is about ten working days, not "3 d"."""

from __future__ import annotations

from datetime import timedelta

from followup_tui.cli.complaints import left_text, span_text
from followup_tui.domain.calendar import load_calendar
from followup_tui.domain.complaints.sla import Level, working_day_length, working_days_text
from followup_tui.i18n import use_language
from followup_tui.widgets.complaint_columns import clock_text

LONG = timedelta(hours=79, minutes=46)


def test_both_shipped_calendars_have_an_eight_hour_day() -> None:
    assert working_day_length(load_calendar("mon-fri")) == timedelta(hours=8)
    assert working_day_length(load_calendar("cn-mainland")) == timedelta(hours=8)


def test_working_days_from_48_hours_rounded_toward_zero() -> None:
    day = timedelta(hours=8)
    assert working_days_text(timedelta(hours=47, minutes=59), day) is None
    assert working_days_text(timedelta(hours=48), day) == "6.0"
    assert working_days_text(LONG, day) == "9.9"
    assert working_days_text(-timedelta(hours=100), day) == "-12"


def test_the_queue_cell_says_working_days() -> None:
    use_language("en")
    day = timedelta(hours=8)
    assert clock_text(Level.OK, LONG, day=day).plain == "9.9 wd"
    assert clock_text(Level.BREACHED, -LONG, day=day).plain == "‼ -9.9 wd"
    assert clock_text(Level.OK, timedelta(hours=5), day=day).plain == "5:00"
    use_language("zh_CN")
    assert clock_text(Level.OK, LONG, day=day).plain == "9.9天"
    use_language("en")


def test_the_cli_never_shows_24_hour_days() -> None:
    use_language("en")
    assert span_text(LONG) == "79:46"
    assert left_text(LONG, 0, timedelta(hours=8)) == "9.9 wd"
    assert left_text(-LONG, 4, timedelta(hours=8)) == "-9.9 wd"
