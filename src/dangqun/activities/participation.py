"""Participation in activities per enterprise unit and month: who took part (distinct people with
a check-in, by code or marked by the organiser, at an activity that took place, or with volunteer
hours credited that month) and the hours they served, as a share of the unit's headcount.

Counted into ``ParticipationTally`` a month at a time (``recount``): a periodic task recounts this
month every 10 minutes and the nightly check (``core.tallies``) the last 13, so the page reads a
few rows per unit instead of a year of sign-ups. A person counts in the unit they belong to now.
No person is named or ranked here (rule ``activities.no_ranking``): units compare by rates.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import Substr
from django.utils import timezone

from dangqun.accounts.roles import MANAGE_ACTIVITIES, VIEW_ACTIVITIES
from dangqun.accounts.scope import Scope, require
from dangqun.activities.models import HoursEntry, ParticipationTally, SignUp, SignUpStatus, Status
from dangqun.core.dates import add_months
from dangqun.core.rules import get_rule
from dangqun.orgs.models import Org, System
from dangqun.people.models import EmploymentStatus, Person

TOOK_PLACE = (Status.HELD, Status.CONFIRMED, Status.ARCHIVED)
MONTHS_SHOWN = 12
REFUSED = "您无权查看该组织的活动参与情况"


def percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def _moment(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def counted(month: dt.date) -> dict[int, tuple[int, Decimal, int]]:
    """Each unit's (participants, hours, headcount) in ``month``: from the sign-ups and hours
    entries, and the employees in work now (one row for every unit with people)."""
    start, end = _moment(month), _moment(add_months(month, 1))
    people: dict[int, set[int]] = defaultdict(set)
    checked_in = SignUp.objects.filter(
        status=SignUpStatus.CONFIRMED,
        checked_in_at__isnull=False,
        activity__status__in=TOOK_PLACE,
        activity__starts_at__gte=start,
        activity__starts_at__lt=end,
    ).values_list("person__unit_id", "person_id")
    credited = HoursEntry.objects.filter(served_on__gte=month, served_on__lt=add_months(month, 1))
    for unit_id, person_id in checked_in.distinct().iterator(chunk_size=5000):
        people[unit_id].add(person_id)
    for unit_id, person_id in credited.values_list("person__unit_id", "person_id").distinct():
        people[unit_id].add(person_id)
    hours = dict(
        credited.values("person__unit_id")
        .annotate(total=Sum("hours"))
        .values_list("person__unit_id", "total")
    )
    heads = dict(
        Person.objects.filter(employment_status=EmploymentStatus.ACTIVE)
        .values("unit_id")
        .annotate(n=Count("id"))
        .values_list("unit_id", "n")
        .order_by()
    )
    units = set(people) | set(hours) | set(heads)
    return {
        unit: (len(people.get(unit, ())), hours.get(unit) or Decimal(0), heads.get(unit, 0))
        for unit in units
    }


def recount(months: list[dt.date] | None = None) -> list[dt.date]:
    """Recount ``months`` (every month with activities or rows when None) and return those whose
    stored rows were wrong (the ``core.tallies`` rebuild signature)."""
    if months is None:
        months = _months_with_data()
    corrected = []
    for month in sorted(set(months)):
        fresh = counted(month)
        with transaction.atomic():
            stored = {
                row.unit_id: (row.participants, row.hours, row.headcount)
                for row in ParticipationTally.objects.select_for_update().filter(month=month)
            }
            if stored == fresh:
                continue
            ParticipationTally.objects.filter(month=month).delete()
            ParticipationTally.objects.bulk_create(
                (
                    ParticipationTally(
                        unit_id=unit, month=month, participants=n, hours=h, headcount=heads
                    )
                    for unit, (n, h, heads) in fresh.items()
                ),
                batch_size=2000,
            )
        corrected.append(month)
    return corrected


def _months_with_data() -> list[dt.date]:
    firsts = set(ParticipationTally.objects.values_list("month", flat=True).distinct())
    dates = HoursEntry.objects.values_list("served_on", flat=True).distinct()
    firsts |= {day.replace(day=1) for day in dates}
    starts = SignUp.objects.filter(checked_in_at__isnull=False).values_list(
        "activity__starts_at", flat=True
    )
    firsts |= {timezone.localtime(at).date().replace(day=1) for at in starts.distinct()}
    return sorted(firsts)


def recount_current() -> list[dt.date]:
    """This month, and last month during the first days of this one (late confirmations)."""
    today = timezone.localdate()
    months = [today.replace(day=1)]
    if today.day <= 7:
        months.append(add_months(months[0], -1))
    return recount(months)


# The page's figures -------------------------------------------------------------------------
def chosen_org(user, wanted) -> Org:
    """The organisation the page shows: ``wanted`` (an id) when given — 404 unless the user may
    read it, as any object outside the scope —, else the first they may read (404: none)."""
    from django.http import Http404

    from dangqun.core.ids import parse_id

    if wanted:
        pk = parse_id(wanted)
        org = Org.objects.filter(pk=pk, system=System.ENTERPRISE).first() if pk else None
        if org is None or not may_read(user, org):
            raise Http404("没有找到该单位")
        return org
    units = readable_units(user)
    if not units:
        raise Http404("没有可查看的单位")
    return units[0]


def trail(user, org: Org) -> list[Org]:
    """The organisation's ancestors the user may also read (links up the tree)."""
    ancestors = Org.objects.filter(path__in=org.ancestor_paths()).order_by("depth")
    return [a for a in ancestors if may_read(user, a)]


