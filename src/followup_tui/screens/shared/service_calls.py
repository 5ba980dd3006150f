"""Calling services from a screen without freezing it.

Every service call runs in a thread worker; its result (or its refusal) comes back to
the UI thread as a callback. A ``FollowupError`` becomes a notification in the clerk's
language; anything else is reported the same way with its type, and logged, so no
traceback ever reaches the clerk's screen and nothing fails silently.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

from textual.screen import Screen

if TYPE_CHECKING:
    from textual.dom import DOMNode

    from followup_tui.app import FollowupApp
    from followup_tui.services.context import StoreContext
    from followup_tui.widgets.desk_header import DeskHeader

ResultT = TypeVar("ResultT")


def desk(screen: Screen[Any]) -> FollowupApp:
    """The app, typed: screens of this package only ever run inside FollowupApp."""
    from followup_tui.app import FollowupApp

    app = screen.app
    if not isinstance(app, FollowupApp):
        raise TypeError("this screen belongs to the followup desk")
    return app


def desk_header(screen: Screen[Any], **options: Any) -> DeskHeader:
    """The header every screen shows, filled when it is built so that the very first
    frame already names the store, the clerk and read-only mode."""
    from followup_tui.i18n import t
    from followup_tui.widgets.desk_header import DeskHeader

    app = desk(screen)
    header = DeskHeader(**options)
    header.set_reactive(DeskHeader.title, t("app.title"))
    header.set_reactive(DeskHeader.store_name, app.settings.location.display_name)
    header.set_reactive(DeskHeader.user, app.actor)
    role = t("desk.role_supervisor") if app.read_only else t("desk.role_clerk")
    header.set_reactive(DeskHeader.role, role)
    header.set_reactive(DeskHeader.read_only_label, t("app.read_only") if app.read_only else "")
    header.set_reactive(DeskHeader.late_label, t("queue.late"))
    header.set_reactive(DeskHeader.at_risk_label, t("queue.at_risk"))
    return header


def count_alarms(screen: Screen[Any]) -> None:
    """Fill the screen's header with the late and at-risk counts, off the UI thread and
    on the background connection, so the queue's own reads never wait behind it."""
    from followup_tui.domain.orders.rules import at_risk_limit
    from followup_tui.services.orders.queue import CountInterrupted, late_and_at_risk
    from followup_tui.widgets.desk_header import DeskHeader

    app = desk(screen)
    today = app.today()
    limit = at_risk_limit(today, app.calendar)  # business days; None: the calendar can't say
    header = screen.query_one(DeskHeader)

    def show(late: int, soon: int | None) -> None:
        header.late, header.at_risk = late, soon

    def count() -> None:
        try:
            late, soon = late_and_at_risk(app.background_reader, today, limit)
        except CountInterrupted:
            return  # stopped by a newer count; the next poll counts again
        app.call_from_thread(show, late, soon)

    screen.run_worker(count, thread=True, group="counts", exclusive=True, exit_on_error=False)


def call_service(
    screen: Screen[Any],
    work: Callable[[StoreContext], ResultT],
    on_done: Callable[[ResultT], None],
    *,
    on_error: Callable[[BaseException, str], None] | None = None,
    group: str = "service",
) -> None:
    """Run ``work(store)`` in a thread; hand its result or its refusal back on the UI
    thread. Calls in the same group replace each other (a newer one wins)."""
    app = desk(screen)

    def job() -> None:
        try:
            result = work(app.store())
        except Exception as error:  # noqa: BLE001 - reported to the clerk below, not swallowed
            message = app.explain_failure(error)
            app.log.error(f"{group}: {error!r}")
            if on_error is not None:
                app.call_from_thread(on_error, error, message)
            else:
                app.call_from_thread(app.notify, message, severity="error", timeout=8)
            return
        app.call_from_thread(on_done, result)

    in_thread(screen, job, group=group)


def in_thread(node: DOMNode, job: Callable[[], object], *, group: str) -> None:
    """Run ``job`` in a thread worker of ``node`` (a screen or the app) in a copy of the
    caller's context, the newest job of ``group`` replacing the older ones.

    Thread workers start with an empty context, and ``call_from_thread`` runs what they
    hand back in that context too, so without the copy ``t`` speaks the fallback
    language: the Chinese triage's facets and legend turned English at its first
    re-sort. Every thread worker of the desk starts here.
    """
    context = contextvars.copy_context()
    node.run_worker(
        partial(context.run, job), thread=True, group=group, exclusive=True, exit_on_error=False
    )
