"""The layers point one way, and the first rows stay light.

``LAYERS`` below is the map of the house: for each top-level part of ``followup_tui``,
what it holds and what it may import directly. The static checks parse every module's
imports with ``ast`` (at the top, inside functions and under ``TYPE_CHECKING`` alike, so
a lazy import is no way around the map) and fail on any import the map does not allow.
The checks at the end run in a fresh interpreter and look at what importing a layer
really loads: in the test process, Textual and SQLAlchemy are already imported by other
tests.
"""

from __future__ import annotations

import ast
import json
import pkgutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import followup_tui

PACKAGE_ROOT = Path(followup_tui.__file__).parent

#: Libraries whose use marks a layer: the terminal UI, terminal rendering, the database.
#: Any other library (the standard library, pypinyin, platformdirs, ...) is not mapped.
WATCHED_LIBRARIES = frozenset({"textual", "rich", "sqlalchemy", "alembic"})


@dataclass(frozen=True)
class Layer:
    holds: str
    may_import: frozenset[str]


def layer(holds: str, *may_import: str) -> Layer:
    return Layer(holds, frozenset(may_import))


#: The map, top to bottom. A part may always import itself and the package root
#: (``followup_tui.__version__``); everything else it imports must be listed here.
LAYERS: dict[str, Layer] = {
    # --- entry points: may import anything below, never each other's way back --------
    "__main__": layer("python -m followup_tui", "cli"),
    "cli": layer(
        "argparse subcommands; prints with Rich, runs the desk through app",
        *("app", "render", "services", "demo", "store", "domain"),
        *("desk_settings", "config", "error_log", "i18n", "rich"),
    ),  # never widgets, screens or commands: a script has no terminal UI
    "app": layer(
        "the Textual App: start-up, the store it holds, the breach sweep",
        *("commands", "screens", "widgets", "workflows", "render", "services", "store"),
        *("domain", "desk_settings", "config", "error_log", "i18n", "textual", "rich"),
    ),  # never cli: the desk is started by the CLI, not the other way round
    # --- the desk (Textual) -------------------------------------------------------------
    "commands": layer(
        "the command palette: one provider reading the workflow table of the screen",
        *("screens", "widgets", "workflows", "render", "services", "domain", "i18n"),
        *("textual", "rich"),
    ),
    "screens": layer(
        "one screen per module, by area; call services in workers",
        *("widgets", "workflows", "render", "services", "demo", "domain", "i18n"),
        *("error_log", "textual", "rich"),
    ),  # never store: the store is reached through services (and the demo generator)
    "widgets": layer(
        "reusable Textual widgets; never touch the database",
        *("workflows", "render", "services", "domain", "i18n", "textual", "rich"),
    ),  # services for their view types only
    "workflows": layer(
        "each area's table of workflows (id, key, action, screens, palette, changes data)",
        "i18n",
    ),  # plain data: the screens, the palette and the config's keymap check read it
    # --- presentation without Textual ---------------------------------------------------
    "render": layer(
        "pictures and documents both the desk and the CLI show (Gantt, notices, indexes)",
        *("services", "domain", "i18n", "rich"),
    ),
    # --- use cases ----------------------------------------------------------------------
    "demo": layer(
        "the demo data generator: fills a store through services and the store",
        *("services", "store", "domain", "sqlalchemy"),
    ),
    "services": layer(
        "use cases, one function per workflow; return frozen views, never translate",
        *("store", "domain", "sqlalchemy"),
    ),  # never i18n: what they return for display carries keys and parameters
    # --- storage and rules --------------------------------------------------------------
    "store": layer(
        "SQLAlchemy models, engine, migrations, the DB-API queue reader",
        *("domain", "config", "sqlalchemy", "alembic"),
    ),  # config for the data folder (attachments) only
    "domain": layer("the rules: plain functions and frozen dataclasses, no clock reads"),
    # --- what every layer above the store shares ----------------------------------------
    "desk_settings": layer(
        "what one run works with: store location, config, language, read-only",
        *("config", "store", "domain", "i18n"),
    ),
    "config": layer(
        "the settings file: read, checked (keymap ids against the workflows), written",
        *("workflows", "domain", "i18n"),
    ),
    "i18n": layer("catalogs, t(), error explanations, names of keys", "domain"),
    "error_log": layer("the rotating file unexpected failures leave their traceback in"),
}

