"""``followup locate | config | db | demo``: the administrator's commands.

These are the commands run over SSH, from cron or from an install script, so each prints
one clear line (or ``--json``) and says through its exit status whether it worked.

JSON output (``--json``), stable keys:

``locate``::

    config (path), config_exists, config_error (null, or why the file does not load),
    data_dir, data_dir_exists, store (path, or URL without its password), store_kind
    ("sqlite" | "server"), store_source ("flag" | "env" | "config" | "default"),
    store_exists (true/false for a file, null for a server), language, log (the error
    log's path; the file exists only once something went wrong)

``db upgrade``: before (null for a new store), after, changed (bool)

``db check``: revision (null when the store has no schema), head, integrity (list of
SQLite's integrity_check lines, ["ok"] when sound), foreign_key_problems (int), ok (bool)

``demo``: customers, products, suppliers, orders, lines, notes (ints), seconds (float)
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from followup_tui.cli.orders import missing_store
from followup_tui.cli.output import cell, console, key_values, print_json
from followup_tui.config import (
    Config,
    ConfigError,
    data_dir,
    get_config_value,
    load_config,
    log_path,
)
from followup_tui.desk_settings import (
    DeskSettings,
    Invocation,
    choose_store,
    desk_today,
    public_store,
    settings_path,
)
from followup_tui.domain.errors import FollowupError
from followup_tui.i18n import t
from followup_tui.store.location import parse_store

if TYPE_CHECKING:
    from followup_tui.store.unit_of_work import StoreContext

Progress = Callable[[int, int], None]
DEMO_FIELDS: tuple[str, ...] = (
    "customers",
    "products",
    "suppliers",
    "orders",
    "lines",
    "notes",
    "seconds",
)


def _yes_no(flag: bool | None) -> str:
    if flag is None:
        return t("cli.locate.unknown")
    return t("cli.locate.exists") if flag else t("cli.locate.absent")


def run_locate(run: Invocation) -> int:
    """Where everything is, without creating anything: the answer must describe the
    machine as it is, and locate is also how a broken settings file is found."""
    path = settings_path(run.args, run.environ)
    problem: str | None = None
    try:
        settings = run.settings(create_config=False)
        config = settings.config
    except ConfigError as error:
        problem = str(error)
        config = Config()
        settings = None
    choice = choose_store(run.args, run.environ, config, path)
    location = settings.location if settings is not None else parse_store(choice.value)
    store_exists = location.path.exists() if location.path is not None else None
    folder = data_dir(run.environ)
    log = log_path(run.environ)
    report: dict[str, Any] = {
        "config": str(path),
        "config_exists": path.exists(),
        "config_error": problem,
        "data_dir": str(folder),
        "data_dir_exists": folder.exists(),
        "store": public_store(location),
        "store_kind": "sqlite" if location.is_sqlite else "server",
        "store_source": choice.source,
        "store_exists": store_exists,
        "language": settings.language if settings is not None else None,
        "log": str(log),
    }
    if run.json:
        print_json(report)
        return 0
    rows = [
        (t("cli.locate.config"), f"{path} ({_yes_no(path.exists())})"),
        (t("cli.locate.data_dir"), f"{folder} ({_yes_no(folder.exists())})"),
        (
            t("cli.locate.store"),
            f"{report['store']} ({_yes_no(store_exists)}; "
            f"{t('cli.locate.source.' + choice.source)})",
        ),
        (t("cli.locate.log"), f"{log} ({_yes_no(log.exists())})"),
    ]
    if problem is not None:
        rows.append((t("cli.locate.config_error"), problem))
    console().print(key_values(rows))
    return 0


def run_config_get(run: Invocation) -> int:
    """Read one setting; a missing file means the defaults and is not created."""
    path = settings_path(run.args, run.environ)
    config = load_config(path, create=False)
    print(get_config_value(config, run.args.key))
    return 0


def run_config_set(run: Invocation) -> int:
    """Change one setting. The file is not loaded first, so this also repairs the one bad
    value that keeps everything else from starting."""
    from followup_tui.config import set_config_value

    path = settings_path(run.args, run.environ)
    config = set_config_value(path, run.args.key, run.args.value)
    value = get_config_value(config, run.args.key)
    console().print(cell(t("cli.config.saved", setting=run.args.key, value=value, path=str(path))))
    return 0


def _writable(settings: DeskSettings) -> StoreContext:
    """A writable store for the admin commands; unlike ``order`` commands these must work
    on an outdated schema (``db upgrade`` exists to fix exactly that)."""
    return settings.open_store(read_only=False)


def run_upgrade(run: Invocation) -> int:
    """Bring the store to this program's schema (creating it when new)."""
    from followup_tui.store import schema

    ctx = _writable(run.settings())
    try:
        before, after = schema.upgrade(ctx.engine)
    finally:
        ctx.dispose()
    if run.json:
        print_json({"before": before, "after": after, "changed": before != after})
    elif before == after:
        console().print(cell(t("cli.db.up_to_date", revision=after)))
    else:
        shown = before if before is not None else t("cli.db.no_schema")
        console().print(cell(t("cli.db.upgraded", before=shown, after=after)))
    return 0


