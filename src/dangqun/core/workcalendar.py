"""The working calendar: which dates are worked, and arithmetic in working hours and days.

Shared by every app that counts time limits in working time (群众呼声 deadlines, 发展党员 公示).
A date is a working day when this site says so (a ``CalendarDay`` row), else when the State
Council's holiday notice says so (``holidays.toml``: holidays and 调休 make-up days), else when it
falls Monday to Friday. Working hours are the part of a working day inside the working window
(rule ``voices.workday``, 08:30–17:30 by default).

A time limit (``Limit``) is counted in one of three units:

- ``hours``: natural hours on the clock, for emergencies that cannot wait for office hours;
- ``working_hours``: only time inside the working window of working days counts;
- ``working_days``: the limit ends with the working window of the N-th working day after the
  day it started (that day itself never counts).

Everything is computed in local time (``settings.TIME_ZONE``, Asia/Shanghai) and returned as
timezone-aware datetimes. A site's adjustments are read for a span of dates in one query, never
one query per day.
"""

from __future__ import annotations

import datetime as dt
import math
import tomllib
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path

from django.utils import timezone

from dangqun.core.models import CalendarDay
from dangqun.core.rules import get_rule

HOLIDAYS_FILE = Path(__file__).with_name("holidays.toml")

HOURS = "hours"
WORKING_HOURS = "working_hours"
WORKING_DAYS = "working_days"
UNIT_LABELS = {HOURS: "小时", WORKING_HOURS: "个工作小时", WORKING_DAYS: "个工作日"}

ONE_DAY = dt.timedelta(days=1)


@cache
def shipped_days() -> dict[dt.date, bool]:
    """Dates the shipped holiday file fixes: ``False`` for a holiday, ``True`` for a make-up day."""
    data = tomllib.loads(HOLIDAYS_FILE.read_text(encoding="utf-8"))
    days: dict[dt.date, bool] = {}
    for year in data.values():
        for holiday in year["holidays"]:
            day = holiday["first"]
            while day <= holiday["last"]:
                days[day] = False
                day += ONE_DAY
        for workday in year["workdays"]:
            days[workday["date"]] = True
    return days


@dataclass(frozen=True)
class Limit:
    """A time limit: ``amount`` of ``unit`` (one of HOURS, WORKING_HOURS, WORKING_DAYS)."""

    amount: float
    unit: str

    def __str__(self) -> str:
        return f"{self.amount:g} {UNIT_LABELS[self.unit]}"


def local(moment: dt.datetime) -> dt.datetime:
    """``moment`` in the site's time zone; naive datetimes are refused rather than guessed."""
    if timezone.is_naive(moment):
        raise ValueError("datetimes must be timezone-aware")
    return moment.astimezone(timezone.get_default_timezone())


