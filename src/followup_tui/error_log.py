"""The error log: where an unexpected failure leaves its traceback.

A clerk who reports "it just said something went wrong" can only be helped if the
failure was written down somewhere a maintainer can read later. Textual's own log goes
to its devtools console, which nobody runs in production, so unexpected exceptions (a
bug, a driver error, a full disk; never the project's own ``FollowupError`` refusals,
which the clerk already reads in full) are written here with their traceback.

The file rotates (1 MB, five old files kept), so a desk that fails in a loop cannot fill
the disk. It is opened, and its folder created 0700 (a traceback can quote customer
data), on the first record, not when the log is set up: a desk that never fails never
creates anything, and neither start-up nor ``followup locate`` pays for the file or for
``logging.handlers``. Only the standard library is imported, and callers import this
module when they need it.

Setup is idempotent and keeps no state of its own: the handler hangs on the
``followup_tui`` logger in ``logging``'s registry, and setting up again with the same
file changes nothing (with another file, as each test does, the handler is replaced).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from logging.handlers import RotatingFileHandler

LOGGER_NAME = "followup_tui"
MAX_BYTES = 1_000_000
BACKUPS = 5
FORMAT = "%(asctime)s %(levelname)s pid=%(process)d %(threadName)s %(name)s: %(message)s"


class FirstWriteFile(logging.Handler):
    """A rotating log file that exists only once something was written to it."""

    def __init__(self, path: Path) -> None:
        super().__init__(level=logging.WARNING)
        self.path = path
        self._file: RotatingFileHandler | None = None

    def emit(self, record: logging.LogRecord) -> None:
        # ``Handler.handle`` holds this handler's lock here, so two threads failing at
        # once open the file only once.
        try:
            if self._file is None:
                from logging.handlers import RotatingFileHandler

                self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
                self._file = RotatingFileHandler(
                    self.path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8"
                )
                self._file.setFormatter(self.formatter)
        except OSError:
            # The folder cannot be made or the file opened: logging's own error path
            # (a note on stderr) is all that is left; the clerk's toast still shows.
            self.handleError(record)
            return
        self._file.emit(record)

    def close(self) -> None:
        self.acquire()
        try:
            if self._file is not None:
                self._file.close()
                self._file = None
        finally:
            self.release()
        super().close()


def start_error_log(path: Path) -> Path:
    """Send the desk's and the CLI's warnings and errors to ``path``; returns ``path``.

    Called by the app when it mounts and by the CLI when a command fails unexpectedly;
    calling it again with the same path is a no-op.
    """
    logger = logging.getLogger(LOGGER_NAME)
    for handler in list(logger.handlers):
        if isinstance(handler, FirstWriteFile):
            if handler.path == path:
                return path
            logger.removeHandler(handler)
            handler.close()
    handler = FirstWriteFile(path)
    handler.setFormatter(logging.Formatter(FORMAT))
    logger.addHandler(handler)
    if logger.level == logging.NOTSET or logger.level > logging.WARNING:
        logger.setLevel(logging.WARNING)
    return path


def current_error_log() -> Path | None:
    """The file the error log writes to, or None before it is set up."""
    for handler in logging.getLogger(LOGGER_NAME).handlers:
        if isinstance(handler, FirstWriteFile):
            return handler.path
    return None


def stop_error_log() -> None:
    """Close the error log and take it off the logger (a test's teardown, or an
    embedding program that wants its own handlers)."""
    logger = logging.getLogger(LOGGER_NAME)
    for handler in list(logger.handlers):
        if isinstance(handler, FirstWriteFile):
            logger.removeHandler(handler)
            handler.close()


def log_unexpected(where: str, error: BaseException) -> None:
    """Write ``error`` with its traceback, saying where it happened (a worker group, a
    CLI command), so a maintainer can find the failing path from the log alone."""
    logging.getLogger(f"{LOGGER_NAME}.{where}").error(
        "unexpected %s in %s: %s",
        type(error).__name__,
        where,
        error,
        exc_info=(type(error), error, error.__traceback__),
    )
