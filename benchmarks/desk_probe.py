"""Run the desk exactly as ``followup`` does, recording what was imported when its first
rows were set.

``python benchmarks/desk_probe.py REPORT.json [followup arguments...]`` wraps
``FollowupApp.warm_store``, which the queue screen calls right after it has handed the
first window of rows to the table (and before SQLAlchemy is imported by the worker it
starts), and writes which of SQLAlchemy, Alembic and pypinyin were in ``sys.modules`` at
that moment. Nothing in src is changed: the wrapper is installed on the class before
``followup_tui.cli.main`` runs.

Two switches let bench_startup.py ``--diagnose`` show where the start-up goes (a
diagnosis, not the product: the desk's real start-up is measured with
``.venv/bin/followup``):

* ``FOLLOWUP_PROBE_ACTOR_FIX=1`` hands the app its actor (the login of the effective
  uid, computed with ``pwd`` as ``os_account`` does), as if ``FollowupApp.actor`` no
  longer imported ``store.unit_of_work`` (and with it SQLAlchemy's ORM) on the UI
  thread while the queue screen mounts;
* ``FOLLOWUP_PROBE_NO_WARM=1`` makes ``warm_store`` do nothing, to show what the
  background import of SQLAlchemy, Alembic and pypinyin costs the first paint;
* ``FOLLOWUP_PROBE_DEFER=1`` starts the start-up workers (the SQLAlchemy warm-up, the
  header's late/at-risk count and the exact row count) after the first frame has been
  painted (``call_after_refresh``) instead of before it, which is one way the desk
  could keep them off the first frame's path.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

WATCHED = ("sqlalchemy", "alembic", "pypinyin")


def defer_start_up_workers(app_class: Any) -> None:
    """Make the queue's first count workers and the warm-up wait for the first frame."""
    from followup_tui.screens.orders.queue import QueueScreen

    deferred: set[str] = set()

    def later(owner: Any, name: str, original: Callable[..., None]) -> Callable[..., None]:
        def call(self: Any, *args: Any) -> None:
            if name in deferred:
                original(self, *args)
                return
            deferred.add(name)
            self.call_after_refresh(original, self, *args)

        return call

    for owner, name in (
        (QueueScreen, "_refresh_counts"),
        (QueueScreen, "_count_exactly"),
        (app_class, "warm_store"),
    ):
        setattr(owner, name, later(owner, name, getattr(owner, name)))


def main() -> int:
    report = Path(sys.argv[1])
    arguments = sys.argv[2:]
    started = time.perf_counter()
    from followup_tui.app import FollowupApp
    from followup_tui.screens.orders.queue import QueueScreen

    original = FollowupApp.warm_store
    skip = os.environ.get("FOLLOWUP_PROBE_NO_WARM") == "1"
    show_rows = QueueScreen._show_rows

    def record() -> None:
        if not report.exists():
            loaded = {name: name in sys.modules for name in WATCHED}
            report.write_text(
                json.dumps({"loaded": loaded, "seconds": time.perf_counter() - started})
            )

    def rows_shown(self: QueueScreen) -> None:
        show_rows(self)  # the first window of rows is now in the table
        record()

    def warm_store(self: FollowupApp) -> None:
        record()
        if not skip:
            original(self)

    QueueScreen._show_rows = rows_shown  # type: ignore[method-assign]
    FollowupApp.warm_store = warm_store  # type: ignore[method-assign]
    if os.environ.get("FOLLOWUP_PROBE_DEFER") == "1":
        defer_start_up_workers(FollowupApp)
    if os.environ.get("FOLLOWUP_PROBE_ACTOR_FIX") == "1":
        import pwd

        init = FollowupApp.__init__

        def with_actor(self: FollowupApp, *args: object, **options: object) -> None:
            options.setdefault("actor", pwd.getpwuid(os.geteuid()).pw_name)
            init(self, *args, **options)  # type: ignore[arg-type]

        FollowupApp.__init__ = with_actor  # type: ignore[method-assign]
    from followup_tui.cli import main as followup

    return followup(arguments)


if __name__ == "__main__":
    sys.exit(main())
