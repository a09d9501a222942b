"""发展党员 from 入党申请书 to 材料归档: the 25 steps in order, who records which, and the person's
party profile updated on admission and 转正 in the same transaction."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dangqun.core.models import AuditLog
from dangqun.development import checks, opening, probation, recording, services, votes
from dangqun.development.models import Case, Status
from dangqun.development.tests.conftest import DATES, VOTE
from dangqun.people.models import MemberEvent, PoliticalStatus

pytestmark = pytest.mark.django_db


def test_the_whole_path_makes_a_full_member_with_the_right_dates(world, case, walk):
    walk(case, 14)
    assert case.status == Status.ACTIVE and case.step == 14
    walk(case, 17)
    wang = case.person
    wang.refresh_from_db()
    assert case.status == Status.PROBATIONARY
    assert wang.political_status == PoliticalStatus.PROBATIONARY
    assert wang.party_profile.joined_on == DATES[15]  # the day of the 支部大会
    assert wang.party_profile.branch == world.branch_a
    walk(case, 25)
    wang.refresh_from_db()
    assert case.status == Status.FULL and case.step == 25 and case.next_due_on is None
    assert wang.political_status == PoliticalStatus.PARTY_MEMBER
    assert wang.party_profile.full_member_on == dt.date(2025, 5, 20)  # a year after admission
    assert set(MemberEvent.objects.filter(person=wang).values_list("type", flat=True)) == {
        "joined",
        "confirmed",
    }
    assert case.records.count() == 25
    filed = case.records.get(number=18)  # recorded by company A's 党委, filed with the group's
    assert (filed.actor, filed.org) == (world.owner, world.committee)
    assert AuditLog.objects.filter(action__startswith="development.").count() == 25


def test_committee_steps_are_the_approving_committees(world, case, walk, secretary):
    walk(case, 3)
    with pytest.raises(PermissionDenied, match="应由审批党委办理"):
        recording.record_step(secretary, case, 4, DATES[4])
    recording.record_step(world.owner, case, 4, DATES[4])  # company A's 党委 approves
    record = case.records.get(number=4)
    assert record.org == world.committee_a and record.actor == world.owner
    with pytest.raises(PermissionDenied):
        recording.record_step(world.outsider, case, 5, DATES[5], {"people": [world.zhang]})


def test_a_committee_without_the_authority_sends_the_step_up(world, case, walk, make_user):
    from dangqun.orgs.models import Org

    walk(case, 3)
    Org.objects.filter(pk__in=[world.committee_a.pk, world.committee.pk]).update(
        approves_members=False
    )
    with pytest.raises(ValidationError, match="没有具有审批发展党员权限的党委"):
        recording.record_step(world.owner, case, 4, DATES[4])
    Org.objects.filter(pk=world.committee.pk).update(approves_members=True)
    assert services.approving_org(world.branch_a) == world.committee  # the group's 党委
    with pytest.raises(PermissionDenied):
        recording.record_step(world.owner, case, 4, DATES[4])
    group_admin = make_user("group_admin", role="party_admin", org=world.committee)
    recording.record_step(group_admin, case, 4, DATES[4])
    assert case.records.get(number=4).org == world.committee


def test_steps_go_in_order_and_not_before_what_they_follow(world, case, secretary):
    with pytest.raises(ValidationError, match="请先办理：②党组织派人谈话"):
        recording.record_step(secretary, case, 3, DATES[3])
    with pytest.raises(ValidationError, match="日期不能早于“递交入党申请书”"):
        recording.record_step(secretary, case, 2, dt.date(2023, 1, 1))
    recording.record_step(secretary, case, 2, DATES[2])
    with pytest.raises(ValidationError, match="已办理"):
        recording.record_step(secretary, case, 2, DATES[2])


def test_one_open_case_per_person(world, case, secretary):
    with pytest.raises(ValidationError, match="已有正在办理"):
        opening.open_case(secretary, world.wang, world.branch_a, DATES[2])
    opening.close(secretary, case, DATES[2], "本人撤回申请")
    again = opening.open_case(secretary, world.wang, world.branch_a, DATES[3])
    assert Case.objects.filter(person=world.wang).count() == 2 and again.is_open


def test_a_failed_vote_is_kept_and_the_step_stays_open(world, case, walk, secretary):
    walk(case, 14)
    no_quorum = {**VOTE, "expected": 7, "present": 3, "yes": 3}
    vote = votes.record_vote(secretary, case, 15, held_on=DATES[15], **no_quorum)
    case.refresh_from_db()
    assert not vote.quorate and not vote.passed and case.step == 14
    assert case.admitted_on is None
    # written opinions sent in advance count as votes, not as presence
    counted = {**VOTE, "expected": 9, "present": 5, "written": 1, "yes": 4}
    assert not votes.record_vote(secretary, case, 15, held_on=DATES[15], **counted).passed
    counted["yes"] = 5  # with the written opinion: more than half of the 9 expected
    assert votes.record_vote(secretary, case, 15, held_on=DATES[15], **counted).passed
    case.refresh_from_db()
    assert case.step == 15 and case.admitted_on == DATES[15] and case.votes.count() == 3


@pytest.mark.parametrize(
    "counts, message",
    [
        ({"present": 4}, "实到人数不能多于应到人数"),
        ({"written": 1}, "实到人数加书面意见不能多于应到人数"),
        ({"yes": 3, "no": 1}, "票数之和不能多于"),
        ({"no": -1}, "不能为负数"),
    ],
)
def test_impossible_counts_are_refused(world, case, walk, secretary, counts, message):
    walk(case, 14)
    with pytest.raises(ValidationError, match=message):
        votes.record_vote(secretary, case, 15, held_on=DATES[15], **{**VOTE, **counts})


def test_refused_approval_ends_the_case(world, case, walk):
    walk(case, 16)
    recording.record_step(world.owner, case, 17, DATES[17], {"approved": False})
    case.refresh_from_db()
    assert case.status == Status.CLOSED and case.closed_reason == "上级党委未批准接收"
    world.wang.refresh_from_db()
    assert world.wang.political_status != PoliticalStatus.PROBATIONARY


def test_probation_is_extended_once_within_6_to_12_months(world, case, walk, secretary):
    walk(case, 22)
    with pytest.raises(ValidationError, match="不能少于 6 个月"):
        probation.extend_probation(world.owner, case, 3, DATES[22], "需继续考察")
    with pytest.raises(ValidationError, match="日期不能晚于今天"):
        probation.extend_probation(secretary, case, 6, dt.date(2099, 1, 1), "需继续考察")
    case = probation.extend_probation(secretary, case, 6, DATES[22], "需继续考察")
    assert checks.probation_ends(case) == dt.date(2025, 11, 20)
    with pytest.raises(ValidationError, match="不能再次延长"):
        probation.extend_probation(secretary, case, 6, DATES[22], "再延长")
    with pytest.raises(ValidationError, match="预备期至 2025-11-20，期满后方可讨论和审批转正"):
        votes.record_vote(secretary, case, 23, held_on=DATES[23], **VOTE)
    votes.record_vote(secretary, case, 23, held_on=dt.date(2025, 11, 20), **VOTE)
    recording.record_step(world.owner, case, 24, dt.date(2025, 12, 1), {"approved": True})
    case.person.refresh_from_db()
    assert case.person.party_profile.full_member_on == dt.date(2025, 11, 20)


def test_no_extension_once_the_branch_passed_the_conversion(world, case, walk, secretary):
    walk(case, 23)
    with pytest.raises(ValidationError, match="已讨论通过转正"):
        probation.extend_probation(secretary, case, 6, DATES[23], "需继续考察")


def test_conversion_waits_for_the_end_of_probation(world, case, walk, secretary):
    walk(case, 22)
    early = dt.date(2025, 5, 19)  # probation ends on 20 May 2025
    with pytest.raises(ValidationError, match="《中国共产党章程》第七条"):
        votes.record_vote(secretary, case, 23, held_on=early, **VOTE)


@pytest.mark.parametrize("how", ["closed", "refused"])
def test_a_probation_that_ends_without_conversion_takes_the_person_off_the_roll(
    world, case, walk, secretary, how
):
    walk(case, 23 if how == "refused" else 20)
    if how == "closed":
        opening.close(secretary, case, dt.date(2024, 9, 1), "本人提出退出")
    else:
        recording.record_step(world.owner, case, 24, DATES[24], {"approved": False})
    wang = case.person
    wang.refresh_from_db()
    assert wang.political_status == PoliticalStatus.MASSES and not wang.is_current_member
    assert wang.party_profile.left_reason == "probation_cancelled"
    events = list(MemberEvent.objects.filter(person=wang).values_list("type", flat=True))
    assert sorted(events) == ["joined", "probation_cancelled"]
    # and may apply again later
    opening.open_case(secretary, wang, world.branch_a, dt.date(2025, 7, 1))


def test_a_former_probationary_member_is_admitted_anew_and_keeps_the_history(world, secretary):
    from dangqun.people import services as people

    people.admit_probationary(world.owner, world.wang, world.branch_a, dt.date(2020, 5, 1))
    people.cancel_probation(world.owner, world.wang, dt.date(2020, 12, 1), "本人提出退出")
    profile = people.admit_probationary(
        world.owner, world.wang, world.branch_a, dt.date(2024, 5, 20)
    )
    assert profile.is_current and profile.joined_on == dt.date(2024, 5, 20)
    events = MemberEvent.objects.filter(person=world.wang).order_by("on")
    assert [(e.type, e.on) for e in events] == [
        ("joined", dt.date(2020, 5, 1)),
        ("probation_cancelled", dt.date(2020, 12, 1)),
        ("joined", dt.date(2024, 5, 20)),
    ]
    with pytest.raises(ValidationError, match="已是党员"):
        people.admit_probationary(world.owner, world.wang, world.branch_a, dt.date(2024, 6, 1))


def test_nobody_records_their_own_case(world, make_user):
    own = make_user("wang_secretary", role="branch_secretary", org=world.branch_a)
    own.person = world.wang
    own.save(update_fields=["person"])
    with pytest.raises(PermissionDenied, match="不能办理本人"):
        opening.open_case(own, world.wang, world.branch_a, DATES[1])


def test_an_applicant_is_registered_in_the_branch_of_their_unit(world, secretary, make_user):
    group_admin = make_user("group_admin", role="party_admin", org=world.committee)
    with pytest.raises(ValidationError, match="不在该党支部所在单位"):
        opening.open_case(group_admin, world.wang, world.branch_b, DATES[1])


def test_dates_that_cannot_be(world, case, walk, secretary):
    walk(case, 3)
    with pytest.raises(ValidationError, match="考察日期不能早于确定为入党积极分子的日期"):
        votes.assess(secretary, case, dt.date(2023, 2, 1), "表现良好")
    with pytest.raises(ValidationError, match="日期不能晚于今天"):
        opening.close(secretary, case, dt.date(2099, 1, 1), "本人撤回")
    opening.close(secretary, case, dt.date(2023, 4, 1), "本人撤回")
    with pytest.raises(ValidationError, match="已终止"):
        votes.assess(secretary, case, dt.date(2023, 5, 1), "表现良好")