def may_read(user, org: Org) -> bool:
    scope = Scope.of(user)
    return scope.can(VIEW_ACTIVITIES, org) or scope.can(MANAGE_ACTIVITIES, org)


def readable_units(user) -> list[Org]:
    """The enterprise organisations whose participation the user may read (top ones first)."""
    scope = Scope.of(user)
    q = scope.org_q(VIEW_ACTIVITIES) | scope.org_q(MANAGE_ACTIVITIES)
    return list(Org.objects.filter(q, system=System.ENTERPRISE).order_by("depth", "path")[:1])


@dataclass(frozen=True)
class Month:
    month: dt.date
    participants: int
    hours: Decimal
    rate: float | None  # participants ÷ headcount

    @property
    def label(self) -> str:
        return f"{self.month.year}年{self.month.month}月"

    @property
    def rate_text(self) -> str:
        return percent(self.rate)


@dataclass(frozen=True)
class UnitRow:
    org: Org
    headcount: int
    participants: int  # summed over the months: person-months
    hours: Decimal

    @property
    def monthly_rate(self) -> float | None:
        """Average share of the headcount taking part in a month."""
        if not self.headcount:
            return None
        return self.participants / self.headcount / MONTHS_SHOWN

    @property
    def rate_text(self) -> str:
        return percent(self.monthly_rate)

    @property
    def hours_per_person(self) -> Decimal | None:
        if not self.headcount:
            return None
        return (self.hours / self.headcount).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class Figures:
    org: Org
    months: list[Month]
    rows: list[UnitRow]  # the organisation's direct sub-units, rolled up
    headcount: int
    rule: object


def figures(user, org: Org, last: dt.date | None = None) -> Figures:
    """The 12 months to ``last`` (this month by default) for ``org``: a trend of participants,
    rate and hours, and a table of its direct sub-units (or itself when it has none). Two
    aggregates over the roll-up; headcounts are the last month's."""
    require(org.system == System.ENTERPRISE and may_read(user, org), REFUSED)
    last = (last or timezone.localdate()).replace(day=1)
    first = add_months(last, -(MONTHS_SHOWN - 1))
    children = list(
        Org.objects.filter(path__startswith=org.path, depth=org.depth + 1).order_by("path")
    )
    rows = ParticipationTally.objects.filter(
        month__gte=first, month__lte=last, unit__path__startswith=org.path
    ).order_by()
    sums = {"n": Sum("participants"), "h": Sum("hours"), "heads": Sum("headcount")}
    by_month = {r["month"]: r for r in rows.values("month").annotate(**sums)}
    width = len(org.path) + (Org.steplen if children else 0)
    by_group = {
        r["group"]: r
        for r in rows.annotate(group=Substr("unit__path", 1, width))
        .values("group")
        .annotate(
            n=Sum("participants"),
            h=Sum("hours"),
            heads=Sum("headcount", filter=Q(month=last)),
        )
    }
    headcount = (by_month.get(last) or {}).get("heads") or 0
    months = []
    month = first
    while month <= last:
        row = by_month.get(month) or {}
        n, heads = row.get("n") or 0, row.get("heads") or 0
        months.append(Month(month, n, row.get("h") or Decimal(0), n / heads if heads else None))
        month = add_months(month, 1)
    table = []
    for group in children or [org]:
        row = by_group.get(group.path) or {}
        table.append(
            UnitRow(group, row.get("heads") or 0, row.get("n") or 0, row.get("h") or Decimal(0))
        )
    return Figures(org, months, table, headcount, get_rule("activities.no_ranking"))
