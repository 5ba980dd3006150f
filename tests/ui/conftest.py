"""A desk over a small, fixed store: 40 orders around a fixed today, in two languages.

The store is built once per test run (through the same services the desk calls) and
copied for each test, so every test starts from identical data without paying
for the migrations and forty writes again. The desk's clock, its actor and the data
never change, which is what lets the snapshot tests compare pictures.

``desk`` speaks English; ``@pytest.mark.parametrize("desk", ["zh_CN"], indirect=True)``
makes it speak Chinese.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from .desk_kit import Desk, build_store


@pytest.fixture(scope="session")
def store_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    """The filled store, built once per test run (xdist workers share it); tests get
    copies."""
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    if run is None:
        folder = tmp_path_factory.mktemp("template")
    else:
        folder = tmp_path_factory.getbasetemp().parent / f"desk-template-{run}"
        folder.mkdir(exist_ok=True)
    path, index = folder / "desk.db", folder / "ids.json"
    with (folder / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # the first worker builds, the others wait
        if not index.exists():
            ids = build_store(path)
            with sqlite3.connect(path) as connection:
                connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            index.write_text(json.dumps(ids))
    return path, json.loads(index.read_text())


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
