"""The settings file: defaults on first run, precise errors, and safe rewrites."""

from __future__ import annotations

import dataclasses
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import platformdirs
import pytest

from followup_tui.config import (
    Config,
    ConfigError,
    SavedView,
    config_from_dict,
    config_path,
    config_to_dict,
    data_dir,
    default_file_text,
    default_store_path,
    get_config_value,
    load_config,
    set_config_value,
)
from followup_tui.domain.calendar import available_calendars


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "settings" / "config.toml"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# ------------------------------------------------------------------ default file


def test_first_load_writes_a_private_commented_default_file(path: Path) -> None:
    config = load_config(path)

    assert config == Config()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    text = path.read_text(encoding="utf-8")
    comments = [line for line in text.splitlines() if line.startswith("#")]
    assert len(comments) > 10
    assert any("界面语言" in line for line in comments)  # the Chinese gloss
    assert any("主管" in line for line in comments)
    lines = text.splitlines()
    for key in (
        "language",
        "timezone",
        "refresh_seconds",
        "calendar",
        "store",
        "supervisors",
        "keymap",
    ):
        # every key (store is commented out) sits right under its explanation
        at = next(i for i, line in enumerate(lines) if line.lstrip("#[ ").startswith(key))
        assert lines[at - 1].startswith("#"), key
    assert any("[views.NAME]" in line for line in comments)
    assert not list(path.parent.glob(".*tmp"))


def test_second_load_reads_the_file_it_wrote(path: Path) -> None:
    load_config(path)
    before = path.read_bytes()
    assert load_config(path) == Config()
    assert path.read_bytes() == before


def test_defaults() -> None:
    config = Config()
    assert config.language is None
    assert config.timezone == "Asia/Shanghai"
    assert config.refresh_seconds == 2.0
    assert config.calendar == "mon-fri"
    assert config.store is None
    assert config.supervisors == ()  # anyone may acknowledge
    assert dict(config.keymap) == {}
    assert dict(config.views) == {
        "open": SavedView("open", status="open"),
        "mine": SavedView("mine", status="open", owner="me"),
    }


def test_missing_file_without_create_is_the_defaults_and_writes_nothing(path: Path) -> None:
    assert load_config(path, create=False) == Config()
    assert not path.exists()
    assert not path.parent.exists()


def test_config_is_immutable() -> None:
    config = Config(keymap={"orders.advance": "a"})
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.timezone = "UTC"  # type: ignore[misc]
    with pytest.raises(TypeError):
        config.keymap["orders.advance"] = "b"  # type: ignore[index]


# ------------------------------------------------------------------ validation


@pytest.mark.parametrize(
    ("text", "key", "shown"),
    [
        ('language = "fr"', "language", '"fr"'),
        ('timezone = "Mars/Base"', "timezone", '"Mars/Base"'),
        ('timezone = "/etc/passwd"', "timezone", '"/etc/passwd"'),
        ("refresh_seconds = -1", "refresh_seconds", "-1"),
        ("refresh_seconds = 0", "refresh_seconds", "0"),
        ('refresh_seconds = "fast"', "refresh_seconds", '"fast"'),
        ("refresh_seconds = 7200", "refresh_seconds", "7200"),
        ("refresh_seconds = true", "refresh_seconds", "true"),
        ("refresh_seconds = nan", "refresh_seconds", "nan"),
        ('calendar = ""', "calendar", '""'),
        ('calendar = "nope"', "calendar", '"nope"'),
        ("calendar = 3", "calendar", "3"),
        ('store = ""', "store", '""'),
        ('views = "mine"', "views", '"mine"'),
        ('[views.x]\nsort = "colour"', "views.x.sort", '"colour"'),
        ('[views.x]\nstatus = "lost"', "views.x.status", '"lost"'),
        ('[views.x]\nowner = ""', "views.x.owner", '""'),
        ('[views.x]\ndescending = "yes"', "views.x.descending", '"yes"'),
        ('[views.x]\nfilter = "a\\u001b[2J"', "views.x.filter", '"a\\u001b[2J"'),
        ('[keymap]\n"orders.advance" = ""', "keymap.orders.advance", '""'),
        ('[keymap]\norders.advance = ""', "keymap.orders.advance", '""'),
        ('[keymap]\n"orders.advance" = 1', "keymap.orders.advance", "1"),
        ('supervisors = "wangfang"', "supervisors", '"wangfang"'),
        ("supervisors = [3]", "supervisors", "3"),
        ('supervisors = [""]', "supervisors", '""'),
        ('supervisors = ["wang fang"]', "supervisors", '"wang fang"'),
        ('supervisors = ["a,b"]', "supervisors", '"a,b"'),
        ('supervisors = ["wf\\u001b[2J"]', "supervisors", '"wf\\u001b[2J"'),
    ],
)
def test_bad_value_names_key_value_and_expected_form(
    path: Path, text: str, key: str, shown: str
) -> None:
    write(path, text + "\n")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    error = caught.value
    assert error.key == key
    assert error.path == path
    message = str(error)
    assert message.startswith(f"{key}: expected ")
    assert f"got {shown}" in message


