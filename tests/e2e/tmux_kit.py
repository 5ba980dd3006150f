"""The real terminal for the end-to-end tests: a private tmux server and the installed
``followup`` script, shared by every test in this folder (the fixture is in conftest)."""

from __future__ import annotations

import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

TIMEOUT = 20.0


def followup_script() -> Path:
    script = Path(sys.executable).parent / "followup"
    if not script.exists():
        pytest.skip(f"the followup console script is not installed next to {sys.executable}")
    return script


class Tmux:
    """One tmux server on a private socket, with one session running the desk."""

    def __init__(self, env: dict[str, str], socket: Path) -> None:
        self.socket = socket
        self.session = ""
        self.env = env

    def run(self, *args: str, check: bool = True) -> str:
        done = subprocess.run(
            ["tmux", "-S", str(self.socket), *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
        if check and done.returncode != 0:
            raise AssertionError(f"tmux {args[0]} failed: {done.stderr.strip()}")
        return done.stdout

    def start(self, command: str) -> None:
        """Run ``command`` in a new 120 x 35 session (ending the previous one, if any)."""
        if self.session:
            self.run("kill-session", "-t", self.session, check=False)
        self.session = f"desk-{uuid.uuid4().hex[:8]}"
        self.run("new-session", "-d", "-x", "120", "-y", "35", "-s", self.session, command)
        self.run("set-option", "-t", self.session, "remain-on-exit", "on")

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", self.session)

    def keys(self, *keys: str, literal: bool = False) -> None:
        self.run("send-keys", "-t", self.session, *(["-l"] if literal else []), *keys)

    def pane(self, field: str) -> str:
        return self.run("display-message", "-p", "-t", self.session, f"#{{{field}}}").strip()

    def wait_for(self, what: str, test: Callable[[str], bool]) -> str:
        """Poll the screen until ``test`` holds; fail with the last screen after a while."""
        deadline = time.monotonic() + TIMEOUT
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if test(screen):
                return screen
            if self.pane("pane_dead") == "1":
                # The command may have ended between the capture and this check: look
                # at its last screen once more before giving up.
                screen = self.screen()
                if test(screen):
                    return screen
                break
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {what}; the screen was:\n{screen}")

    def kill(self) -> None:
        self.run("kill-server", check=False)
