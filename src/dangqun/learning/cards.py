"""学习培训's card on the 工作台 (``core.cards``): a member's 学时 this year — done, required, left —
from the one ledger. Two queries."""

from __future__ import annotations

from django.urls import reverse

from dangqun.core.cards import Card, Number, Shown, has_person, register
from dangqun.learning import ledger


def _mine(user, today) -> Shown | None:
    year = ledger.year_of(user.person_id, today.year, entries=False)
    if not year.member and not year.done:
        return None
    mine = reverse("learning:ledger")
    numbers = [
        Number(
            f"{today.year}年学时", ledger.shown(year.done), mine, "success" if year.done else ""
        ),
        Number("应完成", ledger.shown(year.required), mine),
    ]
    if year.member and year.left:
        step = f"今年还差 {ledger.shown(year.left)} 学时（今年应完成 {ledger.shown(year.required)} 学时）。"
    elif year.member:
        step = "今年的学时已经完成。"
    else:
        step = "您参加的学习已计入学时。"
    return Shown("learning.mine", "我的学时", numbers, step, action=("查看学时", mine))


register(Card("learning.mine", "我的学时", shows=has_person, compute=_mine, order=28))