class WorkCalendar:
    """Working days and working hours, reading the site's ``CalendarDay`` rows by span of dates.

    The rows for the dates a computation needs are read in one query up front; should it run past
    them, the span grows by at least ``CHUNK`` at a time. One calendar can serve many computations
    (e.g. a report over many voices) and reads each date's adjustment at most once.
    """

    CHUNK = dt.timedelta(days=92)

    def __init__(self) -> None:
        self._site: dict[dt.date, bool] = {}
        self._first: dt.date | None = None
        self._last: dt.date | None = None

    def load(self, first: dt.date, last: dt.date) -> None:
        """Make sure the site's adjustments from ``first`` to ``last`` are read.

        Only dates not read yet are queried, and a query reads ``CHUNK`` further than asked, so a
        calendar reused for nearby dates needs no more queries.
        """
        if self._first is None or self._last is None:
            self._first, self._last = first, first - ONE_DAY  # nothing read yet
        if first < self._first:
            new_first = min(first, self._first - self.CHUNK)
            self._read(new_first, self._first - ONE_DAY)
            self._first = new_first
        if last > self._last:
            new_last = max(last, self._last + self.CHUNK)
            self._read(self._last + ONE_DAY, new_last)
            self._last = new_last

    def _read(self, first: dt.date, last: dt.date) -> None:
        rows = CalendarDay.objects.filter(date__range=(first, last)).order_by()
        self._site.update(rows.values_list("date", "is_workday"))

    def is_workday(self, day: dt.date) -> bool:
        """The site's adjustment for ``day``, else the holiday file, else Monday to Friday."""
        self.load(day, day)
        if day in self._site:
            return self._site[day]
        shipped = shipped_days().get(day)
        if shipped is not None:
            return shipped
        return day.weekday() < 5

    @cached_property
    def hours(self) -> tuple[dt.time, dt.time]:
        """The working window (start, end) of every working day, from rule ``voices.workday``
        (named for the app that first needed it; it is the whole site's working day)."""
        rule = get_rule("voices.workday")
        start, end = dt.time.fromisoformat(rule["start"]), dt.time.fromisoformat(rule["end"])
        if not start < end:
            raise ValueError("voices.workday: start must be before end")
        return start, end

    def window(self, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
        """The working window of ``day`` as aware local datetimes (whether or not it is worked)."""
        tz = timezone.get_default_timezone()
        start, end = self.hours
        return dt.datetime.combine(day, start, tzinfo=tz), dt.datetime.combine(day, end, tzinfo=tz)

    def _load_ahead(self, day: dt.date, working_days: float) -> None:
        # Generous: two calendar days per working day covers weekends and the longest holidays.
        self.load(day, day + dt.timedelta(days=2 * math.ceil(working_days) + 14))

    def add_working_hours(self, start: dt.datetime, hours: float) -> dt.datetime:
        """The instant when ``hours`` working hours have passed since ``start``."""
        start = local(start)
        remaining = dt.timedelta(hours=hours)
        opens, closes = self.window(start.date())
        self._load_ahead(start.date(), remaining / (closes - opens))
        day = start.date()
        while True:
            if self.is_workday(day):
                opens, closes = self.window(day)
                begin = max(start, opens)
                if begin < closes:
                    if remaining <= closes - begin:
                        return begin + remaining
                    remaining -= closes - begin
            day += ONE_DAY

    def add_working_days(self, start: dt.datetime, days: int) -> dt.datetime:
        """The end of the working window of the ``days``-th working day after ``start``'s day."""
        day = local(start).date()
        self._load_ahead(day, days)
        while days > 0:
            day += ONE_DAY
            if self.is_workday(day):
                days -= 1
        return self.window(day)[1]

    def working_hours_between(self, a: dt.datetime, b: dt.datetime) -> float:
        """Working hours from ``a`` to ``b`` (0 when ``b`` is not after ``a``)."""
        a, b = local(a), local(b)
        if b <= a:
            return 0.0
        self.load(a.date(), b.date())
        total = dt.timedelta()
        day = a.date()
        while day <= b.date():
            if self.is_workday(day):
                opens, closes = self.window(day)
                overlap = min(b, closes) - max(a, opens)
                if overlap > dt.timedelta():
                    total += overlap
            day += ONE_DAY
        return total / dt.timedelta(hours=1)


def is_workday(day: dt.date) -> bool:
    """Whether ``day`` is a working day: the site's adjustment, else the holiday file, else Mon–Fri."""
    return WorkCalendar().is_workday(day)


def limit_end(
    start: dt.datetime, limit: Limit, *, calendar: WorkCalendar | None = None
) -> dt.datetime:
    """When ``limit`` started at ``start`` runs out, as an aware local datetime."""
    start = local(start)
    if limit.unit == HOURS:
        # Count real elapsed time (through UTC), whatever the wall clock does.
        end = start.astimezone(dt.UTC) + dt.timedelta(hours=limit.amount)
        return end.astimezone(start.tzinfo)
    calendar = calendar or WorkCalendar()
    if limit.unit == WORKING_HOURS:
        return calendar.add_working_hours(start, limit.amount)
    return calendar.add_working_days(start, int(limit.amount))


def working_hours_between(
    a: dt.datetime, b: dt.datetime, *, calendar: WorkCalendar | None = None
) -> float:
    """Working hours inside the working window between two instants (0 if ``b <= a``)."""
    return (calendar or WorkCalendar()).working_hours_between(a, b)
