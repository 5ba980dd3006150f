"""The store on disk: private files, the real actor, live backups and schema upgrades."""

from __future__ import annotations

import os
import pwd
import sqlite3
import stat
import subprocess
import sys
import textwrap
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import inspect

from followup_tui.domain.errors import FollowupError
from followup_tui.domain.orders.rules import OrderDraft
from followup_tui.services.orders.entry import create_order, get_order
from followup_tui.services.orders.flow import assign_owner
from followup_tui.store import schema, schema_version
from followup_tui.store.location import parse_store
from followup_tui.store.models import Base
from followup_tui.store.unit_of_work import StoreContext, open_store, os_account


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def umask_022() -> Iterator[None]:
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


# ------------------------------------------------------------------ permissions


@pytest.mark.usefixtures("umask_022")
def test_a_new_store_is_private(tmp_path: Path, make_draft: Callable[..., OrderDraft]) -> None:
    folder = tmp_path / "fresh" / "followup-tui"
    path = folder / "desk.db"
    ctx = open_store(parse_store(str(path)), actor="tester")
    try:
        assert mode(path) == 0o600  # made before SQLite touches it
        assert mode(folder) == 0o700
        schema.upgrade(ctx.engine)
        create_order(ctx, make_draft())
        # keep a connection open so the -wal and -shm files exist while we look
        with ctx.engine.connect() as connection:
            connection.exec_driver_sql("SELECT count(*) FROM orders").scalar()
            for suffix in ("-wal", "-shm"):
                sidecar = path.with_name(path.name + suffix)
                assert sidecar.exists(), suffix
                assert mode(sidecar) == 0o600, suffix
        assert mode(path) == 0o600
        assert mode(folder) == 0o700
    finally:
        ctx.dispose()


@pytest.mark.usefixtures("umask_022")
def test_an_existing_store_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    sqlite3.connect(path).close()
    os.chmod(path, 0o640)  # the administrator's choice for a shared desk
    ctx = open_store(parse_store(str(path)), actor="tester")
    try:
        schema.upgrade(ctx.engine)
    finally:
        ctx.dispose()
    assert mode(path) == 0o640


@pytest.mark.usefixtures("umask_022")
def test_a_backup_is_private(store_ctx: StoreContext, tmp_path: Path) -> None:
    assert store_ctx.location.path is not None
    target = tmp_path / "backups" / "desk-copy.db"
    pages = schema.backup(store_ctx.location.path, target)
    assert pages > 0
    assert mode(target) == 0o600
    assert mode(target.parent) == 0o700
    with pytest.raises(FollowupError) as caught:
        schema.backup(store_ctx.location.path, target)
    assert caught.value.key == "error.backup_exists"


# ------------------------------------------------------------------ actor


def test_the_actor_is_the_os_account_not_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make_draft: Callable[..., OrderDraft]
) -> None:
    real = pwd.getpwuid(os.geteuid()).pw_name
    impostor = "mallory" if real != "mallory" else "trudy"
    for variable in ("USER", "LOGNAME", "USERNAME", "LNAME"):
        monkeypatch.setenv(variable, impostor)
    assert os_account() == real
    ctx = open_store(parse_store(str(tmp_path / "desk.db")))
    try:
        assert ctx.actor == real
        schema.upgrade(ctx.engine)
        order = create_order(ctx, make_draft())
        assign_owner(ctx, order.id, "wang.fang")
        actors = {change.actor for change in get_order(ctx, order.id).changes}
        assert actors == {real}
    finally:
        ctx.dispose()


# ------------------------------------------------------------------ backup while writing

WRITER = textwrap.dedent(
    """
    import sys
    from datetime import date
    from decimal import Decimal
    from pathlib import Path

    from followup_tui.domain.orders.rules import LineDraft, OrderDraft
    from followup_tui.services.orders.entry import create_order
    from followup_tui.store.location import parse_store
    from followup_tui.store.unit_of_work import open_store

    ctx = open_store(parse_store(sys.argv[1]), actor="writer")
    stop = Path(sys.argv[2])
    number = 0
    while not stop.exists():
        number += 1
        create_order(ctx, OrderDraft(
            order_no=f"BK-{number:06d}", customer="宁波港口物流", owner="writer",
            order_date=date(2026, 3, 2), requested_date=date(2026, 4, 1),
            lines=[LineDraft("Widget", Decimal(1), "pcs", Decimal(1), "USD")],
        ))
        if number == 3:
            print("writing", flush=True)
    print(number, flush=True)
    """
)


def count_orders(path: Path) -> int:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return int(connection.execute("SELECT count(*) FROM orders").fetchone()[0])
    finally:
        connection.close()


def pad(path: Path, rows: int) -> None:
    """Make the store big enough that copying it is not instant."""
    connection = sqlite3.connect(path)
    try:
        connection.executemany(
            "INSERT INTO change_log (at, actor, entity, entity_id, action, diff) "
            "VALUES ('2026-03-02 01:30:00.000000', 'pad', 'pad', ?, 'insert', ?)",
            [(n, "x" * 1000) for n in range(rows)],
        )
        connection.commit()
    finally:
        connection.close()


