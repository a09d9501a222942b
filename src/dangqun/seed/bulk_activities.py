"""Three years of activities for the large data set (issue #16 §6): every party branch, union and
league organisation runs some (~50,000 in all), employees of its unit sign up (~1,000,000
sign-ups), most of those at past activities checked in, and volunteer activities carry their
confirmed hours (~600,000 entries). Deterministic per seed. Rows go in with COPY on PostgreSQL,
a few thousand activities per transaction; the participation roll-up is recounted at the end.

Expected counts, from ``sample_counts`` (the same per-activity logic without the database, every
unit taken as large enough), per activity and scaled to 50,000, 2026-06-15, seeds 1/2/3:
  20,000 activities: 20.22/20.13/20.25 sign-ups -> ~1,010,000; 12.39/12.41/12.36 hours entries
  -> ~619,000 (2,000 activities: 1,005k/1,003k/1,008k sign-ups, 614k/619k/620k hours entries).
By hand: 70 % volunteer x 97 % not cancelled x 97.3 % already past (three years of a span a
month longer) = 66 % confirmed volunteer activities; 10-34 sign up (22 on average), the first of
them up to the capacity (none, 20, 30 or 40: 20.85 confirmed on average), 90 % of those check in:
0.661 x 20.85 x 0.9 = 12.4 entries an activity. Sign-ups: 0.7 x 22 + 0.3 x 16 = 20.2.
Units smaller than the draw cut a little: the last full seed wrote 985,868 sign-ups where the
sample of its parameters (60 % volunteer, 8-32 for all, 85 % check-in) gave ~1,001,700 and
394,986 hours entries for ~405,000, so expect ~995,000 sign-ups and ~610,000 hours entries.
"""

from __future__ import annotations

import bisect
import datetime as dt
import random
import secrets
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from dangqun.activities import hours, participation
from dangqun.activities.models import (
    Activity,
    ActivityKind,
    HoursEntry,
    OpenTo,
    SignUp,
    SignUpStatus,
    Status,
)
from dangqun.core.bulk import insert_dicts
from dangqun.orgs.models import BRANCH_KINDS, Org, System
from dangqun.people.models import Person

PER_BATCH = 2000
# What sets the counts (see the top of the module): the share of volunteer activities, how many
# sign up and how many places there are (by whether the kind is volunteer service), and how
# many of the confirmed check in and out.
VOLUNTEER_SHARE = 0.7
SIGNUPS = {True: (10, 34), False: (8, 24)}  # volunteer service draws a few more
CAPACITIES = {True: [None, 20, 30, 40], False: [None, 10, 15, 20, 30, 40]}
CHECK_IN = 0.9  # one confirmed in ten does not turn up
CHECK_OUT = 0.7
TITLES = {
    "volunteer": ["社区义诊志愿服务", "关爱留守儿童", "文明交通劝导", "敬老院慰问服务", "植树护绿"],
    "culture": ["读书分享会", "书法摄影展", "红色观影"],
    "sports": ["职工趣味运动会", "健步走", "篮球友谊赛"],
    "union": ["金秋助学", "劳模工匠座谈", "职工生日会"],
    "youth": ["青年联谊", "青年技能比武", "团日活动"],
    "women": ["女职工健康讲座", "亲子活动"],
    "practice": ["红色教育基地参观", "主题实践"],
}
PLACES = ["职工活动中心", "社区服务站", "厂区广场", "城市公园", "会议室", "体育馆"]


def seed_bulk_activities(
    root_orgs: list[Org],
    count: int,
    *,
    seed: int = 1,
    years: int = 3,
    today: dt.date | None = None,
    progress: Callable[[str], None] | None = None,
) -> tuple[int, int, int]:
    """``count`` activities over ``years`` up to a month after ``today``, run by the branches,
    union and league organisations under ``root_orgs``; returns (activities, sign-ups, hours)."""
    progress = progress or (lambda message: None)
    rng = random.Random(f"{seed}:bulk-activities")  # noqa: S311 (demo data, not secrets)
    today = today or timezone.localdate()
    now = _noon(today)  # the same for a seed
    kinds = {kind.code: kind for kind in ActivityKind.objects.all()}
    organisers = _organisers(root_orgs)
    if not organisers:
        return 0, 0, 0
    pools = _Pools()
    first_day, span_days = _span(today, years)
    made = signed = credited = 0
    for start in range(0, count, PER_BATCH):
        batch = min(PER_BATCH, count - start)
        plans = [
            (organisers[rng.randrange(len(organisers))], *_when(rng, kinds, first_day, span_days))
            for _ in range(batch)
        ]
        with transaction.atomic():
            a, s, h = _write(rng, plans, pools, now)
        made, signed, credited = made + a, signed + s, credited + h
        progress(f"活动 {made:,} / {count:,}，报名 {signed:,}，时长 {credited:,}")
    participation.recount(None)
    return made, signed, credited


