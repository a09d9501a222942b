"""The compliance radar of 组织生活: for each branch in a sub-tree and a span of dates, how many
meetings each cadence rule expected and how many were held, the attendance rate, and findings —
each citing its rule — for periods without the meeting due, branches silent for too long, members
absent several times in a row and members nearing six months without organisation life (§2, §5).

Everything is counted with a fixed number of aggregate queries whatever the number of branches;
``rollup`` sums branches under each child of the organisation looked at, for drill-down.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Max, Q, Sum
from django.db.models.functions import ExtractMonth, ExtractYear
from django.utils import timezone

from dangqun.core.rules import Finding, get_rule
from dangqun.life import cadence
from dangqun.life.models import Attendee, Kind, Meeting, Presence, Role, Standing, Status
from dangqun.orgs.models import BRANCH_KINDS, Org, Term
from dangqun.orgs.models import Kind as OrgKind

HELD = (Status.HELD, Status.FINALISED)
RADAR_ORG_KINDS = (*BRANCH_KINDS, OrgKind.PARTY_GROUP)


@dataclass
class Due:
    """One cadence rule over the span: periods that have ended, and those with their meeting."""

    kind: str
    label: str
    expected: int = 0
    held: int = 0


@dataclass
class BranchRadar:
    org: Org
    due: dict[str, Due] = field(default_factory=dict)
    expected_attendance: int = 0
    present_attendance: int = 0
    last_held: dt.date | None = None
    findings: list[Finding] = field(default_factory=list)

    @property
    def attendance_rate(self) -> float | None:
        if not self.expected_attendance:
            return None
        return self.present_attendance / self.expected_attendance

    @property
    def green(self) -> bool:
        return not self.findings


def radar(
    root: Org, start: dt.date, end: dt.date, today: dt.date | None = None
) -> list[BranchRadar]:
    """One ``BranchRadar`` per active branch (and party group) in ``root``'s sub-tree, for the
    meetings in [start, end); periods still running on ``today`` are not yet due."""
    today = today or timezone.localdate()
    branches = list(
        Org.objects.in_subtree(root)
        .filter(kind__in=RADAR_ORG_KINDS, dissolved_on__isnull=True)
        .order_by("path")
    )
    if not branches:
        return []
    ids = [org.pk for org in branches]
    committees = set(
        Term.objects.filter(org_id__in=ids, closed_on__isnull=True, has_committee=True).values_list(
            "org_id", flat=True
        )
    )
    results = {org.pk: BranchRadar(org) for org in branches}
    _count_due(results, committees, start, min(end, today + dt.timedelta(days=1)), today)
    _count_open_attendance(results, ids, start, end)
    _silence(results, ids, today)
    _members(results, ids, today)
    return [results[pk] for pk in ids]


def _count_due(results, committees, start, end, today) -> None:
    rules = {kind: cadence.cadence(kind) for kind in cadence.BRANCH_CADENCE + cadence.GROUP_CADENCE}
    periods = {
        per: cadence.periods(start, end, per) for per in {rule.per for rule in rules.values()}
    }
    month_to_period = {  # (per, first day of a month) → index of its period
        (per, month): index
        for per, found in periods.items()
        for index, period in enumerate(found)
        for month in _months(period)
    }
    held = defaultdict(int)  # (org, kind, period index) → meetings held
    rows = (
        Meeting.objects.filter(
            org_id__in=list(results),
            kind__in=list(rules),  # 谈心谈话 have no cadence: most rows, nothing to count
            status__in=HELD,
            starts_at__gte=_moment(start),
            starts_at__lt=_moment(end),
        )
        .annotate(year=ExtractYear("starts_at"), month=ExtractMonth("starts_at"))
        .values_list("org_id", "kind", "year", "month")
        .annotate(n=Count("pk"), expected=Sum("expected_count"), present=Sum("present_count"))
        .order_by()
    )  # integers, not datetimes: converting 200,000 of those took seconds
    for org_id, kind, year, month, n, expected, present in rows:
        # Attendance of finalised meetings comes with them (谈心谈话 are left out: one person).
        results[org_id].expected_attendance += expected or 0
        results[org_id].present_attendance += present or 0
        rule = rules.get(kind)
        if rule is None:
            continue
        index = month_to_period.get((rule.per, dt.date(year, month, 1)))
        if index is not None:
            held[(org_id, kind, index)] += n
    for pk, result in results.items():
        founded = result.org.founded_on
        for kind in cadence.due_kinds(result.org.kind, pk in committees):
            rule = rules[kind]
            due = result.due.setdefault(kind, Due(kind, rule.label))
            for index, period in enumerate(periods[rule.per]):
                if period.end > today or period.start < start:
                    continue  # still running, or partly before the span: not judged
                if founded and period.start < founded:
                    continue  # the organisation did not exist for all of it
                done = min(held[(pk, kind, index)], rule.times)
                due.expected += rule.times
                due.held += done
                if done < rule.times:
                    result.findings.append(
                        Finding(
                            rule.rule,
                            f"{period.label}应召开{rule.label} {rule.times} 次，实际 {done} 次",
                            result.org,
                        )
                    )


def _months(period) -> list[dt.date]:
    months, month = [], period.start
    while month < period.end:
        months.append(month)
        month = cadence.add_months(month, 1)
    return months


def _moment(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


def _count_open_attendance(results, ids, start, end) -> None:
    """Meetings held but not yet finalised have no counts yet: their attendance rows (few)."""
    held = list(
        Meeting.objects.filter(
            org_id__in=ids,
            status=Status.HELD,
            starts_at__gte=_moment(start),
            starts_at__lt=_moment(end),
        ).values_list("pk", flat=True)
    )
    if not held:
        return
    rows = (
        Attendee.objects.filter(meeting_id__in=held)
        .exclude(role=Role.GUEST)
        .values("meeting__org_id")
        .annotate(expected=Count("pk"), present=Count("pk", filter=Q(presence=Presence.PRESENT)))
        .values_list("meeting__org_id", "expected", "present")
        .order_by()
    )
    for org_id, expected, present in rows:
        results[org_id].expected_attendance += expected
        results[org_id].present_attendance += present


def _silence(results, ids, today) -> None:
    """Branches without a held meeting in the rule's number of days. The date of the last one is
    read over a recent window (one branch alone: over all its meetings)."""
    rule = get_rule("life.silent_branch")
    window = max(rule["days"] * 3, 90)
    held = Meeting.objects.filter(
        org_id__in=ids, status__in=HELD, starts_at__lt=_moment(today + dt.timedelta(days=1))
    )
    if len(ids) > 1:
        held = held.filter(starts_at__gte=_moment(today - dt.timedelta(days=window)))
    last = dict(
        held.values("org_id")
        .annotate(last=Max("starts_at"))
        .values_list("org_id", "last")
        .order_by()
    )
    for pk, result in results.items():
        if pk in last:
            result.last_held = timezone.localtime(last[pk]).date()
        days = (today - result.last_held).days if result.last_held else None
        founded = result.org.founded_on
        new = founded is not None and (today - founded).days <= rule["days"]
        if (
            result.org.kind not in BRANCH_KINDS
            or new
            or (days is not None and days <= rule["days"])
        ):
            continue
        if days is not None:
            text = rule.explain(days_silent=days)
        elif len(ids) > 1:
            text = f"党支部已超过 {window} 天没有开展组织生活（超过 {rule['days']} 天）"
        else:
            text = "党支部尚无已召开的组织生活记录"
        result.findings.append(Finding(rule, text, result.org))


def _members(results, ids, today) -> None:
    """Members absent (without leave) from their last ``times`` meetings, and members who last
    came (or were first expected) ``warn_months`` or more ago, from their ``Standing``."""
    streak_rule, life_rule = get_rule("life.absence_streak"), get_rule("life.no_life")
    warn = cadence.add_months(today.replace(day=1), -life_rule["warn_months"] + 1)
    cutoff = _moment(warn) - dt.timedelta(days=1)  # loosely: exact months are counted below
    rows = (
        Standing.objects.filter(person__party_branch_id__in=ids, person__is_current_member=True)
        .filter(
            Q(absent_streak__gte=streak_rule["times"])
            | Q(last_present_at__lt=cutoff)
            | Q(last_present_at__isnull=True, first_expected_at__lt=cutoff)
        )
        .values_list(
            "person__party_branch_id",
            "person_id",
            "person__name",
            "absent_streak",
            "last_present_at",
            "first_expected_at",
        )
        .order_by("person__party_branch_id", "person__employee_no")
    )
    for branch_id, person_id, name, streak, present, first in rows:
        result = results.get(branch_id)
        if result is None:
            continue
        if streak >= streak_rule["times"]:
            text = streak_rule.explain(name=name, absent=streak)
            result.findings.append(Finding(streak_rule, text, person_id))
        since = timezone.localtime(present or first).date()
        months = _months_between(since, today)
        if months >= life_rule["warn_months"]:
            text = life_rule.explain(name=name, months_since=months)
            result.findings.append(Finding(life_rule, text, person_id))


def _months_between(first: dt.date, last: dt.date) -> int:
    months = (last.year - first.year) * 12 + last.month - first.month
    return months - (last.day < first.day)


# Roll-up ------------------------------------------------------------------------------------
@dataclass
class Rollup:
    org: Org
    branches: int = 0
    green: int = 0
    due: dict[str, Due] = field(default_factory=dict)
    expected_attendance: int = 0
    present_attendance: int = 0
    silent: int = 0
    findings: int = 0

    @property
    def attendance_rate(self) -> float | None:
        if not self.expected_attendance:
            return None
        return self.present_attendance / self.expected_attendance


def rollup(root: Org, results: list[BranchRadar]) -> list[Rollup]:
    """The branches' numbers summed under each direct child of ``root`` (a branch under ``root``
    itself is its own row), in tree order."""
    children = list(
        Org.objects.filter(path__startswith=root.path, depth=root.depth + 1).order_by("path")
    )
    rows: dict[str, Rollup] = {child.path: Rollup(child) for child in children}
    silent_rule = "life.silent_branch"
    for result in results:
        holder = next((p for p in rows if result.org.path.startswith(p)), None)
        if holder is None:  # root itself is a branch
            holder = result.org.path
            rows.setdefault(holder, Rollup(result.org))
        row = rows[holder]
        row.branches += 1
        row.green += result.green
        row.expected_attendance += result.expected_attendance
        row.present_attendance += result.present_attendance
        row.silent += any(f.rule.id == silent_rule for f in result.findings)
        row.findings += len(result.findings)
        for kind, due in result.due.items():
            total = row.due.setdefault(kind, Due(kind, due.label))
            total.expected += due.expected
            total.held += due.held
    return [row for row in rows.values() if row.branches]


KIND_ORDER = [k.value for k in Kind]
