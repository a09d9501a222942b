"""The working calendar's site adjustments, kept by group-wide 群工 admins: who may read and
change them, and the changes (each with its audit row). The calendar itself is
``dangqun.core.workcalendar``."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import QuerySet

from dangqun.accounts.roles import MANAGE_VOICES
from dangqun.accounts.scope import Scope, require
from dangqun.core import audit, workcalendar
from dangqun.core.models import CalendarDay

ONLY_GROUP_ADMINS = "只有全企业的群工管理员可以调整工作日历"


def require_may_read(user) -> None:
    """Anyone who manages voices somewhere reads the calendar settings."""
    require(Scope.of(user).has(MANAGE_VOICES), "您无权查看工作日历设置")


def may_change(user) -> bool:
    """Only an admin of every unit changes the calendar: it moves every unit's deadlines."""
    return Scope.of(user).covers_every_unit(MANAGE_VOICES)


def require_may_change(user) -> None:
    require(may_change(user), ONLY_GROUP_ADMINS)


def year_days(year: int) -> tuple[list[tuple[datetime.date, bool]], QuerySet]:
    """A year's shipped holidays and make-up days (date, is_workday), and the site's adjustments."""
    shipped = sorted(
        (day, is_workday)
        for day, is_workday in workcalendar.shipped_days().items()
        if day.year == year
    )
    return shipped, CalendarDay.objects.filter(date__year=year)


def set_calendar_day(actor, day: datetime.date, *, is_workday: bool, note: str = "") -> None:
    """A site's own working day or day off (a local holiday, a shift of 调休); it changes the
    deadlines of voices assigned from now on, not the promises already made."""
    require_may_change(actor)
    with transaction.atomic():
        before = CalendarDay.objects.filter(date=day).values("is_workday", "note").first()
        CalendarDay.objects.update_or_create(
            date=day, defaults={"is_workday": is_workday, "note": note.strip()[:50]}
        )
        audit.record(
            actor,
            "voice.calendar",
            object_type="voices.calendarday",
            object_repr=str(day),
            before=before,
            after={"is_workday": is_workday, "note": note},
        )


def remove_calendar_day(actor, day: datetime.date) -> None:
    require_may_change(actor)
    with transaction.atomic():
        deleted, _ = CalendarDay.objects.filter(date=day).delete()
        if deleted:
            audit.record(
                actor,
                "voice.calendar_removed",
                object_type="voices.calendarday",
                object_repr=str(day),
            )
