"""The iCalendar feed (RFC 5545) of the activities a person signed up for, for calendar apps to
subscribe to. As 组织生活's feeds (``life.ical``): a signed token in the address instead of a login,
naming no one; this one has its own salt, so a meeting feed's token opens nothing here."""

from __future__ import annotations

import datetime as dt

from django.core import signing
from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event

from dangqun.activities.models import ACTIVE_SIGNUPS, Activity, SignUp, Status
from dangqun.life.ical import WINDOW
from dangqun.people.models import Person

SALT = "dangqun.activities.ical"


def token(person_id: int) -> str:
    return signing.dumps(["person", person_id], salt=SALT, compress=True)


def feed_url(request, person_id: int | None) -> str:
    if person_id is None:
        return ""
    return request.build_absolute_uri(reverse("activities:ical", args=[token(person_id)]))


def subscription(value: str) -> tuple[str, QuerySet]:
    """The calendar's name and the activities of the person a token names, or 404."""
    try:
        kind, pk = signing.loads(value, salt=SALT)
        person = Person.objects.filter(pk=int(pk)).first() if kind == "person" else None
    except (signing.BadSignature, ValueError, TypeError):
        person = None
    if person is None:
        raise Http404("订阅地址无效")
    signed = SignUp.objects.filter(person=person, status__in=ACTIVE_SIGNUPS)
    return f"{person.name}的活动", Activity.objects.filter(pk__in=signed.values("activity_id"))


def feed(name: str, activities: QuerySet, base_url: str) -> bytes:
    now = timezone.now()
    rows = activities.filter(starts_at__gte=now - WINDOW, starts_at__lte=now + WINDOW)
    calendar = Calendar()
    calendar.add("prodid", "-//dangqun//志愿服务与活动//ZH")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", timezone.get_default_timezone_name())
    for activity in rows.select_related("org", "kind").order_by("starts_at", "pk"):
        calendar.add_component(_event(activity, now, base_url))
    return calendar.to_ical()


def _event(activity: Activity, now: dt.datetime, base_url: str) -> Event:
    event = Event()
    event.add("uid", f"activity-{activity.pk}@dangqun")
    event.add("dtstamp", now)
    event.add("dtstart", activity.starts_at)
    event.add("dtend", activity.ends_at)
    event.add("summary", f"{activity.kind.name}：{activity.title}")
    event.add("location", activity.place)
    url = reverse("activities:detail", args=[activity.pk])
    event.add("description", f"{activity.org.name}\n{base_url}{url}")
    event.add("status", "CANCELLED" if activity.status == Status.CANCELLED else "CONFIRMED")
    return event
