"""From the desk: an order's audit bundle (b) and a supervisor's waiver of its missing
documents (w), both from the archive opened on the order, both also palette entries."""

from __future__ import annotations

import zipfile
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Label

from followup_tui.config import Config
from followup_tui.screens.shared.prompt import ChoiceScreen, PromptScreen

from .desk_kit import Desk, move_to, press, settle, type_text
from .test_archive_screen import file_docs, open_archive


async def answer(pilot: Pilot[Any], text: str) -> None:
    """Type into the open prompt (replacing its default) and submit it."""
    for _ in range(50):
        if isinstance(pilot.app.screen, PromptScreen):
            break
        await pilot.pause(0.02)
    assert isinstance(pilot.app.screen, PromptScreen)
    field = pilot.app.screen.query_one("#prompt-input", Input)
    field.value = ""
    await type_text(pilot, text)
    await press(pilot, "enter")


async def choose(pilot: Pilot[Any], option: str) -> list[str]:
    """Pick ``option`` in the open choice (the missing kinds to waive); the labels shown."""
    from textual.widgets import OptionList

    for _ in range(50):
        if isinstance(pilot.app.screen, ChoiceScreen):
            break
        await pilot.pause(0.02)
    assert isinstance(pilot.app.screen, ChoiceScreen)
    options = pilot.app.screen.query_one(OptionList)
    labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
    ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
    options.highlighted = ids.index(option)
    await press(pilot, "enter")
    return labels


async def wait_for(pilot: Pilot[Any], test: Any) -> None:
    for _ in range(200):
        if test():
            return
        await pilot.pause(0.02)


def test_b_writes_the_orders_audit_bundle(desk: Desk) -> None:
    file_docs(desk, desk.folder / "incoming")
    out = desk.folder / "bundles"
    out.mkdir()

    async def body(pilot: Pilot[Any]) -> None:
        await move_to(pilot, "PO-2026-00001")
        await open_archive(pilot, "d")
        await press(pilot, "tab")  # from the search box to the results
        await press(pilot, "b")
        await answer(pilot, str(out))
        await wait_for(pilot, lambda: any(out.glob("*.zip")))
        await settle(pilot)

    desk.run(body)
    (bundle,) = out.glob("*.zip")
    assert bundle.name.startswith("PO-2026-00001-audit-")
    with zipfile.ZipFile(bundle) as archive:
        names = archive.namelist()
    assert "index.txt" in names and "index.html" in names
    assert sum(name.startswith("documents/") for name in names) == 2  # QC report, packing list


def test_w_waives_missing_documents_only_for_a_supervisor(desk: Desk) -> None:
    from followup_tui.services.archive.checklist import order_checklist

    file_docs(desk, desk.folder / "incoming")
    order_id = desk.ids["PO-2026-00001"]
    missing_before = order_checklist(desk.store(), order_id).missing
    assert missing_before  # the order's terms need more than a QC report and a packing list

    async def refused(pilot: Pilot[Any]) -> None:
        await move_to(pilot, "PO-2026-00001")
        screen = await open_archive(pilot, "d")
        await wait_for(pilot, lambda: screen.checklist is not None)
        await press(pilot, "tab")  # from the search box to the results
        await press(pilot, "w")
        await choose(pilot, "*")
        await answer(pilot, "客户同意先发货，单据随后补寄")
        await settle(pilot)

    desk.run(refused, config=Config(supervisors=("wangfang",)))
    assert order_checklist(desk.store(), order_id).missing == missing_before  # nothing changed

    async def allowed(pilot: Pilot[Any]) -> None:
        await move_to(pilot, "PO-2026-00001")
        screen = await open_archive(pilot, "d")
        await wait_for(pilot, lambda: screen.checklist is not None)
        await press(pilot, "tab")  # from the search box to the results
        await press(pilot, "w")
        await choose(pilot, "*")  # every missing kind
        await answer(pilot, "客户同意先发货，单据随后补寄")
        await settle(pilot)

    desk.run(allowed)  # no supervisors configured: the clerk decides
    after = order_checklist(desk.store(), order_id)
    assert after.missing == () and set(after.waived) == set(missing_before)


@pytest.mark.parametrize("desk", ["zh_CN"], indirect=True)
def test_w_names_the_missing_kinds_and_waives_only_the_one_chosen(desk: Desk) -> None:
    """The waiver listed raw ids (commercial_invoice, packing_list, bill_of_lading) and
    waived every one of them; a supervisor often lets an order ship without one."""
    from followup_tui.services.archive.checklist import order_checklist

    file_docs(desk, desk.folder / "incoming")
    order_id = desk.ids["PO-2026-00001"]
    missing = order_checklist(desk.store(), order_id).missing
    assert len(missing) > 1
    seen: dict[str, Any] = {}

    async def body(pilot: Pilot[Any]) -> None:
        await move_to(pilot, "PO-2026-00001")
        screen = await open_archive(pilot, "d")
        await wait_for(pilot, lambda: screen.checklist is not None)
        await press(pilot, "tab")
        await press(pilot, "w")
        seen["labels"] = await choose(pilot, missing[-1])
        seen["title"] = str(pilot.app.screen.query_one(Label).render())
        await answer(pilot, "提单随货")
        await settle(pilot)

    desk.run(body)
    labels = " ".join(seen["labels"])
    assert not any(kind in labels for kind in missing), labels  # names, not ids
    assert t_zh(f"archive.kind.{missing[-1]}") in seen["title"]
    after = order_checklist(desk.store(), order_id)
    assert set(after.waived) == {missing[-1]} and after.missing == missing[:-1]


def t_zh(key: str) -> str:
    from followup_tui.i18n import load_catalog

    return load_catalog("zh_CN").messages[key]
