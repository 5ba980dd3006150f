"""The clock explanation tells the wait: when counting starts, and the holiday it waited
through, so "within 2 business hours, due 10-08 10:30" for a case received on 10-01
reads as right; and a pause of seconds does not read "0:00 paused"."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from followup_tui.domain.calendar import load_calendar
from followup_tui.domain.complaints.sla import Pause, arm_clock, explain
from followup_tui.domain.complaints.sla_policy import Basis, ClockKind, Target
from followup_tui.i18n import t, use_language

SHANGHAI = ZoneInfo("Asia/Shanghai")
CN = load_calendar("cn-mainland")
TWO_HOURS = Target(ClockKind.ACK, 2, Basis.BUSINESS)


def sh(month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, second, tzinfo=SHANGHAI)


def test_a_case_received_on_national_day_says_it_waited_for_the_holiday() -> None:
    received = sh(10, 1)
    lines = explain(TWO_HOURS, received, [], CN)

    assert lines[0].params["due"] == sh(10, 8, 10, 30)
    assert [line.key for line in lines] == ["sla.explain.armed", "sla.explain.waited_holiday"]
    waited = lines[1]
    assert waited.at == received
    assert waited.params["start"] == sh(10, 8, 8, 30)
    assert (waited.params["first"], waited.params["last"]) == (date(2026, 10, 1), date(2026, 10, 7))
    use_language("en")
    shown = t(waited.key, start="10-08 08:30", first="2026-10-01", last="2026-10-07")
    assert "holiday" in shown and "10-08 08:30" in shown


def test_a_case_received_at_night_says_when_counting_starts() -> None:
    lines = explain(TWO_HOURS, sh(3, 10, 20, 0), [], CN)

    assert [line.key for line in lines] == ["sla.explain.armed", "sla.explain.waited"]
    assert lines[1].params == {"start": sh(3, 11, 8, 30)}


def test_a_case_received_in_working_time_has_no_wait_line() -> None:
    lines = explain(TWO_HOURS, sh(3, 10, 9, 0), [], CN)

    assert [line.key for line in lines] == ["sla.explain.armed"]


def test_a_pause_of_seconds_does_not_read_as_nothing_paused() -> None:
    received = sh(3, 10, 9, 0)
    pause = Pause(sh(3, 10, 9, 30), sh(3, 10, 9, 30, 40), "customer")
    lines = explain(TWO_HOURS, received, [pause], CN)

    assert [line.key for line in lines][-1] == "sla.explain.resumed_briefly"
    assert lines[-1].params == {"due": arm_clock(TWO_HOURS, received, [pause], CN).due_at}
    assert lines[-1].params["due"] == sh(3, 10, 11, 0) + timedelta(seconds=40)
