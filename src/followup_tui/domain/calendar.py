"""The business calendar: which days and which hours count as working time.

Clerks promise dates in business days and SLA clocks run in business hours, so every
deadline in the desk goes through this module. It is pure: no clock reads (``now`` is a
parameter of the callers), no database, no UI. Loading the shipped calendars from their
TOML files (:func:`load_calendar`, :func:`available_calendars`) is at the end of this
module, so the data and the rules it must satisfy are checked in one place.

Time arithmetic is done in the calendar's time zone with aware datetimes, because a
working slot is a wall-clock rule ("08:30 to 12:00 in Shanghai"), while durations are
measured between UTC instants, so a slot that spans a DST change is as long as it really
is. Results come back in UTC, the way the store keeps every time. A calendar file may
name its zone (the Chinese mainland holidays are Shanghai days); one that does not (the
plain Monday-to-Friday week) is counted in the desk's zone, the config's ``timezone``,
because "09:00 to 18:00" means the clerks' own office hours.

A calendar that only knows some years (the Chinese mainland one knows the years the State
Council has announced) refuses, with :class:`CalendarYearUnknown`, to answer about any
other year: treating an unannounced year as plain weekdays without saying so would
silently put deadlines on holidays. The services catch the refusal and estimate from the
weekday pattern, marked as an estimate. The calendars themselves are data
(``data/calendars/<name>.toml``, or a company's own ``calendars/<name>.toml`` in its
company folder), so a new year's arrangement is added when it is announced, without a
code change.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from followup_tui.domain.data_files import (
    DataFileErrors,
    company_copy,
    company_file,
    shipped_file,
    shipped_names,
)
from followup_tui.domain.errors import FollowupError

#: The zone a calendar without its own is counted in when no desk zone is given (a bare
#: store in a test or a script); the desk passes its config's ``timezone``.
DEFAULT_TIMEZONE = "Asia/Shanghai"
#: The folder of calendar files, in the shipped data and in a company folder alike.
CALENDAR_FOLDER = "calendars"
_ERRORS = DataFileErrors("error.calendar_invalid", "error.calendar_invalid")

WEEKDAYS: tuple[str, ...] = (
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
)
_ONE_DAY = timedelta(days=1)


class CalendarYearUnknown(FollowupError):
    """A computation needed a year the calendar has no data for.

    Raised instead of guessing, so the desk can tell the clerk that the answer depends on
    a holiday arrangement that has not been published (or loaded) yet.
    """

    def __init__(self, year: int, calendar: str) -> None:
        super().__init__(
            "error.calendar_year_unknown", field="calendar", year=year, calendar=calendar
        )
        self.year = year
        self.calendar = calendar


def invalid(source: str, entry: str, value: object) -> FollowupError:
    """The refusal for bad calendar data, naming the file (or calendar) and the entry."""
    return FollowupError(
        "error.calendar_invalid", field=entry, file=source, entry=entry, value=str(value)
    )


@dataclass(frozen=True, order=True)
class Slot:
    """One stretch of working time on a day, as local wall-clock times, end exclusive."""

    start: time
    end: time

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


@dataclass(frozen=True)
class BusinessCalendar:
    """Working slots per weekday, holidays and make-up workdays in one time zone.

    ``working_slots`` has seven entries, Monday first. A make-up workday (调休补班) is a
    weekend day declared a working day; it uses the slots of ``makeup_weekday`` (Monday by
    default), because the official notices say "work as on a normal day" without naming
    hours. ``known_years`` is None when the calendar is valid for every year (a plain
    Monday-Friday calendar has no holiday data that could run out).
    """

    name: str
    timezone: str
    working_slots: tuple[tuple[Slot, ...], ...]
    holidays: frozenset[date] = frozenset()
    makeup_workdays: frozenset[date] = frozenset()
    makeup_weekday: int = 0
    known_years: frozenset[int] | None = None
    #: Answers of ``is_working_day`` already worked out: a timeline read asks the same few
    #: hundred dates hundreds of thousands of times. Not part of the calendar's identity.
    _working_days: dict[date, bool] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )

    def __post_init__(self) -> None:
        """Refuse data that would make the arithmetic ambiguous or loop forever."""
        source = self.name
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise invalid(source, "timezone", self.timezone) from None
        if len(self.working_slots) != 7:
            raise invalid(source, "working_slots", len(self.working_slots))
        for weekday, slots in zip(WEEKDAYS, self.working_slots, strict=True):
            previous_end: time | None = None
            for index, slot in enumerate(slots):
                if slot.end <= slot.start:
                    raise invalid(source, f"working_slots.{weekday}[{index}]", slot)
                if previous_end is not None and slot.start < previous_end:
                    raise invalid(source, f"working_slots.{weekday}[{index}]", slot)
                previous_end = slot.end
        if not any(self.working_slots):
            raise invalid(source, "working_slots", "no working slot on any weekday")
        if not 0 <= self.makeup_weekday < 7 or not self.working_slots[self.makeup_weekday]:
            raise invalid(source, "makeup_slots_from", self.makeup_weekday)
        clash = sorted(self.holidays & self.makeup_workdays)
        if clash:
            raise invalid(source, "makeup_workdays", clash[0].isoformat())
        if self.known_years is not None:
            for field_name, days in (
                ("holidays", self.holidays),
                ("makeup_workdays", self.makeup_workdays),
            ):
                outside = sorted(d for d in days if d.year not in self.known_years)
                if outside:
                    raise invalid(source, field_name, outside[0].isoformat())

    # -- days -------------------------------------------------------------------------

    @property
    def zone(self) -> ZoneInfo:
        """The calendar's time zone (ZoneInfo caches instances, so this is cheap)."""
        return ZoneInfo(self.timezone)

    def knows(self, d: date) -> bool:
        """Whether the calendar has holiday data for the year of ``d``."""
        return self.known_years is None or d.year in self.known_years

    def unknown_year_between(self, a: datetime, b: datetime) -> int | None:
        """The first year from ``a``'s to ``b``'s (local dates, either order) that the
        calendar has no holiday data for; None when it knows them all. What a clock or a
        plan over that stretch rests on when it is estimated."""
        first, last = sorted(_utc(t).astimezone(self.zone).year for t in (a, b))
        if self.known_years is None:
            return None
        return next((y for y in range(first, last + 1) if y not in self.known_years), None)

    def _check_year(self, d: date) -> None:
        if not self.knows(d):
            raise CalendarYearUnknown(d.year, self.name)

    def slots_on(self, d: date) -> tuple[Slot, ...]:
        """The working slots of one local date (empty on holidays and weekends)."""
        self._check_year(d)
        if d in self.holidays:
            return ()
        if d in self.makeup_workdays:
            return self.working_slots[self.makeup_weekday]
        return self.working_slots[d.weekday()]

    def is_working_day(self, d: date) -> bool:
        """Whether ``d`` has any working time (remembered per date once known)."""
        known = self._working_days.get(d)
        if known is None:
            known = self._working_days[d] = bool(self.slots_on(d))
        return known

    def next_working_day(self, d: date) -> date:
        """``d`` itself if it is a working day, otherwise the first working day after it."""
        while not self.is_working_day(d):
            d += _ONE_DAY
        return d

    def add_business_days(self, d: date, n: int) -> date:
        """The working day ``n`` working days after (``n`` < 0: before) ``d``.

        With ``n == 0`` the date rolls forward to a working day, so the result is always
        one a clerk can promise.
        """
        if n == 0:
            return self.next_working_day(d)
        step = _ONE_DAY if n > 0 else -_ONE_DAY
        remaining = abs(n)
        while remaining:
            d += step
            if self.is_working_day(d):
                remaining -= 1
        return d

    def business_days_between(self, a: date, b: date) -> int:
        """The number of working days in (a, b]; negative when ``b`` is before ``a``."""
        if b < a:
            return -self.business_days_between(b, a)
        count = 0
        d = a
        while d < b:
            d += _ONE_DAY
            if self.is_working_day(d):
                count += 1
        return count

    # -- instants ---------------------------------------------------------------------

    def intervals_on(self, d: date) -> list[tuple[datetime, datetime]]:
        """The working slots of local date ``d`` as (start, end) UTC instants.

        A wall time that does not exist (inside a spring-forward gap) resolves the way
        zoneinfo resolves it with ``fold=0``; the length of a slot is the real elapsed
        time between its UTC ends.
        """
        zone = self.zone
        return [
            (
                datetime.combine(d, slot.start, tzinfo=zone).astimezone(UTC),
                datetime.combine(d, slot.end, tzinfo=zone).astimezone(UTC),
            )
            for slot in self.slots_on(d)
        ]

    def _local_date(self, t: datetime) -> date:
        return _utc(t).astimezone(self.zone).date()

    def _days(self, start: date, forward: bool) -> Iterator[date]:
        step = _ONE_DAY if forward else -_ONE_DAY
        d = start
        while True:
            yield d
            d += step

    def is_working_time(self, t: datetime) -> bool:
        """Whether instant ``t`` lies inside a working slot (start inclusive, end exclusive)."""
        t = _utc(t)
        return any(s <= t < e for s, e in self.intervals_on(self._local_date(t)))

    def add_business_time(self, start: datetime, duration: timedelta) -> datetime:
        """The instant ``duration`` of working time after ``start`` (before, if negative).

        Time outside the slots does not count: a start in the lunch break or at night
        begins at the next slot start. A positive duration that uses a slot exactly ends
        at that slot's end (not at the next morning), which is when the work is done.
        The result is in UTC.
        """
        t = _utc(start)
        forward = duration >= timedelta(0)
        remaining = abs(duration)
        for d in self._days(self._local_date(t), forward):
            intervals = self.intervals_on(d)
            if forward:
                for s, e in intervals:
                    if e <= t:
                        continue
                    begin = max(s, t)
                    if remaining <= e - begin:
                        return begin + remaining
                    remaining -= e - begin
            else:
                for s, e in reversed(intervals):
                    if s >= t:
                        continue
                    finish = min(e, t)
                    if remaining <= finish - s:
                        return finish - remaining
                    remaining -= finish - s
        raise AssertionError("unreachable: the day iterator is endless")  # pragma: no cover

    def business_time_between(self, a: datetime, b: datetime) -> timedelta:
        """The working time between two instants; negative when ``b`` is before ``a``."""
        a_utc, b_utc = _utc(a), _utc(b)
        if b_utc < a_utc:
            return -self.business_time_between(b_utc, a_utc)
        total = timedelta(0)
        d, last = self._local_date(a_utc), self._local_date(b_utc)
        while d <= last:
            for s, e in self.intervals_on(d):
                overlap = min(e, b_utc) - max(s, a_utc)
                if overlap > timedelta(0):
                    total += overlap
            d += _ONE_DAY
        return total


