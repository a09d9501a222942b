"""消息's card on the 工作台 (``core.cards``): the unread notices of the bell."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from dangqun.core.cards import Card, Number, Shown, register
from dangqun.notices import services


def _unread(user, today: dt.date) -> Shown:
    unread = services.unread_count_of_page(user)
    numbers = [Number("未读消息", unread, reverse("notices:inbox"), "warning" if unread else "")]
    text = f"您有 {unread} 条未读消息，请查看。" if unread else "没有未读消息。"
    return Shown("notices.unread", "消息", numbers, text)


register(
    Card(
        "notices.unread",
        "消息",
        shows=lambda user: getattr(user, "is_authenticated", False),
        compute=_unread,
        order=40,
    )
)
