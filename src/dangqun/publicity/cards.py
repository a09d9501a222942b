"""What 政策宣传 puts on the 工作台 (decision 0018): 我的必读 (必读 items not yet confirmed, and
unread items) for everyone with a person, and 政策宣传 for publishers (reach of their recent
items, a slow card)."""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from dangqun.core.cards import Card, Number, Shown, has_person, register
from dangqun.publicity import reach, reading, services
from dangqun.publicity.models import ItemStatus

RECENT = 5


def _mine(user, today) -> Shown | None:
    rows = reading.mine(user)
    counts = rows.aggregate(
        required=_count(Q(required=True, confirmed=False)), unread=_count(Q(opened=False))
    )
    required, unread = counts["required"] or 0, counts["unread"] or 0
    if not (required or unread):
        return None
    url = reverse("publicity:mine")
    numbers = [
        Number("必读未确认", required, f"{url}?show=required", "warning" if required else ""),
        Number("未读", unread, f"{url}?show=unread"),
    ]
    if required:
        first = rows.filter(required=True, confirmed=False).first()
        step = f"请阅读“{first.title}”，读完点“已阅读”。"
        action = ("去阅读", reverse("publicity:read", args=[first.pk]))
    else:
        step = f"有 {unread} 条宣传内容未读。"
        action = ("去看看", url)
    return Shown("publicity.mine", "我的必读", numbers, step, action=action)


def _count(condition: Q) -> Count:
    return Count("pk", filter=condition)


def _keeping(user, today) -> Shown | None:
    recent = list(
        services.kept_by(user)
        .filter(status=ItemStatus.PUBLISHED, publish_at__lte=timezone.now())
        .select_related("org")
        .order_by("-publish_at", "-id")[:RECENT]
    )
    if not recent:
        return None
    counts = reach.totals(user, recent)  # one query for all, not one per item
    figures = [(item, counts[item.pk]) for item in recent]
    numbers = [
        Number(
            item.title[:12],
            f"{(r.confirmed_rate if item.required else r.opened_rate) or 0}%",
            reverse("publicity:item", args=[item.pk]),
        )
        for item, r in figures
    ]
    step = "比率为本范围内的打开率（必读为确认率），可在发布情况中提醒尚未确认的人员。"
    return Shown(
        "publicity.keeping",
        "政策宣传",
        numbers,
        step,
        action=("宣传内容管理", reverse("publicity:manage")),
    )


register(Card("publicity.mine", "我的必读", shows=has_person, compute=_mine, order=27))
register(
    Card(
        "publicity.keeping", "政策宣传", shows=services.reads, compute=_keeping, order=63, slow=True
    )
)
