"""Where the store is, decided without importing SQLAlchemy.

Both the first-frame path (window_reader) and the engine factory need to turn the
``--db`` value into a file path or a server URL; this module does that with the standard
library only.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit


@dataclass(frozen=True)
class StoreLocation:
    """A store given as a path or URL. ``path`` is set for SQLite files."""

    url: str
    path: Path | None

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    @property
    def display_name(self) -> str:
        """What the header shows: the file name, or host/database without a password."""
        if self.path is not None:
            return self.path.name
        parts = urlsplit(self.url)
        host = parts.hostname or "localhost"
        return f"{host}{parts.path}"


def parse_store(value: str) -> StoreLocation:
    """Accept a plain path (``desk.db``, ``~/x.db``) or any SQLAlchemy URL."""
    if "://" not in value:
        path = Path(value).expanduser().resolve()
        return StoreLocation(f"sqlite:///{path}", path)
    if value.startswith("sqlite"):
        raw = value.split(":///", 1)[1] if ":///" in value else ""
        raw = raw.split("?", 1)[0]
        if not raw or raw == ":memory:":
            return StoreLocation(value, None)
        path = Path(unquote(raw)).expanduser().resolve()
        return StoreLocation(f"sqlite:///{path}", path)
    if value.startswith("postgres://"):
        value = "postgresql://" + value[len("postgres://") :]
    if value.startswith("postgresql://"):
        value = "postgresql+psycopg://" + value[len("postgresql://") :]
    return StoreLocation(value, None)


def prepare_sqlite_file(path: Path) -> bool:
    """Create the folder (0700) and an empty file (0600) so other accounts stay out.

    SQLite would otherwise create the file 0644, readable by every user on a shared
    machine; its -wal and -shm files copy the main file's mode. Returns True when the
    file was new.
    """
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if path.exists():
        return False
    descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(descriptor)
    return True