def estimating(calendar: BusinessCalendar) -> BusinessCalendar:
    """``calendar`` with every year it lacks taken as plain weekdays (same slots).

    The one way the desk estimates over a year whose holidays are not loaded, for clocks
    and plans alike: the known years keep their holidays and make-up days, so an
    estimate is exact up to the first day of the unknown year. Whatever is made with it
    must be shown as an estimate (the caller knows, from the refusal it caught).
    """
    if calendar.known_years is None:
        return calendar
    return dataclasses.replace(calendar, known_years=None)


def _utc(t: datetime) -> datetime:
    """``t`` in UTC; a naive datetime is refused because its zone would be a guess."""
    if t.tzinfo is None or t.utcoffset() is None:
        raise ValueError("business time needs an aware datetime")
    return t.astimezone(UTC)


def parse_slot(text: str, source: str, entry: str) -> Slot:
    """A slot from its TOML spelling ``"HH:MM-HH:MM"``."""
    try:
        start_text, end_text = text.split("-")
        slot = Slot(time.fromisoformat(start_text.strip()), time.fromisoformat(end_text.strip()))
    except ValueError:
        raise invalid(source, entry, text) from None
    if slot.end <= slot.start:
        raise invalid(source, entry, text)
    return slot


# -- loading ----------------------------------------------------------------------------

