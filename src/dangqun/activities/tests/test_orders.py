"""群众点单·党员接单 (issue #16 §3): a 求助 voice → order → claim → activity → held → hours
confirmed → the voice answered → rated → counted in 三率 for that month; who may raise and claim;
refusals that write nothing."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from dangqun.activities import attendance, hours, order_figures, orders, organising, signups
from dangqun.activities import volunteers as volunteering
from dangqun.activities.models import Activity, OrderStatus, ServiceOrder, Status
from dangqun.activities.tests.order_fixtures import order_data, soon
from dangqun.core.models import AuditLog
from dangqun.notices.models import Notice
from dangqun.voices import followup, metrics
from dangqun.voices.models import Kind, Rating, Voice
from dangqun.voices.models import Status as VoiceStatus


def test_the_loop_from_a_voice_to_a_rating_that_counts_in_the_month(
    world, mass, organiser, employee, author, team_leader, request_voice
):
    voice = request_voice(assign_by=mass)
    due = (voice.response_due, voice.resolution_due)

    order = orders.create(mass, voice, order_data(world))
    assert order.status == OrderStatus.OPEN

    leader, team = team_leader
    assert orders.open_orders(leader).filter(pk=order.pk).exists()
    starts, ends = soon()
    order = orders.claim(leader, order, starts_at=starts, ends_at=ends, team=team)
    assert order.status == OrderStatus.CLAIMED and order.claimed_by == leader
    activity = order.activity
    assert activity.status == Status.DRAFT and activity.kind.code == "volunteer"
    assert (activity.org, activity.team, activity.capacity) == (world.branch_a, team, 2)
    # the author hears it was taken up, without a volunteer's name
    told = Notice.objects.get(user=author, kind="voice.order")
    assert voice.number in told.title and "李四" not in told.title
    # the voice's deadlines run on, untouched
    voice.refresh_from_db()
    assert (voice.response_due, voice.resolution_due) == due
    assert voice.status == VoiceStatus.ASSIGNED

    # the branch's organiser publishes it; 王五 signs up and serves
    activity = organising.publish(organiser, activity)
    wang = employee(world.wang)
    signup = signups.sign_up(wang, activity)
    now = timezone.now().replace(microsecond=0)
    Activity.objects.filter(pk=activity.pk).update(
        starts_at=now - dt.timedelta(hours=4), ends_at=now - dt.timedelta(hours=1)
    )
    activity.refresh_from_db()
    attendance.mark(
        organiser, activity, signup.pk, now - dt.timedelta(hours=4), now - dt.timedelta(hours=1)
    )
    activity = organising.mark_held(organiser, activity)
    hours.confirm(organiser, activity, {})

    order.refresh_from_db()
    voice.refresh_from_db()
    assert order.status == OrderStatus.DONE and order.answered_at is not None
    assert voice.status == VoiceStatus.ANSWERED and voice.solved is True
    # answered as the handler would: by someone who may handle it (the party admin may not)
    assert voice.handler == mass
    assert "陪同就医" in voice.answer and "1 名志愿者" in voice.answer
    assert "3.0 小时" in voice.answer
    assert "王五" not in voice.answer and "李四" not in voice.answer
    assert Notice.objects.filter(user=author, kind="voice.answered").exists()
    assert AuditLog.objects.filter(action="order.done", actor=organiser).exists()

    followup.rate(author, voice, rating=Rating.SATISFIED)
    voice.refresh_from_db()
    assert voice.status == VoiceStatus.CLOSED

    month = timezone.localdate().replace(day=1)
    start, end = month, (month + dt.timedelta(days=32)).replace(day=1)
    for enterprise in (None, world.group.path):  # counted from the voices and from the tallies
        (total,) = metrics.rates(Voice.objects.all(), start, end, enterprise=enterprise)
        assert (total.valid, total.responded, total.solved, total.satisfied) == (1, 1, 1, 1)
        assert total.satisfaction_rate == 1

    rows, total = order_figures.monthly(mass, month)
    assert [(r.name, r.raised, r.claimed, r.done, r.rated, r.satisfied) for r in rows] == [
        ("甲公司", 1, 1, 1, 1, 1)
    ]


def test_a_handler_or_an_outsider_can_neither_raise_nor_claim(
    world, mass, handler, employee, request_voice
):
    voice = request_voice(assign_by=mass)
    with pytest.raises(PermissionDenied):
        orders.create(handler, voice, order_data(world))
    with pytest.raises(PermissionDenied):
        orders.create(world.outsider, voice, order_data(world))
    assert not ServiceOrder.objects.exists()

    order = orders.create(mass, voice, order_data(world))
    starts, ends = soon()
    for stranger in (handler, world.outsider, employee(world.wang)):  # 王五: no volunteer
        with pytest.raises(Http404):
            orders.claim(stranger, order, starts_at=starts, ends_at=ends)
        assert not orders.visible_to(stranger).exists()
    order.refresh_from_db()
    assert order.status == OrderStatus.OPEN and not Activity.objects.exists()


def test_claiming_twice_is_refused_and_creates_nothing(
    world, mass, organiser, team_leader, request_voice
):
    order = orders.create(mass, request_voice(assign_by=mass), order_data(world))
    leader, team = team_leader
    starts, ends = soon()
    orders.claim(leader, order, starts_at=starts, ends_at=ends, team=team)
    audit_rows = AuditLog.objects.count()
    with pytest.raises(ValidationError) as refused:
        orders.claim(organiser, order, starts_at=starts, ends_at=ends, org=world.branch_a)
    assert orders.TAKEN in refused.value.messages
    assert Activity.objects.count() == 1 and AuditLog.objects.count() == audit_rows


def test_an_organiser_says_for_whom_they_claim(world, mass, organiser, request_voice):
    order = orders.create(mass, request_voice(assign_by=mass), order_data(world))
    starts, ends = soon()
    audit_rows = AuditLog.objects.count()
    with pytest.raises(ValidationError) as refused:
        orders.claim(organiser, order, starts_at=starts, ends_at=ends)
    assert refused.value.message_dict == {"org": ["请选择以哪个志愿服务队或组织接单"]}
    assert not Activity.objects.exists() and AuditLog.objects.count() == audit_rows


def test_a_registered_volunteer_claims_for_their_branch(world, mass, employee, request_voice):
    order = orders.create(mass, request_voice(assign_by=mass), order_data(world))
    zhang = world.member
    volunteering.register(zhang, {"consent": True})
    starts, ends = soon()
    order = orders.claim(zhang, order, starts_at=starts, ends_at=ends)
    assert order.activity.org == world.branch_a and order.activity.team is None
    # the branch's organisers are asked to complete and publish the draft
    assert Notice.objects.filter(kind="order.claimed", user=world.owner).exists()


def test_only_an_assigned_request_becomes_an_order(world, mass, request_voice):
    suggestion = request_voice(kind=Kind.SUGGESTION, assign_by=mass)
    with pytest.raises(ValidationError) as refused:
        orders.create(mass, suggestion, order_data(world))
    assert orders.NOT_A_REQUEST in refused.value.messages
    submitted = request_voice()
    with pytest.raises(ValidationError) as refused:
        orders.create(mass, submitted, order_data(world))
    assert orders.NOT_ASSIGNED in refused.value.messages
    assigned = request_voice(assign_by=mass)
    orders.create(mass, assigned, order_data(world))
    with pytest.raises(ValidationError) as refused:
        orders.create(mass, assigned, order_data(world))
    assert orders.ALREADY in refused.value.messages
    assert ServiceOrder.objects.count() == 1


def test_bad_claim_times_are_refused_in_chinese(world, mass, team_leader, request_voice):
    order = orders.create(mass, request_voice(assign_by=mass), order_data(world))
    leader, team = team_leader
    starts, ends = soon()
    with pytest.raises(ValidationError) as refused:
        orders.claim(leader, order, starts_at=starts, ends_at=starts, team=team)
    assert "结束时间应晚于开始时间" in refused.value.messages
    past = timezone.now() - dt.timedelta(hours=1)
    with pytest.raises(ValidationError) as refused:
        orders.claim(leader, order, starts_at=past, ends_at=ends, team=team)
    assert "服务开始时间应晚于现在" in refused.value.messages
    order.refresh_from_db()
    assert order.status == OrderStatus.OPEN and not Activity.objects.exists()


def test_a_cancelled_order_frees_the_voice_for_another(world, mass, request_voice):
    voice = request_voice(assign_by=mass)
    order = orders.create(mass, voice, order_data(world))
    with pytest.raises(ValidationError):
        orders.cancel(mass, order, "")
    orders.cancel(mass, order, "已由工会安排")
    assert orders.create(mass, voice, order_data(world)).status == OrderStatus.OPEN


def test_no_hours_credited_leaves_the_voice_to_its_handlers(
    world, mass, organiser, handler, team_leader, request_voice
):
    voice = request_voice(assign_by=mass)
    order = orders.create(mass, voice, order_data(world))
    leader, team = team_leader
    starts, ends = soon()
    activity = orders.claim(leader, order, starts_at=starts, ends_at=ends, team=team).activity
    activity = organising.publish(organiser, activity)
    now = timezone.now().replace(microsecond=0)
    Activity.objects.filter(pk=activity.pk).update(
        starts_at=now - dt.timedelta(hours=3), ends_at=now - dt.timedelta(hours=1)
    )
    activity.refresh_from_db()
    hours.confirm(organiser, organising.mark_held(organiser, activity), {})
    order.refresh_from_db()
    voice.refresh_from_db()
    assert order.status == OrderStatus.DONE and order.answered_at is None
    assert voice.status == VoiceStatus.ASSIGNED and voice.answer == ""
    assert Notice.objects.filter(user=handler, kind="voice.order_done").exists()


def test_cancelling_the_claimed_activity_opens_the_order_again(
    world, mass, organiser, team_leader, request_voice
):
    order = orders.create(mass, request_voice(assign_by=mass), order_data(world))
    leader, team = team_leader
    starts, ends = soon()
    order = orders.claim(leader, order, starts_at=starts, ends_at=ends, team=team)
    organising.cancel(organiser, order.activity, "天气原因")
    order.refresh_from_db()
    assert (order.status, order.activity, order.claimed_by) == (OrderStatus.OPEN, None, None)
    assert AuditLog.objects.filter(action="order.reopen").count() == 1
    again = orders.claim(organiser, order, starts_at=starts, ends_at=ends, org=world.branch_a)
    assert again.status == OrderStatus.CLAIMED and again.activity.status == Status.DRAFT
