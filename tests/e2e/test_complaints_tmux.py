"""A major complaint breaches, end to end: the real ``followup`` in a real terminal.

The complaint is entered with ``followup complaint add --received`` at 09:00 on a working
day at least three days back (a call taken by phone and typed in later), so its two-hour
acknowledgement clock is long breached by the real clock the desk runs on, whatever the
day and hour the test runs.
``followup alerts --as-of`` freezes time where the command line allows it: an hour and
forty minutes after receipt the clock is at 83 % (exit 0), now it is breached (exit 1,
and the case is escalated). Then the desk's triage screen (``C`` on the order queue)
shows the case breached at the top.

The tmux server runs on a socket of its own in the test's folder and is killed in
``finally``, so no session outlives the test.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from .tmux_kit import Tmux, followup_script

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

ORDER_NO = "PO-E2E-200"


def test_a_breached_major_complaint_reaches_alerts_and_the_triage(
    tmux: Tmux, tmp_path: Path
) -> None:
    script, db = followup_script(), tmp_path / "desk.db"
    base = [str(script), "--db", str(db), "--lang", "en"]
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    subprocess.run(
        [
            *base,
            "order",
            "add",
            "--order-no",
            ORDER_NO,
            "--customer",
            "深圳市华强电子有限公司",
            "--requested",
            (today + timedelta(days=40)).isoformat(),
            "--product",
            "外壳 B7",
            "--quantity",
            "800",
            "--unit",
            "pcs",
            "--price",
            "3.2",
            "--currency",
            "CNY",
        ],
        env=tmux.env,
        check=True,
        capture_output=True,
        timeout=60,
    )
    day = today - timedelta(days=3)
    while day.weekday() >= 5:  # a working day on the desk's mon-fri calendar
        day -= timedelta(days=1)
    received = f"{day} 09:00"
    subprocess.run(
        [
            *base,
            "complaint",
            "add",
            ORDER_NO,
            "--category",
            "quality",
            "外壳色差，客户拒收",
            "--grade",
            "major",
            "--reason",
            "key account, whole lot refused",
            "--received",
            received,
        ],
        env=tmux.env,
        check=True,
        capture_output=True,
        timeout=60,
    )

    # The command line, time frozen first, then now: the exit status is printed after each.
    frozen = f"{day} 10:40"
    command = " ; ".join(
        [
            f"{shlex.join([*base, 'alerts', '--as-of', frozen])} ; echo frozen=$?",
            f"{shlex.join([*base, 'alerts'])} ; echo now=$?",
        ]
    )
    tmux.start(command)
    screen = tmux.wait_for("both alert runs", lambda s: "now=" in s)
    assert "frozen=0" in screen and "now=1" in screen, screen
    assert "0 breached, 1 at or past 75 per cent." in screen
    assert "1 breached, 0 at or past 75 per cent." in screen
    assert "Escalated to the supervisors now: 1 case." in screen
    breached = [line for line in screen.splitlines() if line.startswith("‼")]
    assert breached and all(ORDER_NO in line and "Major" in line for line in breached)
    assert any("Ack" in line and "supervisor" in line for line in breached)

    # The desk on the real clock: the triage screen shows the case breached, on top.
    tmux.start(shlex.join(base))
    tmux.wait_for("the order queue", lambda s: ORDER_NO in s)
    tmux.keys("C")
    screen = tmux.wait_for(
        "the breached case in the triage",
        lambda s: any("‼" in line and ORDER_NO in line for line in s.splitlines()),
    )
    rows = [line for line in screen.splitlines() if ORDER_NO in line]
    assert "‼" in rows[0]
    tmux.keys("C-q")
