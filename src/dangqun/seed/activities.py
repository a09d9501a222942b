"""志愿服务与活动 for the demo: the demo branch's activities in every state — a draft, published ones
with places, a waiting list and approvals, one held awaiting its hours, confirmed ones, a cancelled
one — a union activity, a volunteer team, and the employee ``yuangong`` signed up to some and, from a
year of monthly service days, a one-star volunteer (≥ 100 confirmed hours)."""

from __future__ import annotations

import datetime as dt
import importlib

from django.apps import apps
from django.utils import timezone

from dangqun.accounts.models import User
from dangqun.activities import hours, organising, signups, volunteers
from dangqun.activities.models import Activity, ActivityKind, OpenTo, SignUp, SignUpStatus, Status
from dangqun.core.dates import add_months
from dangqun.orgs.models import Org
from dangqun.people.models import Person

SERVICE_DAYS = 13  # monthly 8-hour service days of the past year: 104 h, one star
PLACES = ["幸福社区服务中心", "市儿童福利院", "滨江公园", "公司职工之家", "城南敬老院"]


def ensure_kinds() -> None:
    """The activity kinds are the migration's rows, which a flushed database (``manage.py flush``,
    tests that commit) no longer has: put them back the migration's way (it adds what is missing)."""
    importlib.import_module("dangqun.activities.migrations.0002_kinds").add_kinds(apps, None)


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _activity(user, org, kind, title, starts, hours_long, **data) -> Activity:
    return organising.create(
        user,
        {
            "kind": kind,
            "title": title,
            "org": org,
            "starts_at": starts,
            "ends_at": starts + dt.timedelta(hours=hours_long),
            "place": data.pop("place", PLACES[0]),
            "description": data.pop("description", ""),
            "open_to": data.pop("open_to", OpenTo.EVERYONE),
            **data,
        },
    )


def _past(activity: Activity) -> Activity:
    """An activity that began already: published before it, sign-up closed at its start."""
    Activity.objects.filter(pk=activity.pk).update(
        status=Status.PUBLISHED,
        published_at=activity.starts_at - dt.timedelta(days=10),
        signup_closes_at=activity.starts_at,
        created_at=activity.starts_at - dt.timedelta(days=12),
    )
    activity.refresh_from_db()
    return activity


def _signed(activity: Activity, people, status=SignUpStatus.CONFIRMED, came=False) -> None:
    """Sign-ups written as the demo's history (the people have no logins to sign up with)."""
    rows = []
    for n, person in enumerate(people):
        queued = (activity.published_at or activity.created_at) + dt.timedelta(minutes=5 * n)
        row = SignUp(
            activity=activity, person=person, status=status, queued_at=queued, decided_at=queued
        )
        if came:
            row.checked_in_at = activity.starts_at + dt.timedelta(minutes=n % 7)
            row.checked_out_at = activity.ends_at - dt.timedelta(minutes=(n * 3) % 20)
            row.by_code = n % 4 != 0
        rows.append(row)
    SignUp.objects.bulk_create(rows)


