"""Sessions with a short life: one per unit of work, never held while a screen waits.

``StoreContext`` is what every service receives first. It carries the engine, the actor
(from the operating system, not from an environment variable), the clock and whether
the desk is read-only, so nothing in the services reads a global.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from copy import copy
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, event
from sqlalchemy.orm import Session, sessionmaker

from followup_tui.domain.calendar import BusinessCalendar, load_calendar
from followup_tui.domain.complaints.sla_policy import SlaPolicy, load_policy
from followup_tui.domain.errors import FollowupError
from followup_tui.store.audit import write_change_log
from followup_tui.store.engine import WRITE_OPTIONS, make_engine
from followup_tui.store.identity import os_account, os_display_name
from followup_tui.store.location import StoreLocation

__all__ = ["StoreContext", "open_store", "os_account", "os_display_name", "utc_now"]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class StoreContext:
    """An open store plus who is acting, what time it is, and the desk's calendar.

    ``timezone`` is the desk's (the config's), which decides what "today" is;
    ``calendar`` is the business calendar due dates and plans are counted in; ``sla`` is
    the complaint SLA policy (the company's copy when the desk has one) that complaint
    clocks are armed with. ``supervisors`` are the accounts that may meet a target whose
    role is ``supervisor`` (a major complaint's acknowledgement); empty means anyone may,
    because a small desk has no separate supervisors.
    """

    location: StoreLocation
    engine: Engine
    actor: str
    read_only: bool = False
    clock: Callable[[], datetime] = utc_now
    timezone: str = "Asia/Shanghai"
    calendar: BusinessCalendar = field(default_factory=lambda: load_calendar("mon-fri"))
    sla: SlaPolicy = field(default_factory=load_policy)
    supervisors: frozenset[str] = frozenset()
    #: Where the company's own data files live (document rules and the like): the folder
    #: of the settings file. None: the shipped data only (tests, a bare store).
    company_folder: Path | None = None
    #: The change-log ids every write unit of work committed through this context, when
    #: it is a recording one (:meth:`recording`); None: nothing is kept.
    journal: list[int] | None = None
    _write_maker: sessionmaker[Session] = field(init=False, repr=False)
    _read_maker: sessionmaker[Session] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._write_maker = sessionmaker(
            bind=self.engine.execution_options(**WRITE_OPTIONS), expire_on_commit=False
        )
        self._read_maker = sessionmaker(bind=self.engine, expire_on_commit=False)
        event.listen(self._write_maker, "after_flush", write_change_log)

    def now(self) -> datetime:
        value = self.clock()
        if value.tzinfo is None:
            raise ValueError("the clock must return an aware datetime")
        return value.astimezone(UTC)

    def today(self) -> date:
        """Today in the desk's time zone, not the server's."""
        return self.now().astimezone(ZoneInfo(self.timezone)).date()

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A write unit of work: BEGIN IMMEDIATE, change log, commit or roll back whole."""
        if self.read_only:
            raise FollowupError("error.read_only")
        with self._write_maker() as session:
            session.info["actor"] = self.actor
            session.info["now"] = self.now()
            if self.journal is not None:
                session.info["change_ids"] = []
            with session.begin():
                yield session
            if self.journal is not None:  # committed: the rows are there to point at
                self.journal.extend(session.info["change_ids"])

    def recording(self) -> StoreContext:
        """The same store, whose write units of work note the change-log ids they commit
        in ``journal``: how the desk learns what one of its actions wrote, to undo it.

        A context of its own rather than a flag on this one: the desk's store is shared
        by every worker (the breach sweep writes too), and only this call's writes are
        the clerk's action. A shallow copy shares the engine and the session makers.
        """
        recording = copy(self)
        recording.journal = []
        return recording

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A short read transaction; the connection goes back as soon as it ends."""
        with self._read_maker() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def open_store(
    location: StoreLocation,
    *,
    read_only: bool = False,
    actor: str | None = None,
    clock: Callable[[], datetime] = utc_now,
    timezone: str = "Asia/Shanghai",
    calendar: BusinessCalendar | None = None,
    sla: SlaPolicy | None = None,
    supervisors: Iterable[str] = (),
    company_folder: Path | None = None,
) -> StoreContext:
    engine = make_engine(location, read_only=read_only)
    return StoreContext(
        location=location,
        engine=engine,
        actor=actor or os_account(),
        read_only=read_only,
        clock=clock,
        timezone=timezone,
        calendar=calendar if calendar is not None else load_calendar("mon-fri", timezone=timezone),
        sla=sla if sla is not None else load_policy(),
        supervisors=frozenset(supervisors),
        company_folder=company_folder,
    )
