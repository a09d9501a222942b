"""Calendar arithmetic in whole months, shared by every app that counts periods and deadlines."""

from __future__ import annotations

import calendar
import datetime as dt


def add_months(day: dt.date, months: int) -> dt.date:
    """The first of the month ``months`` after (or before) ``day``'s month."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def months_later(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (or earlier); the month's last day when it is shorter
    (one month after 31 January is 28 or 29 February)."""
    first = add_months(day, months)
    last = calendar.monthrange(first.year, first.month)[1]
    return first.replace(day=min(day.day, last))


def months_between(first: dt.date, last: dt.date) -> int:
    """Whole months from ``first`` to ``last`` (a month is complete on the same day-number)."""
    months = (last.year - first.year) * 12 + last.month - first.month
    return months - (last.day < first.day)


def years_between(first: dt.date, last: dt.date) -> int:
    """Whole years from ``first`` to ``last`` (an age)."""
    return last.year - first.year - ((last.month, last.day) < (first.month, first.day))


def year_so_far(year: int, today: dt.date) -> tuple[bool, dt.date | None]:
    """Whether ``year`` is not over on ``today`` (``partial``: its figures are so far, not a fall)
    and the last day they count: 31 December of a past year, today in this one, None for a year
    still to come."""
    if year < today.year:
        return False, dt.date(year, 12, 31)
    return True, (today if year == today.year else None)
