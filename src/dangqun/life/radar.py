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
from django.utils import timezone

from dangqun.core.dates import months_between
from dangqun.core.rules import Finding, get_rule
from dangqun.life import cadence
from dangqun.life.models import (
    Attendee,
    Kind,
    Meeting,
    MeetingTally,
    Presence,
    Role,
    Standing,
    Status,
)
from dangqun.orgs.models import BRANCH_KINDS, Org, Term
from dangqun.orgs.models import Kind as OrgKind

HELD = (Status.HELD, Status.FINALISED)
RADAR_ORG_KINDS = (*BRANCH_KINDS, OrgKind.PARTY_GROUP)
ORG_FIELDS = ("name", "kind", "path", "depth", "founded_on")  # what the radar and its pages show


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
    whole months from ``start`` to ``end`` (first days of months); periods still running on
    ``today`` are not yet due."""
    if start.day != 1 or end.day != 1:
        raise ValueError("the radar counts whole months")
    today = today or timezone.localdate()
    in_tree = Org.objects.in_subtree(root).filter(
        kind__in=RADAR_ORG_KINDS, dissolved_on__isnull=True
    )
    branches = list(in_tree.only(*ORG_FIELDS).order_by("path"))
    if not branches:
        return []
    # A subquery, not a list: sending thousands of ids costs more than selecting them again.
    ids = in_tree.values("pk")
    committees = set(
        Term.objects.filter(org__in=ids, closed_on__isnull=True, has_committee=True).values_list(
            "org_id", flat=True
        )
    )
    results = {org.pk: BranchRadar(org) for org in branches}
    _count_due(results, ids, committees, start, end, today)
    _count_open_attendance(results, ids, start, end)
    _silence(results, ids, today)
    _members(results, ids, today)
    return list(results.values())


def _count_due(results, ids, committees, start, end, today) -> None:
    """Held against expected for each cadence rule, from the monthly tallies; the attendance of
    finalised meetings comes with them."""
    rules = {kind: cadence.cadence(kind) for kind in cadence.BRANCH_CADENCE + cadence.GROUP_CADENCE}
    periods = {
        per: cadence.periods(start, end, per) for per in {rule.per for rule in rules.values()}
    }
    slots = {  # (kind, first day of a month) → index of its period under the kind's rule
        (kind, month): index
        for kind, rule in rules.items()
        for index, period in enumerate(periods[rule.per])
        for month in _months(period)
    }
    held: dict[tuple[int, str], dict[int, int]] = {}  # (org, kind) → period index → held
    expected, present = defaultdict(int), defaultdict(int)
    rows = MeetingTally.objects.filter(
        org__in=ids,
        kind__in=list(rules),  # 谈心谈话 have no cadence and no list of who should come
        month__gte=start,
        month__lt=end,
    ).values_list("org_id", "kind", "month", "held", "expected", "present")
    for org_id, kind, month, n, expected_n, present_n in rows:  # a tight loop: 150,000 rows
        expected[org_id] += expected_n
        present[org_id] += present_n
        slot = slots.get((kind, month))
        if slot is not None:
            counts = held.get((org_id, kind))
            if counts is None:
                counts = held[org_id, kind] = {}
            counts[slot] = counts.get(slot, 0) + n
    judged = _Judged(periods, start, today)
    labels = {kind: rule.label for kind, rule in rules.items()}
    for pk, result in results.items():
        result.expected_attendance += expected.get(pk, 0)
        result.present_attendance += present.get(pk, 0)
        for kind in cadence.due_kinds(result.org.kind, pk in committees):
            rule, label = rules[kind], labels[kind]
            owed = judged(rule.per, result.org.founded_on)
            counts = held.get((pk, kind), {})
            due = result.due[kind] = Due(kind, label, expected=rule.times * len(owed))
            due.held = sum(min(n, rule.times) for i, n in counts.items() if i in owed)
            for index in sorted(owed - {i for i, n in counts.items() if n >= rule.times}):
                period = periods[rule.per][index]
                text = (
                    f"{period.label}应召开{label} {rule.times} 次，实际 {counts.get(index, 0)} 次"
                )
                result.findings.append(Finding(rule.rule, text, result.org))


class _Judged:
    """The indexes of the periods judged for an organisation founded on a given day: ended by
    ``today``, wholly inside the span and wholly after the founding (the same for most)."""

    def __init__(self, periods, start, today):
        self.periods, self.start, self.today, self.known = periods, start, today, {}

    def __call__(self, per: str, founded: dt.date | None) -> frozenset[int]:
        if (per, founded) not in self.known:
            self.known[per, founded] = frozenset(
                index
                for index, period in enumerate(self.periods[per])
                if period.end <= self.today
                and period.start >= self.start
                and not (founded and period.start < founded)
            )
        return self.known[per, founded]


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
    held = Meeting.objects.filter(
        org__in=ids,
        status=Status.HELD,
        starts_at__gte=_moment(start),
        starts_at__lt=_moment(end),
    ).values("pk")
    rows = (
        Attendee.objects.filter(meeting__in=held)
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
        org__in=ids, status__in=HELD, starts_at__lt=_moment(today + dt.timedelta(days=1))
    )
    if len(results) > 1:
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
        elif len(results) > 1:
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
        Standing.objects.filter(person__party_branch__in=ids, person__is_current_member=True)
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
        months = months_between(since, today)
        if months >= life_rule["warn_months"]:
            text = life_rule.explain(name=name, months_since=months)
            result.findings.append(Finding(life_rule, text, person_id))


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
