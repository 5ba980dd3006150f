"""The customer notice of a new delivery date: in the customer's language, whatever the
desk speaks, with the customer's text kept as plain data."""

from __future__ import annotations

from datetime import date

import pytest

from followup_tui.i18n import use_language
from followup_tui.render.customer_notice import (
    draft_customer_notice,
    format_notice_date,
    notice_language,
)

PROMISED = date(2026, 12, 4)
NEW_ETA = date(2026, 12, 9)


def zh_notice(**overrides: object) -> str:
    params: dict[str, object] = {
        "language": "zh_CN",
        "customer": "深圳市华强电子有限公司",
        "order_no": "PO-2026-00123",
        "promised": PROMISED,
        "new_eta": NEW_ETA,
        "slip_days": 3,  # Friday 12-04 to Wednesday 12-09: three working days
        "reason": "注塑机故障，已转备用产线生产",
        "clerk": "李娜",
    }
    params.update(overrides)
    return draft_customer_notice(**params)  # type: ignore[arg-type]


def en_notice(**overrides: object) -> str:
    params: dict[str, object] = {
        "language": "en",
        "customer": "Acme GmbH",
        "order_no": "PO-2026-00140",
        "promised": PROMISED,
        "new_eta": NEW_ETA,
        "slip_days": 3,
        "reason": "typhoon closed the port of Ningbo",
        "clerk": "Wang Qiang",
    }
    params.update(overrides)
    return draft_customer_notice(**params)  # type: ignore[arg-type]


def test_the_chinese_notice_names_the_order_both_dates_and_the_reason() -> None:
    text = zh_notice()
    assert "PO-2026-00123" in text
    assert "2026年12月4日" in text
    assert "2026年12月9日" in text
    assert "注塑机故障，已转备用产线生产" in text
    assert "尊敬的深圳市华强电子有限公司" in text
    assert "推迟 3 个工作日" in text  # the desk's unit, not calendar days
    assert "歉意" in text
    assert text.rstrip().endswith("李娜")


def test_the_english_notice_names_the_order_both_dates_and_the_reason() -> None:
    text = en_notice()
    assert "PO-2026-00140" in text
    assert "2026-12-04" in text
    assert "2026-12-09" in text
    assert "typhoon closed the port of Ningbo" in text
    assert "Dear Acme GmbH," in text
    assert "3 business days later" in text
    assert "apologise" in text
    assert text.rstrip().endswith("Wang Qiang")


def test_the_notice_follows_the_customer_not_the_desk() -> None:
    use_language("zh_CN")
    try:
        text = en_notice()
    finally:
        use_language("en")
    assert "Dear Acme GmbH," in text
    assert "尊敬" not in text


def test_a_customer_name_with_markup_stays_literal() -> None:
    text = en_notice(customer="[bold]Acme[/] {order_no} GmbH", reason="[@click=quit]x[/]")
    assert "Dear [bold]Acme[/] {order_no} GmbH," in text
    assert "[@click=quit]x[/]" in text


def test_control_characters_in_customer_text_are_dropped() -> None:
    text = zh_notice(customer="华强\x1b[31m电子", reason="色差\n超出样板")
    assert "\x1b" not in text
    assert "华强[31m电子" in text
    assert "原因：色差 超出样板" in text


@pytest.mark.parametrize("language", ["de", "", "fr_FR", "zh_TW"])
def test_an_unknown_language_falls_back_to_english(language: str) -> None:
    text = en_notice(language=language)
    assert text.startswith("Subject: ")
    assert "2026-12-04" in text


@pytest.mark.parametrize("language", ["zh_CN", "zh-CN", "zh", "zh_Hans"])
def test_spellings_of_simplified_chinese_read_chinese(language: str) -> None:
    assert notice_language(language) == "zh_CN"
    assert zh_notice(language=language).startswith("主题：")


def test_a_blank_reason_leaves_the_reason_line_out() -> None:
    assert "原因" not in zh_notice(reason="  ")
    assert "Reason" not in en_notice(reason="")


def test_a_blank_customer_or_clerk_still_reads_politely() -> None:
    text = en_notice(customer=" ", clerk="")
    assert "Dear Customer," in text
    assert text.rstrip().endswith("Best regards,")
    assert "尊敬的客户：" in zh_notice(customer="")


def test_one_day_is_singular() -> None:
    monday = date(2026, 12, 7)  # one working day after Friday's promise
    assert "1 business day later" in en_notice(new_eta=monday, slip_days=1)
    assert "推迟 1 个工作日" in zh_notice(new_eta=monday, slip_days=1)


def test_an_earlier_date_is_good_news_without_an_apology() -> None:
    text = en_notice(new_eta=date(2026, 12, 1))
    assert "earlier, on 2026-12-01" in text
    assert "apologise" not in text
    zh = zh_notice(new_eta=date(2026, 12, 1))
    assert "提前至2026年12月1日" in zh
    assert "歉意" not in zh


def test_an_unchanged_date_confirms_the_promise() -> None:
    text = en_notice(new_eta=PROMISED)
    assert "remains scheduled for delivery on 2026-12-04" in text
    assert "apologise" not in text


def test_dates_are_written_one_way_per_language() -> None:
    assert format_notice_date(date(2026, 1, 5), "en") == "2026-01-05"
    assert format_notice_date(date(2026, 1, 5), "zh_CN") == "2026年1月5日"
    assert format_notice_date(date(2026, 1, 5), "xx") == "2026-01-05"


def test_the_notice_is_plain_paragraphs() -> None:
    text = zh_notice()
    paragraphs = text.strip().split("\n\n")
    assert paragraphs[0].startswith("主题：")
    assert paragraphs[-1] == "顺祝商祺！\n李娜"
    assert "{" not in text
