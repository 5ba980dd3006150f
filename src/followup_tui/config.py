"""The desk's settings file, read once at start and changed by ``followup config set``.

Settings are a frozen ``Config`` so that a screen or a worker thread can hold one without
anyone changing it underneath; a new value means a new object. Every bad value is refused
at load time with the dotted key that names it, because a clerk fixing a config file over
SSH needs to know which line to look at, and a desk that starts with a half-understood
setting is worse than one that does not start. The CLI reads this before the first frame,
so it imports nothing heavy (tomlkit only when a file is written).
"""

from __future__ import annotations

import copy
import difflib
import json
import os
import tempfile
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import platformdirs

# Both are standard-library only and cheap; importing them keeps one list of each.
from followup_tui.domain.calendar import available_calendars
from followup_tui.i18n import LANGUAGES

APP_NAME = "followup-tui"
AUTO_LANGUAGE = "auto"
LOG_FILE = "followup.log"

ORDER_STATUSES: tuple[str, ...] = (
    "draft",
    "confirmed",
    "materials",
    "production",
    "qc",
    "packed",
    "shipped",
    "in_transit",
    "delivered",
    "accepted",
    "closed",
    "on_hold",
    "cancelled",
)
VIEW_STATUSES: tuple[str, ...] = ("open", "all", *ORDER_STATUSES)
SORT_COLUMNS: tuple[str, ...] = (
    "order_no",
    "customer",
    "product",
    "quantity",
    "due_date",
    "days_left",
    "slip",
    "status",
    "owner",
)
MAX_REFRESH_SECONDS = 3600.0
OWNER_EXPECTED = '"all", "me" or a clerk\'s name'
ACCOUNT_EXPECTED = "an operating-system account name (no spaces or commas)"

_TOP_KEYS: tuple[str, ...] = (
    "language",
    "timezone",
    "refresh_seconds",
    "calendar",
    "store",
    "supervisors",
    "keymap",
    "views",
)
_VIEW_FIELDS: tuple[str, ...] = ("status", "owner", "sort", "descending", "filter")
_SETTABLE = ", ".join((*_TOP_KEYS[:-2], "keymap.<id>", "views.<name>.<field>"))


class ConfigError(Exception):
    """A setting the desk cannot use. ``key`` is the dotted key ("views.mine.sort"), or ""
    when the whole file is at fault, so the CLI can point at the line and tests can tell
    errors apart without parsing text; ``path`` is set when the error came from a file."""

    def __init__(self, key: str, detail: str, path: Path | None = None) -> None:
        self.key = key
        self.detail = detail
        self.path = path
        super().__init__(f"{key}: {detail}" if key else detail)


@dataclass(frozen=True)
class SavedView:
    """A named way of looking at the order queue, so a clerk's "this week" survives restarts."""

    name: str
    status: str = "open"
    owner: str = "all"
    sort: str = "due_date"
    descending: bool = False
    filter: str = ""


def _default_views() -> Mapping[str, SavedView]:
    return {"open": SavedView("open"), "mine": SavedView("mine", owner="me")}


@dataclass(frozen=True)
class Config:
    """Everything the desk reads from the settings file; ``Config()`` is the default file."""

    language: str | None = None
    timezone: str = "Asia/Shanghai"
    refresh_seconds: float = 2.0
    keymap: Mapping[str, str] = field(default_factory=dict)
    views: Mapping[str, SavedView] = field(default_factory=_default_views)
    calendar: str = "mon-fri"
    store: str | None = None
    #: Accounts that may acknowledge a major complaint; empty means anyone may.
    supervisors: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # Frozen is shallow; copy the mappings behind read-only proxies so that it is not.
        object.__setattr__(self, "supervisors", tuple(self.supervisors))
        object.__setattr__(self, "keymap", MappingProxyType(dict(self.keymap)))
        object.__setattr__(self, "views", MappingProxyType(dict(self.views)))


def config_path(environ: Mapping[str, str] | None = None) -> Path:
    """``FOLLOWUP_CONFIG`` first, so a test or a second desk never touches the real file."""
    override = (os.environ if environ is None else environ).get("FOLLOWUP_CONFIG")
    if override:
        return Path(override).expanduser()
    return platformdirs.user_config_path(APP_NAME, appauthor=False) / "config.toml"


def data_dir(environ: Mapping[str, str] | None = None) -> Path:
    """``FOLLOWUP_DATA_DIR`` first, for the same reason as ``config_path``."""
    override = (os.environ if environ is None else environ).get("FOLLOWUP_DATA_DIR")
    if override:
        return Path(override).expanduser()
    return platformdirs.user_data_path(APP_NAME, appauthor=False)


