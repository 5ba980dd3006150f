"""Calling services from a screen without freezing it.

Every service call runs in a thread worker; its result (or its refusal) comes back to
the UI thread as a callback. A ``FollowupError`` becomes a notification in the clerk's
language; anything else is written with its traceback to the error log
(``followup_tui.error_log``) and reported with its type and the log's path, so no
traceback ever reaches the clerk's screen and nothing fails silently.

Every worker of the desk starts here, in ``call_service`` or ``run_in_background``:
both catch what their work raises, because a worker started with
``exit_on_error=False`` otherwise drops its exception without a word, and Textual's
``Worker.StateChanged`` does not bubble, so the app cannot catch it in one handler. A
test checks that no module outside this one calls ``run_worker``.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any, TypeGuard, TypeVar

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

    run_in_background(screen, count, group="counts")


def run_in_background(node: DOMNode, work: Callable[[], object], *, group: str) -> None:
    """Run ``work()`` in a thread worker that cannot lose an exception.

    For work no clerk is waiting on (counts, re-sorting, warming the store): it hands
    its own results back with ``call_from_thread``. If it fails, the failure is reported
    as a failed service call is (``report_failure``: logged unless it is a refusal, and
    a toast). Calls in the same group replace each other (a newer one wins).
    """
    app = node.app
    if not _is_desk(app):
        raise TypeError("this worker belongs to the followup desk")

    def job() -> None:
        try:
            work()
        except Exception as error:  # noqa: BLE001 - logged and shown by report_failure
            if app.is_running:  # else the desk is closing under it (see _show)
                _show(app, app.report_failure(error, group))

    in_thread(node, job, group=group)


def call_service(
    screen: Screen[Any],
    work: Callable[[StoreContext], ResultT],
    on_done: Callable[[ResultT], None],
    *,
    on_error: Callable[[BaseException, str], None] | None = None,
    group: str = "service",
) -> None:
    """Run ``work(store)`` in a thread; hand its result or its refusal back on the UI
    thread. Calls in the same group replace each other (a newer one wins).

    A failure of ``on_done`` itself (it runs on the UI thread but raises here, through
    ``call_from_thread``) is reported like a failure of ``work``.

    The store ``work`` gets is a recording one: a change made here that is not on the
    desk's history as an undoable action (``history.call_recorded`` records those in a
    recording of their own) still goes on it as a change ctrl+z cannot take back, so
    ctrl+z never skips over it to undo an older change unannounced.
    """
    app = desk(screen)

    def job() -> None:
        try:
            recording = app.store().recording()
            result = work(recording)
        except Exception as error:  # noqa: BLE001 - logged and shown by report_failure
            if not app.is_running:  # the desk is closing under it (see _show)
                return
            message = app.report_failure(error, group)
            if on_error is not None:
                app.call_from_thread(on_error, error, message)
            else:
                _show(app, message)
            return
        try:
            written = tuple(recording.journal or ())
            if written:
                app.call_from_thread(app.history.record_other, written)
            app.call_from_thread(on_done, result)
        except Exception as error:  # noqa: BLE001 - logged and shown by report_failure
            if app.is_running:
                _show(app, app.report_failure(error, group))

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


def _is_desk(app: object) -> TypeGuard[FollowupApp]:
    from followup_tui.app import FollowupApp

    return isinstance(app, FollowupApp)


def _show(app: FollowupApp, message: str) -> None:
    """The failure toast, from a worker thread. The message quotes the exception and a
    path, never markup.

    Once the desk is closing (``is_running`` turns false before the screens and the
    readers are closed), a worker still running fails because the loop, the reader or
    the store went away under it; that is the clerk quitting, not a fault, so such
    failures are neither logged nor shown (there is nowhere left to show them)."""
    if not app.is_running:
        return
    try:
        app.call_from_thread(app.notify, message, severity="error", timeout=8, markup=False)
    except RuntimeError:
        return  # the app stopped between the check and the call: nothing left to show on
