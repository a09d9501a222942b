"""志愿服务与活动's cards on the 工作台 (``core.cards``): a person's next activities and volunteer
hours, and an organiser's activities that wait for them (sign-ups to approve, hours to confirm,
drafts). A fixed number of queries whatever the number of activities."""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from dangqun.accounts.roles import MANAGE_ACTIVITIES
from dangqun.accounts.scope import Scope
from dangqun.activities import hours, listing, services
from dangqun.activities.models import SignUpStatus, Status
from dangqun.core.cards import Card, Number, Shown, has_person, register


def _mine(user, today) -> Shown | None:
    upcoming = list(listing.mine(user, "upcoming")[:3])
    total = hours.total_of(user.person_id)
    if not upcoming and not total:
        return None
    mine = reverse("activities:mine")
    numbers = [Number("即将参加", len(upcoming) if len(upcoming) < 3 else "3+", mine)]
    if total:
        numbers.append(
            Number("志愿服务时长", f"{total:g}", reverse("activities:volunteer"), "success")
        )
    if upcoming:
        first = upcoming[0]
        when = timezone.localtime(first.starts_at)
        step = f"下次：{when:%m月%d日 %H:%M} {first.title}，地点 {first.place}。"
        action = ("查看活动", reverse("activities:detail", args=[first.pk]))
    else:
        step = "近期没有报名的活动，可以到活动广场看看。"
        action = ("活动广场", reverse("activities:square"))
    return Shown("activities.mine", "我的活动", numbers, step, action=action)


def _organises(user) -> bool:
    return Scope.of(user).has(MANAGE_ACTIVITIES)


def _keeping(user, today) -> Shown | None:
    rows = services.kept_by(user).filter(status__in=listing.ACTION_STATUSES)
    counts = rows.aggregate(
        drafts=Count("pk", filter=Q(status=Status.DRAFT), distinct=True),
        held=Count("pk", filter=Q(status=Status.HELD, kind__volunteer=True), distinct=True),
    )
    pending = (
        rows.filter(signups__status=SignUpStatus.PENDING).aggregate(n=Count("signups"))["n"] or 0
    )
    manage = reverse("activities:manage")
    numbers = [
        Number("待审核报名", pending, f"{manage}?show=pending", "warning" if pending else ""),
        Number(
            "待确认时长", counts["held"], f"{manage}?show=held", "warning" if counts["held"] else ""
        ),
        Number("草稿", counts["drafts"], f"{manage}?show=draft"),
    ]
    if pending:
        step = f"有 {pending} 人的报名等待审核。"
    elif counts["held"]:
        step = f"有 {counts['held']} 个已举行的志愿服务活动待确认时长。"
    else:
        step = "没有待处理的活动。"
    return Shown(
        "activities.keeping",
        "活动组织",
        numbers,
        step,
        action=("新建活动", reverse("activities:new")),
    )


register(Card("activities.mine", "我的活动", shows=has_person, compute=_mine, order=30))
register(
    Card("activities.keeping", "活动组织", shows=_organises, compute=_keeping, order=62, slow=True)
)
