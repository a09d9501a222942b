"""Date arithmetic for generated histories."""

import datetime


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The same calendar day ``years`` later (28 February for a 29 February with no match)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)
