"""Schema upgrades, integrity checks and online backups of the store.

The desk compares the store's revision with ``HEAD_REVISION`` without importing Alembic
(0.9 s); Alembic runs only when there is something to upgrade. A test keeps the constant
equal to the newest migration.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine, inspect, text

from followup_tui.domain.errors import FollowupError
from followup_tui.store.schema_version import HEAD_REVISION

__all__ = ["HEAD_REVISION", "CheckReport", "backup", "check", "current_revision", "upgrade"]


def _alembic_config(connection: Connection) -> object:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", "followup_tui.store:migrations")
    config.set_main_option("file_template", "%%(year)d%%(month).2d%%(day).2d_%%(rev)s_%%(slug)s")
    config.attributes["connection"] = connection
    return config


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        value = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        return str(value) if value is not None else None


def upgrade(engine: Engine) -> tuple[str | None, str]:
    """Bring the store to the newest schema; returns (before, after) revisions."""
    from alembic import command

    before = current_revision(engine)
    with engine.begin() as connection:
        command.upgrade(_alembic_config(connection), "head")  # type: ignore[arg-type]
    return before, HEAD_REVISION


@dataclass(frozen=True)
class CheckReport:
    revision: str | None
    head: str
    integrity: tuple[str, ...]
    foreign_key_problems: int

    @property
    def ok(self) -> bool:
        return (
            self.revision == self.head
            and self.integrity == ("ok",)
            and self.foreign_key_problems == 0
        )


def check(engine: Engine) -> CheckReport:
    """Integrity and schema revision; PostgreSQL guards its own pages, so only the
    revision is checked there."""
    revision = current_revision(engine)
    integrity: tuple[str, ...] = ("ok",)
    foreign = 0
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:
            rows = connection.exec_driver_sql("PRAGMA integrity_check").fetchall()
            integrity = tuple(str(row[0]) for row in rows)
            foreign = len(connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall())
    return CheckReport(revision, HEAD_REVISION, integrity, foreign)


def backup(source: Path, destination: Path) -> int:
    """Copy a live SQLite store with the online backup API; returns pages copied.

    The backup API copies a consistent snapshot even while other clerks write, which a
    file copy of a WAL database does not.
    """
    if destination.exists():
        raise FollowupError("error.backup_exists", field="DEST", path=str(destination))
    destination.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(destination)
        try:
            destination.chmod(0o600)
            # One step, under one read transaction: in WAL mode it blocks no writer,
            # while a paged backup restarts whenever a clerk commits between steps and,
            # on a busy desk, never finishes.
            src.backup(dst, pages=-1)
            pages = int(dst.execute("PRAGMA page_count").fetchone()[0])
        finally:
            dst.close()
    finally:
        src.close()
    return pages