def run_check(run: Invocation) -> int:
    """Schema revision and SQLite's own integrity checks; exit 1 when anything is off, so a
    cron job can mail the administrator."""
    from followup_tui.store import schema

    settings = run.settings()
    if settings.location.path is not None and not settings.location.path.exists():
        raise missing_store(settings)
    ctx = settings.open_store(read_only=True)
    try:
        report = schema.check(ctx.engine)
    finally:
        ctx.dispose()
    if run.json:
        print_json(
            {
                "revision": report.revision,
                "head": report.head,
                "integrity": list(report.integrity),
                "foreign_key_problems": report.foreign_key_problems,
                "ok": report.ok,
            }
        )
    else:
        revision = report.revision if report.revision is not None else t("cli.db.no_schema")
        rows = [
            (t("cli.db.revision"), f"{revision} ({t('cli.db.head')}: {report.head})"),
            (t("cli.db.integrity"), "\n".join(report.integrity)),
            (t("cli.db.foreign_keys"), str(report.foreign_key_problems)),
        ]
        out = console()
        out.print(key_values(rows))
        out.print(cell(t("cli.db.check_ok" if report.ok else "cli.db.check_failed")))
    return 0 if report.ok else 1


def _backup_target(raw: str, source: Path) -> Path:
    """A folder as DEST gets a time-stamped file inside, so a nightly cron line can be
    the same command every night."""
    target = Path(raw).expanduser()
    if target.is_dir():
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        target = target / f"{source.stem}-{stamp}{source.suffix or '.db'}"
    return target


def run_backup(run: Invocation) -> int:
    """A consistent online copy of a SQLite store (other clerks may keep writing)."""
    from followup_tui.store import schema

    settings = run.settings()
    source = settings.location.path
    if source is None:
        store = public_store(settings.location)
        raise FollowupError("cli.db.backup_server", store=store)
    if not source.exists():
        raise FollowupError("error.file_missing", path=str(source))
    target = _backup_target(run.args.dest, source)
    try:
        pages = schema.backup(source, target)
    except OSError as error:
        detail = error.strerror or str(error)
        raise FollowupError("cli.db.backup_failed", path=str(target), detail=detail) from None
    message = t("cli.db.backed_up", store=str(source), dest=str(target), pages=pages)
    console().print(cell(message))
    return 0


@contextmanager
def _progress_bar(enabled: bool) -> Iterator[Progress | None]:
    """A progress bar on stderr when a person is watching; nothing in a pipe or a log."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
    from rich.progress import Progress as Bar

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Bar(*columns, console=Console(file=sys.stderr), transient=True) as bar:
        task = bar.add_task(t("cli.demo.loading"), total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def run_demo(run: Invocation) -> int:
    """Fill the store with the demo data set, so a new desk has something to show."""
    try:
        from followup_tui.demo.dataset import load_demo
    except ModuleNotFoundError as error:
        if error.name != "followup_tui.demo.dataset":
            raise
        raise FollowupError("cli.demo.unavailable") from None
    from followup_tui.store import schema

    settings = run.settings()
    ctx = _writable(settings)
    try:
        schema.upgrade(ctx.engine)
        today = desk_today(settings.config, ctx.now())
        with _progress_bar(sys.stderr.isatty() and not run.json) as progress:
            options: dict[str, Any] = {"orders": run.args.orders, "seed": run.args.seed}
            if progress is not None:
                options["progress"] = progress
            summary = load_demo(ctx, today=today, **options)
    finally:
        ctx.dispose()
    counts = {name: getattr(summary, name, None) for name in DEMO_FIELDS}
    if run.json:
        print_json(counts)
        return 0
    seconds = float(counts["seconds"] or 0)
    rows = [(t(f"cli.demo.{name}"), str(counts[name])) for name in DEMO_FIELDS[:-1]]
    rows.append((t("cli.demo.seconds"), f"{seconds:.1f}"))
    out = console()
    out.print(cell(t("cli.demo.done", store=public_store(settings.location))))
    out.print(key_values(rows))
    return 0
