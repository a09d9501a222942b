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

from django.db.models import Count, Max, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from dangqun.core.rules import Finding, get_rule
from dangqun.life import cadence
from dangqun.life.models import Attendee, Kind, Meeting, Presence, Role, Status
from dangqun.orgs.models import BRANCH_KINDS, Org, Term
from dangqun.orgs.models import Kind as OrgKind

HELD = (Status.HELD, Status.FINALISED)
RADAR_ORG_KINDS = (*BRANCH_KINDS, OrgKind.PARTY_GROUP)
STREAK_LOOKBACK = 12  # the last meetings of a branch read for absence streaks


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
    _count_attendance(results, ids, start, end)
    _silence(results, ids, today)
    _members(results, ids, today)
    return [results[pk] for pk in ids]


def _count_due(results, committees, start, end, today) -> None:
    held = defaultdict(list)  # (org, kind) → months with a held meeting
    rows = (
        Meeting.objects.filter(
            org_id__in=list(results),
            status__in=HELD,
            starts_at__date__gte=start,
            starts_at__date__lt=end,
        )
        .annotate(month=TruncMonth("starts_at"))
        .values("org_id", "kind", "month")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows:
        month = (
            timezone.localtime(row["month"]).date()
            if isinstance(row["month"], dt.datetime)
            else row["month"]
        )
        held[(row["org_id"], row["kind"])].extend([month] * row["n"])
    for pk, result in results.items():
        for kind in cadence.due_kinds(result.org.kind, pk in committees):
            rule = cadence.cadence(kind)
            due = result.due.setdefault(kind, Due(kind, rule.label))
            founded = result.org.founded_on
            for period in cadence.periods(start, end, rule.per):
                if period.end > today or period.start < start:
                    continue  # still running, or partly before the span: not judged
                if founded and period.start < founded:
                    continue  # the organisation did not exist for all of it
                done = min(sum(m in period for m in held[(pk, kind)]), rule.times)
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


def _count_attendance(results, ids, start, end) -> None:
    rows = (
        Attendee.objects.filter(
            meeting__org_id__in=ids,
            meeting__status__in=HELD,
            meeting__starts_at__date__gte=start,
            meeting__starts_at__date__lt=end,
        )
        .exclude(role=Role.GUEST)
        .values("meeting__org_id")
        .annotate(
            expected=Count("pk"),
            present=Count("pk", filter=Q(presence=Presence.PRESENT)),
        )
        .order_by()
    )
    for row in rows:
        result = results[row["meeting__org_id"]]
        result.expected_attendance, result.present_attendance = row["expected"], row["present"]


def _silence(results, ids, today) -> None:
    rule = get_rule("life.silent_branch")
    last = dict(
        Meeting.objects.filter(org_id__in=ids, status__in=HELD)
        .values("org_id")
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
        if result.org.kind in BRANCH_KINDS and not new and (days is None or days > rule["days"]):
            text = (
                rule.explain(days_silent=days)
                if days is not None
                else "党支部尚无已召开的组织生活记录"
            )
            result.findings.append(Finding(rule, text, result.org))


def _members(results, ids, today) -> None:
    """Members absent (without leave) from the last ``times`` meetings they were expected at, and
    members whose last attendance is ``warn_months`` or more ago."""
    streak_rule, life_rule = get_rule("life.absence_streak"), get_rule("life.no_life")
    since = today - dt.timedelta(days=31 * (life_rule["months"] + 1))
    rows = (
        Attendee.objects.filter(
            meeting__org_id__in=ids,
            meeting__status=Status.FINALISED,
            meeting__starts_at__date__gte=since,
        )
        .exclude(role=Role.GUEST)
        .values_list(
            "meeting__org_id", "person_id", "person__name", "presence", "meeting__starts_at"
        )
        .order_by("person_id", "-meeting__starts_at")
    )
    history = defaultdict(list)
    names = {}
    for org_id, person_id, name, presence, starts in rows:
        history[(org_id, person_id)].append((presence, starts))
        names[person_id] = name
    for (org_id, person_id), visits in history.items():
        result = results[org_id]
        streak = 0
        for presence, _ in visits[:STREAK_LOOKBACK]:
            if presence != Presence.ABSENT:
                break
            streak += 1
        if streak >= streak_rule["times"]:
            text = streak_rule.explain(name=names[person_id], absent=streak)
            result.findings.append(Finding(streak_rule, text, person_id))
        attended = [starts for presence, starts in visits if presence == Presence.PRESENT]
        last = timezone.localtime(attended[0]).date() if attended else None
        months = _months_between(last, today) if last else life_rule["months"]
        if months >= life_rule["warn_months"]:
            text = life_rule.explain(name=names[person_id], months_since=months)
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
