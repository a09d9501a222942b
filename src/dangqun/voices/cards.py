"""群众呼声's cards on the 工作台 (``core.cards``): an employee's own voices, the voices a handler
or mass-work admin must act on, and the 三率 of this month so far against the last."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from dangqun.accounts.roles import HANDLE_VOICES, MANAGE_VOICES, VIEW_VOICES
from dangqun.accounts.scope import Scope
from dangqun.core.cards import Card, Number, Shown, has_person, register
from dangqun.voices import figures, inbox, services
from dangqun.voices.models import OPEN_STATUSES, Status, Voice

TREND_MONTHS = 6


def _mine(user, today: dt.date) -> Shown:
    counts = Voice.objects.filter(user=user).aggregate(
        answered=Count("pk", filter=Q(status=Status.ANSWERED)),
        open=Count("pk", filter=Q(status__in=(Status.SECONDING, *OPEN_STATUSES))),
        closed=Count("pk", filter=Q(status__in=(Status.CLOSED, Status.RETURNED, Status.MERGED))),
    )
    mine = reverse("voices:mine")
    numbers = [
        Number("待我评价", counts["answered"], f"{mine}?show=answered", "warning"),
        Number("办理中", counts["open"], f"{mine}?show=open"),
        Number("已办结", counts["closed"], f"{mine}?show=closed"),
    ]
    if counts["answered"]:
        step = f"有 {counts['answered']} 条反映已答复，请查看答复并评价是否满意。"
    elif counts["open"]:
        step = f"{counts['open']} 条反映正在办理，有进展会通知您。"
    else:
        step = "有意见建议或困难诉求，可以随时提交反映。"
    return Shown(
        "voices.mine",
        "我的反映",
        numbers,
        step,
        action=("我要反映", reverse("voices:new")),
    )


def _handles(user) -> bool:
    scope = Scope.of(user)
    return scope.has(HANDLE_VOICES) or scope.has(MANAGE_VOICES)


def _handling(user, today: dt.date) -> Shown:
    now = timezone.now()
    voices = services.in_scope(user).order_by()
    manages = Scope.of(user).has(MANAGE_VOICES)
    # only open voices: the partial index voice_open_idx answers without reading closed years
    counts = voices.filter(status__in=(Status.SUBMITTED, Status.ASSIGNED)).aggregate(
        submitted=Count("pk", filter=Q(status=Status.SUBMITTED)),
        assigned=Count("pk", filter=Q(status=Status.ASSIGNED)),
    )
    overdue = inbox.overdue_only(voices, now).count()
    soon = inbox.due_soon_only(voices, now).count()
    url = reverse("voices:inbox")
    numbers = []
    if manages:
        numbers.append(Number("待受理", counts["submitted"], f"{url}?show=submitted", "warning"))
    numbers += [
        Number("待响应", counts["assigned"], f"{url}?show=assigned", "warning"),
        Number("已超时", overdue, f"{url}?show=open&overdue=1", "danger"),
        Number("即将到期", soon, f"{url}?show=open&soon=1", "warning"),
    ]
    if overdue:
        step = f"{overdue} 件已超过办理时限，请先办理并答复。"
    elif manages and counts["submitted"]:
        step = f"{counts['submitted']} 件新反映待受理，请受理并交办承办单位。"
    elif counts["assigned"]:
        step = f"{counts['assigned']} 件已交办待响应，请尽快联系反映人。"
    elif soon:
        step = f"{soon} 件即将到期，请按时答复。"
    else:
        step = "没有待办的反映，继续保持。"
    return Shown("voices.handling", "群众呼声待办", numbers, step)


def _percent(value) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _rates(user, today: dt.date) -> Shown:
    rows = figures.trend(user, TREND_MONTHS)
    now, last = rows[-1], rows[-2]
    url = reverse("voices:metrics")
    names = (
        ("响应率", "response_rate"),
        ("解决率", "resolution_rate"),
        ("满意率", "satisfaction_rate"),
    )
    numbers = [
        Number(f"{label}（上月 {_percent(getattr(last, key))}）", _percent(getattr(now, key)), url)
        for label, key in names
    ]
    numbers.append(Number("本月有效反映", now.valid, url))
    drops = [
        label
        for label, key in names
        if getattr(now, key) is not None
        and getattr(last, key) is not None
        and getattr(now, key) < getattr(last, key)
    ]
    if drops:
        step = f"本月至今{'、'.join(drops)}低于上月，请查看三率统计，督办相关单位。"
    else:
        step = "三率不低于上月；本月尚未结束，数字为至今。"
    chart = {
        "kind": "line",
        "unit": "%",
        "labels": [row.label for row in rows],
        "partial_last": True,  # this month is still running: drawn as "so far"
        "series": [
            {
                "name": label,
                "data": [
                    None if getattr(r, key) is None else round(float(getattr(r, key)) * 100, 1)
                    for r in rows
                ],
            }
            for label, key in names
        ],
    }
    return Shown("voices.rates", "三率（本月至今与上月）", numbers, step, chart=chart)


register(Card("voices.mine", "我的反映", shows=has_person, compute=_mine, order=10))
register(
    Card("voices.handling", "群众呼声待办", shows=_handles, compute=_handling, order=50, slow=True)
)
register(
    Card(
        "voices.rates",
        "三率",
        shows=lambda user: Scope.of(user).has(VIEW_VOICES),
        compute=_rates,
        order=80,
        slow=True,
    )
)