def test_refresh_seconds_message_reads_as_documented(path: Path) -> None:
    write(path, 'refresh_seconds = "fast"\n')
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(caught.value) == (
        'refresh_seconds: expected a number of seconds greater than 0, got "fast"'
    )


def test_sort_error_lists_the_columns(path: Path) -> None:
    write(path, '[views.x]\nsort = "colour"\n')
    with pytest.raises(ConfigError, match="order_no, customer, product") as caught:
        load_config(path)
    assert caught.value.key == "views.x.sort"


def test_calendar_error_lists_the_shipped_calendars(path: Path) -> None:
    write(path, 'calendar = "nope"\n')
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    known = available_calendars()
    assert {"mon-fri", "cn-mainland"} <= set(known)
    assert str(caught.value) == f'calendar: expected one of {", ".join(known)}, got "nope"'
    for name in ("mon-fri", "cn-mainland"):
        write(path, f'calendar = "{name}"\n')
        assert load_config(path).calendar == name


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('colour = "red"', "colour"),
        ('[views.mine]\ncolour = "red"', "views.mine.colour"),
        ('[views.mine]\nname = "mine"', "views.mine.name"),
    ],
)
def test_unknown_key_is_an_error(path: Path, text: str, key: str) -> None:
    write(path, text + "\n")
    with pytest.raises(ConfigError, match="unknown setting") as caught:
        load_config(path)
    assert caught.value.key == key


def test_toml_syntax_error_names_file_and_line(path: Path) -> None:
    write(path, 'language = "en"\ntimezone = \n')
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert caught.value.key == ""
    assert str(path) in str(caught.value)
    assert "line 2" in str(caught.value)


def test_keymap_set_twice_is_an_error(path: Path) -> None:
    write(path, '[keymap]\n"orders.advance" = "a"\norders.advance = "b"\n')
    with pytest.raises(ConfigError, match="twice") as caught:
        load_config(path)
    assert caught.value.key == "keymap.orders.advance"


def test_valid_file_parses(path: Path) -> None:
    write(
        path,
        'language = "zh_CN"\ntimezone = "Europe/Berlin"\nrefresh_seconds = 5\n'
        'store = "postgresql+psycopg://desk@db/followup"\n'
        '[keymap]\norders.advance = "a"\n"orders.undo" = "ctrl+z"\n'
        '[views."本周交货"]\nstatus = "production"\nowner = "李娜"\nsort = "days_left"\n'
        'descending = true\nfilter = "华强"\n',
    )
    config = load_config(path)
    assert config.language == "zh_CN"
    assert config.timezone == "Europe/Berlin"
    assert config.refresh_seconds == 5.0
    assert isinstance(config.refresh_seconds, float)
    assert config.store == "postgresql+psycopg://desk@db/followup"
    assert dict(config.keymap) == {"orders.advance": "a", "orders.undo": "ctrl+z"}
    assert dict(config.views) == {
        "本周交货": SavedView("本周交货", "production", "李娜", "days_left", True, "华强")
    }


