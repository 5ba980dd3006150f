"""The period a complaint analysis covers, and how the analysis screen's keys move it.

``followup report complaints`` and the desk's analysis screen both default to the days
up to today, so "the last 90 days" means the same days in both; the screen's keys step
back and forward by the period's length and double or halve it. Plain date arithmetic:
``today`` is always a parameter, never read from a clock.
"""

from __future__ import annotations

from datetime import date, timedelta

#: The report's and the screen's period when none is given: the days up to today.
DEFAULT_DAYS = 90
#: The longest period the screen's ``+`` reaches (about ten years); longer is refused.
MAX_DAYS = 3660


def default_period(today: date, days: int = DEFAULT_DAYS) -> tuple[date, date]:
    """``days`` days up to and including ``today``; the end is the first day after."""
    end = today + timedelta(days=1)
    return end - timedelta(days=days), end


def moved_period(start: date, end: date, steps: int, today: date) -> tuple[date, date] | None:
    """The period ``steps`` lengths later (earlier when negative), never ending after
    today: a period in the future holds no complaints. None when it cannot move."""
    length = end - start
    last_end = today + timedelta(days=1)
    new_end = min(end + length * steps, last_end)
    if new_end == end:
        return None
    return new_end - length, new_end


def scaled_period(start: date, end: date, factor: float) -> tuple[date, date] | None:
    """The period ending on the same day, ``factor`` times as long (one day at least,
    ``MAX_DAYS`` at most). None when the length would not change."""
    days = (end - start).days
    new_days = min(max(1, int(days * factor)), MAX_DAYS)
    if new_days == days:
        return None
    return end - timedelta(days=new_days), end
