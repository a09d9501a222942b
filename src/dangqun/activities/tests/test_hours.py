"""Check-in by the rotating code, hours proposed and confirmed, corrections, stars."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from dangqun.activities import attendance, hours, organising, signups
from dangqun.activities.models import HoursEntry, SignUpStatus, Status
from dangqun.core import rotating_codes

START = dt.datetime(2026, 12, 31, 22, 0, tzinfo=dt.UTC)  # across a month and a year boundary


@given(
    length=st.integers(30, 600),
    slot_tenths=st.integers(1, 100),
    came=st.integers(-120, 600),
    stayed=st.one_of(st.none(), st.integers(0, 900)),
    travel=st.integers(0, 300),
)
def test_served_hours_are_within_the_slot_and_never_negative(
    length, slot_tenths, came, stayed, travel
):
    ends = START + dt.timedelta(minutes=length)
    slot = Decimal(slot_tenths) / 10
    checked_in = START + dt.timedelta(minutes=came)
    checked_out = None if stayed is None else checked_in + dt.timedelta(minutes=stayed)
    got = hours.served(START, ends, slot, checked_in, checked_out, travel)
    assert Decimal(0) <= got <= slot
    assert got == got.quantize(Decimal("0.1"))
    begin = max(checked_in, START)
    end = checked_out or ends
    exact = max((end - begin).total_seconds() / 3600 - travel / 60, 0)
    assert abs(float(got) - min(exact, float(slot))) <= 0.05 + 1e-9  # rounded to a tenth


def test_no_check_in_means_no_hours():
    assert hours.served(START, START + dt.timedelta(hours=2), Decimal(2), None, None) == 0


@pytest.mark.django_db
def test_stars_follow_the_cited_thresholds():
    assert [hours.stars_for(Decimal(h)) for h in (0, 99.9, 100, 299, 300, 1499, 1500, 9999)] == [
        0,
        0,
        1,
        1,
        2,
        4,
        5,
        5,
    ]
    assert hours.to_next_star(Decimal("90.5")) == Decimal("9.5")
    assert hours.to_next_star(Decimal(1500)) is None


@pytest.fixture
def held(world, organiser, make_activity, employee):
    """An activity that started two hours ago (3 h long), 张三 and 李四 confirmed."""
    activity = make_activity(starts_in=-dt.timedelta(hours=2), hours=3, capacity=5)
    zhang, li = employee(world.zhang), employee(world.li)
    signups.sign_up(zhang, activity)
    signups.sign_up(li, activity)
    return activity, zhang, li


def test_check_in_by_the_current_code_only(world, held, employee):
    activity, zhang, _ = held
    now = timezone.now()
    old = rotating_codes.code_for(
        activity.pk, activity.checkin_secret, now - dt.timedelta(minutes=5)
    )
    with pytest.raises(ValidationError, match="签到码已过期"):
        attendance.check_in(zhang, activity, old)
    stranger = employee(world.wang)
    with pytest.raises(ValidationError, match="没有报名"):
        attendance.check_in(stranger, activity, attendance.code_now(activity))
    scanned = attendance.check_in(zhang, activity, attendance.code_now(activity))
    assert scanned.first and scanned.signup.by_code
    again = attendance.check_in(zhang, activity, attendance.code_now(activity))
    assert not again.first and again.signup.checked_in_at == scanned.signup.checked_in_at


def test_the_organiser_confirms_everyones_hours_in_one_go(world, organiser, held):
    activity, zhang, _li = held
    attendance.check_in(zhang, activity, attendance.code_now(activity))
    with pytest.raises(ValidationError, match="已举行后"):
        hours.confirm(organiser, activity, {})
    organising.mark_held(organiser, activity)
    lines = {line.signup.person.name: line for line in hours.confirmation_lines(activity)}
    assert lines["李四"].proposed == 0  # never checked in
    assert lines["张三"].proposed == Decimal("1.0")  # came 2 h late, no check-out: to the end
    slot = activity.slot_hours
    with pytest.raises(ValidationError, match="不能超过本次活动可认定的"):
        hours.confirm(organiser, activity, {lines["李四"].signup.pk: slot + Decimal("0.1")})
    assert not HoursEntry.objects.exists()  # refused as a whole
    with pytest.raises(PermissionDenied):
        hours.confirm(world.outsider, activity, {})
    entries = hours.confirm(organiser, activity, {lines["李四"].signup.pk: Decimal("1.5")})
    assert sorted(e.hours for e in entries) == [lines["张三"].proposed, Decimal("1.5")]
    activity.refresh_from_db()
    assert activity.status == Status.CONFIRMED
    assert hours.total_of(world.li.pk) == Decimal("1.5")


def test_a_correction_is_a_new_row_with_its_reason(world, organiser, held):
    activity, _zhang, _li = held
    organising.mark_held(organiser, activity)
    line = next(x for x in hours.confirmation_lines(activity) if x.signup.person_id == world.li.pk)
    hours.confirm(organiser, activity, {line.signup.pk: Decimal(2)})
    with pytest.raises(ValidationError, match="请填写更正原因"):
        hours.correct(organiser, activity, line.signup.pk, Decimal(1), "")
    with pytest.raises(ValidationError, match="之间"):
        hours.correct(organiser, activity, line.signup.pk, Decimal(99), "记错")
    entry = hours.correct(organiser, activity, line.signup.pk, Decimal("2.5"), "漏记半小时")
    assert entry.hours == Decimal("0.5") and entry.corrects is not None
    assert hours.total_of(world.li.pk) == Decimal("2.5")
    first = HoursEntry.objects.order_by("id").first()
    with pytest.raises(PermissionError):
        first.save()
    with pytest.raises(PermissionError):
        first.delete()


def test_a_culture_activity_credits_no_hours(world, organiser, make_activity, culture_kind):
    activity = make_activity(kind=culture_kind, starts_in=-dt.timedelta(hours=1))
    organising.mark_held(organiser, activity)
    with pytest.raises(ValidationError, match="不计志愿服务时长"):
        hours.confirm(organiser, activity, {})


@pytest.mark.parametrize(
    "change, message",
    [
        ({"ends_at": "before"}, "结束时间应晚于开始时间"),
        ({"capacity": 0}, "人数上限应为正整数"),
        ({"capacity": -3}, "人数上限应为正整数"),
        ({"credit_hours": Decimal(9)}, "可认定时长不能超过活动时长"),
    ],
)
def test_bad_activities_are_refused_in_chinese(world, organiser, make_activity, change, message):
    from dangqun.activities.models import Activity

    if change.get("ends_at") == "before":
        change = {"ends_at": timezone.now()}
    with pytest.raises(ValidationError, match=message):
        make_activity(**change)
    assert not Activity.objects.exists()


def test_only_organisers_in_scope_create(world, volunteer_kind):
    now = timezone.now()
    data = {
        "kind": volunteer_kind,
        "title": "x",
        "org": world.branch_a,
        "starts_at": now + dt.timedelta(days=1),
        "ends_at": now + dt.timedelta(days=1, hours=1),
        "place": "y",
    }
    for user in (world.outsider, world.reader, world.member):
        with pytest.raises(PermissionDenied):
            organising.create(user, data)
    assert SignUpStatus.CONFIRMED  # (import used)


def test_hours_rows_cannot_be_changed_in_bulk_either(world, organiser, held):
    activity, _zhang, _li = held
    organising.mark_held(organiser, activity)
    line = hours.confirmation_lines(activity)[0]
    hours.confirm(organiser, activity, {line.signup.pk: Decimal(1)})
    with pytest.raises(PermissionError):
        HoursEntry.objects.all().update(hours=999)
    with pytest.raises(PermissionError):
        HoursEntry.objects.all().delete()
    assert hours.total_of(line.signup.person_id) == Decimal(1)


@pytest.mark.parametrize("bad", ["abc", "NaN", "Infinity"])
def test_hours_that_are_not_numbers_are_refused_in_chinese(world, organiser, held, bad):
    activity, _zhang, _li = held
    organising.mark_held(organiser, activity)
    line = hours.confirmation_lines(activity)[0]
    with pytest.raises(ValidationError, match="时长应为数字"):
        hours.confirm(organiser, activity, {line.signup.pk: bad})
    assert not HoursEntry.objects.exists()
