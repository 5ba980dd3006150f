"""What one run of ``followup`` works with: the settings file, the store and the language.

The desk and every subcommand resolve these the same way, so ``followup order list`` and
the desk opened a minute later always look at the same store. The order of precedence is
the one administrators expect from other tools: a flag beats the environment, the
environment beats the settings file, and the file beats the built-in default.

This module is on the path to the desk's first frame, so it imports only the standard
library, the settings reader, the translation function and ``store.location`` (which
decides where the store is without importing SQLAlchemy).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

from followup_tui.config import Config, config_path, default_store_path, load_config
from followup_tui.i18n import choose_language, use_language
from followup_tui.store.location import StoreLocation, parse_store

if TYPE_CHECKING:
    from followup_tui.domain.calendar import BusinessCalendar
    from followup_tui.domain.complaints.sla_policy import SlaPolicy
    from followup_tui.store.unit_of_work import StoreContext

STORE_SOURCES: tuple[str, ...] = ("flag", "env", "config", "default")


@dataclass(frozen=True)
class DeskSettings:
    """Everything the desk needs before its first frame, decided once per run.

    Frozen so that the app, its screens and worker threads can share one object without
    anyone changing the store or the language underneath them.
    """

    location: StoreLocation
    config: Config
    config_path: Path
    language: str
    read_only: bool = False

    @property
    def company_folder(self) -> Path:
        """Where the company's own data files go: the folder of the settings file (so
        ``--config`` and ``FOLLOWUP_CONFIG`` move them too). ``data/README.md`` lists
        the files."""
        return self.config_path.parent

    @cached_property
    def calendar(self) -> BusinessCalendar:
        """The desk's business calendar, loaded on first use and then shared.

        Loaded lazily because a command that never counts days (``locate``, ``config``)
        should not read calendar files; the config has already refused unknown names. A
        company calendar in the company folder is found here like the other company
        files, and a calendar that names no zone is counted in the desk's ``timezone``.
        """
        from followup_tui.domain.calendar import load_calendar

        return load_calendar(
            self.config.calendar, company_folder=self.company_folder, timezone=self.config.timezone
        )

    @cached_property
    def sla(self) -> SlaPolicy:
        """The complaint SLA policy: ``sla_policy.toml`` next to the settings file when the
        company has one, else the shipped default; loaded on first use and then shared.

        Lazy for the same reason as the calendar; a broken company copy is refused (with
        the file and entry named) rather than replaced by the default, because clocks
        would otherwise run on targets the company has changed.
        """
        from followup_tui.domain.complaints.sla_policy import SLA_POLICY_FILE, load_policy
        from followup_tui.domain.data_files import company_copy

        return load_policy(company_copy(self.company_folder, SLA_POLICY_FILE))

    def open_store(
        self,
        *,
        read_only: bool | None = None,
        actor: str | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> StoreContext:
        """The SQLAlchemy store, carrying the desk's time zone, calendar, SLA policy and
        the supervisors who may acknowledge a major complaint.

        Every opening goes through here, so the desk, the CLI and the admin commands
        count "today" and business days the same way. ``read_only`` defaults to the
        run's own (``watch``); ``clock`` to the system clock.
        """
        from followup_tui.store.unit_of_work import open_store, utc_now

        return open_store(
            self.location,
            read_only=self.read_only if read_only is None else read_only,
            actor=actor,
            clock=utc_now if clock is None else clock,
            timezone=self.config.timezone,
            calendar=self.calendar,
            sla=self.sla,
            supervisors=self.config.supervisors,
            company_folder=self.company_folder,
        )


@dataclass(frozen=True)
class StoreChoice:
    """The store as given, and where it was given (``followup locate`` shows both, because
    "why is it using that file?" is the question an administrator asks first)."""

    value: str
    source: str


def settings_path(args: argparse.Namespace, environ: Mapping[str, str]) -> Path:
    """``--config`` first, then ``FOLLOWUP_CONFIG``, then the platform's config folder."""
    given = getattr(args, "config", None)
    if given:
        return Path(given).expanduser()
    return config_path(environ)


def _relative_to_config(value: str, config_file: Path) -> str:
    """A relative ``store = "desk.db"`` in the settings file means next to that file.

    Resolving it against the working directory instead would open a different (empty)
    store depending on where the clerk happened to start the desk.
    """
    if "://" in value or value.startswith("~") or Path(value).is_absolute():
        return value
    return str(config_file.parent / value)


def choose_store(
    args: argparse.Namespace, environ: Mapping[str, str], config: Config, config_file: Path
) -> StoreChoice:
    """``--db``, else ``FOLLOWUP_DB``, else the settings file, else ``desk.db`` in the
    data folder."""
    given = getattr(args, "db", None)
    if given:
        return StoreChoice(str(given), "flag")
    from_env = environ.get("FOLLOWUP_DB", "").strip()
    if from_env:
        return StoreChoice(from_env, "env")
    if config.store:
        return StoreChoice(_relative_to_config(config.store, config_file), "config")
    return StoreChoice(str(default_store_path(environ)), "default")


def resolve_settings(
    args: argparse.Namespace,
    environ: Mapping[str, str],
    *,
    create_config: bool | None = None,
) -> DeskSettings:
    """Read the settings file, pick the store and switch ``t()`` to the chosen language.

    ``args.read_only`` (set by ``followup watch``) also means the settings file is not
    created: a supervisor watching over SSH should leave no files behind. ``create_config``
    overrides that for commands that only report (``followup locate``).
    """
    read_only = bool(getattr(args, "read_only", False))
    path = settings_path(args, environ)
    create = (not read_only) if create_config is None else create_config
    config = load_config(path, create=create)
    choice = choose_store(args, environ, config, path)
    language = choose_language(getattr(args, "lang", None) or config.language, environ)
    use_language(language)
    return DeskSettings(
        location=parse_store(choice.value),
        config=config,
        config_path=path,
        language=language,
        read_only=read_only,
    )


def public_store(location: StoreLocation) -> str:
    """The store as it may be printed or logged: a full path, or the URL without its
    password (a backup script's output often ends up in a shared log)."""
    if location.path is not None:
        return str(location.path)
    parts = urlsplit(location.url)
    if parts.password is None:
        return location.url
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    user = f"{parts.username}:***@" if parts.username else ""
    return urlunsplit((parts.scheme, user + host, parts.path, parts.query, parts.fragment))


def desk_today(config: Config, now: datetime | None = None) -> date:
    """Today as the desk's clerks see it: in the configured time zone, not the server's.

    A server in UTC would otherwise date an order entered at 07:00 in Shanghai yesterday.
    """
    moment = now if now is not None else datetime.now(UTC)
    return moment.astimezone(ZoneInfo(config.timezone)).date()


@dataclass
class Invocation:
    """One run of the command: the parsed arguments, the environment, and the settings
    once resolved.

    Kept per call of ``main`` rather than in a module global, so tests can run many
    commands in one process; ``main`` reads ``resolved`` to name the store in an error
    even when the failure happened deep inside a handler.
    """

    args: argparse.Namespace
    environ: Mapping[str, str]
    resolved: DeskSettings | None = None

    def settings(self, *, create_config: bool | None = None) -> DeskSettings:
        if self.resolved is None:
            self.resolved = resolve_settings(self.args, self.environ, create_config=create_config)
        return self.resolved

    @property
    def json(self) -> bool:
        return bool(getattr(self.args, "json", False))

    def store_label(self) -> str:
        """The store for an error message; "?" when it was never resolved."""
        if self.resolved is None:
            return "?"
        return public_store(self.resolved.location)