def log_path(environ: Mapping[str, str] | None = None) -> Path:
    """The error log (``followup.log``): ``FOLLOWUP_LOG_DIR`` first, for the same reason
    as ``config_path``, else the platform's user log folder."""
    override = (os.environ if environ is None else environ).get("FOLLOWUP_LOG_DIR")
    if override:
        folder = Path(override).expanduser()
    else:
        folder = platformdirs.user_log_path(APP_NAME, appauthor=False)
    return folder / LOG_FILE


def default_store_path(environ: Mapping[str, str] | None = None) -> Path:
    return data_dir(environ) / "desk.db"


def _show(value: object) -> str:
    """Quote a bad value the way the user would have typed it in TOML."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, Mapping | list):
        return "a table" if isinstance(value, Mapping) else "a list"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # "-1" typed at `config set` reads back as -1, not -1.0
    return str(value)


def _bad(key: str, expected: str, value: object) -> ConfigError:
    return ConfigError(key, f"expected {expected}, got {_show(value)}")


def _has_control(text: str) -> bool:
    # Terminal escapes in a setting would reach the screen when it is shown.
    return any(ord(char) < 0x20 or 0x7F <= ord(char) < 0xA0 for char in text)


def _text(
    key: str, value: object, expected: str, *, empty: bool = False, spaces: bool = True
) -> str:
    if (
        not isinstance(value, str)
        or (not empty and not value.strip())
        or _has_control(value)
        or (not spaces and any(char.isspace() for char in value))
    ):
        raise _bad(key, expected, value)
    return value


def _one_of(key: str, value: object, allowed: tuple[str, ...]) -> str:
    """``value`` if it is one of ``allowed``; the refusal lists them all, which is the fix."""
    if value not in allowed:
        raise _bad(key, "one of " + ", ".join(allowed), value)
    return str(value)


def _reject_unknown(prefix: str, table: Mapping[str, object], allowed: tuple[str, ...]) -> None:
    for name in table:
        if name not in allowed:
            key = f"{prefix}.{name}" if prefix else name
            raise ConfigError(key, f"unknown setting; expected one of {', '.join(allowed)}")


def _language(value: object) -> str | None:
    expected = ", ".join(f'"{code}"' for code in LANGUAGES) + f' or "{AUTO_LANGUAGE}"'
    if value == AUTO_LANGUAGE:
        return None
    if isinstance(value, str) and value in LANGUAGES:
        return value
    raise _bad("language", expected, value)


def _timezone(value: object) -> str:
    expected = 'an IANA time zone name such as "Asia/Shanghai"'
    name = _text("timezone", value, expected)
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
        raise _bad("timezone", expected, value) from exc
    return name


def _refresh_seconds(value: object) -> float:
    key = "refresh_seconds"
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise _bad(key, "a number of seconds greater than 0", value)
    if value > MAX_REFRESH_SECONDS:
        raise _bad(key, "a number of seconds at most 3600 (one hour)", value)
    return float(value)


def _supervisors(value: object) -> tuple[str, ...]:
    """Account names, each once. Spaces and commas are refused: no POSIX login has them,
    and ``config set supervisors "a,b"`` splits on commas, so such a name could never
    match the actor nor be read back."""
    if not isinstance(value, list):
        raise _bad("supervisors", 'a list of account names such as ["wangfang"]', value)
    names: list[str] = []
    for name in value:
        _text("supervisors", name, ACCOUNT_EXPECTED, spaces=False)
        if "," in name:
            raise _bad("supervisors", ACCOUNT_EXPECTED, name)
        if name not in names:
            names.append(name)
    return tuple(names)


def _flatten_keymap(prefix: str, table: Mapping[str, object], out: dict[str, object]) -> None:
    """Accept ``orders.advance = "a"`` unquoted too: TOML reads it as a nested table."""
    for name, value in table.items():
        binding = f"{prefix}.{name}" if prefix else name
        if isinstance(value, Mapping):
            _flatten_keymap(binding, value, out)
        elif binding in out:
            raise ConfigError(f"keymap.{binding}", "is set twice")
        else:
            out[binding] = value


def _keymap(value: object) -> dict[str, str]:
    if not isinstance(value, Mapping):
        raise _bad("keymap", 'a table of binding id = key, such as "orders.advance" = "a"', value)
    flat: dict[str, object] = {}
    _flatten_keymap("", value, flat)
    keymap: dict[str, str] = {}
    for binding, keys in flat.items():
        key = f"keymap.{binding}"
        _text(key, binding, 'a binding id such as "orders.advance"', spaces=False)
        keymap[binding] = _text(key, keys, 'a key such as "a" or "ctrl+z"', spaces=False)
    _check_keymap_against_workflows(keymap)
    return keymap


def _check_keymap_against_workflows(keymap: Mapping[str, str]) -> None:
    """Refuse an id no workflow has (a typo would be ignored without a word) and two
    workflows of one screen on one key (one of them could never be reached)."""
    from followup_tui.workflows import key_clashes, workflow_ids

    known = workflow_ids()
    for binding in keymap:
        if binding not in known:
            close = difflib.get_close_matches(binding, known, n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            raise ConfigError(
                f"keymap.{binding}",
                f"is not a workflow id{hint}; the ids are: " + ", ".join(known),
            )
    for clash in key_clashes(keymap):
        changed = clash.second if clash.second in keymap else clash.first
        other = clash.first if changed == clash.second else clash.second
        raise ConfigError(
            f"keymap.{changed}",
            f"{clash.key!r} is also the key of {other} on the {clash.screen} screen",
        )


def _view(name: str, value: object) -> SavedView:
    prefix = f"views.{name}"
    if not name.strip() or "." in name or _has_control(name):
        raise _bad(prefix, "a view name without dots", name)
    if not isinstance(value, Mapping):
        raise _bad(prefix, "a table of view settings", value)
    _reject_unknown(prefix, value, _VIEW_FIELDS)
    default = SavedView(name)
    status = value.get("status", default.status)
    if status not in VIEW_STATUSES:
        expected = '"open", "all" or an order status (' + ", ".join(ORDER_STATUSES) + ")"
        raise _bad(f"{prefix}.status", expected, status)
    sort = _one_of(f"{prefix}.sort", value.get("sort", default.sort), SORT_COLUMNS)
    descending = value.get("descending", default.descending)
    if not isinstance(descending, bool):
        raise _bad(f"{prefix}.descending", "true or false", descending)
    owner = _text(f"{prefix}.owner", value.get("owner", default.owner), OWNER_EXPECTED)
    filter_text = _text(f"{prefix}.filter", value.get("filter", ""), "filter text", empty=True)
    return SavedView(str(name), str(status), owner, sort, descending, filter_text)


def _views(value: object) -> dict[str, SavedView]:
    if not isinstance(value, Mapping):
        raise _bad("views", "a table of saved views such as [views.mine]", value)
    return {str(name): _view(str(name), table) for name, table in value.items()}


def config_from_dict(data: Mapping[str, Any], company_folder: Path | None = None) -> Config:
    """Validate a parsed file; a key that is absent keeps its default.

    ``company_folder`` (the settings file's folder) is where a company's own calendars
    are looked for, so ``calendar`` may name one of them as well as a shipped one."""
    _reject_unknown("", data, _TOP_KEYS)
    default = Config()
    store = data.get("store")
    return Config(
        language=_language(data["language"]) if "language" in data else default.language,
        timezone=_timezone(data.get("timezone", default.timezone)),
        refresh_seconds=_refresh_seconds(data.get("refresh_seconds", default.refresh_seconds)),
        keymap=_keymap(data["keymap"]) if "keymap" in data else default.keymap,
        views=_views(data["views"]) if "views" in data else default.views,
        calendar=_one_of(
            "calendar",
            data.get("calendar", default.calendar),
            available_calendars(company_folder),
        ),
        store=None if store is None else _text("store", store, "a file path or a SQLAlchemy URL"),
        supervisors=_supervisors(data["supervisors"]) if "supervisors" in data else (),
    )


def config_to_dict(config: Config) -> dict[str, Any]:
    """Plain data for ``--json`` (stable keys; ``null`` means "the default") and the writer."""
    return {
        "language": config.language,
        "timezone": config.timezone,
        "refresh_seconds": config.refresh_seconds,
        "calendar": config.calendar,
        "store": config.store,
        "supervisors": list(config.supervisors),
        "keymap": dict(config.keymap),
        "views": {
            name: {field_name: getattr(view, field_name) for field_name in _VIEW_FIELDS}
            for name, view in config.views.items()
        },
    }


def default_file_text() -> str:
    """The commented settings file a first run writes, zh and en line by line.

    Kept as package data rather than a string here so the text can be edited (and read
    by an administrator) as the TOML it is; read on demand, because only a first run
    needs it.
    """
    from followup_tui.domain.data_files import shipped_file

    return shipped_file("config_default.toml").text


def _write_atomic(path: Path, text: str) -> None:
    """Replace the file in one step, so a desk starting meanwhile never reads half of it."""
    target = Path(os.path.realpath(path))  # keep a symlinked config (dotfile repos) a symlink
    folder = target.parent
    if not folder.exists():
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        folder.chmod(0o700)
    # mkstemp creates the file 0600: the store URL may carry a database password.
    handle, temp_name = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp_name, target)
    finally:
        Path(temp_name).unlink(missing_ok=True)


def _read_text(path: Path) -> str:
    """The file's text; a missing file reads as the commented defaults a first run
    writes, so ``config set`` on it leaves the same commented file, changed in one line."""
    try:
        return path.read_text(encoding="utf-8") if path.exists() else default_file_text()
    except UnicodeDecodeError as exc:
        raise ConfigError("", f"{path}: not UTF-8 text", path) from exc
    except OSError as exc:
        raise ConfigError("", f"{path}: {exc.strerror or exc}", path) from exc


def _loads(path: Path, text: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError("", f"{path}: not valid TOML: {exc}", path) from exc


def _read_raw(path: Path, *, create: bool) -> dict[str, Any] | None:
    """The file's TOML as data, or None when it is absent and must not be created."""
    if not path.exists():
        if not create:
            return None
        try:
            _write_atomic(path, default_file_text())
        except OSError as exc:
            raise ConfigError("", f"{path}: {exc.strerror or exc}", path) from exc
    return _loads(path, _read_text(path))


def _validate(path: Path, data: Mapping[str, Any]) -> Config:
    try:
        return config_from_dict(data, path.parent)
    except ConfigError as exc:
        exc.path = path
        raise


def load_config(path: Path, *, create: bool = True) -> Config:
    """Read the settings; a first run writes the commented default file to edit later.

    With ``create=False`` a missing file means the defaults, so read-only uses (``watch``,
    ``locate``) never write into a supervisor's home directory.
    """
    data = _read_raw(path, create=create)
    return Config() if data is None else _validate(path, data)


def _plain(value: object) -> object:
    """A tomlkit item as the plain value it holds, to compare with the new data."""
    unwrap = getattr(value, "unwrap", None)
    return unwrap() if callable(unwrap) else value


def _sync(table: Any, wanted: Mapping[str, Any]) -> None:
    """Make a tomlkit table hold ``wanted``, touching only what differs.

    A key whose value is unchanged keeps its line, its comments and its spelling, so a
    one-key change rewrites one line and the commented defaults survive it.
    """
    for name in [name for name in table if name not in wanted]:
        del table[name]
    for name, value in wanted.items():
        current = table.get(name)
        if isinstance(value, Mapping) and isinstance(current, Mapping):
            _sync(current, value)
        elif name not in table:
            _add(table, name, value)
        elif _plain(current) != value:
            table[name] = value


def _add(table: Any, name: str, value: object) -> None:
    """A new key goes right after the table's last key (or, in a table of none, after
    the comments under its header), not after the comments that follow (they introduce
    the next section of the commented file); a new table goes at the end, as TOML wants."""
    import tomlkit
    from tomlkit.container import Container
    from tomlkit.items import AoT, Table, Whitespace

    container = table if isinstance(table, Container) else table.value
    item = tomlkit.item(value)
    after_last_key: int | None = None
    first_blank: int | None = None
    for index, (key, existing) in enumerate(container.body):
        if isinstance(existing, Table | AoT):
            break
        if key is not None:
            after_last_key = index + 1
        elif isinstance(existing, Whitespace) and first_blank is None:
            first_blank = index
    place = after_last_key if after_last_key is not None else first_blank
    if isinstance(item, Table | AoT) or place is None or place >= len(container.body):
        table[name] = item
    else:
        container._insert_at(place, name, item)  # the public way appends at the very end


def _write_config(path: Path, text: str, data: Mapping[str, Any]) -> None:
    """Write ``data`` over the file's ``text`` in place, comments and layout kept."""
    import tomlkit

    document = tomlkit.parse(text)
    _sync(document, data)
    try:
        _write_atomic(path, tomlkit.dumps(document))
    except OSError as exc:
        raise ConfigError("", f"{path}: cannot write: {exc.strerror or exc}", path) from exc


def _unknown(key: str) -> ConfigError:
    known = ", ".join(_VIEW_FIELDS) if key.startswith("views.") else _SETTABLE
    return ConfigError(key, f"unknown setting; expected one of {known}")


def _parse_raw(key: str, field_name: str, raw: str) -> object:
    """Turn the command-line text into the TOML type the key holds."""
    if field_name == "refresh_seconds":
        try:
            return float(raw)
        except ValueError:
            raise _bad(key, "a number of seconds greater than 0", raw) from None
    if field_name == "descending":
        if raw.strip().lower() not in ("true", "false"):
            raise _bad(key, "true or false", raw)
        return raw.strip().lower() == "true"
    return raw


def _set_binding(table: dict[str, Any], binding: str, raw: str) -> None:
    """Set a binding where the file already spells it (``"orders.advance" = "a"`` or
    the nested ``[keymap.orders]``), else as one quoted dotted key."""
    if binding not in table:
        parts = binding.split(".")
        for cut in range(1, len(parts)):
            head = ".".join(parts[:cut])
            nested = table.get(head)
            if isinstance(nested, Mapping):
                table[head] = inner = dict(nested)
                _set_binding(inner, ".".join(parts[cut:]), raw)
                return
    table[binding] = raw


def _with_value(data: Mapping[str, Any], key: str, raw: str) -> dict[str, Any]:
    """Apply one change to the file's raw data; validation comes after, on the whole file."""
    updated: dict[str, Any] = copy.deepcopy(dict(data))
    parts = key.split(".")
    if key in ("language", "timezone", "refresh_seconds", "calendar"):
        updated[key] = _parse_raw(key, key, raw)
    elif key == "store" and raw:
        updated["store"] = raw
    elif key == "store":
        updated.pop("store", None)  # "" goes back to the default store
    elif key == "supervisors":  # "" empties the list: anyone may acknowledge again
        updated[key] = [name.strip() for name in raw.split(",")] if raw.strip() else []
    elif parts[0] == "keymap" and len(parts) > 1:
        current = updated.get("keymap", {})
        if not isinstance(current, Mapping):
            raise _bad("keymap", "a table of binding id = key", current)
        updated["keymap"] = keymap = dict(current)
        _set_binding(keymap, key.removeprefix("keymap."), raw)
    elif parts[0] == "views" and len(parts) == 3:
        name, field_name = parts[1], parts[2]
        if field_name not in _VIEW_FIELDS:
            raise _unknown(key)
        if "views" not in updated:  # absent means the defaults; keep them
            updated["views"] = config_to_dict(Config())["views"]
        views = updated["views"]
        if not isinstance(views, dict):
            raise _bad("views", "a table of saved views such as [views.mine]", views)
        view = views.setdefault(name, {})
        if not isinstance(view, dict):
            raise _bad(f"views.{name}", "a table of view settings", view)
        view[field_name] = _parse_raw(key, field_name, raw)
    else:
        raise _unknown(key)
    return updated


def set_config_value(path: Path, key: str, raw_value: str) -> Config:
    """Change one setting; the file is rewritten only if the whole result is valid.

    The change is applied to the file's raw data, not to a loaded ``Config``, so that
    ``config set`` can repair the one bad value that keeps the desk from starting. A missing
    file counts as the defaults, and a refused value creates no file either.
    """
    text = _read_text(path)
    data = _loads(path, text)
    updated = _with_value(data, key, raw_value)
    config = _validate(path, updated)
    _write_config(path, text, updated)
    return config


def get_config_value(config: Config, key: str) -> str:
    """The value as ``config set`` would accept it back."""
    parts = key.split(".")
    if key == "language":
        return config.language or AUTO_LANGUAGE
    if key in ("timezone", "calendar"):
        return str(getattr(config, key))
    if key == "refresh_seconds":
        return repr(config.refresh_seconds)
    if key == "store":
        return config.store or ""
    if key == "supervisors":
        return ",".join(config.supervisors)
    if parts[0] == "keymap" and len(parts) > 1:
        binding = key.removeprefix("keymap.")
        if binding not in config.keymap:
            raise ConfigError(key, "not set in the config; the desk's default key applies")
        return config.keymap[binding]
    if parts[0] == "views" and len(parts) == 3 and parts[2] in _VIEW_FIELDS:
        view = config.views.get(parts[1])
        if view is None:
            raise ConfigError(key, f"no saved view named {_show(parts[1])}")
        value = getattr(view, parts[2])
        return _show(value) if isinstance(value, bool) else str(value)
    raise _unknown(key)
