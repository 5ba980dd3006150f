"""``followup``: the desk with no subcommand, and the commands scripts and admins need.

The exit status is part of the interface, because cron jobs and CI scripts branch on it:

* 0: done;
* 1: refused or failed (a ``FollowupError`` such as an illegal move, a store that cannot
  be opened or is outdated, ``db check`` finding problems);
* 2: the command line or the settings file is wrong (argparse usage errors,
  ``ConfigError``), so the fix is in what was typed, not in the data;
* 130: interrupted with ctrl+c.

Errors go to stderr as one sentence in the clerk's language, prefixed ``followup:``,
never as a traceback: a clerk cannot act on a traceback, and a supervisor's SSH session
should not be flooded with one because the server was restarting. An unexpected
exception (a bug, not a refusal) is written with its traceback to the error log
(``followup_tui.error_log``, set up only then) and the one line names that file.

Only the standard library, the settings reader and ``store.location`` are imported at
the top, and handlers are imported by name when their command runs, because the desk's
start-up is a budget (decisions.md, "Hard-won rules"): ``followup`` must reach ``run_desk`` without
importing SQLAlchemy, Alembic, Rich tables or pypinyin.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import cast

from followup_tui.cli.parser import build_parser, early_options
from followup_tui.config import ConfigError, load_config
from followup_tui.desk_settings import DeskSettings, Invocation, resolve_settings
from followup_tui.domain.errors import FollowupError
from followup_tui.i18n import LANGUAGES, choose_language, t, use_language

__all__ = ["DeskSettings", "build_parser", "main", "resolve_settings"]

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130

Handler = Callable[[Invocation], int]


def _early_language(argv: list[str], environ: Mapping[str, str]) -> None:
    """Pick the language before the parser exists, so ``--help`` is translated.

    A broken settings file must not stop ``--help`` or ``config set`` (which is how the
    file gets repaired), so a file that does not load counts as "no language set" here;
    the commands that need the file report the error properly later.
    """
    from followup_tui.desk_settings import settings_path

    early = early_options(argv)
    configured: str | None = early.lang if early.lang in LANGUAGES else None
    if configured is None:
        try:
            configured = load_config(settings_path(early, environ), create=False).language
        except ConfigError:
            configured = None
    use_language(choose_language(configured, environ))


def _store_failure(error: BaseException) -> str | None:
    """The driver's own words when ``error`` means the store cannot be used, else None.

    The drivers are looked up in ``sys.modules`` instead of imported: if one was never
    imported, none of its errors can be in flight, and importing it here would put it on
    the desk's path.
    """
    sqlite = sys.modules.get("sqlite3")
    if sqlite is not None and isinstance(error, sqlite.DatabaseError):
        return str(error)
    alchemy = sys.modules.get("sqlalchemy.exc")
    if alchemy is not None:
        if isinstance(error, alchemy.DBAPIError):
            return str(error.orig) if error.orig is not None else str(error)
        if isinstance(error, alchemy.ArgumentError):  # a URL it cannot parse, no driver
            return str(error)
    server = sys.modules.get("psycopg")
    if server is not None and isinstance(error, server.Error):
        return str(error)
    if isinstance(error, OSError):  # the store's folder cannot be created or read
        detail = error.strerror or str(error)
        return f"{detail}: {error.filename}" if error.filename else detail
    return None


def _say(message: str) -> None:
    from followup_tui.cli.output import say

    say(message)


def _handler(name: str) -> Handler:
    module_name, _, function = name.partition(":")
    module = importlib.import_module(f"followup_tui.cli.{module_name}")
    return cast(Handler, getattr(module, function))


def _open_desk(run: Invocation) -> int:
    """The Textual desk (``followup``) or its read-only twin (``followup watch``)."""
    from followup_tui.config import log_path
    from followup_tui.error_log import start_error_log

    settings = run.settings()
    start_error_log(log_path(run.environ))  # the desk writes its failures there too
    try:
        from followup_tui.app import run_desk
    except ModuleNotFoundError as error:
        if error.name != "followup_tui.app":
            raise
        _say(t("cli.desk.unavailable"))
        return EXIT_FAILED
    return run_desk(settings)


def _dispatch(run: Invocation) -> int:
    handler_name = getattr(run.args, "handler", None)
    if handler_name is None:
        return _open_desk(run)
    return _handler(str(handler_name))(run)


def _run(argv: list[str], environ: Mapping[str, str]) -> int:
    _early_language(argv, environ)
    parser = build_parser()
    args = parser.parse_args(argv)  # usage errors: SystemExit(2), caught by main
    run = Invocation(args, environ)
    try:
        return _dispatch(run)
    except ConfigError as error:
        where = f"{error.path}: " if error.path is not None and error.key else ""
        _say(where + str(error))
        return EXIT_USAGE
    except FollowupError as error:
        from followup_tui.i18n.errors import explain

        _say(explain(error))
        return EXIT_FAILED
    except Exception as error:  # noqa: BLE001 - a store failure, else logged by _unexpected
        detail = _store_failure(error)
        if detail is None:
            return _unexpected(run, error)
        _say(t("error.store_unreachable", store=run.store_label(), detail=detail))
        return EXIT_FAILED


def _unexpected(run: Invocation, error: Exception) -> int:
    """A failure nobody planned for: the traceback goes to the error log, the user gets
    one line naming the file (a script's log or a clerk's screen stays readable, and
    the maintainer still gets the whole story)."""
    from followup_tui.config import log_path
    from followup_tui.error_log import log_unexpected, start_error_log

    log = start_error_log(log_path(run.environ))
    command = getattr(run.args, "handler", None) or "desk"
    log_unexpected(f"cli.{str(command).replace(':', '.')}", error)
    first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
    detail = f"{type(error).__name__}: {first_line}" if first_line else type(error).__name__
    _say(t("cli.failure.unexpected", detail=detail, log=str(log)))
    return EXIT_FAILED


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Run ``followup`` with ``argv`` (default: the process arguments); returns the exit
    status instead of exiting, so tests and ``__main__`` decide what to do with it."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    try:
        return _run(arguments, os.environ if environ is None else environ)
    except SystemExit as stop:  # argparse: --help, --version (0) and usage errors (2)
        code = stop.code
        if code is None:
            return EXIT_OK
        return code if isinstance(code, int) else EXIT_USAGE
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # `followup order list | head`: the reader left; not an error worth a traceback.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
