"""Business hours are the desk's hours: counted in its time zone, from its own calendar.

A calendar that names no zone (the plain Monday-to-Friday week) means "09:00 to 18:00 in
the office", so a Berlin desk's acknowledgement of a complaint received Monday 09:00
is due at 14:00 Berlin, not the next morning at 04:00 (09:00 Shanghai).
"""

from __future__ import annotations

import argparse
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from followup_tui.config import ConfigError, load_config, set_config_value
from followup_tui.desk_settings import resolve_settings
from followup_tui.domain.calendar import available_calendars, load_calendar
from followup_tui.domain.errors import FollowupError

BERLIN = ZoneInfo("Europe/Berlin")
SHANGHAI = ZoneInfo("Asia/Shanghai")

FOUR_DAY_WEEK = """\
name = "berlin-4day"
[working_slots]
monday = ["08:00-12:00"]
tuesday = ["08:00-12:00"]
wednesday = ["08:00-12:00"]
thursday = ["08:00-12:00"]
"""


def settings_with(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_mon_fri_counts_the_desks_own_hours(tmp_path: Path) -> None:
    config_file = settings_with(tmp_path, 'timezone = "Europe/Berlin"\ncalendar = "mon-fri"\n')
    args = argparse.Namespace(config=str(config_file), db=None, lang="en")
    calendar = resolve_settings(args, {}).calendar

    received = datetime(2026, 3, 2, 9, 0, tzinfo=BERLIN)
    due = calendar.add_business_time(received, timedelta(hours=4))

    assert due.astimezone(BERLIN) == datetime(2026, 3, 2, 14, 0, tzinfo=BERLIN)


def test_a_calendar_naming_its_zone_keeps_it(tmp_path: Path) -> None:
    config_file = settings_with(tmp_path, 'timezone = "Europe/Berlin"\ncalendar = "cn-mainland"\n')
    args = argparse.Namespace(config=str(config_file), db=None, lang="en")

    assert resolve_settings(args, {}).calendar.timezone == "Asia/Shanghai"


def test_a_company_calendar_is_found_and_used(tmp_path: Path) -> None:
    (tmp_path / "calendars").mkdir()
    (tmp_path / "calendars" / "berlin-4day.toml").write_text(FOUR_DAY_WEEK, encoding="utf-8")
    config_file = settings_with(tmp_path, 'timezone = "Europe/Berlin"\n')

    assert "berlin-4day" in available_calendars(tmp_path)
    changed = set_config_value(config_file, "calendar", "berlin-4day")
    assert changed.calendar == "berlin-4day"
    assert load_config(config_file).calendar == "berlin-4day"

    args = argparse.Namespace(config=str(config_file), db=None, lang="en")
    calendar = resolve_settings(args, {}).calendar
    friday = datetime(2026, 3, 6, 9, 0, tzinfo=BERLIN)
    due = calendar.add_business_time(friday, timedelta(hours=2))
    assert due.astimezone(BERLIN) == datetime(2026, 3, 9, 10, 0, tzinfo=BERLIN)


def test_a_company_copy_replaces_the_shipped_calendar(tmp_path: Path) -> None:
    (tmp_path / "calendars").mkdir()
    (tmp_path / "calendars" / "mon-fri.toml").write_text(
        FOUR_DAY_WEEK.replace("berlin-4day", "mon-fri"), encoding="utf-8"
    )

    own = load_calendar("mon-fri", company_folder=tmp_path, timezone="Europe/Berlin")

    assert own.working_slots[4] == ()
    assert own.timezone == "Europe/Berlin"


def test_a_broken_company_calendar_is_refused_naming_the_file(tmp_path: Path) -> None:
    (tmp_path / "calendars").mkdir()
    broken = tmp_path / "calendars" / "mon-fri.toml"
    broken.write_text('name = "mon-fri"\ncolour = "red"\n', encoding="utf-8")

    with pytest.raises(FollowupError) as caught:
        load_calendar("mon-fri", company_folder=tmp_path)

    assert caught.value.key == "error.calendar_invalid"
    assert caught.value.params["file"] == str(broken)
    assert caught.value.params["entry"] == "colour"


def test_an_unknown_calendar_name_is_still_refused(tmp_path: Path) -> None:
    config_file = settings_with(tmp_path, "")

    with pytest.raises(ConfigError) as caught:
        set_config_value(config_file, "calendar", "berlin-4day")

    assert caught.value.key == "calendar"
