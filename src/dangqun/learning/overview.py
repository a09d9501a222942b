"""Who is short of the year's 学时 (issue #17 §4), for a 党委 or a branch: per direct sub-organisation
the members, how many completed, the rate, and the hours still owed; at a branch (no party
organisation below it) the names of those short, for the secretary who must act; members kept
directly by a 党委 or 党总支 that has branches below it are a row of their own, with names. Rates and names
for those who act, no ranking: names are listed by 拼音, never by shortfall.

As of today (the default) it reads the ``Standing`` roll-up with two aggregates; as of an earlier
day it sums the ledger entries up to that day per member (slower, still one query)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Greatest, Substr
from django.http import Http404
from django.utils import timezone

from dangqun.accounts.roles import MANAGE_LEARNING, VIEW_LEARNING
from dangqun.accounts.scope import Scope, require
from dangqun.core.ids import parse_id
from dangqun.core.rules import get_rule
from dangqun.learning.models import LedgerEntry, Standing
from dangqun.orgs.models import Org, System

REFUSED = "您无权查看该组织的学时情况"
ZERO = Decimal(0)
HOURS = DecimalField(max_digits=8, decimal_places=1)
NAMES_LISTED = 500


def may_read(user, org: Org) -> bool:
    scope = Scope.of(user)
    return org.system == System.PARTY and (
        scope.can(VIEW_LEARNING, org) or scope.can(MANAGE_LEARNING, org)
    )


def chosen_org(user, wanted) -> Org:
    """The party organisation shown: ``wanted`` (an id) if the user may read it (else 404, as
    any object outside the scope), else the top one they may read (404: none)."""
    if wanted:
        pk = parse_id(wanted)
        org = Org.objects.filter(pk=pk).first() if pk else None
        if org is None or not may_read(user, org):
            raise Http404("没有找到该组织")
        return org
    scope = Scope.of(user)
    q = scope.org_q(VIEW_LEARNING) | scope.org_q(MANAGE_LEARNING)
    org = Org.objects.filter(q, system=System.PARTY).order_by("depth", "path").first()
    if org is None:
        raise Http404("没有可查看的党组织")
    return org


def trail(user, org: Org) -> list[Org]:
    ancestors = Org.objects.filter(path__in=org.ancestor_paths()).order_by("depth")
    return [a for a in ancestors if may_read(user, a)]


def chosen_day(year: int, raw) -> dt.date:
    """The day the figures are as of: the one asked for within ``year`` (not after today), else
    today for this year and the year's last day for a past one."""
    today = timezone.localdate()
    last = min(dt.date(year, 12, 31), today)
    try:
        day = dt.date.fromisoformat(str(raw)) if raw else last
    except ValueError:
        day = last
    return min(max(day, dt.date(year, 1, 1)), last)


@dataclass(frozen=True)
class Row:
    org: Org
    members: int
    completed: int
    done: Decimal
    required: Decimal
    owed: Decimal  # the hours still owed, summed over those short

    @property
    def short(self) -> int:
        return self.members - self.completed

    @property
    def rate(self) -> float | None:
        return self.completed / self.members if self.members else None

    @property
    def rate_text(self) -> str:
        return "—" if self.rate is None else f"{self.rate * 100:.1f}%"

    @property
    def per_member(self) -> Decimal | None:
        return (self.done / self.members).quantize(Decimal("0.1")) if self.members else None


@dataclass(frozen=True)
class Short:
    person_id: int
    name: str
    employee_no: str
    branch: str
    required: Decimal
    done: Decimal

    @property
    def owed(self) -> Decimal:
        return max(self.required - self.done, ZERO)


@dataclass(frozen=True)
class Overview:
    org: Org
    year: int
    as_of: dt.date
    rows: list[Row]
    total: Row
    short: list[Short] | None  # who is short: at a branch, or the members directly under a 党委
    rule: object
    has_children: bool = False

    @property
    def so_far(self) -> bool:
        return self.as_of < dt.date(self.year, 12, 31)


def _standings(org: Org, year: int, as_of: dt.date):
    rows = Standing.objects.filter(year=year, branch__path__startswith=org.path)
    today = timezone.localdate()
    if year == today.year:  # who must act now: members still here
        rows = rows.filter(Q(left_on__isnull=True) | Q(left_on__gt=today))
    if as_of >= min(dt.date(year, 12, 31), timezone.localdate()):
        return rows.annotate(counted=F("done"))
    upto = (
        LedgerEntry.objects.filter(person_id=OuterRef("person_id"), year=year, on__lte=as_of)
        .order_by()
        .values("person_id")
        .annotate(total=Sum("hours"))
        .values("total")
    )
    return rows.annotate(counted=Coalesce(Subquery(upto, output_field=HOURS), Value(ZERO)))


def overview(user, org: Org, year: int, as_of: dt.date | None = None) -> Overview:
    require(may_read(user, org), REFUSED)
    as_of = as_of or chosen_day(year, None)
    children = list(
        Org.objects.filter(
            path__startswith=org.path, depth=org.depth + 1, system=System.PARTY
        ).order_by("path")
    )
    width = len(org.path) + (Org.steplen if children else 0)
    rows = _standings(org, year, as_of).annotate(
        group=Substr("branch__path", 1, width),
        gap=Greatest(F("required") - F("counted"), Value(ZERO), output_field=HOURS),
    )
    grouped = {
        r["group"]: r
        for r in rows.values("group").annotate(
            n_members=Count("pk"),
            n_completed=Count("pk", filter=Q(counted__gte=F("required"))),
            sum_done=Sum("counted"),
            sum_required=Sum("required"),
            sum_owed=Sum("gap"),
        )
    }
    table = [_row(group, grouped.get(group.path, {})) for group in children or [org]]
    direct = grouped.get(org.path) if children else None
    if direct:  # members whose branch is the 党委 or 党总支 itself (people.rules allows it)
        table.append(_row(org, direct))
    total = Row(
        org,
        sum(r.members for r in table),
        sum(r.completed for r in table),
        sum((r.done for r in table), ZERO),
        sum((r.required for r in table), ZERO),
        sum((r.owed for r in table), ZERO),
    )
    if not children:
        short = _short(rows)
    elif direct:
        short = _short(rows.filter(branch=org))
    else:
        short = None
    return Overview(
        org, year, as_of, table, total, short, get_rule("learning.requirement"), bool(children)
    )


def _row(org: Org, found: dict) -> Row:
    return Row(
        org,
        found.get("n_members") or 0,
        found.get("n_completed") or 0,
        found.get("sum_done") or ZERO,
        found.get("sum_required") or ZERO,
        found.get("sum_owed") or ZERO,
    )


def _short(rows) -> list[Short]:
    found = (
        rows.filter(counted__lt=F("required"))
        .order_by("person__name_pinyin", "person__employee_no")
        .values_list(
            "person_id",
            "person__name",
            "person__employee_no",
            "branch__name",
            "required",
            "counted",
        )[:NAMES_LISTED]
    )
    return [Short(*row) for row in found]