def test_language_auto_in_file_is_none(path: Path) -> None:
    write(path, 'language = "auto"\n')
    assert load_config(path).language is None


# ------------------------------------------------------------------ set and get


def test_set_round_trips(path: Path) -> None:
    load_config(path)
    set_config_value(path, "language", "zh_CN")
    set_config_value(path, "timezone", "UTC")
    set_config_value(path, "refresh_seconds", "0.5")
    set_config_value(path, "calendar", "cn-mainland")
    set_config_value(path, "store", "/srv/followup/desk.db")
    set_config_value(path, "keymap.orders.advance", "ctrl+a")
    set_config_value(path, "views.mine.sort", "customer")
    set_config_value(path, "views.mine.descending", "true")
    returned = set_config_value(path, "views.week.owner", "李娜")

    assert load_config(path) == returned
    assert returned.language == "zh_CN"
    assert returned.timezone == "UTC"
    assert returned.refresh_seconds == 0.5
    assert returned.calendar == "cn-mainland"
    assert returned.store == "/srv/followup/desk.db"
    assert dict(returned.keymap) == {"orders.advance": "ctrl+a"}
    assert returned.views["mine"] == SavedView("mine", owner="me", sort="customer", descending=True)
    assert returned.views["open"] == SavedView("open")
    assert returned.views["week"] == SavedView("week", owner="李娜")

    text = path.read_text(encoding="utf-8")
    assert text.startswith(default_file_text().splitlines()[0])  # the commented file, kept
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not list(path.parent.glob(".*tmp"))

    assert get_config_value(returned, "language") == "zh_CN"
    assert get_config_value(returned, "refresh_seconds") == "0.5"
    assert get_config_value(returned, "keymap.orders.advance") == "ctrl+a"
    assert get_config_value(returned, "views.mine.descending") == "true"
    assert get_config_value(returned, "views.week.owner") == "李娜"
    assert get_config_value(returned, "store") == "/srv/followup/desk.db"


def test_set_changes_one_line_and_keeps_every_comment(path: Path) -> None:
    """The palette's language switch and ``config set`` used to rewrite the file from
    the data alone, dropping the commented defaults a clerk reads to edit it."""
    load_config(path)
    before = path.read_text(encoding="utf-8").splitlines()
    set_config_value(path, "language", "zh_CN")
    after = path.read_text(encoding="utf-8").splitlines()
    changed = [(old, new) for old, new in zip(before, after, strict=True) if old != new]
    assert changed == [('language = "auto"', 'language = "zh_CN"')]


def test_set_keeps_the_clerks_own_comments_and_spelling(path: Path) -> None:
    write(
        path,
        '# my desk\nlanguage = "en" # English for now\n\n[keymap]\n'
        '# hold is on H here\norders.hold = "H"\n',
    )
    set_config_value(path, "keymap.orders.hold", "ctrl+h")
    set_config_value(path, "keymap.orders.advance", "A")
    set_config_value(path, "timezone", "UTC")
    text = path.read_text(encoding="utf-8")
    for kept in ("# my desk", '"en" # English for now', "# hold is on H here"):
        assert kept in text
    assert 'orders.hold = "ctrl+h"' in text  # changed where it was written, unquoted
    config = load_config(path)
    assert dict(config.keymap) == {"orders.hold": "ctrl+h", "orders.advance": "A"}
    assert config.timezone == "UTC"
    assert config.language == "en"


def test_set_language_auto_stores_none(path: Path) -> None:
    set_config_value(path, "language", "en")
    config = set_config_value(path, "language", "auto")
    assert config.language is None
    assert load_config(path).language is None
    assert 'language = "auto"' in path.read_text(encoding="utf-8")
    assert get_config_value(config, "language") == "auto"


