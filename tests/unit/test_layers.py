"""The layers point one way (DESIGN.md section 2), and the first rows stay light.

Each check runs in a fresh interpreter: in the test process, Textual and SQLAlchemy are
already imported by other tests.
"""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import followup_tui

# Alembic's env.py only runs inside ``alembic upgrade``; importing it alone is meaningless.
NOT_IMPORTABLE_ALONE = ("followup_tui.store.migrations.env",)


def modules_of(package: str) -> list[str]:
    """``package`` and every module below it, found on disk (new modules are included)."""
    folder = Path(followup_tui.__file__).parent.joinpath(*package.split(".")[1:])
    names = [package]
    for info in pkgutil.walk_packages([str(folder)], prefix=f"{package}."):
        if info.name.startswith(NOT_IMPORTABLE_ALONE):
            continue
        names.append(info.name)
    return names


def imported_after(modules: list[str]) -> set[str]:
    """Top-level packages present in sys.modules after importing ``modules`` afresh."""
    code = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout))


def test_the_module_lists_are_real() -> None:
    assert "followup_tui.domain.orders.lifecycle" in modules_of("followup_tui.domain")
    assert "followup_tui.services.orders.flow" in modules_of("followup_tui.services")
    assert "followup_tui.store.unit_of_work" in modules_of("followup_tui.store")


def test_the_probe_sees_an_import() -> None:
    # guards the guard: the subprocess does report a heavy import when one happens
    assert "sqlalchemy" in imported_after(["followup_tui.store.models"])


def test_domain_imports_neither_textual_nor_sqlalchemy() -> None:
    loaded = imported_after(modules_of("followup_tui.domain"))
    assert "followup_tui" in loaded
    assert "textual" not in loaded
    assert "sqlalchemy" not in loaded
    assert "rich" not in loaded


@pytest.mark.parametrize("package", ["followup_tui.services", "followup_tui.store"])
def test_services_and_store_do_not_import_textual(package: str) -> None:
    loaded = imported_after(modules_of(package))
    assert "sqlalchemy" in loaded  # the modules really were imported
    assert "textual" not in loaded


def test_the_first_rows_path_imports_no_sqlalchemy() -> None:
    loaded = imported_after(
        [
            "followup_tui.services.orders.queue",
            "followup_tui.store.window_reader",
            "followup_tui.store.schema_version",
        ]
    )
    assert "sqlalchemy" not in loaded
    assert "alembic" not in loaded
    assert "textual" not in loaded
    # pinyin initials are computed on write, never while the queue is read
    assert "pypinyin" not in loaded
