"""Planning, recording, attendance and frozen minutes of 组织生活, through the services."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from dangqun.core.models import AuditLog
from dangqun.life import attendance, checkins, planning, recording, services, voting
from dangqun.life.models import Kind, Meeting, Presence, Role, Status


def at(days=0, hours=0):
    return timezone.now() + dt.timedelta(days=days, hours=hours)


@pytest.fixture
def meeting(world, secretary):
    return planning.schedule(
        secretary,
        world.branch_a,
        {"kind": Kind.THEME_DAY, "topic": "学习党章", "starts_at": at(hours=-1), "place": "三楼"},
    )


def test_the_year_is_planned_from_the_cadence_rules_and_only_once(world, secretary):
    planned = planning.plan_year(secretary, world.branch_a, 2025)
    kinds = [m.kind for m in planned]
    # no 支委会 term: no committee meetings; 12 主题党日, 4 党员大会, 4 党课, 1 组织生活会, 1 评议
    assert kinds.count(Kind.THEME_DAY) == 12 and kinds.count(Kind.GENERAL_MEETING) == 4
    assert kinds.count(Kind.PARTY_LECTURE) == 4 and Kind.COMMITTEE_MEETING not in kinds
    assert len(planned) == 22 and all(m.planned and m.status == Status.PLANNED for m in planned)
    march = next(m for m in planned if m.kind == Kind.THEME_DAY and m.starts_at.month == 3)
    assert timezone.localtime(march.starts_at).date() == dt.date(2025, 3, 15)
    assert march.topic == "2025年3月主题党日"
    # 张三 (full member) and 李四 (probationary) of the branch are expected; 王五 is not a member
    assert {(a.person.name, a.role) for a in march.attendees.all()} == {
        ("张三", Role.MEMBER),
        ("李四", Role.PROBATIONARY),
    }
    assert planning.plan_year(secretary, world.branch_a, 2025) == []
    Meeting.objects.filter(pk=march.pk).update(status=Status.CANCELLED)
    [again] = planning.plan_year(secretary, world.branch_a, 2025)  # the cancelled one comes back
    assert (again.kind, timezone.localtime(again.starts_at).date()) == (
        Kind.THEME_DAY,
        dt.date(2025, 3, 15),
    )
    assert AuditLog.objects.filter(action="life.plan").count() == 3


def test_a_branch_with_a_committee_plans_its_monthly_committee_meetings(world, secretary):
    from dangqun.orgs import services as org_services

    org_services.start_term(None, world.branch_a, elected_on=dt.date(2024, 1, 1))
    kinds = [m.kind for m in planning.plan_year(secretary, world.branch_a, 2025)]
    assert kinds.count(Kind.COMMITTEE_MEETING) == 12


def test_only_the_organisations_keepers_plan_and_record(world, secretary, meeting):
    for outsider in (world.outsider, world.reader, world.member):
        with pytest.raises(PermissionDenied):
            planning.plan_year(outsider, world.branch_a, 2025)
        with pytest.raises(PermissionDenied):
            recording.update(outsider, meeting, {"minutes": "伪造"})
    assert services.visible_to(world.reader).filter(pk=meeting.pk).exists()  # the leader reads
    assert not services.visible_to(world.outsider).filter(pk=meeting.pk).exists()
    assert services.visible_to(world.owner).filter(pk=meeting.pk).exists()  # 党委 above the branch


def test_bad_input_is_explained_and_nothing_is_written(world, secretary):
    with pytest.raises(ValidationError) as refused:
        planning.schedule(
            secretary,
            world.branch_a,
            {"kind": "party", "topic": " ", "starts_at": at(), "ends_at": at(hours=-1)},
        )
    assert set(refused.value.message_dict) == {"kind", "topic", "ends_at"}
    assert not Meeting.objects.exists()


def test_finalised_minutes_never_change_and_corrections_are_addenda(world, secretary, meeting):
    with pytest.raises(ValidationError, match="请先填写会议记录"):
        recording.finalise(secretary, meeting)
    recording.update(secretary, meeting, {"minutes": "学习了党章第一章。", "decisions": "无"})
    meeting.refresh_from_db()
    assert meeting.status == Status.HELD and meeting.held_at
    attendance.mark(secretary, meeting, world.zhang, Presence.PRESENT)
    recording.finalise(secretary, meeting)
    meeting.refresh_from_db()
    assert meeting.status == Status.FINALISED and meeting.finalised_by == secretary
    # 李四 neither came nor asked for leave: absent once the record is final
    assert meeting.attendees.get(person=world.li).presence == Presence.ABSENT
    for change in (
        lambda: recording.update(secretary, meeting, {"minutes": "改写"}),
        lambda: attendance.mark(secretary, meeting, world.li, Presence.PRESENT),
        lambda: recording.finalise(secretary, meeting),
    ):
        with pytest.raises(ValidationError, match="已定稿"):
            change()
    meeting.refresh_from_db()
    assert meeting.minutes == "学习了党章第一章。"
    addendum = recording.add_addendum(secretary, meeting, "补记：李四因公出差，会后已补学。")
    assert (addendum.author, list(meeting.addenda.all())) == (secretary, [addendum])


def test_a_future_meeting_cannot_be_finalised(world, secretary):
    later = planning.schedule(
        secretary, world.branch_a, {"kind": Kind.PARTY_LECTURE, "topic": "党课", "starts_at": at(3)}
    )
    recording.update(secretary, later, {"minutes": "预先写好的记录"})
    with pytest.raises(ValidationError, match="尚未开始"):
        recording.finalise(secretary, later)


def test_leave_needs_a_reason_and_only_the_expected_ask(world, secretary, meeting, li_user):
    with pytest.raises(ValidationError, match="事由"):
        attendance.request_leave(li_user, meeting, " ")
    attendee = attendance.request_leave(li_user, meeting, "在外地培训")
    assert (attendee.presence, attendee.leave_reason) == (Presence.LEAVE, "在外地培训")
    outsider = world.member.__class__.objects.create_user("wang", password="x")
    outsider.person = world.wang
    outsider.save()
    with pytest.raises(ValidationError, match="不在本次组织生活的应到名单"):
        attendance.request_leave(outsider, meeting, "有事")
    with pytest.raises(ValidationError, match="事由"):
        attendance.mark(secretary, meeting, world.zhang, Presence.LEAVE)


def test_check_in_with_the_rotating_code(world, meeting, li_user):
    now = timezone.now()
    code = checkins.checkin_code(meeting, now)
    done = checkins.check_in(li_user, meeting, code, at=now)
    assert done.first and done.attendee.presence == Presence.PRESENT and done.attendee.by_code
    again = checkins.check_in(li_user, meeting, code, at=now)
    assert not again.first and again.attendee.checked_in_at == done.attendee.checked_in_at
    later = now + dt.timedelta(seconds=checkins.CODE_WINDOW * 3)
    with pytest.raises(ValidationError, match="已过期"):  # a photo of the code, used later
        checkins.check_in(world.member, meeting, code, at=later)
    just_rotated = now + dt.timedelta(seconds=checkins.CODE_WINDOW)
    assert checkins.check_in(world.member, meeting, code, at=just_rotated).first
    assert meeting.attendees.filter(presence=Presence.PRESENT).count() == 2


def test_someone_not_expected_checks_in_as_a_guest(world, meeting, make_user):
    wang = make_user("wang", person=world.wang)
    now = timezone.now()
    done = checkins.check_in(wang, meeting, checkins.checkin_code(meeting, now), at=now)
    assert (done.attendee.role, done.attendee.presence) == (Role.GUEST, Presence.PRESENT)
    assert not done.attendee.votes


def test_check_in_only_around_the_meeting(world, secretary, li_user):
    later = planning.schedule(
        secretary, world.branch_a, {"kind": Kind.THEME_DAY, "topic": "下周", "starts_at": at(7)}
    )
    now = timezone.now()
    with pytest.raises(ValidationError, match="不在签到时间内"):
        checkins.check_in(li_user, later, checkins.checkin_code(later, now), at=now)


def test_a_vote_follows_the_quorum_rule_of_section_2(world, secretary, meeting):
    from dangqun.life.models import Vote

    # 张三 (full member) is the only voting member expected; 李四 is probationary and does not vote
    with pytest.raises(ValidationError, match="多于实到会有表决权的党员 0 名"):
        voting.record_vote(secretary, meeting, motion="接收预备党员", yes=1, no=0, abstain=0)
    vote = voting.record_vote(secretary, meeting, motion="接收预备党员", yes=0, no=0, abstain=0)
    assert (vote.voting_expected, vote.voting_present, vote.quorate, vote.passed) == (
        1,
        0,
        False,
        False,
    )
    attendance.mark(secretary, meeting, world.zhang, Presence.PRESENT)
    attendance.mark(secretary, meeting, world.li, Presence.PRESENT)  # present, but cannot vote
    with pytest.raises(ValidationError, match="多于实到会有表决权的党员 1 名"):
        voting.record_vote(secretary, meeting, motion="接收预备党员", yes=2, no=0, abstain=0)
    vote = voting.record_vote(secretary, meeting, motion="接收预备党员", yes=1, no=0, abstain=0)
    assert vote.quorate and vote.passed and Vote.objects.count() == 2


@pytest.mark.parametrize(
    "expected, present, yes, quorate, passed",
    [
        (10, 5, 5, False, False),  # exactly half present: no vote
        (10, 6, 5, True, False),  # yes = half of those who should attend: not passed
        (10, 6, 6, True, True),
        (9, 5, 5, True, True),  # 5 of 9 is more than half
        (9, 4, 4, False, False),
        (1, 1, 1, True, True),
        (0, 0, 0, False, False),  # nobody to vote
    ],
)
def test_quorum_and_passing_edges(expected, present, yes, quorate, passed):
    decision = voting.decide(expected, present, yes)
    assert (decision.quorate, decision.passed) == (quorate, passed)
    assert f"应到会有表决权的党员 {expected} 名" in decision.explanation


@given(
    expected=st.integers(0, 200),
    present_share=st.floats(0, 1),
    yes_share=st.floats(0, 1),
)
def test_passing_needs_more_than_half_of_those_who_should_attend(
    expected, present_share, yes_share
):
    present = int(expected * present_share)
    yes = int(present * yes_share)
    decision = voting.decide(expected, present, yes)
    assert decision.passed == (2 * present > expected and 2 * yes > expected)
    assert not decision.passed or decision.quorate
