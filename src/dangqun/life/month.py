"""A month of 组织生活, for the calendar page and the API: which month was asked for, and the
meetings of that month the user is shown (as in the list), by day."""

from __future__ import annotations

import calendar as calendars
import datetime as dt

from django.utils import timezone

from dangqun.life import services
from dangqun.life.models import Meeting, Status

MONTH_LIMIT = 2000  # meetings in one month of one calendar; more would be no calendar to read
BAD_MONTH = "月份应为 YYYY-MM，在 2000 年至明后年之间"


def parse_month(text: str, today: dt.date) -> dt.date | None:
    """The first day of the month ``text`` (YYYY-MM) names, or None when it names none we show."""
    try:
        month = dt.date.fromisoformat(f"{text}-01")
    except ValueError:
        return None
    return month if 2000 <= month.year <= today.year + 2 else None


def meetings_by_day(user, month: dt.date) -> dict[dt.date, list[Meeting]]:
    """The month's meetings ``user`` is shown (not cancelled), by local day, in time order."""
    tz = timezone.get_current_timezone()
    first = dt.datetime.combine(month, dt.time.min, tzinfo=tz)
    after = dt.datetime.combine(next_month(month), dt.time.min, tzinfo=tz)
    by_day: dict[dt.date, list[Meeting]] = {}
    for meeting in (
        services.listed_for(user)
        .filter(starts_at__gte=first, starts_at__lt=after)
        .exclude(status=Status.CANCELLED)
        .select_related("org")
        .order_by("starts_at")[:MONTH_LIMIT]
    ):
        by_day.setdefault(timezone.localtime(meeting.starts_at).date(), []).append(meeting)
    return by_day


def weeks(month: dt.date, by_day: dict) -> list[list[tuple[dt.date, list[Meeting]]]]:
    """The month as weeks from Monday, each day with its meetings."""
    return [
        [(day, by_day.get(day, [])) for day in week]
        for week in calendars.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month)
    ]


def next_month(month: dt.date) -> dt.date:
    return (month + dt.timedelta(days=32)).replace(day=1)


def previous_month(month: dt.date) -> dt.date:
    return (month - dt.timedelta(days=1)).replace(day=1)
