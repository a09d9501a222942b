"""人员's cards on the 工作台 (``core.cards``): the head counts of the people a user may see
(``services.head_counts``: one or two aggregate queries) and the correction requests waiting for the user's check."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from dangqun.accounts.roles import CHECK_CORRECTIONS, VIEW_PEOPLE
from dangqun.accounts.scope import Scope
from dangqun.core.cards import Card, Number, Shown, register
from dangqun.people import corrections, services


def _people(user, today: dt.date) -> Shown:
    n = services.head_counts(user)
    url = reverse("people:list")
    numbers = [
        Number("人员", n["people_count"], url),
        Number("党员（在册）", n["member_count"], f"{url}?party=1"),
        Number("其中预备党员", n["probationary_count"], f"{url}?standing=probationary"),
        Number(
            "失联党员",
            n["lost_count"],
            f"{url}?party=1&standing=lost",
            "danger" if n["lost_count"] else "",
        ),
    ]
    if n["lost_count"]:
        text = f"{n['lost_count']} 名党员失联，请尽快联系并按规定处理（《中国共产党党员教育管理工作条例》第二十四条）。"
    else:
        text = "人员信息有变动时，请及时更新或导入。"
    return Shown("people.counts", "人员", numbers, text)


def _checks(user) -> bool:
    return Scope.of(user).has(CHECK_CORRECTIONS)


def _corrections(user, today: dt.date) -> Shown:
    pending = corrections.pending_corrections(user).count()
    url = reverse("people:corrections")
    numbers = [Number("待审核的信息更正", pending, url, "warning" if pending else "")]
    text = f"{pending} 份信息更正申请等待审核。" if pending else "没有待审核的信息更正申请。"
    return Shown("people.corrections", "信息更正审核", numbers, text)


register(
    Card(
        "people.counts",
        "人员",
        shows=lambda user: Scope.of(user).has(VIEW_PEOPLE),
        compute=_people,
        order=90,
        slow=True,
    )
)
register(Card("people.corrections", "信息更正审核", shows=_checks, compute=_corrections, order=65))