_NAME = re.compile(r"[a-z0-9][a-z0-9_-]*")
_TOP_KEYS = frozenset(
    {
        "name",
        "timezone",
        "known_years",
        "makeup_slots_from",
        "working_slots",
        "holidays",
        "makeup_workdays",
    }
)
_HOLIDAY_KEYS = frozenset({"name", "from", "to"})


def available_calendars(company_folder: Path | None = None) -> tuple[str, ...]:
    """The calendars the desk can use, sorted: the shipped ones in ``data/calendars``
    and the company's own ``<company folder>/calendars/<name>.toml`` files."""
    names = set(shipped_names(CALENDAR_FOLDER))
    folder = company_copy(company_folder, CALENDAR_FOLDER)
    if folder is not None and folder.is_dir():
        names.update(
            path.stem
            for path in folder.iterdir()
            if path.suffix == ".toml" and _NAME.fullmatch(path.stem) and path.is_file()
        )
    return tuple(sorted(names))


def load_calendar(
    name: str, *, company_folder: Path | None = None, timezone: str = DEFAULT_TIMEZONE
) -> BusinessCalendar:
    """The calendar called ``name``: the company's copy in ``company_folder/calendars``
    when there is one (it replaces a shipped calendar of the same name), else the shipped
    file. ``timezone`` is the desk's zone, used when the file names none. Unknown names
    and bad data are refused, naming the file and the entry."""
    allowed = available_calendars(company_folder)
    if not _NAME.fullmatch(name) or name not in allowed:
        raise FollowupError(
            "error.unknown_calendar", field="calendar", value=name, allowed=", ".join(allowed)
        )
    file_name = f"{name}.toml"
    folder = company_copy(company_folder, CALENDAR_FOLDER)
    own = company_file(None if folder is None else folder / file_name, _ERRORS)
    found = own if own is not None else shipped_file(CALENDAR_FOLDER, file_name)
    source = found.source
    try:
        data = tomllib.loads(found.text)
    except tomllib.TOMLDecodeError as exc:
        raise invalid(source, "toml", exc) from None
    return calendar_from_mapping(data, source, default_name=name, default_timezone=timezone)


