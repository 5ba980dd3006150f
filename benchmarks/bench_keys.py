"""Key latency of the desk's queue on a 1,000,000-order store, measured in the process.

The app is built as the tests build it (``make_app(DeskSettings(...))``) and run with
``app.run_test(size=(120, 35))``, over ``benchmarks/out/orders-1000000.db``.

Method ("app's own work from key to refreshed screen"):

* The headless driver never writes frames (``App._display`` skips rendering when
  headless), so the app's ``_display`` is wrapped on the instance: after the original,
  it turns the compositor's update into the terminal byte string exactly as a real
  terminal run does (``update.render_segments(app.console)``, the step the headless
  path skips) and records the time that finished, and the main thread's CPU time.
  The compositor's own work (``render_line`` of every dirty widget) happens just before
  ``_display`` is called, so it is inside the measured interval.
* t0 is taken immediately before the key event is posted to the app
  (``app.post_message(events.Key(key, character))``, what ``Pilot.press`` does minus
  the driver's thread hop). The app routes it to the focused widget's binding as it
  would a key from the terminal.
* The harness then waits, polling every 10 ms (a poll reads a few flags and queue sizes,
  microseconds), until the app is settled: every message
  queue of the app, the screen and its widgets is empty, the screen has nothing left
  to lay out or repaint, and no frame has been written for 80 ms. That wait is not
  measured: the figure is the end of the last frame written because of the key minus
  t0. It includes Textual's frame pacing (a repaint waits for the screen's 60 fps update
  timer, up to 16.7 ms) and the follow-up frame for the status line (the cursor's
  position arrives as a message), because the clerk waits for those too.
* A filter keystroke's figure is the end of the first frame in which the table shows
  the new query's rows (its source is the window built for the new text); the queue
  screen rebuilds its source synchronously on ``Input.Changed``. The later frame that
  replaces "…" with the exact count (from a worker) is not part of it.

Also printed per key kind (medians): the first frame after the key; the main thread's
CPU time (``time.thread_time``) up to the measured frame; the wall time in the table's
queries (``app.reader``, the UI thread's connection); and the CPU time in
``VirtualTable.render_line`` ("rows drawn"). What is left of the CPU figure is Textual
(messages, layout, compositor, turning the frame into bytes). The wall figure is longer
than the CPU figure because of frame pacing and, on a shared machine, other processes:
each script prints how fast a CPU-bound thread ran before and after it.

Keys: down x50, pagedown x20, end x5 alternating with home (home is reported too), and
filter keystrokes: ``/`` focuses the filter, then 华强, hq, 00123 and Acme are typed a
character at a time, the filter being cleared (not timed) between them; the set is
typed twice. After each text the harness also times how long the exact count (worker)
takes to arrive after the last keystroke. Before timing starts, the harness waits for
the start-up workers (exact count, header alarms, SQLAlchemy warm-up) to finish. Peak
RSS is ``ru_maxrss`` of this process (app + harness) after all of it.

``--status-without-layout`` is a diagnosis, not the product: it makes the queue's
one-line labels (``#status-line``, ``#facets``, both of fixed height) update with
``Label.update(..., layout=False)``, to show what the layout pass each of their updates
asks for costs a key press.

    .venv/bin/python benchmarks/bench_keys.py [--rounds 2] [--status-without-layout]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import pwd
import resource
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from common import (
    COLUMNS,
    OUT,
    ROWS,
    Figure,
    build_store,
    contention,
    median,
    ms,
    percentile,
    print_figures,
    use_bench_env,
    write_figures,
)

KEY_TARGET_S = 0.050
RSS_TARGET_MB = 250.0
QUIET_S = 0.080
POLL_S = 0.010
TIMEOUT_S = 10.0
FILTERS = ("华强", "hq", "00123", "Acme")


@dataclass
class Frame:
    at: float  # perf_counter when the frame's bytes were ready
    cpu: float  # main thread CPU time then
    source: Any  # the table's source when it was drawn
    size: int  # bytes of the frame


@dataclass
class Sample:
    kind: str
    refreshed: float  # key -> last frame caused by it
    first: float  # key -> first frame after it
    cpu: float  # main thread CPU, key -> last frame
    frames: int
    sql: float  # wall time in the table's queries (the UI thread's reader)
    lines: float  # CPU time in VirtualTable.render_line


@dataclass
class Recorder:
    frames: list[Frame] = field(default_factory=list)
    sql: float = 0.0
    lines: float = 0.0


def install_cost_hooks(app: Any, table: Any, recorder: Recorder) -> None:
    """Add up the time spent in the UI thread's queries and in the table's lines.

    Only ``app.reader`` (the table's connection) is wrapped, not the background
    reader the workers use, so the sum is work done on the key's path.
    """
    reader = app.reader
    fetch = reader.fetch
    render_line = table.render_line

    def timed_fetch(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return fetch(*args, **kwargs)
        finally:
            recorder.sql += time.perf_counter() - started

    def timed_line(y: int) -> Any:
        started = time.thread_time()
        try:
            return render_line(y)
        finally:
            recorder.lines += time.thread_time() - started

    reader.fetch = timed_fetch
    table.render_line = timed_line


def install_frame_hook(app: Any, table: Callable[[], Any], recorder: Recorder) -> None:
    """Wrap ``app._display`` so every frame is rendered to bytes and timed."""
    original = app._display

    def display(screen: Any, renderable: Any) -> None:
        original(screen, renderable)
        if renderable is None or app._batch_count:
            return
        render = getattr(renderable, "render_segments", None)
        data = render(app.console) if render is not None else ""
        recorder.frames.append(
            Frame(time.perf_counter(), time.thread_time(), table().source, len(data))
        )

    app._display = display


def watched_nodes(app: Any) -> list[Any]:
    """The message pumps a key's effects pass through: app, screen, and the widgets the
    queue screen updates (looked up once, so a poll costs microseconds)."""
    screen = app.screen
    ids = ("#orders", "#filter", "#status-line", "#facets", "#desk-header")
    return [app, screen, *(screen.query_one(selector) for selector in ids)]


def _pending(app: Any, nodes: list[Any]) -> bool:
    screen = app.screen
    if (
        screen._dirty_widgets
        or screen._layout_required
        or screen._repaint_required
        or screen._scroll_required
    ):
        return True
    return any(not node._message_queue.empty() for node in nodes)


async def settle(app: Any, recorder: Recorder, since: int) -> None:
    """Wait (unmeasured) until the key's effects are on screen and nothing is pending."""
    started = time.perf_counter()
    nodes = watched_nodes(app)
    while True:
        await asyncio.sleep(POLL_S)
        now = time.perf_counter()
        if now - started > TIMEOUT_S:
            return
        if _pending(app, nodes):
            continue
        frames = recorder.frames
        last = frames[-1].at if len(frames) > since else started
        if len(frames) > since and now - last >= QUIET_S:
            return
        if len(frames) == since and now - started > 1.0:
            return  # nothing to redraw


def key_event(key: str) -> Any:
    from textual import events
    from textual.keys import _character_to_key

    if len(key) == 1:
        name = key if key.isalnum() else _character_to_key(key)
        return events.Key(name, key)
    characters = {"slash": "/", "space": " "}
    return events.Key(key, characters.get(key))


async def press(
    app: Any,
    recorder: Recorder,
    key: str,
    kind: str,
    done: Callable[[Frame], bool] | None = None,
) -> Sample | None:
    """Post one key, wait until settled, and return its timings."""
    since = len(recorder.frames)
    event = key_event(key)
    sql0, lines0 = recorder.sql, recorder.lines
    cpu0 = time.thread_time()
    t0 = time.perf_counter()
    app.post_message(event)
    await settle(app, recorder, since)
    frames = recorder.frames[since:]
    if not frames:
        return None
    target = frames[-1]
    if done is not None:
        matching = [frame for frame in frames if done(frame)]
        if not matching:
            return None
        target = matching[0]
    return Sample(
        kind,
        target.at - t0,
        frames[0].at - t0,
        target.cpu - cpu0,
        len(frames),
        recorder.sql - sql0,
        recorder.lines - lines0,
    )


async def wait_for_workers(app: Any) -> None:
    deadline = time.perf_counter() + 120
    while time.perf_counter() < deadline:
        if all(worker.is_finished for worker in app.workers):
            return
        await asyncio.sleep(0.05)


@dataclass
class Session:
    """One desk under test, the frames it wrote and the samples taken so far."""

    app: Any
    table: Any
    recorder: Recorder = field(default_factory=Recorder)
    samples: list[Sample] = field(default_factory=list)
    info: dict[str, Any] = field(default_factory=dict)

    async def timed(self, key: str, kind: str, **options: Any) -> Sample | None:
        sample = await press(self.app, self.recorder, key, kind, **options)
        if sample is None:
            print(f"  {kind}: no frame after {key!r}", file=sys.stderr)
        else:
            self.samples.append(sample)
        return sample

    async def navigate(self) -> None:
        for _ in range(50):
            await self.timed("down", "down")
        await self.timed("home", "home-reset")
        for _ in range(20):
            await self.timed("pagedown", "pagedown")
        for _ in range(5):
            await self.timed("end", "end")
            self.info["position_end"] = self.table.position_text()
            await self.timed("home", "home")

    async def filter(self, rounds: int) -> None:
        from textual.widgets import Input

        await self.timed("slash", "focus filter")
        filter_input = self.app.screen.query_one("#filter", Input)
        self.info["focus_on_filter"] = filter_input.has_focus
        positions: dict[str, str] = {}
        per_text: dict[str, list[Sample]] = {}
        counted: dict[str, list[float]] = {}
        self.info["counted"] = counted
        for _ in range(rounds):
            for text in FILTERS:
                for length, character in enumerate(text, start=1):
                    before = self.table.source

                    def new_rows(frame: Frame, before: Any = before) -> bool:
                        return frame.source is not before

                    sample = await self.timed(character, "filter", done=new_rows)
                    if sample is not None:
                        per_text.setdefault(text[:length], []).append(sample)
                typed_at = time.perf_counter()
                await wait_for_workers(self.app)
                counted.setdefault(text, []).append(time.perf_counter() - typed_at)
                positions[text] = self.table.position_text()
                filter_input.value = ""
                await settle(self.app, self.recorder, len(self.recorder.frames))
                await wait_for_workers(self.app)
        self.info["filter_positions"] = positions
        self.info["per_text"] = per_text


def status_without_layout() -> None:
    """Diagnosis: the fixed-size labels of the queue screen update without a layout."""
    from textual.widgets import Label

    update = Label.update

    def without_layout(self: Any, content: Any = "", *, layout: bool = True) -> None:
        if self.id in ("status-line", "facets"):
            layout = False
        update(self, content, layout=layout)

    Label.update = without_layout  # type: ignore[method-assign]


async def run(store: Path, rounds: int) -> tuple[list[Sample], dict[str, Any]]:
    from followup_tui.app import make_app
    from followup_tui.config import Config
    from followup_tui.desk_settings import DeskSettings
    from followup_tui.i18n import use_language
    from followup_tui.store.location import parse_store
    from followup_tui.widgets.virtual_table import VirtualTable

    use_language("en")
    settings = DeskSettings(
        location=parse_store(str(store)),
        config=Config(),
        config_path=OUT / "config.toml",
        language="en",
    )
    # The actor is given, as the tests do; the desk's own lookup is timed by
    # bench_startup.py.
    app = make_app(settings, actor=pwd.getpwuid(os.geteuid()).pw_name)
    async with app.run_test(size=(COLUMNS, ROWS)) as pilot:
        session = Session(app, app.screen.query_one("#orders", VirtualTable))
        install_frame_hook(app, lambda: session.table, session.recorder)
        install_cost_hooks(app, session.table, session.recorder)
        await pilot.pause()
        await wait_for_workers(app)
        await pilot.pause()
        session.info["rows_on_screen"] = len(session.table.visible_rows)
        session.info["position_start"] = session.table.position_text()
        await session.navigate()
        await session.filter(rounds)
    return session.samples, session.info


def summarise(samples: list[Sample]) -> dict[str, dict[str, float]]:
    kinds: dict[str, list[Sample]] = {}
    for sample in samples:
        kinds.setdefault(sample.kind, []).append(sample)
    return {
        kind: {
            "n": len(group),
            "median": median([s.refreshed for s in group]),
            "p95": percentile([s.refreshed for s in group], 0.95),
            "max": max(s.refreshed for s in group),
            "first": median([s.first for s in group]),
            "cpu": median([s.cpu for s in group]),
            "frames": median([s.frames for s in group]),
            "sql": median([s.sql for s in group]),
            "lines": median([s.lines for s in group]),
        }
        for kind, group in kinds.items()
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=None)
    parser.add_argument("--rounds", type=int, default=2, help="times the filters are typed")
    parser.add_argument(
        "--status-without-layout",
        action="store_true",
        help="diagnosis: update the status line without a layout pass",
    )
    options = parser.parse_args()
    if options.status_without_layout:
        status_without_layout()
    use_bench_env()
    store = options.store or build_store().path
    before = contention()
    started = time.perf_counter()
    samples, info = asyncio.run(run(store, options.rounds))
    after = contention()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    table = summarise(samples)

    if options.status_without_layout:
        print("DIAGNOSIS: status line and facets updated with layout=False (not the product)")
    print(
        f"key latency on {store.name}, in process, 120x35, "
        f"{time.perf_counter() - started:.0f} s in all"
    )
    print(
        f"  {'key':<14}{'n':>4}{'median':>11}{'p95':>11}{'max':>11}"
        f"{'1st frame':>12}{'main CPU':>11}{'SQL':>10}{'rows drawn':>12}{'frames':>8}"
    )
    for kind, row in table.items():
        print(
            f"  {kind:<14}{row['n']:>4}{ms(row['median']):>11}{ms(row['p95']):>11}"
            f"{ms(row['max']):>11}{ms(row['first']):>12}{ms(row['cpu']):>11}"
            f"{ms(row['sql']):>10}{ms(row['lines']):>12}{row['frames']:>8.0f}"
        )
    print(f"  peak RSS (ru_maxrss, app + harness): {peak_mb:.0f} MB")
    print(f"  machine before: {before}")
    print(f"  machine after:  {after}")
    print(
        f"  rows on screen {info.get('rows_on_screen')}, position at start "
        f"{info.get('position_start')}, at end {info.get('position_end')}; "
        f"filter focused by '/': {info.get('focus_on_filter')}"
    )
    print(
        "  filters (position after typing): "
        + ", ".join(f"{text!r} {where}" for text, where in info.get("filter_positions", {}).items())
    )
    print(
        "  exact count on screen, after the filter's last keystroke (worker, not timed as "
        "a key): "
        + ", ".join(
            f"{text!r} {median(values):.1f} s" for text, values in info.get("counted", {}).items()
        )
    )
    print("  filter keystrokes, median wall / SQL per text typed so far:")
    for typed, group in info.get("per_text", {}).items():
        print(
            f"    {typed!r:<9} {ms(median([s.refreshed for s in group])):>10} "
            f"{ms(median([s.sql for s in group])):>10}"
        )

    figures = []
    for kind in ("down", "pagedown", "end", "filter"):
        row = table.get(kind)
        if row is None:
            figures.append(Figure(f"key {kind}", "no sample", "< 50 ms", False))
            continue
        figures.append(
            Figure(
                f"key {kind} (median / p95)",
                f"{ms(row['median'])} / {ms(row['p95'])}",
                "median < 50 ms",
                row["median"] < KEY_TARGET_S,
            )
        )
    if "home" in table:
        figures.append(
            Figure(
                "key home (median / p95)",
                f"{ms(table['home']['median'])} / {ms(table['home']['p95'])}",
                "info",
                None,
            )
        )
    figures.append(
        Figure(
            "peak RSS (keys bench)",
            f"{peak_mb:.0f} MB",
            f"< {RSS_TARGET_MB:.0f} MB",
            peak_mb < RSS_TARGET_MB,
        )
    )
    print()
    print_figures(figures)
    if not options.status_without_layout:
        write_figures("keys", figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
