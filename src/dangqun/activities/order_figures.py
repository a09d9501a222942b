"""The monthly list of 群众点单·党员接单: per unit (the order's organisation), how many orders
were raised, claimed, done and rated in a month, and how many of the ratings were satisfied.
Four grouped counts over the orders in the reader's scope, whatever the number of units."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from dangqun.accounts.roles import MANAGE_ACTIVITIES, MANAGE_VOICES, VIEW_ACTIVITIES
from dangqun.accounts.scope import Scope, require
from dangqun.activities.models import ServiceOrder
from dangqun.core.dates import add_months
from dangqun.orgs.models import Org
from dangqun.voices.models import Rating

READERS = (VIEW_ACTIVITIES, MANAGE_ACTIVITIES, MANAGE_VOICES)
BAD_MONTH = "月份格式应为 YYYY-MM，如 2026-05"


def may_read(user) -> bool:
    scope = Scope.of(user)
    return any(scope.has(capability) for capability in READERS)


def in_scope(user) -> QuerySet:
    """Orders of organisations the user reads activities or manages voices for."""
    require(may_read(user), "您没有查看服务需求统计的权限")
    scope = Scope.of(user)
    query = Q(pk__in=[])
    for capability in READERS:
        query |= scope.within(capability, "org")
    return ServiceOrder.objects.filter(query)


@dataclass(frozen=True)
class MonthRow:
    org_id: int | None  # None: the 合计 row
    name: str
    raised: int = 0
    claimed: int = 0
    done: int = 0
    rated: int = 0
    satisfied: int = 0  # 满意 or 基本满意


def parse_month(text: str | None, today: dt.date | None = None) -> dt.date | None:
    """The first day of ``YYYY-MM`` (this month when empty), None when it cannot be read."""
    today = today or timezone.localdate()
    if not text:
        return today.replace(day=1)
    try:
        first = dt.datetime.strptime(text, "%Y-%m").date()
    except ValueError:
        return None
    return first if 2000 <= first.year <= 2100 else None


def _bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(month, dt.time.min, tzinfo=tz)
    return start, dt.datetime.combine(add_months(month, 1), dt.time.min, tzinfo=tz)


def monthly(user, month: dt.date) -> tuple[list[MonthRow], MonthRow]:
    """One row per unit with any order counted in the month, and the 合计."""
    orders = in_scope(user)
    start, end = _bounds(month)
    counted = {
        "raised": orders.filter(created_at__gte=start, created_at__lt=end),
        "claimed": orders.filter(claimed_at__gte=start, claimed_at__lt=end),
        "done": orders.filter(done_at__gte=start, done_at__lt=end),
        # the rating of the answer the order gave (not an earlier one)
        "rated": orders.filter(
            answered_at__isnull=False, voice__rated_at__gte=start, voice__rated_at__lt=end
        ).filter(voice__rated_at__gte=F("answered_at")),
    }
    by_org: dict[int, dict[str, int]] = {}
    for name, rows in counted.items():
        extra = {}
        if name == "rated":
            liked = Q(voice__rating__in=(Rating.SATISFIED, Rating.BASICALLY))
            extra["satisfied"] = Count("pk", filter=liked)
        for row in rows.values("org_id").annotate(n=Count("pk"), **extra).order_by():
            counts = by_org.setdefault(row["org_id"], {})
            counts[name] = row["n"]
            if "satisfied" in row:
                counts["satisfied"] = row["satisfied"]
    names = dict(Org.objects.filter(pk__in=list(by_org)).values_list("pk", "name"))
    rows = [MonthRow(pk, names.get(pk, ""), **counts) for pk, counts in by_org.items()]
    rows.sort(key=lambda row: row.name)
    fields = ("raised", "claimed", "done", "rated", "satisfied")
    total = MonthRow(None, "合计", **{f: sum(getattr(r, f) for r in rows) for f in fields})
    return rows, total
