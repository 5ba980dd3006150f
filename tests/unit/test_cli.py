"""The command line's plumbing: settings resolution, locate, config, db, demo, exit codes,
and the promise that ``followup`` reaches the desk without importing SQLAlchemy."""

from __future__ import annotations

import argparse
import contextvars
import json
import os
import re
import sqlite3
import stat
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import pytest

from followup_tui.cli import main
from followup_tui.cli.output import decimal_text, printable
from followup_tui.desk_settings import public_store, resolve_settings
from followup_tui.store.location import parse_store

SRC = Path(__file__).resolve().parents[2] / "src" / "followup_tui"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Settings and data inside tmp_path, English, a wide terminal: never the real home."""
    monkeypatch.setenv("FOLLOWUP_CONFIG", str(tmp_path / "config" / "config.toml"))
    monkeypatch.setenv("FOLLOWUP_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("FOLLOWUP_DB", raising=False)
    for name in ("LC_ALL", "LC_MESSAGES", "LANGUAGE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    monkeypatch.setenv("COLUMNS", "200")
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run ``followup argv`` in-process; a copied context keeps the chosen language from
    leaking into other tests."""
    code = contextvars.copy_context().run(main, list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def add_order(capsys: pytest.CaptureFixture[str], *extra: str) -> str:
    code, out, err = run(
        capsys,
        "order",
        "add",
        "--customer",
        "Acme GmbH",
        "--product",
        "Cable set K2",
        "--quantity",
        "5000",
        "--unit",
        "pcs",
        "--price",
        "1.25",
        "--currency",
        "EUR",
        "--order-date",
        "2026-01-05",
        "--requested",
        "2026-03-01",
        "--json",
        *extra,
    )
    assert code == 0, err
    return str(json.loads(out)["order_no"])


# ---------------------------------------------------------------- settings resolution


def test_store_precedence_is_flag_then_env_then_config_then_default(home: Path) -> None:
    config_file = home / "config" / "config.toml"
    config_file.parent.mkdir(parents=True)
    config_file.write_text('store = "from-config.db"\n', encoding="utf-8")
    env = {"FOLLOWUP_CONFIG": str(config_file), "FOLLOWUP_DATA_DIR": str(home / "data")}
    bare = argparse.Namespace(db=None, config=None, lang="en")
    flagged = argparse.Namespace(db=str(home / "flag.db"), config=None, lang="en")

    def store(args: argparse.Namespace, environ: dict[str, str]) -> Path | None:
        ctx = contextvars.copy_context()
        return ctx.run(resolve_settings, args, environ).location.path

    # a relative store in the settings file sits next to that file, not in the cwd
    assert store(bare, env) == config_file.parent / "from-config.db"
    assert store(bare, {**env, "FOLLOWUP_DB": str(home / "env.db")}) == home / "env.db"
    assert store(flagged, {**env, "FOLLOWUP_DB": str(home / "env.db")}) == home / "flag.db"
    config_file.write_text("", encoding="utf-8")
    assert store(bare, env) == home / "data" / "desk.db"


def test_watch_resolves_read_only_and_creates_no_settings_file(home: Path) -> None:
    args = argparse.Namespace(db=None, config=None, lang=None, read_only=True)
    settings = contextvars.copy_context().run(resolve_settings, args, dict(os.environ))
    assert settings.read_only
    assert settings.language == "en"
    assert not (home / "config" / "config.toml").exists()


def test_public_store_never_shows_a_password() -> None:
    location = parse_store("postgresql://clerk:s3cret@db.example:5433/desk")
    shown = public_store(location)
    assert "s3cret" not in shown
    assert shown == "postgresql+psycopg://clerk:***@db.example:5433/desk"


def test_printable_escapes_control_characters_and_keeps_text() -> None:
    assert printable("深圳 [bold]x[/]") == "深圳 [bold]x[/]"
    assert printable("a\x1b[2Jb") == "a\\x1b[2Jb"
    assert printable("one\ntwo") == "one\\ntwo"
    assert printable("one\ntwo", multiline=True) == "one\ntwo"
    assert printable("rtl\u202eevil") == "rtl\\u202eevil"


def test_decimals_print_without_exponent_or_trailing_zeros() -> None:
    from decimal import Decimal

    assert decimal_text(Decimal("1200.000")) == "1200"
    assert decimal_text(Decimal("1200.000"), grouped=True) == "1,200"
    assert decimal_text(Decimal("0.1250")) == "0.125"
    assert decimal_text(Decimal("0.000")) == "0"


# ---------------------------------------------------------------- exit codes and usage


@pytest.mark.parametrize(
    "argv",
    [
        ["order"],
        ["order", "frobnicate"],
        ["order", "list", "--status", "lost"],
        ["order", "list", "--limit", "0"],
        ["order", "add", "--customer", "x"],  # --requested is required
        ["order", "add", "--customer", "x", "--requested", "2026-01-01", "--line", "a|b"],
        ["--lang", "fr"],
        ["db"],
    ],
)
def test_usage_errors_exit_2(
    home: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    code, _, err = run(capsys, *argv)
    assert code == 2
    assert "usage:" in err
    assert not (home / "data" / "desk.db").exists()


def test_help_and_version_exit_0_and_help_is_translated(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == 0
    assert "order" in out and "locate" in out
    code, out, _ = run(capsys, "--lang", "zh_CN", "order", "add", "--help")
    assert code == 0
    assert "客户要求的交期" in out
    code, out, _ = run(capsys, "--version")
    assert code == 0
    assert out.startswith("followup ")


def test_an_unreadable_store_is_one_sentence_not_a_traceback(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    garbage = home / "garbage.db"
    garbage.write_bytes(b"this is not a database, just text " * 200)
    for argv in (
        ["order", "list"],
        [
            "order",
            "add",
            "--customer",
            "x",
            "--requested",
            "2030-01-01",
            "--line",
            "p||1|pcs|1|CNY",
        ],
        ["db", "check"],
    ):
        code, _, err = run(capsys, "--db", str(garbage), *argv)
        assert code == 1, argv
        assert err.startswith(f"followup: Cannot open the store {garbage}"), err
        assert "Traceback" not in err


# ---------------------------------------------------------------- locate


def test_locate_json_reports_without_creating_anything(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "locate", "--json")
    assert code == 0
    report = json.loads(out)
    assert set(report) == {
        "config",
        "config_exists",
        "config_error",
        "data_dir",
        "data_dir_exists",
        "store",
        "store_kind",
        "store_source",
        "store_exists",
        "language",
        "log",
    }
    assert report["config"] == str(home / "config" / "config.toml")
    assert report["log"] == str(home / "home" / "log" / "followup.log")
    assert report["config_exists"] is False
    assert report["store"] == str(home / "data" / "desk.db")
    assert report["store_source"] == "default"
    assert report["store_exists"] is False
    assert report["store_kind"] == "sqlite"
    assert not (home / "config").exists() and not (home / "data").exists()
    assert not (home / "home" / "log").exists()

    code, out, _ = run(capsys, "--db", "postgresql://u:pw@host/desk", "locate", "--json")
    report = json.loads(out)
    assert report["store_source"] == "flag"
    assert report["store_kind"] == "server"
    assert report["store_exists"] is None
    assert "pw" not in report["store"]


def test_locate_names_a_broken_settings_file_instead_of_failing(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config_file = home / "config" / "config.toml"
    config_file.parent.mkdir(parents=True)
    config_file.write_text("refresh_seconds = -1\n", encoding="utf-8")
    code, out, _ = run(capsys, "locate", "--json")
    assert code == 0
    assert "refresh_seconds" in json.loads(out)["config_error"]
    code, out, _ = run(capsys, "locate")
    assert code == 0
    assert "Settings problem" in out


def test_locate_prints_the_error_log_and_follows_its_override(
    home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FOLLOWUP_LOG_DIR", str(home / "logs"))
    code, out, _ = run(capsys, "locate")
    assert code == 0
    assert "Error log" in out
    assert str(home / "logs" / "followup.log") in out
    code, out, _ = run(capsys, "--lang", "zh_CN", "locate")
    assert "错误日志" in out


# ---------------------------------------------------------------- unexpected failures


def test_an_unexpected_failure_is_logged_with_its_traceback_and_named_in_one_line(
    home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from followup_tui.cli import admin

    def broken(_run: object) -> int:
        raise RuntimeError("boom\nsecond line")

    monkeypatch.setattr(admin, "run_locate", broken)
    code, out, err = run(capsys, "locate")
    log = home / "home" / "log" / "followup.log"
    assert code == 1
    assert out == ""
    assert err.splitlines() == [
        f"followup: Something went wrong (RuntimeError: boom); the details are in the log: {log}"
    ]
    text = log.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in text
    assert "RuntimeError: boom" in text
    assert "cli.admin.run_locate" in text
    assert stat.S_IMODE(log.parent.stat().st_mode) == 0o700

    code, _, err = run(capsys, "--lang", "zh_CN", "locate")
    assert code == 1
    assert err.startswith("followup: 出错了（RuntimeError: boom）") and str(log) in err
    assert log.read_text(encoding="utf-8").count("RuntimeError: boom") == 2


def test_refusals_and_store_failures_leave_no_log(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "db", "upgrade")
    code, _, err = run(capsys, "order", "show", "PO-NOPE-1")
    assert code == 1 and "Traceback" not in err
    garbage = home / "garbage.db"
    garbage.write_bytes(b"not a database " * 200)
    code, _, _ = run(capsys, "--db", str(garbage), "order", "list")
    assert code == 1
    assert not (home / "home" / "log").exists()


# ---------------------------------------------------------------- config


def test_config_set_then_get(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "config", "set", "timezone", "Europe/Berlin")
    assert code == 0
    assert "timezone = Europe/Berlin" in out
    code, out, _ = run(capsys, "config", "get", "timezone")
    assert (code, out) == (0, "Europe/Berlin\n")
    code, out, _ = run(capsys, "config", "set", "views.mine.sort", "customer")
    assert code == 0
    code, out, _ = run(capsys, "config", "get", "views.mine.sort")
    assert out == "customer\n"
    stored = tomllib.loads((home / "config" / "config.toml").read_text(encoding="utf-8"))
    assert stored["timezone"] == "Europe/Berlin"


def test_config_bad_value_exits_2_naming_the_key(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "config", "set", "refresh_seconds", "soon")
    assert code == 2
    assert err.startswith("followup: ")
    assert "refresh_seconds" in err and "soon" in err
    code, _, err = run(capsys, "config", "get", "no_such_key")
    assert code == 2
    assert "no_such_key" in err


def test_config_set_repairs_the_file_that_stops_every_other_command(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config_file = home / "config" / "config.toml"
    config_file.parent.mkdir(parents=True)
    config_file.write_text('timezone = "Mars/Olympus"\n', encoding="utf-8")
    code, _, err = run(capsys, "order", "list")
    assert code == 2
    assert str(config_file) in err and "timezone" in err
    code, _, _ = run(capsys, "config", "set", "timezone", "Asia/Shanghai")
    assert code == 0
    code, _, err = run(capsys, "order", "list")
    assert "timezone" not in err  # now it gets as far as the (missing) store


# ---------------------------------------------------------------- db


def test_db_upgrade_then_check(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "db", "upgrade")
    assert code == 0
    assert "→" in out
    code, out, _ = run(capsys, "db", "upgrade", "--json")
    result = json.loads(out)
    assert result["changed"] is False and result["before"] == result["after"]
    code, out, _ = run(capsys, "db", "check", "--json")
    assert code == 0
    report = json.loads(out)
    assert report["ok"] is True
    assert report["integrity"] == ["ok"]
    assert report["foreign_key_problems"] == 0
    assert report["revision"] == report["head"]
    code, out, _ = run(capsys, "db", "check")
    assert code == 0 and "sound" in out


def test_db_check_exits_1_on_a_wrong_revision_and_on_a_missing_store(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "db", "check")
    assert code == 1
    assert "followup demo" in err
    assert not (home / "data" / "desk.db").exists()
    run(capsys, "db", "upgrade")
    with sqlite3.connect(home / "data" / "desk.db") as raw:
        raw.execute("UPDATE alembic_version SET version_num = '20200101_0001'")
    code, out, _ = run(capsys, "db", "check")
    assert code == 1
    assert "problems" in out


def test_db_backup_is_a_private_copy_that_opens_and_has_the_orders(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    order_no = add_order(capsys)
    dest = home / "backups" / "desk-copy.db"
    code, out, err = run(capsys, "db", "backup", str(dest))
    assert code == 0, err
    assert str(dest) in out
    assert stat.S_IMODE(dest.stat().st_mode) == 0o600
    with sqlite3.connect(dest) as copy:
        assert copy.execute("SELECT order_no FROM orders").fetchall() == [(order_no,)]
    code, _, err = run(capsys, "db", "backup", str(dest))
    assert code == 1
    assert "already exists" in err
    code, out, _ = run(capsys, "db", "backup", str(dest.parent))  # a folder: stamped file
    assert code == 0
    assert len(list(dest.parent.glob("desk-*.db"))) == 2


def test_db_backup_of_a_server_points_to_pg_dump_and_hides_the_password(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = "postgresql://clerk:s3cret@127.0.0.1:1/desk"
    code, _, err = run(capsys, "--db", url, "db", "backup", str(home / "x.db"))
    assert code == 1
    assert "pg_dump" in err and "s3cret" not in err


# ---------------------------------------------------------------- demo


def test_demo_fills_the_store(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("followup_tui.demo.dataset")
    code, out, err = run(capsys, "demo", "--orders", "20", "--seed", "3", "--json")
    assert code == 0, err
    summary = json.loads(out)
    assert summary["orders"] == 20
    assert set(summary) == {
        "customers",
        "products",
        "suppliers",
        "orders",
        "lines",
        "notes",
        "seconds",
    }
    code, out, _ = run(capsys, "order", "list", "--status", "all", "--limit", "100", "--json")
    assert len(json.loads(out)) == 20


# ---------------------------------------------------------------- desk start-up budget


DESK_PROBE = textwrap.dedent(
    """
    import json, sys, types
    seen = []
    def run_desk(settings):
        heavy = ("sqlalchemy", "alembic", "rich.table", "rich.progress", "pypinyin")
        seen.append({"heavy": [m for m in heavy if m in sys.modules],
                     "read_only": settings.read_only, "store": str(settings.location.path)})
        return 0
    fake = types.ModuleType("followup_tui.app")
    fake.run_desk = run_desk
    sys.modules["followup_tui.app"] = fake
    from followup_tui.cli import main
    codes = [main([]), main(["watch"]), main(["--lang", "zh_CN"])]
    print(json.dumps({"codes": codes, "seen": seen}))
    """
)


def test_the_desk_path_imports_no_sqlalchemy(home: Path) -> None:
    env = {**os.environ, "FOLLOWUP_DB": str(home / "desk.db")}
    done = subprocess.run(
        [sys.executable, "-c", DESK_PROBE],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["codes"] == [0, 0, 0]
    assert [call["heavy"] for call in result["seen"]] == [[], [], []]
    assert [call["read_only"] for call in result["seen"]] == [False, True, False]
    assert result["seen"][0]["store"] == str(home / "desk.db")


# ---------------------------------------------------------------- catalogs


def _cli_keys(language: str) -> set[str]:
    text = (SRC / "i18n" / "locales" / language / "cli.toml").read_text(encoding="utf-8")
    keys: set[str] = set()

    def walk(prefix: str, table: dict[str, object]) -> None:
        for name, value in table.items():
            if isinstance(value, dict):
                walk(f"{prefix}{name}.", value)
            else:
                keys.add(prefix + name)

    walk("", tomllib.loads(text))
    return keys


def test_cli_catalogs_have_the_same_keys_and_cover_the_code() -> None:
    english, chinese = _cli_keys("en"), _cli_keys("zh_CN")
    assert english == chinese
    assert all(key.startswith("cli.") for key in english)
    used: set[str] = set()
    for module in (SRC / "cli").glob("*.py"):
        used |= set(re.findall(r"[\"'](cli\.[a-z_.]*[a-z_])[\"']", module.read_text("utf-8")))
    assert used - english == set()
    for key in ("flag", "env", "config", "default"):
        assert f"cli.locate.source.{key}" in english
    for language in ("en", "zh_CN"):  # argparse %-formats help: a stray % would crash it
        assert "%" not in (SRC / "i18n" / "locales" / language / "cli.toml").read_text("utf-8")
