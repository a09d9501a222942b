"""Who hears about an activity: the person signed up (confirmed, promoted, cancelled, hours
confirmed) through the bell and, where configured, e-mail and 企业微信 / 钉钉 (``notices``)."""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import reverse

from dangqun.accounts.models import User
from dangqun.notices.services import notify


def _url(activity) -> str:
    return reverse("activities:detail", args=[activity.pk])


def tell_people(person_ids: Iterable[int], activity, kind: str, title: str, key: str = "") -> int:
    users = User.objects.filter(person_id__in=list(person_ids), is_active=True)
    return notify(users, kind=f"activity.{kind}", title=title, url=_url(activity), key=key)


def tell_person(person_id: int, activity, kind: str, title: str, key: str = "") -> int:
    return tell_people([person_id], activity, kind, title, key)
