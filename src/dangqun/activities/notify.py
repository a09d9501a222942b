"""Who hears about an activity: the person signed up (confirmed, promoted, cancelled, reminded
the day before, hours confirmed) and the organisers of a 联办 partner when it is named, through
the bell and, where configured, e-mail and 企业微信 / 钉钉 (``notices``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.urls import reverse
from django.utils import timezone

from dangqun.accounts.models import User
from dangqun.accounts.roles import MANAGE_ACTIVITIES
from dangqun.activities.models import Activity, SignUp, SignUpStatus, Status
from dangqun.notices.services import holders, notify


def _url(activity) -> str:
    return reverse("activities:detail", args=[activity.pk])


def tell_people(person_ids: Iterable[int], activity, kind: str, title: str, key: str = "") -> int:
    users = User.objects.filter(person_id__in=list(person_ids), is_active=True)
    return notify(users, kind=f"activity.{kind}", title=title, url=_url(activity), key=key)


def tell_person(person_id: int, activity, kind: str, title: str, key: str = "") -> int:
    return tell_people([person_id], activity, kind, title, key)


def tell_keepers(org, by, activity, kind: str, title: str, key: str = "") -> int:
    """The nearest organisers of ``org`` (its own, else those above it), not ``by`` who acted."""
    users = holders(MANAGE_ACTIVITIES, org, nearest=True).exclude(pk=getattr(by, "pk", None))
    return notify(users, kind=f"activity.{kind}", title=title, url=_url(activity), key=key)


REMIND_BEFORE = dt.timedelta(hours=24)


def remind_tomorrow(now: dt.datetime | None = None) -> int:
    """The day before: everyone with a place at an activity starting within 24 hours is told once
    (the notice's key), however often this runs. Returns how many were told."""

    now = now or timezone.now()
    soon = Activity.objects.filter(
        status__in=(Status.PUBLISHED, Status.CLOSED),
        starts_at__gt=now,
        starts_at__lte=now + REMIND_BEFORE,
    )
    told = 0
    for activity in soon:
        people = SignUp.objects.filter(
            activity=activity, status=SignUpStatus.CONFIRMED
        ).values_list("person_id", flat=True)
        when = timezone.localtime(activity.starts_at)
        told += tell_people(
            list(people),
            activity,
            "reminder",
            f"明天提醒：{activity.title} {when:%m月%d日 %H:%M} 在{activity.place}",
            key=f"activity.reminder:{activity.pk}",
        )
    return told
