"""Signing up: capacity, the waiting list and its promotion, approval, eligibility, windows."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from dangqun.activities import organising, signups
from dangqun.activities.models import OpenTo, SignUpStatus, Status
from dangqun.core.models import AuditLog
from dangqun.notices.models import Notice

pytestmark = pytest.mark.django_db


def test_places_then_the_waiting_list_then_promotion_on_cancelling(world, make_activity, employee):
    activity = make_activity(capacity=2)
    users = [employee(p) for p in (world.zhang, world.li, world.wang)]
    first, second, third = (signups.sign_up(u, activity) for u in users)
    assert [s.status for s in (first, second, third)] == [
        SignUpStatus.CONFIRMED,
        SignUpStatus.CONFIRMED,
        SignUpStatus.WAITING,
    ]
    assert signups.places_left(activity) == 0
    # signing up again changes nothing
    assert signups.sign_up(users[0], activity).pk == first.pk
    signups.cancel(users[0], activity, "临时出差")
    third.refresh_from_db()
    assert third.status == SignUpStatus.CONFIRMED
    told = Notice.objects.filter(user=users[2], kind="activity.promoted")
    assert told.count() == 1 and "候补成功" in told.get().title
    assert AuditLog.objects.filter(action="activity.promote").count() == 1


def test_the_organiser_approves_into_a_place_or_the_waiting_list(
    world, organiser, make_activity, employee
):
    activity = make_activity(capacity=1, needs_approval=True)
    a, b = employee(world.zhang), employee(world.li)
    pending_a, pending_b = signups.sign_up(a, activity), signups.sign_up(b, activity)
    assert pending_a.status == pending_b.status == SignUpStatus.PENDING
    assert signups.decide(organiser, activity, pending_a.pk, True).status == "confirmed"
    assert signups.decide(organiser, activity, pending_b.pk, True).status == "waiting"
    with pytest.raises(ValidationError, match="该报名不在待审核状态"):
        signups.decide(organiser, activity, pending_b.pk, False, "名额已满")


def test_rejecting_needs_a_reason_and_an_outsider_cannot_decide(
    world, organiser, make_activity, employee
):
    activity = make_activity(needs_approval=True)
    pending = signups.sign_up(employee(world.zhang), activity)
    with pytest.raises(ValidationError, match="请填写不通过的原因"):
        signups.decide(organiser, activity, pending.pk, False, " ")
    with pytest.raises(PermissionDenied):
        signups.decide(world.outsider, activity, pending.pk, True)
    pending.refresh_from_db()
    assert pending.status == SignUpStatus.PENDING


def test_sign_up_after_the_window_or_before_publishing_is_refused(
    world, organiser, make_activity, employee
):
    draft = make_activity(publish=False)
    with pytest.raises(ValidationError, match="报名已截止"):
        signups.sign_up(employee(world.zhang), draft)
    later = make_activity(signup_opens_at=timezone.now() + dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="报名尚未开始"):
        signups.sign_up(employee(world.li), later)
    closed = make_activity()
    organising.close_signup(organiser, closed)
    with pytest.raises(ValidationError, match="报名已截止"):
        signups.sign_up(employee(world.wang), closed)
    assert not closed.signups.exists() and not later.signups.exists()


@pytest.mark.parametrize(
    "open_to, allowed",
    [(OpenTo.EVERYONE, {"张三", "王五", "赵六"}), (OpenTo.PARTY, {"张三", "赵六"})],
)
def test_who_may_sign_up(world, make_activity, employee, open_to, allowed):
    activity = make_activity(open_to=open_to)
    joined = set()
    for person in (world.zhang, world.wang, world.zhao):
        try:
            signups.sign_up(employee(person), activity)
            joined.add(person.name)
        except ValidationError as exc:
            assert "仅限" in exc.messages[0]
    assert joined == allowed


def test_a_sub_tree_limit_admits_only_people_under_it(world, make_activity, employee):
    activity = make_activity(eligible_orgs=[world.company_a])
    signups.sign_up(employee(world.wang), activity)  # 甲公司综合部: under 甲公司
    with pytest.raises(ValidationError, match="指定单位"):
        signups.sign_up(employee(world.zhao), activity)  # 乙公司
    by_branch = make_activity(eligible_orgs=[world.branch_b])
    signups.sign_up(employee(world.zhao), by_branch)  # member of 乙公司生产部党支部


def test_cancelling_after_the_deadline_is_refused(world, make_activity, employee):
    activity = make_activity(starts_in=dt.timedelta(hours=1))
    user = employee(world.zhang)
    signups.sign_up(user, activity)
    activity.signup_closes_at = timezone.now() - dt.timedelta(minutes=1)
    activity.save(update_fields=["signup_closes_at"])
    with pytest.raises(ValidationError, match="报名截止后不能自行取消"):
        signups.cancel(user, activity)


def test_cancelling_the_activity_tells_everyone_signed_up(
    world, organiser, make_activity, employee
):
    activity = make_activity(capacity=1)
    a, b = employee(world.zhang), employee(world.li)
    signups.sign_up(a, activity)
    signups.sign_up(b, activity)
    with pytest.raises(ValidationError, match="请填写取消原因"):
        organising.cancel(organiser, activity, "")
    organising.cancel(organiser, activity, "暴雨预警")
    activity.refresh_from_db()
    assert activity.status == Status.CANCELLED
    titles = Notice.objects.filter(kind="activity.cancelled").values_list("title", flat=True)
    assert len(titles) == 2 and all("暴雨预警" in t for t in titles)


def test_raising_the_capacity_lets_the_waiting_list_in(world, organiser, make_activity, employee):
    activity = make_activity(capacity=1)
    signups.sign_up(employee(world.zhang), activity)
    waiting = signups.sign_up(employee(world.li), activity)
    with pytest.raises(ValidationError, match="人数上限应为正整数"):
        organising.update(organiser, activity, {"capacity": 0})
    organising.update(organiser, activity, {"capacity": 2})
    waiting.refresh_from_db()
    assert waiting.status == SignUpStatus.CONFIRMED
    with pytest.raises(ValidationError, match="已有 2 人报名成功"):
        organising.update(organiser, activity, {"capacity": 1})


def test_any_active_org_may_co_organise_but_teams_must_be_the_organisers_own(
    world, organiser, make_activity
):
    """联建: another company's branch may be named 联办 (its organisers then keep the activity,
    decision 0030); a dissolved one may not; the team must be the organiser's own, and a
    co-organiser cannot take the activity over."""
    from dangqun.activities import volunteers
    from dangqun.orgs.models import Org

    joint = make_activity(co_organisers=[world.branch_b])
    assert list(joint.co_organisers.all()) == [world.branch_b]
    Org.objects.filter(pk=world.dept_b.pk).update(dissolved_on=world.today)
    world.dept_b.refresh_from_db()
    with pytest.raises(ValidationError, match="“乙公司生产部”已撤销"):
        make_activity(co_organisers=[world.dept_b])
    activity = make_activity(co_organisers=[world.committee_a])
    with pytest.raises(PermissionDenied):  # 乙公司's admin is no organiser of it at all
        organising.update(world.outsider, activity, {"org": world.branch_b})
    other_team = volunteers.create_team(world.outsider, {"org": world.branch_b, "name": "乙队"})
    with pytest.raises(ValidationError, match="只能选择您所管理组织的志愿服务队"):
        organising.update(organiser, activity, {"team": other_team})
    activity.refresh_from_db()
    assert activity.org == world.branch_a and activity.team is None


def test_a_co_organiser_cannot_take_the_activity_over(world, make_activity, make_user):
    """B's organiser, invited by A as 联办, may keep the activity but not change who runs it."""
    b_admin = make_user("b_admin", role="party_admin", org=world.committee_b)
    both = make_user("both", role="party_admin", org=world.committee)  # over A and B
    activity = make_activity()
    organising.update(both, activity, {"co_organisers": [world.branch_b]})
    from dangqun.activities import services

    assert services.can_manage(b_admin, activity)
    with pytest.raises(PermissionDenied, match="只有主办组织的组织者"):
        organising.update(b_admin, activity, {"org": world.branch_b, "co_organisers": []})
    organising.update(b_admin, activity, {"place": "新地点"})  # keeping it is fine
    activity.refresh_from_db()
    assert (activity.org, activity.place) == (world.branch_a, "新地点")


