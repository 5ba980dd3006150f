"""The real program in a real terminal: the CLI fills a store, the desk shows it in tmux.

Nothing here is simulated: ``followup`` is the installed console script, the terminal
is a tmux pane of 120 x 35, the keys are sent by tmux and the screen is read back with
``capture-pane``. The tmux server runs on a socket of its own in the test's folder and
is killed in ``finally``, so no session outlives the test, whatever happens.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import time
from datetime import date, timedelta
from pathlib import Path

import pytest

from .tmux_kit import TIMEOUT, Tmux, followup_script

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

HQ = "深圳市华强电子有限公司"
MARKUP = "[bold]x[/] [@click=app.quit]Corp"


def order_rows(screen: str) -> list[str]:
    return [line for line in screen.splitlines() if line[1:4] == "PO-"]


def fill_store(script: Path, db: Path, env: dict[str, str]) -> None:
    """Enter the orders with ``followup order add``: the first alone (it creates the
    store), the rest at once, as several clerks on one machine would."""
    today = date.today()
    orders = [
        ("PO-E2E-001", HQ, 3, "LED 驱动板 A3"),
        ("PO-E2E-002", "Acme GmbH", 5, "Cable set K2"),
        ("PO-E2E-003", HQ, 9, "外壳 B7 (黑)"),
        ("PO-E2E-004", MARKUP, 12, "Gear pump GP-40"),
    ]

    def command(order_no: str, customer: str, days: int, product: str) -> list[str]:
        return [
            str(script),
            "--db",
            str(db),
            "order",
            "add",
            "--order-no",
            order_no,
            "--customer",
            customer,
            "--requested",
            (today + timedelta(days=days)).isoformat(),
            "--product",
            product,
            "--quantity",
            "1200",
            "--unit",
            "pcs",
            "--price",
            "3.5",
            "--currency",
            "CNY",
        ]

    first, *rest = orders
    subprocess.run(command(*first), env=env, check=True, capture_output=True, timeout=60)
    running = [
        subprocess.Popen(command(*order), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for order in rest
    ]
    for process in running:
        _out, err = process.communicate(timeout=60)
        assert process.returncode == 0, err.decode()


def test_the_desk_filters_in_a_real_terminal(tmux: Tmux, tmp_path: Path) -> None:
    script = followup_script()
    db = tmp_path / "desk.db"
    status = tmp_path / "exit-status"
    fill_store(script, db, tmux.env)
    command = " ".join(
        [
            f"FOLLOWUP_CONFIG={shlex.quote(tmux.env['FOLLOWUP_CONFIG'])}",
            shlex.quote(str(script)),
            "--db",
            shlex.quote(str(db)),
            "--lang",
            "en",
            # The desk's exit status, for the check after ctrl+q.
            f"; echo $? > {shlex.quote(str(status))}",
        ]
    )
    tmux.start(command)

    screen = tmux.wait_for(
        "the queue", lambda s: len(order_rows(s)) == 4 and "1 / 4" in s and "late" in s
    )
    assert "desk.db" in screen.splitlines()[0]
    assert "Order no." in screen and "Customer" in screen
    assert "[bold]x[/] [@click=app.qu" in screen  # a customer name is never markup
    assert [row.split()[0].lstrip("▌") for row in order_rows(screen)] == [
        "PO-E2E-001",
        "PO-E2E-002",
        "PO-E2E-003",
        "PO-E2E-004",
    ]

    # In one go, as a quick typist (or an SSH link that batches keys) sends them.
    tmux.keys("/hq", literal=True)
    screen = tmux.wait_for("only 华强's orders", lambda s: len(order_rows(s)) == 2 and "1 / 2" in s)
    rows = order_rows(screen)
    assert all(HQ in row for row in rows), rows
    assert [row.split()[0].lstrip("▌") for row in rows] == ["PO-E2E-001", "PO-E2E-003"]
    assert "/ hq" in screen
    assert "1 / 2" in screen
    assert "hold" not in screen  # "h" reached the filter, not the table

    tmux.keys("C-q")
    deadline = time.monotonic() + TIMEOUT
    while not status.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert status.exists(), f"the desk did not quit on ctrl+q:\n{tmux.screen()}"
    assert status.read_text().strip() == "0"


def test_a_clerk_shifts_a_milestone_and_reads_the_new_eta(tmux: Tmux, tmp_path: Path) -> None:
    """The timeline in a real terminal: confirm an order from the CLI, open the Gantt with
    ``t``, open the order's milestones, push production a day later with ``>`` and read
    the new projected finish from the status line."""
    script = followup_script()
    db = tmp_path / "desk.db"
    env = tmux.env
    requested = (date.today() + timedelta(days=120)).isoformat()
    base = [str(script), "--db", str(db), "order"]
    subprocess.run(
        [
            *base,
            "add",
            "--order-no",
            "PO-E2E-100",
            "--customer",
            HQ,
            "--requested",
            requested,
            "--product",
            "LED 驱动板 A3",
            "--quantity",
            "1200",
            "--unit",
            "pcs",
            "--price",
            "3.5",
            "--currency",
            "CNY",
        ],
        env=env,
        check=True,
        capture_output=True,
        timeout=60,
    )
    subprocess.run(
        [*base, "confirm", "PO-E2E-100"], env=env, check=True, capture_output=True, timeout=60
    )
    command = " ".join(
        [
            f"FOLLOWUP_CONFIG={shlex.quote(env['FOLLOWUP_CONFIG'])}",
            shlex.quote(str(script)),
            "--db",
            shlex.quote(str(db)),
            "--lang",
            "en",
        ]
    )
    tmux.start(command)
    tmux.wait_for("the queue", lambda s: "PO-E2E-100" in s and "1 / 1" in s)
    tmux.keys("t", literal=True)
    tmux.wait_for("the timeline", lambda s: "1 orders" in s and "PO-E2E-100" in s)
    tmux.keys("Space")
    tmux.wait_for("the milestones", lambda s: "production" in s and "acceptance" in s)
    # down to production: confirmation, materials, production
    tmux.keys("Down", "Down", "Down")
    tmux.keys(">", literal=True)
    screen = tmux.wait_for("the shifted plan", lambda s: "plan updated" in s)
    assert "milestone moved" in screen or "milestones moved" in screen
    # the status line may wrap at 120 columns: the date can be on the next line
    assert re.search(r"projected finish\s+\d\d-\d\d", screen), screen