#: Imports against the grain that are known and on their way out, by (importer, imported)
#: part, each with the reason it is still here. An entry nothing needs any more fails
#: ``test_every_known_exception_is_still_needed``: delete it then.
KNOWN_EXCEPTIONS: dict[tuple[str, str], str] = {
    ("screens", "app"): ("screens.shared.service_calls.desk() names FollowupApp to type self.app"),
}

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


# --- the map, checked statically ----------------------------------------------------------


@dataclass(frozen=True)
class Edge:
    module: str  # followup_tui.screens.orders.queue
    line: int
    imported: str  # the full name imported: followup_tui.store.window_reader, textual.app
    part: str  # the importer's part of the map: screens
    target: str  # the imported part (cli, store) or watched library (textual)


def part_of(module: str) -> str:
    """``followup_tui.screens.orders.queue`` is in ``screens``; the root is itself."""
    pieces = module.split(".")
    return pieces[1] if len(pieces) > 1 else pieces[0]


def module_name(path: Path) -> str:
    relative = path.relative_to(PACKAGE_ROOT.parent).with_suffix("")
    pieces = list(relative.parts)
    if pieces[-1] == "__init__":
        pieces.pop()
    return ".".join(pieces)


def imported_names(tree: ast.AST, module: str, is_package: bool) -> Iterator[tuple[int, str]]:
    """Every name imported anywhere in the module: top, functions, TYPE_CHECKING."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                base = base[: len(base) - node.level + (1 if is_package else 0)]
                source = ".".join([*base, node.module] if node.module else base)
            else:
                source = node.module or ""
            if source == "followup_tui":
                # ``from followup_tui import i18n`` imports a part; ``__version__`` does not
                for alias in node.names:
                    yield node.lineno, f"followup_tui.{alias.name}"
            else:
                yield node.lineno, source


def edges_of(source: str, module: str, *, is_package: bool = False) -> list[Edge]:
    """The imports of one module that the map is about: other parts, watched libraries."""
    found: list[Edge] = []
    part = part_of(module)
    for line, name in imported_names(ast.parse(source), module, is_package):
        top = name.split(".")[0]
        if top == "followup_tui":
            target = part_of(name)
            if name == "followup_tui" or target not in LAYERS or target == part:
                continue  # the root's own attributes, or the part itself
        elif top in WATCHED_LIBRARIES:
            target = top
        else:
            continue
        found.append(Edge(module, line, name, part, target))
    return found


def project_modules() -> list[tuple[Path, str]]:
    return [(path, module_name(path)) for path in sorted(PACKAGE_ROOT.rglob("*.py"))]


def all_edges() -> list[Edge]:
    return [
        edge
        for path, module in project_modules()
        for edge in edges_of(
            path.read_text(encoding="utf-8"), module, is_package=path.name == "__init__.py"
        )
    ]


def against_the_grain(edges: list[Edge]) -> list[Edge]:
    return [
        edge
        for edge in edges
        if edge.target not in LAYERS[edge.part].may_import
        and (edge.part, edge.target) not in KNOWN_EXCEPTIONS
    ]


def test_every_part_of_the_package_is_on_the_map() -> None:
    parts = {part_of(module) for _path, module in project_modules()} - {"followup_tui"}
    assert parts - LAYERS.keys() == set(), "a new part: give it a row in LAYERS"
    assert LAYERS.keys() - parts == set(), "a row for a part that no longer exists"


def test_no_import_goes_against_the_grain() -> None:
    wrong = against_the_grain(all_edges())
    assert [
        f"{edge.module}:{edge.line} imports {edge.imported} ({edge.part} -> {edge.target})"
        for edge in wrong
    ] == []


def test_every_known_exception_is_still_needed() -> None:
    used = {(edge.part, edge.target) for edge in all_edges()}
    assert [pair for pair in KNOWN_EXCEPTIONS if pair not in used] == []


def test_the_map_keeps_the_rules_the_house_depends_on() -> None:
    # the rules the map must keep, whatever else it allows
    never = {
        "screens": {"store", "app", "cli", "commands"},
        "widgets": {"store", "screens", "commands", "app", "cli"},
        "commands": {"store", "app", "cli"},
        "workflows": {"textual", "rich", "store", "services", "screens", "commands", "widgets"},
        "app": {"cli"},
        "cli": {"widgets", "screens", "commands", "textual"},
        "render": {"textual", "store", "widgets", "screens", "commands", "app", "cli"},
        "domain": set(LAYERS) | WATCHED_LIBRARIES,
    }
    for low in ("services", "store", "domain", "demo"):
        never.setdefault(low, set()).update(
            {"textual", "rich", "widgets", "screens", "commands", "cli", "app", "render"}
        )
    never["services"] |= {"i18n", "demo"}
    never["domain"] -= {"domain"}
    allowed = {part: LAYERS[part].may_import & banned for part, banned in never.items()}
    assert {part: found for part, found in allowed.items() if found} == {}


@pytest.mark.parametrize(
    ("module", "source", "target"),
    [
        ("followup_tui.screens.orders.queue", "from followup_tui.store import schema", "store"),
        (
            "followup_tui.screens.orders.queue",
            "def f():\n    from followup_tui.store.window_reader import QueryInterrupted",
            "store",
        ),
        (
            "followup_tui.widgets.gantt",
            "from typing import TYPE_CHECKING\n"
            "if TYPE_CHECKING:\n    from followup_tui.store.unit_of_work import StoreContext",
            "store",
        ),
        ("followup_tui.widgets.gantt", "from ..screens.timeline import timeline", "screens"),
        ("followup_tui.app", "from followup_tui.cli import main", "cli"),
        ("followup_tui.cli.reports", "from followup_tui.widgets.gantt import GanttView", "widgets"),
        ("followup_tui.cli.reports", "from followup_tui import screens", "screens"),
        ("followup_tui.services.orders.flow", "from followup_tui.i18n import t", "i18n"),
        ("followup_tui.services.orders.flow", "from ...i18n import t", "i18n"),
        ("followup_tui.services", "from .. import i18n", "i18n"),
        ("followup_tui.demo.bulk", "import textual.app", "textual"),
        ("followup_tui.store.models", "from followup_tui.commands import palette", "commands"),
        ("followup_tui.domain.text", "from sqlalchemy import select", "sqlalchemy"),
        ("followup_tui.domain.text", "from followup_tui.services.orders import flow", "services"),
    ],
)
def test_the_check_sees_a_bad_import(module: str, source: str, target: str) -> None:
    # guards the guard: relative, lazy and type-only imports are all caught
    is_package = module.count(".") == 1
    edges = edges_of(source, module, is_package=is_package)
    assert [edge.target for edge in against_the_grain(edges)] == [target]


def test_the_check_lets_the_grain_through() -> None:
    edges = edges_of(
        "from followup_tui import __version__\n"
        "from followup_tui.services.orders.queue import CountInterrupted\n"
        "from followup_tui.render.gantt import GanttPainter\n"
        "from .shared.service_calls import call_service\n"
        "import textual.app\n",
        "followup_tui.screens.orders.queue",
    )
    assert against_the_grain(edges) == []
    assert {edge.target for edge in edges} == {"services", "render", "textual"}


# --- what importing a layer really loads ----------------------------------------------------


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
