"""How many 学时 a member must complete in a year (rule ``learning.requirement``): 32 for a member,
56 for a 书记 or 委员 of a party organisation (the posts kept in 组织), each pro-rated by the days of
the year it applied — a member who joined in July owes about half, a member made 支部书记 in
October owes 32 plus a quarter of the difference. Pure arithmetic here; ``ledger`` reads the
people and posts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from dangqun.core.rules import get_rule
from dangqun.orgs.models import LEADER_TITLES  # noqa: F401 (ledger reads the posts from here)

TENTH = Decimal("0.1")

Span = tuple[dt.date, dt.date]  # first and last day, both included


def year_span(year: int) -> Span:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def clip(first: dt.date | None, last: dt.date | None, within: Span) -> Span | None:
    """The part of [first, last] inside ``within`` (open ends reach its edges), or None."""
    start = max(first or within[0], within[0])
    end = min(last or within[1], within[1])
    return (start, end) if start <= end else None


def days_covered(spans: Iterable[Span]) -> int:
    """Days in the union of the spans (they may overlap: two posts held at once count once)."""
    total, reach = 0, None
    for start, end in sorted(spans):
        if reach is not None and start <= reach:
            if end > reach:
                total += (end - reach).days
                reach = end
            continue
        total += (end - start).days + 1
        reach = end
    return total


def required(
    year: int, member: Span | None, leader_spans: Iterable[Span], rule: dict | None = None
) -> tuple[Decimal, bool]:
    """(学时 required, whether the person held a leader's post in the year) for a member whose
    membership in ``year`` is ``member`` (already clipped to the year; None: not a member)."""
    if member is None:
        return Decimal(0), False
    rule = rule or get_rule("learning.requirement").params
    span = year_span(year)
    days_in_year = (span[1] - span[0]).days + 1
    member_days = (member[1] - member[0]).days + 1
    led = [c for s in leader_spans if (c := clip(s[0], s[1], member)) is not None]
    leader_days = days_covered(led)
    base, leader = Decimal(str(rule["member"])), Decimal(str(rule["leader"]))
    owed = (base * member_days + (leader - base) * leader_days) / days_in_year
    return owed.quantize(TENTH, rounding=ROUND_HALF_UP), bool(led)