def test_set_empty_store_goes_back_to_the_default(path: Path) -> None:
    set_config_value(path, "store", "/tmp/desk.db")
    config = set_config_value(path, "store", "")
    assert config.store is None
    lines = path.read_text(encoding="utf-8").splitlines()
    assert not [line for line in lines if line.startswith("store")]  # only the comment
    assert get_config_value(config, "store") == ""


def test_supervisors_set_get_and_empty_again(path: Path) -> None:
    load_config(path)
    assert "supervisors = []" in path.read_text(encoding="utf-8")  # the default file's
    config = set_config_value(path, "supervisors", " wangfang, zhaolei,wangfang ")
    assert config.supervisors == ("wangfang", "zhaolei")  # each once, in the order given
    assert load_config(path) == config
    assert get_config_value(config, "supervisors") == "wangfang,zhaolei"
    assert set_config_value(path, "supervisors", "zhaolei").supervisors == ("zhaolei",)
    emptied = set_config_value(path, "supervisors", "")
    assert emptied.supervisors == ()
    assert load_config(path).supervisors == ()
    assert get_config_value(emptied, "supervisors") == ""


def test_supervisors_in_a_file_are_read_as_written(path: Path) -> None:
    write(path, 'supervisors = ["wangfang", "张伟"]\n')
    config = load_config(path)
    assert config.supervisors == ("wangfang", "张伟")
    assert config == Config(supervisors=["wangfang", "张伟"])  # type: ignore[arg-type]
    assert hash(config.supervisors)


def test_set_on_a_missing_file_keeps_the_default_views(path: Path) -> None:
    config = set_config_value(path, "views.week.status", "shipped")
    assert set(config.views) == {"open", "mine", "week"}
    assert load_config(path) == config


@pytest.mark.parametrize(
    ("key", "raw", "error_key"),
    [
        ("refresh_seconds", "fast", "refresh_seconds"),
        ("refresh_seconds", "-1", "refresh_seconds"),
        ("language", "fr", "language"),
        ("timezone", "Mars/Base", "timezone"),
        ("calendar", "", "calendar"),
        ("calendar", "cn-2026", "calendar"),
        ("views.mine.sort", "colour", "views.mine.sort"),
        ("views.mine.status", "lost", "views.mine.status"),
        ("views.mine.descending", "yes", "views.mine.descending"),
        ("views.mine.colour", "red", "views.mine.colour"),
        ("views.a.b.sort", "customer", "views.a.b.sort"),
        ("keymap.orders.advance", "", "keymap.orders.advance"),
        ("colour", "red", "colour"),
        ("keymap", "a", "keymap"),
        ("supervisors", "wangfang,", "supervisors"),
        ("supervisors", "wang fang", "supervisors"),
    ],
)
def test_bad_set_leaves_the_file_byte_identical(
    path: Path, key: str, raw: str, error_key: str
) -> None:
    set_config_value(path, "keymap.orders.advance", "a")
    before = path.read_bytes()
    with pytest.raises(ConfigError) as caught:
        set_config_value(path, key, raw)
    assert caught.value.key == error_key
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]


def test_bad_set_on_a_missing_file_creates_nothing(path: Path) -> None:
    with pytest.raises(ConfigError):
        set_config_value(path, "refresh_seconds", "fast")
    assert not path.exists()


def test_set_can_repair_the_value_that_breaks_the_file(path: Path) -> None:
    write(path, 'refresh_seconds = "fast"\n')
    config = set_config_value(path, "refresh_seconds", "3")
    assert config.refresh_seconds == 3.0


def test_set_keeps_a_symlinked_file_a_symlink(tmp_path: Path) -> None:
    target = write(tmp_path / "dotfiles" / "followup.toml", 'language = "en"\n')
    link = tmp_path / "config.toml"
    link.symlink_to(target)
    set_config_value(link, "timezone", "UTC")
    assert link.is_symlink()
    assert load_config(target).timezone == "UTC"


@pytest.mark.parametrize(
    "key", ["colour", "keymap.orders.advance", "views.nope.sort", "views.mine.colour", "views"]
)
def test_get_unknown_key_is_an_error(key: str) -> None:
    with pytest.raises(ConfigError) as caught:
        get_config_value(Config(), key)
    assert caught.value.key == key


