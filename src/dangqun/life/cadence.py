"""How often each kind of meeting is due (domain-rules §2), as periods of the calendar: the rules
``life.<kind>`` say ``per`` (month, quarter or year), ``times`` and the suggested ``day`` (and
``month`` for yearly ones). Pure functions of dates and rules, so the plan and the compliance radar
count periods the same way."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from dangqun.core.dates import add_months
from dangqun.core.rules import Rule, get_rule
from dangqun.life.models import Kind
from dangqun.orgs.models import BRANCH_KINDS
from dangqun.orgs.models import Kind as OrgKind

MONTHS = {"month": 1, "quarter": 3, "year": 12}
PERIOD_NAMES = {"month": "月", "quarter": "季度", "year": "年"}
# What each kind of organisation is due to hold (a committee meeting only with a committee).
BRANCH_CADENCE = (
    Kind.GENERAL_MEETING,
    Kind.COMMITTEE_MEETING,
    Kind.PARTY_LECTURE,
    Kind.THEME_DAY,
    Kind.LIFE_MEETING,
    Kind.APPRAISAL,
)
GROUP_CADENCE = (Kind.GROUP_MEETING,)


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # exclusive
    per: str

    @property
    def label(self) -> str:
        if self.per == "year":
            return f"{self.start.year}年"
        if self.per == "quarter":
            return f"{self.start.year}年第{(self.start.month - 1) // 3 + 1}季度"
        return f"{self.start.year}年{self.start.month}月"

    def __contains__(self, day: dt.date) -> bool:
        return self.start <= day < self.end


@dataclass(frozen=True)
class Cadence:
    kind: str
    per: str
    times: int
    day: int
    month: int | None
    rule: Rule

    @property
    def label(self) -> str:
        return Kind(self.kind).label

    def explain(self) -> str:
        return self.rule.explain(period=PERIOD_NAMES[self.per])


def cadence(kind: str) -> Cadence:
    """The cadence in force for ``kind`` (the rule with this site's override)."""
    rule = get_rule(f"life.{kind}")
    per = rule["per"]
    if per not in MONTHS:
        raise ValueError(f"life.{kind}: per must be one of {sorted(MONTHS)}, not {per!r}")
    times = int(rule["times"])
    if times < 1:
        raise ValueError(f"life.{kind}: times must be at least 1")
    return Cadence(kind, per, times, int(rule["day"]), rule.params.get("month"), rule)


def due_kinds(org_kind: str, has_committee: bool) -> list[str]:
    """The kinds of meeting an organisation of ``org_kind`` is due to hold."""
    if org_kind in BRANCH_KINDS:
        return [k for k in BRANCH_CADENCE if has_committee or k != Kind.COMMITTEE_MEETING]
    if org_kind == OrgKind.PARTY_GROUP:
        return list(GROUP_CADENCE)
    return []


def period_of(day: dt.date, per: str) -> Period:
    months = MONTHS[per]
    first_month = (day.month - 1) // months * months + 1
    start = dt.date(day.year, first_month, 1)
    return Period(start, add_months(start, months), per)


def periods(start: dt.date, end: dt.date, per: str) -> list[Period]:
    """The periods that overlap [start, end), in order."""
    found, period = [], period_of(start, per)
    while period.start < end:
        found.append(period)
        period = period_of(period.end, per)
    return found


def slots(rule: Cadence, period: Period) -> list[dt.date]:
    """Suggested dates for the ``times`` meetings of one period: the period is cut into ``times``
    equal parts and each meeting goes on the rule's day of its part (its last day when the part is
    shorter); a yearly meeting with a ``month`` goes on that month's day."""
    if rule.per == "year" and rule.month and rule.times == 1:
        month = dt.date(period.start.year, int(rule.month), 1)
        last_day = calendar.monthrange(month.year, month.month)[1]
        return [month.replace(day=min(max(rule.day, 1), last_day))]
    length = (period.end - period.start).days
    days = []
    for n in range(rule.times):
        part_start = period.start + dt.timedelta(days=n * length // rule.times)
        part_end = period.start + dt.timedelta(days=(n + 1) * length // rule.times)
        wanted = part_start + dt.timedelta(days=max(rule.day, 1) - 1)
        days.append(min(wanted, part_end - dt.timedelta(days=1)))
    return days
