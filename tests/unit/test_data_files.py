"""Where every data file's text comes from: the company's copy when it has one, else the
shipped file, decided in one place for all of them."""

from __future__ import annotations

from pathlib import Path

import pytest

from followup_tui.domain.data_files import (
    DataFileErrors,
    company_copy,
    company_file,
    company_or_shipped,
    shipped_file,
    shipped_names,
)
from followup_tui.domain.errors import FollowupError

ERRORS = DataFileErrors("error.sla_policy_invalid", "error.sla_policy_missing")


def test_the_shipped_file_is_cited_by_its_bare_name() -> None:
    found = shipped_file("calendars", "mon-fri.toml")
    assert found.source == "mon-fri.toml"
    assert "[[" in found.text or "=" in found.text


def test_the_shipped_folders_list_their_files_without_the_suffix() -> None:
    assert "mon-fri" in shipped_names("calendars")
    assert shipped_names("templates") == tuple(sorted(shipped_names("templates")))
    assert "export-sea" in shipped_names("templates")


def test_the_company_copy_wins_and_is_cited_by_its_path(tmp_path: Path) -> None:
    path = tmp_path / "sla_policy.toml"
    path.write_text("# the company's own\n", encoding="utf-8")
    found = company_or_shipped(path, "sla_policy.toml", ERRORS)
    assert found.text == "# the company's own\n"
    assert found.source == str(path)


def test_without_a_company_copy_the_shipped_file_is_read(tmp_path: Path) -> None:
    shipped = shipped_file("sla_policy.toml")
    assert company_or_shipped(tmp_path / "sla_policy.toml", "sla_policy.toml", ERRORS) == shipped
    assert company_or_shipped(None, "sla_policy.toml", ERRORS) == shipped
    assert company_file(None, ERRORS) is None


def test_the_company_copy_sits_in_the_company_folder(tmp_path: Path) -> None:
    assert company_copy(tmp_path, "contingency.toml") == tmp_path / "contingency.toml"
    assert company_copy(None, "contingency.toml") is None


def test_an_undecodable_company_copy_is_refused_never_replaced(tmp_path: Path) -> None:
    path = tmp_path / "sla_policy.toml"
    path.write_bytes(b"\xff\xfe not utf-8")
    with pytest.raises(FollowupError) as caught:
        company_or_shipped(path, "sla_policy.toml", ERRORS)
    assert caught.value.key == "error.sla_policy_invalid"
    assert caught.value.params["file"] == str(path)
    assert caught.value.params["entry"] == "encoding"


def test_an_unreadable_company_copy_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "sla_policy.toml"
    path.mkdir()  # present, but not a file that can be read
    with pytest.raises(FollowupError) as caught:
        company_or_shipped(path, "sla_policy.toml", ERRORS)
    assert caught.value.params["entry"] == "file"
