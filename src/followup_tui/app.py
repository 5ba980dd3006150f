"""The desk: the Textual application, its start-up path and its shared services.

Start-up is a budget (decisions.md, "Hard-won rules"). The first frame and the first order rows
need only Textual and the DB-API queue reader; SQLAlchemy, Alembic and pypinyin are
imported by a worker after the rows are on screen (``warm_store``), so the first write
a clerk makes does not pay for them either.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from textual.app import App

from followup_tui.commands.palette import WorkflowCommands
from followup_tui.desk_settings import DeskSettings
from followup_tui.i18n import t, use_language
from followup_tui.screens.shared.history import DeskHistory
from followup_tui.screens.shared.workflows import workflow_bindings
from followup_tui.store.window_reader import WindowReader
from followup_tui.widgets.binding_text import translate_bindings
from followup_tui.workflows import DESK

if TYPE_CHECKING:
    from textual.timer import Timer

    from followup_tui.domain.calendar import BusinessCalendar
    from followup_tui.domain.complaints.sla_policy import SlaPolicy
    from followup_tui.store.unit_of_work import StoreContext


def _system_clock() -> datetime:
    return datetime.now(UTC)


class FollowupApp(App[int]):
    """One clerk's (or one supervisor's) desk over one store."""

    CSS_PATH = "styles/app.tcss"
    TITLE = "followup"
    COMMANDS = App.COMMANDS | {WorkflowCommands}
    BINDINGS = workflow_bindings(DESK)

    def __init__(
        self,
        settings: DeskSettings,
        *,
        clock: Callable[[], datetime] = _system_clock,
        actor: str | None = None,
        log_file: Path | None = None,
    ) -> None:
        super().__init__()
        translate_bindings(self)
        self.settings = settings
        self.clock = clock
        self._actor = actor
        if log_file is None:
            # The file the CLI set up from its environment, else the process's default.
            from followup_tui.config import log_path
            from followup_tui.error_log import current_error_log

            log_file = current_error_log() or log_path()
        #: Where unexpected failures are written (``report_failure``); the toast names it.
        self.log_file = log_file
        self.reader = WindowReader(settings.location, read_only=settings.read_only)
        # A second connection for slow background reads (exact counts, header alarms),
        # so they never hold the table's connection while the clerk pages.
        self.background_reader = WindowReader(settings.location, read_only=settings.read_only)
        self._store: StoreContext | None = None
        self._store_lock = threading.Lock()
        self._sweeps: Timer | None = None
        #: The desk day whose projected slips were last stored (``_refresh_slips``).
        self._slips_checked_on: date | None = None
        #: What the clerk did on this desk, for ctrl+z and ctrl+y (not the store's).
        self.history = DeskHistory()

    # --- shared services ---------------------------------------------------------------

    @property
    def read_only(self) -> bool:
        return self.settings.read_only

    @property
    def timezone(self) -> ZoneInfo:
        return ZoneInfo(self.settings.config.timezone)

    def today(self) -> date:
        """Today on the desk's wall clock, not the server's."""
        return self.clock().astimezone(self.timezone).date()

    @property
    def calendar(self) -> BusinessCalendar:
        """The desk's business calendar (from the config), which widgets count days on.

        The same object the store context carries, loaded once per run by the settings.
        """
        return self.settings.calendar

    @property
    def sla(self) -> SlaPolicy:
        """The complaint SLA policy (grades, targets, ladder) the triage screen shows.

        The same object the store context arms clocks with, loaded once per run.
        """
        return self.settings.sla

    @property
    def actor(self) -> str:
        if self._actor is None:
            from followup_tui.store.identity import os_account

            self._actor = os_account()
        return self._actor

    def store(self) -> StoreContext:
        """The SQLAlchemy side of the store, opened on first use (from a worker thread)."""
        with self._store_lock:
            if self._store is None:
                self._store = self.settings.open_store(actor=self.actor, clock=self.clock)
            return self._store

    # --- lifecycle -----------------------------------------------------------------------

    def on_mount(self) -> None:
        from followup_tui.error_log import start_error_log
        from followup_tui.screens.orders.queue import QueueScreen

        start_error_log(self.log_file)
        self.title = t("app.title")
        if self.settings.config.keymap:
            self.set_keymap(dict(self.settings.config.keymap))
        self.push_screen(QueueScreen())

    def warm_store(self) -> None:
        """Open the SQLAlchemy store in the background once the rows are up; on a
        clerk's desk, then start sweeping for breached complaints."""
        from followup_tui.screens.shared.service_calls import run_in_background

        writable = not self.read_only
        run_in_background(
            self, self._sweep_breaches if writable else self.store, group="warm-store"
        )
        if writable and self._sweeps is None:
            self._sweeps = self.set_interval(
                self.settings.config.refresh_seconds, self.sweep_breaches
            )

    def sweep_breaches(self) -> None:
        """Escalate the complaints whose clock breached since the last sweep.

        Nothing else runs between two reads to notice a breach, so every clerk's desk
        sweeps, at its refresh interval, whichever screen is open; the triage screen
        then only reads, and shows the new ``▲`` at its next poll (the escalation moves
        the change log). A supervisor's read-only desk never sweeps: it cannot write,
        and leaves it to the clerks' desks and ``followup alerts``.
        """
        from followup_tui.screens.shared.service_calls import run_in_background

        run_in_background(self, self._sweep_breaches, group="breach-sweep")

    def _sweep_breaches(self) -> None:
        from followup_tui.services.complaints.queue import escalate_breached

        store = self.store()
        try:
            escalate_breached(store, self.clock())
        except Exception as error:  # noqa: BLE001 - logged; the next sweep tries again
            # No toast: a sweep that keeps failing would interrupt the clerk every few
            # seconds for something the log and the next sweep take care of.
            from followup_tui.error_log import log_unexpected

            log_unexpected("breach-sweep", error)
        self._refresh_slips(store)

    def _refresh_slips(self, store: StoreContext) -> None:
        """Once a day, store the slips the timeline projects (``refresh_slips``): a stage
        that overran with nobody pressing a key moves the projection as the days pass."""
        from followup_tui.services.timeline.plans import refresh_slips

        today = self.today()
        if self._slips_checked_on == today:
            return
        try:
            changed = refresh_slips(store, today)
        except Exception as error:  # noqa: BLE001 - logged; tomorrow's sweep tries again
            from followup_tui.error_log import log_unexpected

            log_unexpected("slip-sweep", error)
            changed = 0
        self._slips_checked_on = today
        if changed:
            # Slips are derived and write no change log, so no poll would recount.
            self.call_from_thread(self._recount_alarms)

    def _recount_alarms(self) -> None:
        from followup_tui.screens.shared.service_calls import count_alarms
        from followup_tui.widgets.desk_header import DeskHeader

        if self.screen.query(DeskHeader):
            count_alarms(self.screen)

    def on_unmount(self) -> None:
        self.reader.close()
        self.background_reader.close()
        if self._store is not None:
            self._store.dispose()

    def action_show_keys(self) -> None:
        if self.screen.query("KeyPanel"):
            self.action_hide_help_panel()
        else:
            self.action_show_help_panel()

    def action_set_language(self, language: str) -> None:
        """Remember the language in the config file and switch to it now."""
        from followup_tui.config import ConfigError, set_config_value

        try:
            set_config_value(self.settings.config_path, "language", language)
        except ConfigError as error:
            self.notify(str(error), severity="error")
            return
        self.switch_language(language)

    def switch_language(self, language: str) -> None:
        """Speak ``language`` from now on and redraw the desk in it."""
        from followup_tui.screens.orders.queue import QueueScreen

        use_language(language)
        translate_bindings(self)
        self.title = t("app.title")
        self.switch_screen(QueueScreen())

    def explain_failure(self, error: BaseException) -> str:
        """The sentence for a failed service call: a clerk's error, or an unexpected one."""
        from followup_tui.domain.errors import FollowupError
        from followup_tui.i18n.errors import explain

        if isinstance(error, FollowupError):
            return explain(error)
        return t(
            "error.unexpected_logged",
            detail=f"{type(error).__name__}: {error}",
            log=str(self.log_file),
        )

    def report_failure(self, error: BaseException, where: str) -> str:
        """Explain a failed worker or service call, writing it to the error log first
        unless it is one of the project's own refusals: those say all there is to say in
        the clerk's language, and a log full of "order is on hold" would bury the one
        traceback a maintainer needs. Safe to call from a worker thread."""
        from followup_tui.domain.errors import FollowupError

        if not isinstance(error, FollowupError):
            from followup_tui.error_log import log_unexpected

            log_unexpected(where, error)
        return self.explain_failure(error)


def make_app(settings: DeskSettings, **options: Any) -> FollowupApp:
    """The factory tests use with a temporary store and a fixed clock."""
    return FollowupApp(settings, **options)


def run_desk(settings: DeskSettings) -> int:
    """Run the desk until the clerk quits; the exit status for the shell."""
    app = make_app(settings)
    result = app.run()
    return int(result or 0)