def seed_demo_activities(branch: Org, union: Org, today: dt.date) -> int:
    """The demo's activities; returns how many were written. Past and future are reckoned from
    ``today`` but never against the clock (publishing and marking held ask the clock)."""
    ensure_kinds()
    now = timezone.localdate()
    past, future = min(today, now), max(today, now)
    secretary = User.objects.get(username="shuji")
    employee = User.objects.get(username="yuangong")
    union_admin = User.objects.get(username="gonghui")
    volunteer, culture, sports = (
        ActivityKind.objects.get(code=code) for code in ("volunteer", "culture", "sports")
    )
    others = list(
        Person.objects.filter(party_branch=branch)
        .exclude(pk=employee.person_id)
        .order_by("employee_no")[:12]
    )
    volunteers.register(employee, {"consent": True, "skills": "急救、摄影", "availability": "周末"})
    team = volunteers.create_team(
        secretary,
        {"org": branch, "name": "红色先锋志愿服务队", "description": "支部党员志愿服务队"},
    )
    volunteers.join_team(employee, team)
    written = 0

    # A year of monthly service days, confirmed: yuangong reaches one star.
    me = Person.objects.get(pk=employee.person_id)
    confirmed = []
    for month in range(SERVICE_DAYS, 0, -1):
        day = add_months(past.replace(day=1), -month) + dt.timedelta(days=month % 20 + 1)
        activity = _past(
            _activity(
                secretary, branch, volunteer, f"社区志愿服务日（{day:%Y年%m月}）",
                _at(day, 8), 8, place=PLACES[month % len(PLACES)], team=team,
                service_type="社区服务", credit_hours=8,
            )
        )  # fmt: skip
        _signed(activity, [me, *others[month % 4 : month % 4 + 3]], came=True)
        SignUp.objects.filter(activity=activity, person=me).update(
            checked_in_at=activity.starts_at, checked_out_at=activity.ends_at
        )
        organising.mark_held(secretary, activity)
        hours.confirm(secretary, activity, {})
        confirmed.append(activity)
        written += 1
    organising.archive(secretary, confirmed[0])  # the oldest is archived, the rest confirmed

    # Held last week, its hours waiting for the organiser.
    held = _past(
        _activity(
            secretary, branch, volunteer, "滨江公园环保清洁", _at(past - dt.timedelta(days=5), 9),
            3, place="滨江公园", service_type="环境保护", team=team,
        )
    )  # fmt: skip
    _signed(held, others[:5], came=True)
    organising.mark_held(secretary, held)

    # Published: places with a waiting list (yuangong second in line), one yuangong joined, one
    # waiting for the organiser's approval.
    soon = _activity(
        secretary, branch, volunteer, "敬老院重阳慰问", _at(future + dt.timedelta(days=6), 14), 3,
        place="城南敬老院", capacity=3, service_type="助老服务",
        description="陪伴老人聊天、表演节目、打扫房间。",
    )  # fmt: skip
    organising.publish(secretary, soon)
    _signed(soon, others[:3])
    _signed(soon, others[3:4], status=SignUpStatus.WAITING)
    signups.sign_up(employee, soon)
    joined = _activity(
        secretary, branch, volunteer, "无偿献血志愿服务", _at(future + dt.timedelta(days=10), 9), 4,
        place="公司职工之家", capacity=30, service_type="医疗卫生",
    )  # fmt: skip
    organising.publish(secretary, joined)
    _signed(joined, others[4:8])
    signups.sign_up(employee, joined, travel_minutes=20)
    approval = _activity(
        secretary, branch, culture, "红色经典读书分享会", _at(future + dt.timedelta(days=14), 15),
        2, place="党员活动室", needs_approval=True, capacity=20, open_to=OpenTo.PARTY,
    )  # fmt: skip
    organising.publish(secretary, approval)
    _signed(approval, others[8:10], status=SignUpStatus.PENDING)
    sports_day = _activity(
        union_admin, union, sports, "职工趣味运动会", _at(future + dt.timedelta(days=20), 9), 5,
        place="公司体育场", capacity=200, open_to=OpenTo.UNION,
    )  # fmt: skip
    organising.publish(union_admin, sports_day)

    # A draft and a cancelled one.
    _activity(
        secretary, branch, volunteer, "学雷锋义诊（筹备中）", _at(future + dt.timedelta(days=30), 9),
        3, place=PLACES[0], service_type="医疗卫生",
    )  # fmt: skip
    rained = _activity(
        secretary, branch, volunteer, "植树护绿", _at(future + dt.timedelta(days=3), 9), 3,
        place="滨江公园", service_type="环境保护",
    )  # fmt: skip
    organising.publish(secretary, rained)
    _signed(rained, others[:2])
    organising.cancel(secretary, rained, "天气预报有大雨，活动取消，另行通知")
    return written + 7
