"""The lists the pages show, each a fixed number of queries whatever its length: the square
(open activities a person may join, nearest first), a person's own activities and an organiser's
activities, with places taken, the waiting list and the person's own sign-up annotated."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from dangqun.accounts.roles import MANAGE_ACTIVITIES, VIEW_ACTIVITIES
from dangqun.accounts.scope import Scope
from dangqun.activities import services
from dangqun.activities.models import ActivityKind, SignUp, SignUpStatus, Status

MINE_SHOWS = {"upcoming": "即将参加", "past": "已参加或已结束", "all": "全部"}
KEPT_SHOWS = {
    "action": "待处理",
    "pending": "待审核报名",
    "draft": "草稿",
    "open": "报名中",
    "held": "待确认时长",
    "all": "全部",
}
ACTION_STATUSES = (Status.DRAFT, Status.PUBLISHED, Status.CLOSED, Status.HELD)


def with_counts(activities: QuerySet, person_id: int | None = None) -> QuerySet:
    """Places taken, people waiting and pending, and (for ``person_id``) their sign-up's status."""
    activities = activities.annotate(
        taken=Count("signups", filter=Q(signups__status=SignUpStatus.CONFIRMED)),
        waiting=Count("signups", filter=Q(signups__status=SignUpStatus.WAITING)),
        pending=Count("signups", filter=Q(signups__status=SignUpStatus.PENDING)),
    )
    if person_id is not None:
        mine = SignUp.objects.filter(activity_id=OuterRef("pk"), person_id=person_id)
        activities = activities.annotate(my_status=Subquery(mine.values("status")[:1]))
    return activities


def kinds() -> list[ActivityKind]:
    return list(ActivityKind.objects.filter(active=True))


def square(user, kind: str = "") -> QuerySet:
    """Published activities open to the user's person whose sign-up is still open, nearest
    first."""
    rows = services.open_to(user).filter(signup_closes_at__gt=timezone.now())
    if kind:
        rows = rows.filter(kind__code=kind)
    return with_counts(
        rows.select_related("kind", "org").order_by("starts_at", "pk"),
        getattr(user, "person_id", None),
    )


def mine(user, show: str = "upcoming") -> QuerySet:
    """The activities the user's person signed up for (not those they cancelled or were refused
    for, unless ``all``)."""
    person_id = getattr(user, "person_id", None)
    if person_id is None:
        return services.joined_by(user)
    signed = SignUp.objects.filter(person_id=person_id)
    if show != "all":
        signed = signed.exclude(status__in=(SignUpStatus.CANCELLED, SignUpStatus.REJECTED))
    rows = services.joined_by(user).filter(pk__in=signed.values("activity_id"))
    since = timezone.now() - dt.timedelta(hours=3)
    if show == "upcoming":
        rows = rows.filter(ends_at__gte=since).exclude(status=Status.CANCELLED)
        rows = rows.order_by("starts_at", "pk")
    else:
        if show == "past":
            rows = rows.filter(Q(ends_at__lt=since) | Q(status=Status.CANCELLED))
        rows = rows.order_by("-starts_at", "-pk")
    return with_counts(rows.select_related("kind", "org"), person_id)


def kept(user, show: str = "action") -> QuerySet:
    """The activities the user's scope runs, newest first; ``action``: those that still need
    the organiser (drafts, sign-ups to decide, held without confirmed hours)."""
    rows = services.kept_by(user)
    if show == "action":
        rows = rows.filter(status__in=ACTION_STATUSES)
    elif show == "pending":
        pending = SignUp.objects.filter(activity_id=OuterRef("pk"), status=SignUpStatus.PENDING)
        rows = rows.filter(Exists(pending))
    elif show == "draft":
        rows = rows.filter(status=Status.DRAFT)
    elif show == "open":
        rows = rows.filter(status__in=(Status.PUBLISHED, Status.CLOSED))
    elif show == "held":
        rows = rows.filter(status=Status.HELD, kind__volunteer=True)
    return with_counts(rows.select_related("kind", "org").order_by("-starts_at", "-pk"))


def keeps_any(user) -> bool:
    """Whether the user organises or reads some organisation's activities (the 活动管理 page),
    from the scope already loaded."""
    scope = Scope.of(user)
    return scope.has(MANAGE_ACTIVITIES) or scope.has(VIEW_ACTIVITIES)


def waiting_position(signup: SignUp) -> int:
    """1 for the first in line."""
    ahead = SignUp.objects.filter(
        activity_id=signup.activity_id, status=SignUpStatus.WAITING
    ).filter(Q(queued_at__lt=signup.queued_at) | Q(queued_at=signup.queued_at, pk__lt=signup.pk))
    return ahead.count() + 1
