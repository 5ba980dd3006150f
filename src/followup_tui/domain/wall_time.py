"""A wall-clock time a person typed, made into an instant in the desk's time zone.

Twice a year a zone with summer time has wall times that do not exist (the spring-forward
gap: in Berlin 2026-03-29 02:00-03:00 never happens) and wall times that happen twice
(the fall-back hour: 2026-10-25 02:00-03:00 happens in summer time, then again in winter
time). Python quietly resolves both (the gap to a time an hour off, the repeat to its
first occurrence), and a complaint clock started from such a guess is an hour wrong with
nothing to show for it. So the gap is refused, naming the field, and the repeat is
resolved to its first occurrence and reported as such, so the caller can say so.
Pure: no clock reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from followup_tui.domain.errors import FollowupError


@dataclass(frozen=True)
class WallTime:
    """The instant a typed wall time stands for.

    ``ambiguous`` is True when the wall time happens twice and the first was taken;
    ``other`` is then the second occurrence, for a message that names both offsets.
    """

    moment: datetime
    ambiguous: bool = False
    other: datetime | None = None


def _round_trips(moment: datetime) -> bool:
    """Whether ``moment``'s wall time survives a trip through UTC (it exists)."""
    back = moment.astimezone(UTC).astimezone(moment.tzinfo)
    return back.replace(tzinfo=None) == moment.replace(tzinfo=None)


def resolve_wall_time(
    naive: datetime, zone: ZoneInfo, *, field: str, value: str, option: str
) -> WallTime:
    """``naive`` as a wall time in ``zone``.

    Refuses with ``error.time_skipped`` (``field`` names the entry, ``option`` is how the
    clerk knows it, ``value`` is what was typed) a time inside a spring-forward gap; a
    fall-back time is taken at its first occurrence and marked ``ambiguous``. An aware
    ``naive`` is returned unchanged: its offset already says which instant is meant.
    """
    if naive.tzinfo is not None:
        return WallTime(naive)
    first = naive.replace(tzinfo=zone, fold=0)
    second = naive.replace(tzinfo=zone, fold=1)
    if not _round_trips(first):
        raise FollowupError(
            "error.time_skipped", field=field, option=option, value=value, zone=zone.key
        )
    if first.utcoffset() != second.utcoffset():
        return WallTime(first, ambiguous=True, other=second)
    return WallTime(first)
