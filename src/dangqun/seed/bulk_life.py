"""Years of 组织生活 for the large data set: every branch's meetings by the cadence rules, with
their attendance, for measuring the radar at the size of a real group (about 5,000 branches).

Each branch holds most of what its cadence asks (some periods are missed, so the radar has
findings), its party groups meet monthly, and every member has a 谈心谈话 a year. Past meetings
are finalised with their counts; the rest of this year is planned. Members' ``Standing`` is
computed from the attendance generated. Rows go in with COPY on PostgreSQL, a few hundred
branches per transaction.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from collections import defaultdict
from collections.abc import Callable

from django.db import connection, transaction
from django.utils import timezone

from dangqun.core.bulk import insert_dicts
from dangqun.life import cadence, tally
from dangqun.life.attendance import refresh_standing
from dangqun.life.models import Attendee, Kind, Meeting, Presence, Role, Standing, Status
from dangqun.orgs.models import BRANCH_KINDS, Org, Term
from dangqun.orgs.models import Kind as OrgKind
from dangqun.people.models import Person, PoliticalStatus

BRANCHES_PER_BATCH = 200
MISSED = 0.08  # share of due meetings a branch does not hold
PRESENCE = [(Presence.PRESENT, 0.86), (Presence.LEAVE, 0.08), (Presence.ABSENT, 0.06)]
MINUTES = "书记传达上级精神，党员逐一交流学习体会，会议对下一步工作作出安排。"


def seed_bulk_life(
    root: Org,
    *,
    seed: int = 1,
    years: int = 3,
    today: dt.date | None = None,
    progress: Callable[[str], None] | None = None,
) -> tuple[int, int]:
    """Meetings for ``years`` years up to the end of this year under the party tree ``root``;
    returns (meetings, attendance rows)."""
    progress = progress or (lambda message: None)
    rng = random.Random(f"{seed}:bulk-life")  # noqa: S311 (demo data, not secrets)
    today = today or timezone.localdate()
    start = dt.date(today.year - years + 1, 1, 1)
    end = dt.date(today.year + 1, 1, 1)
    branches = list(
        Org.objects.filter(
            path__startswith=root.path, kind__in=BRANCH_KINDS, dissolved_on__isnull=True
        )
        .order_by("path")
        .values_list("pk", "path", "kind")
    )
    groups = defaultdict(list)
    for pk, path in Org.objects.filter(
        path__startswith=root.path, kind=OrgKind.PARTY_GROUP, dissolved_on__isnull=True
    ).values_list("pk", "path"):
        groups[path[: -Org.steplen]].append(pk)
    committees = set(
        Term.objects.filter(closed_on__isnull=True, has_committee=True).values_list(
            "org_id", flat=True
        )
    )
    members = defaultdict(list)
    for pk, branch, status in Person.objects.filter(is_current_member=True).values_list(
        "pk", "party_branch_id", "political_status"
    ):
        role = Role.PROBATIONARY if status == PoliticalStatus.PROBATIONARY else Role.MEMBER
        members[branch].append((pk, role))
    rules = {kind: cadence.cadence(kind) for kind in (*cadence.BRANCH_CADENCE, Kind.GROUP_MEETING)}
    known = set(Standing.objects.values_list("person_id", flat=True))  # e.g. the demo's members
    now = timezone.now()
    meetings_written = rows_written = 0
    for offset in range(0, len(branches), BRANCHES_PER_BATCH):
        meetings, attendance, standing = [], [], {}
        for pk, path, _kind in branches[offset : offset + BRANCHES_PER_BATCH]:
            people = members.get(pk, [])
            branch_groups = groups.get(path, [])
            plan = _branch_plan(rng, pk, pk in committees, branch_groups, people, rules, start, end)
            batch = (meetings, attendance, standing)
            _hold_meetings(rng, plan, people, branch_groups, now, batch)
        with transaction.atomic():
            ids = insert_dicts(Meeting, meetings)
            insert_dicts(
                Attendee,
                [
                    {
                        "meeting_id": ids[index],
                        "person_id": person,
                        "role": role,
                        "presence": presence,
                        "leave_reason": "出差" if presence == Presence.LEAVE else "",
                        "checked_in_at": starts if presence == Presence.PRESENT else None,
                    }
                    for index, person, role, presence, starts in attendance
                ],
            )
            _write_standing(standing)
        meetings_written += len(meetings)
        rows_written += len(attendance)
        progress(
            f"组织生活 {min(offset + BRANCHES_PER_BATCH, len(branches)):,}/{len(branches):,} 个支部，"
            f"{meetings_written:,} 次，参会记录 {rows_written:,} 条"
        )
    refresh_standing(known)  # they also attend meetings this seeder did not write
    progress("组织生活月度统计重算中")
    tally.rebuild()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE life_meeting")
            cursor.execute("ANALYZE life_attendee")
            cursor.execute("ANALYZE life_standing")
            cursor.execute("ANALYZE life_meetingtally")
    return meetings_written, rows_written


def _branch_plan(rng, pk, has_committee, branch_groups, people, rules, start, end) -> list[tuple]:
    """What a branch's cadence asks for, its party groups' monthly meetings and each member's
    谈心谈话 a year: (org, kind, starts_at[, the one person expected])."""
    plan = []
    for kind in cadence.due_kinds(OrgKind.BRANCH, has_committee):
        rule = rules[kind]
        for period in cadence.periods(start, end, rule.per):
            for day in cadence.slots(rule, period):
                plan.append((pk, kind, _when(rng, day)))
    for group in branch_groups:
        for period in cadence.periods(start, end, "month"):
            plan.append(
                (group, Kind.GROUP_MEETING, _when(rng, period.start + dt.timedelta(days=7)))
            )
    for year in range(start.year, end.year):
        for person, _ in people:  # one 谈心谈话 a year each
            day = dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
            plan.append((pk, Kind.HEART_TALK, _when(rng, day), person))
    return plan


def _hold_meetings(rng, plan, people, branch_groups, now, batch) -> None:
    """Add the planned meetings to ``batch`` (meetings, attendance, standing): past ones held
    (some missed) with who came, the rest of this year planned."""
    meetings, attendance, standing = batch
    for org, kind, starts, *only in plan:
        past = starts < now
        if past and rng.random() < MISSED:
            continue
        expected = [p for p in people if not only or p[0] == only[0]]
        if kind == Kind.GROUP_MEETING:
            expected = [
                p
                for i, p in enumerate(people)
                if i % max(len(branch_groups), 1) == branch_groups.index(org)
            ]
        meeting = _meeting(org, kind, starts, past)
        present = 0
        for person, role in expected:
            presence = _presence(rng) if past else Presence.EXPECTED
            present += presence == Presence.PRESENT and role != Role.GUEST
            attendance.append((len(meetings), person, role, presence, starts))
            if past:
                _track(standing, person, starts, presence)
        if past:
            meeting["expected_count"], meeting["present_count"] = len(expected), present
        meetings.append(meeting)


def _when(rng, day: dt.date) -> dt.datetime:
    hour = rng.choice([9, 14, 15, 16])
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=timezone.get_current_timezone())


def _presence(rng) -> str:
    roll, total = rng.random(), 0.0
    for presence, share in PRESENCE:
        total += share
        if roll < total:
            return presence
    return Presence.ABSENT


def _meeting(org: int, kind: str, starts: dt.datetime, past: bool) -> dict:
    label = Kind(kind).label
    return {
        "org_id": org,
        "kind": kind,
        "topic": f"{timezone.localtime(starts):%Y年%m月}{label}",
        "starts_at": starts,
        "ends_at": starts + dt.timedelta(hours=2),
        "place": "党员活动室",
        "minutes": MINUTES if past else "",
        "status": Status.FINALISED if past else Status.PLANNED,
        "planned": True,
        "held_at": starts if past else None,
        "finalised_at": starts + dt.timedelta(days=1) if past else None,
        "checkin_secret": secrets.token_hex(16),
        "created_at": starts - dt.timedelta(days=20),
    }


def _track(standing: dict, person: int, starts: dt.datetime, presence: str) -> None:
    visits = standing.setdefault(person, [])
    visits.append((starts, presence))


def _write_standing(standing: dict) -> None:
    rows = []
    for person, visits in standing.items():
        visits.sort()
        streak = 0
        for _, presence in reversed(visits):
            if presence != Presence.ABSENT:
                break
            streak += 1
        present = [at for at, presence in visits if presence == Presence.PRESENT]
        rows.append(
            Standing(
                person_id=person,
                first_expected_at=visits[0][0],
                last_present_at=present[-1] if present else None,
                absent_streak=streak,
            )
        )
    Standing.objects.bulk_create(
        rows,
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["person"],
        update_fields=["first_expected_at", "last_present_at", "absent_streak"],
    )