def test_get_defaults() -> None:
    config = Config()
    assert get_config_value(config, "timezone") == "Asia/Shanghai"
    assert get_config_value(config, "refresh_seconds") == "2.0"
    assert get_config_value(config, "calendar") == "mon-fri"
    assert get_config_value(config, "views.mine.owner") == "me"
    assert get_config_value(config, "views.open.filter") == ""


def test_config_to_dict_is_json_and_round_trips() -> None:
    config = Config(
        language="en", keymap={"orders.advance": "a"}, store="/x/desk.db", supervisors=("wf",)
    )
    data = json.loads(json.dumps(config_to_dict(config)))
    assert set(data) == {
        "language",
        "timezone",
        "refresh_seconds",
        "calendar",
        "store",
        "supervisors",
        "keymap",
        "views",
    }
    assert data["supervisors"] == ["wf"]
    assert data["views"]["mine"] == {
        "status": "open",
        "owner": "me",
        "sort": "due_date",
        "descending": False,
        "filter": "",
    }
    assert json.loads(json.dumps(config_to_dict(Config())))["language"] is None
    assert config_from_dict(data) == config


# ------------------------------------------------------------------ locations


def test_followup_config_is_honoured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    chosen = tmp_path / "elsewhere.toml"
    assert config_path({"FOLLOWUP_CONFIG": str(chosen)}) == chosen
    monkeypatch.setenv("FOLLOWUP_CONFIG", str(chosen))
    assert config_path() == chosen


def test_default_locations_come_from_platformdirs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    expected_config = platformdirs.user_config_path("followup-tui", appauthor=False)
    expected_data = platformdirs.user_data_path("followup-tui", appauthor=False)
    assert config_path({}) == expected_config / "config.toml"
    assert data_dir({}) == expected_data
    assert default_store_path({}) == expected_data / "desk.db"


def test_followup_data_dir_is_honoured(tmp_path: Path) -> None:
    environ = {"FOLLOWUP_DATA_DIR": str(tmp_path / "data")}
    assert data_dir(environ) == tmp_path / "data"
    assert default_store_path(environ) == tmp_path / "data" / "desk.db"


def test_import_is_cheap() -> None:
    code = "import sys, followup_tui.config; print('tomlkit' in sys.modules)"
    env = {**os.environ, "FOLLOWUP_CONFIG": "/nonexistent/config.toml"}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert result.stdout.strip() == "False"


def test_a_misspelt_keymap_id_names_the_key_and_lists_the_ids(path: Path) -> None:
    write(path, '[keymap]\norders.holdd = "H"\n')
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert caught.value.key == "keymap.orders.holdd"
    assert "did you mean orders.hold?" in caught.value.detail
    assert "timeline.later" in caught.value.detail


def test_two_workflows_on_one_key_of_one_screen_is_an_error(path: Path) -> None:
    # "h" is hold on the queue: advance mapped there too would hide one of them.
    write(path, '[keymap]\norders.advance = "h"\n')
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert caught.value.key == "keymap.orders.advance"
    assert "orders.hold" in caught.value.detail and "'h'" in caught.value.detail


def test_a_desk_key_clashes_on_every_screen(path: Path) -> None:
    write(path, '[keymap]\ndesk.quit = "k"\n')  # k: a kind facet, an acknowledgement
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert caught.value.key == "keymap.desk.quit"
    assert "archive.choose_kind" in caught.value.detail


def test_the_same_key_on_two_screens_is_fine(path: Path) -> None:
    # "H" holds on the queue; on the timeline nothing answers to H.
    write(path, '[keymap]\norders.hold = "H"\ntimeline.done = "H"\n')
    assert dict(load_config(path).keymap) == {"orders.hold": "H", "timeline.done": "H"}


def test_config_set_refuses_an_unknown_keymap_id(path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        set_config_value(path, "keymap.orders.holdd", "H")
    assert caught.value.key == "keymap.orders.holdd"