def calendar_from_mapping(
    data: dict[str, object],
    source: str,
    default_name: str,
    default_timezone: str = DEFAULT_TIMEZONE,
) -> BusinessCalendar:
    """Build a calendar from parsed TOML, naming ``source`` and the entry in every refusal.

    A file without ``timezone`` is counted in ``default_timezone`` (the desk's zone)."""
    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        raise invalid(source, unknown[0], data[unknown[0]])
    name = data.get("name", default_name)
    if not isinstance(name, str):
        raise invalid(source, "name", name)
    timezone = data.get("timezone", default_timezone)
    if not isinstance(timezone, str):
        raise invalid(source, "timezone", timezone)
    known_years = _known_years(data.get("known_years"), source)
    makeup_from = data.get("makeup_slots_from", "monday")
    if makeup_from not in WEEKDAYS:
        raise invalid(source, "makeup_slots_from", makeup_from)
    holidays = _holidays(data.get("holidays", []), source)
    makeup_list = _list(data.get("makeup_workdays", []), source, "makeup_workdays")
    makeup = frozenset(_date(v, source, f"makeup_workdays[{i}]") for i, v in enumerate(makeup_list))
    try:
        return BusinessCalendar(
            name=name,
            timezone=timezone,
            working_slots=_working_slots(data.get("working_slots"), source),
            holidays=holidays,
            makeup_workdays=makeup,
            makeup_weekday=WEEKDAYS.index(str(makeup_from)),
            known_years=known_years,
        )
    except FollowupError as exc:
        # The dataclass names the calendar; the clerk editing the file needs the file name.
        raise invalid(source, str(exc.params["entry"]), exc.params["value"]) from None


def _list(value: object, source: str, entry: str) -> list[object]:
    if not isinstance(value, list):
        raise invalid(source, entry, value)
    return value


def _date(value: object, source: str, entry: str) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError as error:
            raise invalid(source, entry, value) from error
    raise invalid(source, entry, value)


def _known_years(value: object, source: str) -> frozenset[int] | None:
    if value is None:
        return None
    years = _list(value, source, "known_years")
    if not years or not all(isinstance(y, int) and not isinstance(y, bool) for y in years):
        raise invalid(source, "known_years", value)
    return frozenset(int(str(y)) for y in years)


def _working_slots(value: object, source: str) -> tuple[tuple[Slot, ...], ...]:
    if not isinstance(value, dict):
        raise invalid(source, "working_slots", value)
    unknown = sorted(set(value) - set(WEEKDAYS))
    if unknown:
        raise invalid(source, f"working_slots.{unknown[0]}", value[unknown[0]])
    days: list[tuple[Slot, ...]] = []
    for weekday in WEEKDAYS:
        entries = _list(value.get(weekday, []), source, f"working_slots.{weekday}")
        slots: list[Slot] = []
        for index, text in enumerate(entries):
            entry = f"working_slots.{weekday}[{index}]"
            if not isinstance(text, str):
                raise invalid(source, entry, text)
            slot = parse_slot(text, source, entry)
            if slots and slot.start < slots[-1].end:
                raise invalid(source, entry, text)
            slots.append(slot)
        days.append(tuple(slots))
    return tuple(days)


def _holidays(value: object, source: str) -> frozenset[date]:
    days: set[date] = set()
    for index, item in enumerate(_list(value, source, "holidays")):
        entry = f"holidays[{index}]"
        if isinstance(item, dict):
            unknown = sorted(set(item) - _HOLIDAY_KEYS)
            if unknown:
                raise invalid(source, f"{entry}.{unknown[0]}", item[unknown[0]])
            first = _date(item.get("from"), source, f"{entry}.from")
            last = _date(item.get("to", first), source, f"{entry}.to")
            if last < first:
                raise invalid(source, f"{entry}.to", last.isoformat())
            d = first
            while d <= last:
                days.add(d)
                d += _ONE_DAY
        else:
            days.add(_date(item, source, entry))
    return frozenset(days)
