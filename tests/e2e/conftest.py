"""The ``tmux`` fixture of the end-to-end tests (helpers in ``tmux_kit``)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from .tmux_kit import Tmux


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[Tmux]:
    env = dict(os.environ)
    env.update(
        FOLLOWUP_CONFIG=str(tmp_path / "config.toml"),
        FOLLOWUP_DATA_DIR=str(tmp_path / "data"),
        TERM="xterm-256color",
        LANG="C.UTF-8",
    )
    env.pop("FOLLOWUP_DB", None)
    env.pop("TMUX", None)
    server = Tmux(env, tmp_path / "tmux.sock")
    try:
        yield server
    finally:
        server.kill()
