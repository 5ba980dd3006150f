"""The notice that tells a customer their order's delivery date has moved.

The notice goes to the customer, so it is written in the customer's language, not in the
language the clerk's desk speaks: a Chinese clerk writes to Acme GmbH in English. That is
why it reads its own catalog (``load_catalog(language)``) instead of the desk's ``t()``.
The sentences live in ``i18n/locales/<language>/notice.toml`` so a company can change the
wording without touching code. The timeline services say only that a notice is due and
with which facts (``NoticeFacts``); the wording is made here, on the presentation side,
like every other text a person reads.

It is a draft: the clerk edits it and copies it into an e-mail, so the result is plain
text. Names and reasons are inserted as data (``str.format`` never parses the values),
and control characters in them are dropped, so nothing typed into a customer name can
reach a terminal or a mail client as an escape sequence. A screen that shows the draft
still renders it as ``Text``, never as markup.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from followup_tui.domain.text import find_control_character
from followup_tui.i18n import Catalog, load_catalog

if TYPE_CHECKING:
    from followup_tui.services.timeline.views import NoticeFacts

NOTICE_LANGUAGES: tuple[str, ...] = ("zh_CN", "en")
FALLBACK_NOTICE_LANGUAGE = "en"
#: Spellings of Simplified Chinese a customer record or an import might carry.
_CHINESE_SPELLINGS = frozenset({"zh_cn", "zh", "zh_hans", "zh_hans_cn"})


def notice_language(language: str) -> str:
    """The catalog language to write to a customer whose language is ``language``.

    ``zh-CN``, ``zh`` and ``zh_Hans`` read as zh_CN; anything else, including an empty or
    unknown value, is English, the language an international customer is most likely to
    read.
    """
    spelled = language.strip().replace("-", "_").lower()
    return "zh_CN" if spelled in _CHINESE_SPELLINGS else FALLBACK_NOTICE_LANGUAGE


def format_notice_date(day: date, language: str) -> str:
    """A date as a letter in ``language`` writes it.

    Chinese letters write ``2026年12月4日``; English ones use ``2026-12-04``, which no
    reader can mistake for 12 April or 4 December the way ``12/04/2026`` can be.
    """
    if notice_language(language) == "zh_CN":
        return f"{day.year}年{day.month}月{day.day}日"
    return day.isoformat()


def _plain(value: str) -> str:
    """``value`` on one line, without characters a terminal or mail client could act on."""
    kept: list[str] = []
    for char in value:
        if char in "\r\n\t":
            kept.append(" ")
        elif find_control_character(char) is None:
            kept.append(char)
    return " ".join("".join(kept).split())


def _change_sentence(
    catalog: Catalog,
    *,
    order_no: str,
    promised: date,
    new_eta: date,
    slip_days: int,
    language: str,
) -> str:
    """The sentence that says what happens to the date: later, earlier or unchanged.

    How much later is ``slip_days``, business days on the desk's calendar: the figure
    the desk showed the clerk ("1 bd short"), so the notice never says 3 days for it.
    """
    params: dict[str, object] = {
        "order_no": order_no,
        "promised": format_notice_date(promised, language),
        "new_eta": format_notice_date(new_eta, language),
    }
    if new_eta > promised:
        slip = max(1, slip_days)
        params["days"] = slip
        params["slip"] = catalog.format(
            "notice.slip_one" if slip == 1 else "notice.slip_many", params
        )
        return catalog.format("notice.later", params)
    if new_eta < promised:
        return catalog.format("notice.earlier", params)
    return catalog.format("notice.unchanged", params)


def _closing_key(promised: date, new_eta: date) -> str:
    if new_eta > promised:
        return "notice.closing_later"
    if new_eta < promised:
        return "notice.closing_earlier"
    return "notice.closing_unchanged"


def draft_customer_notice(
    *,
    language: str,
    customer: str,
    order_no: str,
    promised: date,
    new_eta: date,
    slip_days: int,
    reason: str = "",
    clerk: str = "",
) -> str:
    """A short, polite notice that the order now arrives on ``new_eta`` instead of
    ``promised``, in the customer's ``language`` (zh_CN or en; anything else is English).
    ``slip_days`` is how many business days later that is, as the desk counts them.

    Paragraphs are separated by blank lines: subject, greeting, the change and the
    reason, an apology when the date moved later, a closing line, and the sign-off with
    the clerk's name when given. The reason is left out when blank.
    """
    chosen = notice_language(language)
    catalog = load_catalog(chosen)
    customer_name = _plain(customer)
    order = _plain(order_no)
    why = _plain(reason)
    signer = _plain(clerk)

    paragraphs: list[str] = [
        catalog.format("notice.subject", {"order_no": order}),
        catalog.format("notice.greeting", {"customer": customer_name})
        if customer_name
        else catalog.format("notice.greeting_no_name", {}),
    ]
    change = _change_sentence(
        catalog,
        order_no=order,
        promised=promised,
        new_eta=new_eta,
        slip_days=slip_days,
        language=chosen,
    )
    if why:
        change += "\n" + catalog.format("notice.reason", {"reason": why})
    paragraphs.append(change)
    if new_eta > promised:
        paragraphs.append(catalog.format("notice.apology", {}))
    paragraphs.append(catalog.format(_closing_key(promised, new_eta), {}))
    sign_off = catalog.format("notice.sign_off", {})
    paragraphs.append(f"{sign_off}\n{signer}" if signer else sign_off)
    return "\n\n".join(paragraphs) + "\n"


def notice_for(facts: NoticeFacts) -> str:
    """The notice a shift asked for (``ShiftResult.notice``), drafted in the language of
    the customer it is addressed to."""
    return draft_customer_notice(
        language=facts.language,
        customer=facts.customer,
        order_no=facts.order_no,
        promised=facts.promised,
        new_eta=facts.new_eta,
        slip_days=facts.slip_days,
        reason=facts.reason,
        clerk=facts.clerk,
    )
