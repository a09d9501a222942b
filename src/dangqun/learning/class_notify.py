"""Who hears about a class: its audience when assigned, the enrolled when it is cancelled, and
each enrolled member the day before a session (once per session and person: the notice's key)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.urls import reverse
from django.utils import timezone

from dangqun.accounts.models import User
from dangqun.learning.class_models import ClassSession, ClassStatus, Enrolment
from dangqun.notices.services import notify

REMIND_BEFORE = dt.timedelta(hours=24)


def tell_people(person_ids: Iterable[int], klass, kind: str, title: str, key: str = "") -> int:
    users = User.objects.filter(person_id__in=list(person_ids), is_active=True)
    url = reverse("learning:class", args=[klass.pk])
    return notify(users, kind=f"learning.class_{kind}", title=title, url=url, key=key)


def remind_tomorrow(now: dt.datetime | None = None) -> int:
    """Everyone enrolled in a class under way whose session starts within 24 hours is told once,
    however often this runs. Returns how many were told."""
    now = now or timezone.now()
    soon = ClassSession.objects.filter(
        klass__status=ClassStatus.PUBLISHED,
        starts_at__gt=now,
        starts_at__lte=now + REMIND_BEFORE,
    ).select_related("klass")
    told = 0
    for session in soon:
        people = Enrolment.objects.filter(
            klass_id=session.klass_id, left_at__isnull=True
        ).values_list("person_id", flat=True)
        when = timezone.localtime(session.starts_at)
        told += tell_people(
            list(people),
            session.klass,
            "reminder",
            f"明天提醒：培训班「{session.klass.title}」{when:%m月%d日 %H:%M} 在{session.place}",
            key=f"learning.class_reminder:{session.pk}",
        )
    return told