def test_backup_while_another_process_writes(
    store_ctx: StoreContext, make_draft: Callable[..., OrderDraft], tmp_path: Path
) -> None:
    source = store_ctx.location.path
    assert source is not None
    for _ in range(5):
        create_order(store_ctx, make_draft())
    pad(source, 16_000)  # about 4,000 pages: several steps of a paged backup
    stop = tmp_path / "stop"
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(source), str(stop)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout is not None
        assert writer.stdout.readline().strip() == "writing", writer.stderr
        before = count_orders(source)
        target = tmp_path / "backup" / "desk.db"
        # in a thread, so that a backup that cannot finish while the writer writes
        # fails the test instead of hanging it
        backup = threading.Thread(target=schema.backup, args=(source, target), daemon=True)
        backup.start()
        backup.join(timeout=15)
        finished_while_writing = not backup.is_alive()
        after = count_orders(source)
    finally:
        stop.touch()
        out, err = writer.communicate(timeout=30)
    backup.join(timeout=30)
    assert writer.returncode == 0, err
    written = int(out.strip().splitlines()[-1])
    assert written > 3
    assert after > before, "the writer was not writing during the backup"
    assert finished_while_writing, "the backup restarted on every commit and never finished"
    copy = sqlite3.connect(target)
    try:
        assert copy.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        copied = int(copy.execute("SELECT count(*) FROM orders").fetchone()[0])
        logged = copy.execute(
            "SELECT count(*) FROM change_log WHERE entity = 'order' AND action = 'insert'"
        ).fetchone()[0]
    finally:
        copy.close()
    assert before <= copied <= after
    assert logged == copied  # each order came with its change-log row: one snapshot
    copy_ctx = open_store(parse_store(str(target)), read_only=True)
    try:
        report = schema.check(copy_ctx.engine)
    finally:
        copy_ctx.dispose()
    assert report.ok, report


# ------------------------------------------------------------------ schema


def test_head_revision_is_alembics_head() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", "followup_tui.store:migrations")
    script = ScriptDirectory.from_config(config)
    assert script.get_heads() == [schema.HEAD_REVISION]  # one head, no forgotten branch
    assert script.get_current_head() == schema.HEAD_REVISION
    # the copy the first-rows path reads without importing SQLAlchemy is the same
    assert schema_version.HEAD_REVISION == schema.HEAD_REVISION


def test_upgrade_of_an_empty_file_creates_every_table(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    ctx = open_store(parse_store(str(path)), actor="tester")
    try:
        assert schema.current_revision(ctx.engine) is None
        assert not schema.check(ctx.engine).ok
        before, after = schema.upgrade(ctx.engine)
        assert (before, after) == (None, schema.HEAD_REVISION)
        tables = set(inspect(ctx.engine).get_table_names())
        from followup_tui.store.archive_models import SEARCH_INDEX_PREFIXES

        tables = {name for name in tables if not name.startswith(SEARCH_INDEX_PREFIXES)}
        assert tables == set(Base.metadata.tables) | {"alembic_version"}
        # every index the models declare exists in the migrated file
        inspector = inspect(ctx.engine)
        for table in Base.metadata.sorted_tables:
            declared = {index.name for index in table.indexes}
            present = {index["name"] for index in inspector.get_indexes(table.name)}
            assert declared <= present, table.name
        report = schema.check(ctx.engine)
        assert report.ok, report
        assert report.revision == schema.HEAD_REVISION
    finally:
        ctx.dispose()


def test_upgrade_is_idempotent(
    store_ctx: StoreContext, make_draft: Callable[..., OrderDraft]
) -> None:
    order = create_order(store_ctx, make_draft())
    detail = get_order(store_ctx, order.id)
    tables = set(inspect(store_ctx.engine).get_table_names())
    again = schema.upgrade(store_ctx.engine)
    assert again == (schema.HEAD_REVISION, schema.HEAD_REVISION)
    assert set(inspect(store_ctx.engine).get_table_names()) == tables
    assert get_order(store_ctx, order.id) == detail
    assert schema.check(store_ctx.engine).ok


def test_migrations_describe_the_models_exactly(tmp_path: Path) -> None:
    """A model change without its migration would only show up on a clerk's old file."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    ctx = open_store(parse_store(str(tmp_path / "fresh.db")), actor="tester")
    try:
        schema.upgrade(ctx.engine)
        with ctx.engine.connect() as connection:
            from followup_tui.store.archive_models import SEARCH_INDEX_PREFIXES

            def described(name: str | None, type_: str, _parent: object) -> bool:
                return not (type_ == "table" and (name or "").startswith(SEARCH_INDEX_PREFIXES))

            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "include_name": described}
            )
            assert compare_metadata(context, Base.metadata) == []
            tables = set(inspect(connection).get_table_names())
            assert {"documents_fts", "documents_cjk"} <= tables  # the search indexes
    finally:
        ctx.dispose()


def test_a_row_written_before_the_timeline_survives_the_upgrade(tmp_path: Path) -> None:
    """A store from the first release gains the plan tables without losing a row."""
    from alembic import command

    path = tmp_path / "old.db"
    ctx = open_store(parse_store(str(path)), actor="tester")
    try:
        with ctx.engine.begin() as connection:
            command.upgrade(schema._alembic_config(connection), "20261127_0001")  # type: ignore[arg-type]
        with sqlite3.connect(path) as raw:
            raw.execute(
                "INSERT INTO customers (id, name, name_initials, name_folded, country, language,"
                " key_account, contact, created_at, version)"
                " VALUES (1, '华强', 'hq', '华强', 'CN', 'zh_CN', 0, '', '2026-11-01 00:00:00', 1)"
            )
        before, after = schema.upgrade(ctx.engine)
        assert (before, after) == ("20261127_0001", schema.HEAD_REVISION)
        with sqlite3.connect(path) as raw:
            assert raw.execute("SELECT name FROM customers").fetchall() == [("华强",)]
            assert raw.execute("SELECT count(*) FROM milestones").fetchone() == (0,)
    finally:
        ctx.dispose()