def test_a_rejected_person_cannot_sign_up_again(world, organiser, make_activity, employee):
    activity = make_activity(needs_approval=True)
    user = employee(world.zhang)
    pending = signups.sign_up(user, activity)
    signups.decide(organiser, activity, pending.pk, False, "不符合条件")
    with pytest.raises(ValidationError, match="您的报名未通过（不符合条件）"):
        signups.sign_up(user, activity)


@pytest.mark.parametrize("travel", ["abc", -5, 601])
def test_travel_minutes_out_of_range_are_refused(world, make_activity, employee, travel):
    activity = make_activity()
    with pytest.raises(ValidationError, match="往返路途时间"):
        signups.sign_up(employee(world.zhang), activity, travel_minutes=travel)
    assert not activity.signups.exists()


def test_people_with_a_place_are_reminded_once_the_day_before(world, make_activity, employee):
    from dangqun.activities import notify

    activity = make_activity(starts_in=dt.timedelta(hours=20), capacity=1)
    activity.signup_closes_at = activity.starts_at
    activity.save(update_fields=["signup_closes_at"])
    placed, waiting = employee(world.zhang), employee(world.li)
    signups.sign_up(placed, activity)
    signups.sign_up(waiting, activity)
    later = make_activity(starts_in=dt.timedelta(days=3))
    signups.sign_up(placed, later)
    assert notify.remind_tomorrow() == 1
    assert notify.remind_tomorrow() == 0  # the hourly run again: nobody twice
    [notice] = Notice.objects.filter(kind="activity.reminder")
    assert notice.user == placed and "明天提醒：社区义诊" in notice.title
