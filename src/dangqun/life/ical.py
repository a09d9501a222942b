"""iCalendar feeds (RFC 5545) of 组织生活: one per person (the meetings they are expected at) and
one per organisation, for ordinary calendar apps to subscribe to. A feed's address carries a
signed token instead of a login, since calendar apps cannot log in; it names no one."""

from __future__ import annotations

import datetime as dt

from django.core import signing
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from icalendar import Calendar, Event

from dangqun.life.models import Meeting, Status
from dangqun.orgs.models import Org
from dangqun.people.models import Person

SALT = "dangqun.life.ical"
WINDOW = dt.timedelta(days=400)  # a year back and a year ahead


def token(kind: str, pk: int) -> str:
    return signing.dumps([kind, pk], salt=SALT, compress=True)


def read_token(value: str) -> tuple[str, int] | None:
    try:
        kind, pk = signing.loads(value, salt=SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return (kind, int(pk)) if kind in ("person", "org") else None


def subscription(value: str) -> tuple[str, QuerySet]:
    """The calendar's name and its meetings for a feed's token, or 404."""
    read = read_token(value)
    if read is None:
        raise Http404("订阅地址无效")
    kind, pk = read
    if kind == "person":
        person = Person.objects.filter(pk=pk).first()
        if person is None:
            raise Http404("订阅地址无效")
        return f"{person.name}的组织生活", Meeting.objects.filter(attendees__person=person)
    org = Org.objects.filter(pk=pk).first()
    if org is None:
        raise Http404("订阅地址无效")
    return f"{org.name}组织生活", Meeting.objects.filter(org=org)


def feed(name: str, meetings: QuerySet, base_url: str) -> bytes:
    now = timezone.now()
    meetings = meetings.filter(starts_at__gte=now - WINDOW, starts_at__lte=now + WINDOW)
    calendar = Calendar()
    calendar.add("prodid", "-//dangqun//组织生活//ZH")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", timezone.get_default_timezone_name())
    for meeting in meetings.select_related("org").order_by("starts_at", "pk"):
        calendar.add_component(_event(meeting, now, base_url))
    return calendar.to_ical()


def _event(meeting: Meeting, now: dt.datetime, base_url: str) -> Event:
    event = Event()
    event.add("uid", f"meeting-{meeting.pk}@dangqun")
    event.add("dtstamp", now)
    event.add("dtstart", meeting.starts_at)
    event.add("dtend", meeting.ends_at or meeting.starts_at + dt.timedelta(hours=2))
    event.add("summary", f"{meeting.get_kind_display()}：{meeting.topic}")
    if meeting.place:
        event.add("location", meeting.place)
    event.add("description", f"{meeting.org.name}\n{base_url}/life/{meeting.pk}/")
    event.add("status", "CANCELLED" if meeting.status == Status.CANCELLED else "CONFIRMED")
    return event
