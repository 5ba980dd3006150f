"""A desk over a small, fixed store: 40 orders around a fixed today, in two languages.

The store is built once per test process (through the same services the desk calls)
and copied for each test, so every test starts from identical data without paying
for the migrations and forty writes again. The desk's clock, its actor and the data
never change, which is what lets the snapshot tests compare pictures.

``desk`` speaks English; ``@pytest.mark.parametrize("desk", ["zh_CN"], indirect=True)``
makes it speak Chinese.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from desk_kit import Desk, build_store


@pytest.fixture(scope="session")
def store_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    """The filled store, once per test process; tests get copies."""
    folder = tmp_path_factory.mktemp("template")
    path = folder / "desk.db"
    ids = build_store(path)
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path, ids


@pytest.fixture(params=["en"])
def desk(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    store_template: tuple[Path, dict[str, int]],
) -> Iterator[Desk]:
    """A copy of the store, a second connection to it, and a factory for the app."""
    template, ids = store_template
    path = tmp_path / "desk.db"
    shutil.copyfile(template, path)
    path.chmod(0o600)
    desk = Desk(path=path, ids=dict(ids), language=str(request.param), folder=tmp_path)
    try:
        yield desk
    finally:
        desk.close()