def sample_counts(
    sample: int = 2000, *, seed: int = 1, today: dt.date = dt.date(2026, 6, 15), pool: int = 500
) -> tuple[int, int, int]:
    """The generator's per-activity logic over ``sample`` activities without the database, every
    organiser's unit taken to have ``pool`` employees: (activities, sign-ups, hours entries), to
    estimate what the large seed writes (see the top of the module)."""
    rng = random.Random(f"{seed}:bulk-activities")  # noqa: S311 (demo data, not secrets)
    kinds = {code: ActivityKind(code=code, volunteer=code == "volunteer") for code in TITLES}
    now = _noon(today)
    first_day, span_days = _span(today, 3)
    people = list(range(pool))
    signed = credited = 0
    for _ in range(sample):
        kind, starts, length = _when(rng, kinds, first_day, span_days)
        row = _activity_row(rng, kind, starts, length, now)
        signups = _signups(rng, row, _people(rng, kind, people), starts, length)
        signed += len(signups)
        credited += sum(_served(row, kind, signup, starts, length) > 0 for signup in signups)
    return sample, signed, credited


def _noon(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


def _span(today: dt.date, years: int) -> tuple[dt.date, int]:
    first_day = today - dt.timedelta(days=365 * years)
    return first_day, (today - first_day).days + 30


def _when(rng, kinds, first_day: dt.date, span_days: int):
    """An activity's kind, start and length."""
    kind = _kind(rng, kinds)
    day = first_day + dt.timedelta(days=rng.randrange(span_days))
    starts = timezone.make_aware(dt.datetime.combine(day, dt.time(rng.choice([9, 10, 14, 15, 19]))))
    length = dt.timedelta(hours=rng.choice([1.5, 2, 2, 3, 4]))
    return kind, starts, length


def _kind(rng, kinds):
    roll = rng.random()
    code = "volunteer" if roll < VOLUNTEER_SHARE else rng.choice(list(TITLES)[1:])
    return kinds[code]


def _organisers(root_orgs: list[Org]) -> list[Org]:
    found = []
    for root in root_orgs:
        orgs = Org.objects.filter(path__startswith=root.path, dissolved_on__isnull=True)
        if root.system == System.PARTY:
            orgs = orgs.filter(kind__in=BRANCH_KINDS)
        found.extend(orgs.exclude(unit__isnull=True).select_related("unit").order_by("path"))
    return found


class _Pools:
    """The employees in each organiser's unit sub-tree (ids), read once."""

    def __init__(self):
        people = Person.objects.filter(employment_status="active").values_list("unit__path", "pk")
        by_path = defaultdict(list)
        for path, pk in people.iterator(chunk_size=20000):
            by_path[path].append(pk)
        self.paths = sorted(by_path)
        self.by_path = by_path
        self.cache: dict[str, list[int]] = {}

    def under(self, path: str) -> list[int]:
        if path not in self.cache:
            first = bisect.bisect_left(self.paths, path)
            ids = []
            for index in range(first, len(self.paths)):
                if not self.paths[index].startswith(path):
                    break
                ids.extend(self.by_path[self.paths[index]])
            self.cache[path] = ids
        return self.cache[path]


def _write(rng, plans, pools: _Pools, now) -> tuple[int, int, int]:
    rows, people_of = [], []
    for org, kind, starts, length in plans:
        rows.append({"org_id": org.pk, **_activity_row(rng, kind, starts, length, now)})
        people_of.append(_people(rng, kind, pools.under(org.unit.path)))
    ids = insert_dicts(Activity, rows)
    signup_rows = []
    for pk, row, people, (_, _kind, starts, length) in zip(
        ids, rows, people_of, plans, strict=True
    ):
        for signup in _signups(rng, row, people, starts, length):
            signup_rows.append({"activity_id": pk, **signup})
    signup_ids = insert_dicts(SignUp, signup_rows)
    by_activity = {pk: (row, plan) for pk, row, plan in zip(ids, rows, plans, strict=True)}
    entry_rows = []
    for signup_pk, signup in zip(signup_ids, signup_rows, strict=True):
        row, (_, kind, starts, length) = by_activity[signup["activity_id"]]
        served = _served(row, kind, signup, starts, length)
        if served > 0:
            entry_rows.append(
                {
                    "person_id": signup["person_id"],
                    "activity_id": signup["activity_id"],
                    "signup_id": signup_pk,
                    "hours": served,
                    "served_on": timezone.localtime(starts).date(),
                    "entered_at": row["confirmed_at"],
                }
            )
    insert_dicts(HoursEntry, entry_rows)
    return len(ids), len(signup_rows), len(entry_rows)


def _activity_row(rng, kind, starts, length, now) -> dict:
    """The activity's columns but its organiser."""
    ends = starts + length
    capacity = rng.choice(CAPACITIES[kind.volunteer])
    status = _status(rng, kind, ends, now)
    return {
        "kind_id": kind.pk,
        "title": rng.choice(TITLES[kind.code]),
        "starts_at": starts,
        "ends_at": ends,
        "place": rng.choice(PLACES),
        "capacity": capacity,
        "signup_closes_at": starts - dt.timedelta(hours=2),
        "open_to": OpenTo.EVERYONE,
        "service_type": "社区服务" if kind.volunteer else "",
        "status": status,
        "checkin_secret": secrets.token_hex(16),
        "created_at": starts - dt.timedelta(days=10),
        "published_at": starts - dt.timedelta(days=9),
        "confirmed_at": ends + dt.timedelta(days=1)
        if status in (Status.CONFIRMED, Status.ARCHIVED) and kind.volunteer
        else None,
        "cancel_reason": "天气原因" if status == Status.CANCELLED else "",
    }


def _people(rng, kind, pool: list[int]) -> list[int]:
    """Who signs up, in the order they queued: a few to a few dozen of the unit's employees."""
    wanted = min(len(pool), rng.randint(*SIGNUPS[kind.volunteer]))
    return rng.sample(pool, wanted) if wanted else []


def _signups(rng, row, people, starts, length) -> list[dict]:
    """The sign-up columns but the activity: the first ``capacity`` confirmed, the others waiting
    (or let go once it took place); most of the confirmed at a past activity checked in."""
    took_place = row["status"] in (Status.HELD, Status.CONFIRMED, Status.ARCHIVED)
    capacity = row["capacity"]
    rows = []
    for position, person in enumerate(people):
        confirmed = capacity is None or position < capacity
        if took_place and not confirmed:
            state = SignUpStatus.CANCELLED
        else:
            state = SignUpStatus.CONFIRMED if confirmed else SignUpStatus.WAITING
        queued = row["published_at"] + dt.timedelta(minutes=position * 7)
        signup = {
            "person_id": person,
            "status": state,
            "queued_at": queued,
            "decided_at": queued,
            "reason": "活动已举行" if state == SignUpStatus.CANCELLED else "",
        }
        if took_place and confirmed and rng.random() < CHECK_IN:
            signup["checked_in_at"] = starts + dt.timedelta(minutes=rng.randint(-15, 20))
            signup["by_code"] = True
            if rng.random() < CHECK_OUT:
                signup["checked_out_at"] = (
                    starts + length - dt.timedelta(minutes=rng.randint(0, 20))
                )
        rows.append(signup)
    return rows


def _served(row, kind, signup, starts, length) -> Decimal:
    """The confirmed hours of a checked-in volunteer at a confirmed activity, else zero."""
    if not (kind.volunteer and row["confirmed_at"] and signup.get("checked_in_at")):
        return hours.ZERO
    slot = (Decimal(length.total_seconds()) / 3600).quantize(hours.TENTH)
    return hours.served(
        starts, starts + length, slot, signup["checked_in_at"], signup.get("checked_out_at")
    )


def _status(rng, kind, ends, now) -> str:
    if rng.random() < 0.03:
        return Status.CANCELLED
    if ends > now:
        return Status.PUBLISHED
    if not kind.volunteer:
        return Status.ARCHIVED if ends < now - dt.timedelta(days=180) else Status.HELD
    if ends > now - dt.timedelta(days=14) and rng.random() < 0.3:
        return Status.HELD  # awaiting the organiser's confirmation
    return Status.ARCHIVED if ends < now - dt.timedelta(days=180) else Status.CONFIRMED
