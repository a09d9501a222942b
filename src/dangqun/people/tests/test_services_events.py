"""Member events: transfers, 出党, death, 停止/恢复党籍, 失联; history kept, impossible sequences refused."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from dangqun.core.models import AuditLog
from dangqun.orgs.models import Org
from dangqun.people import services
from dangqun.people.filters import apply_filters
from dangqun.people.models import MemberEvent, PartyProfile, Person

ON = datetime.date(2024, 3, 1)


def event(world, person, kind, actor=None, **kwargs):
    kwargs.setdefault("on", ON)
    return services.record_member_event(actor, person, kind, **kwargs)


def profile_of(person):
    return PartyProfile.objects.get(person=person)


def test_transfer_out_keeps_the_person_and_their_history(world):
    event(world, world.zhang, "transfer_out", world.owner, counterpart="某市直机关党委")
    zhang = Person.objects.get(pk=world.zhang.pk)
    profile = profile_of(zhang)
    assert profile.left_on == ON
    assert profile.left_reason == "transferred_out"
    assert profile.branch == world.branch_a  # where they were
    assert zhang.political_status == "cpc"  # still a member, elsewhere
    types = list(zhang.member_events.values_list("type", flat=True))
    assert types == ["transfer_out", "confirmed", "joined"]
    out = zhang.member_events.get(type="transfer_out")
    assert (out.from_branch, out.counterpart, out.actor_name) == (
        world.branch_a,
        "某市直机关党委",
        "owner",
    )
    row = AuditLog.objects.get(action="member.transfer_out")
    assert row.actor == world.owner
    assert row.after == {"left_on": "2024-03-01", "left_reason": "transferred_out"}
    # no longer among the members here, still found among those who left
    people, orgs = Person.objects.all(), Org.objects.all()
    assert zhang not in apply_filters(people, {"party": "1"}, orgs)
    assert zhang in apply_filters(people, {"left": "1"}, orgs)
    assert zhang in apply_filters(people, {"org": world.branch_a.pk}, orgs)


def test_transfer_out_needs_a_destination(world):
    with pytest.raises(ValidationError) as exc:
        event(world, world.zhang, "transfer_out", counterpart="  ")
    assert exc.value.message_dict == {"counterpart": ["请填写转往的党组织"]}
    assert profile_of(world.zhang).is_current


def test_transfer_out_twice_is_refused(world):
    event(world, world.zhang, "transfer_out", counterpart="外单位")
    with pytest.raises(ValidationError, match="已离开本单位党组织"):
        event(world, world.zhang, "transfer_out", counterpart="外单位")


def test_transfer_in_brings_a_member_back(world):
    event(world, world.zhang, "transfer_out", counterpart="外单位", on=datetime.date(2020, 1, 1))
    event(world, world.zhang, "transfer_in", to_branch=world.branch_a, counterpart="外单位")
    profile = profile_of(world.zhang)
    assert profile.is_current and profile.left_reason == "" and profile.branch == world.branch_a
    back = world.zhang.member_events.get(type="transfer_in")
    assert back.from_branch is None and back.to_branch == world.branch_a


def test_transfer_in_while_still_here_is_refused(world):
    with pytest.raises(ValidationError, match="仍在本单位，请办理内部调动"):
        event(world, world.zhang, "transfer_in", to_branch=world.branch_a)


def test_transfer_in_needs_a_branch(world):
    event(world, world.zhang, "transfer_out", counterpart="外单位", on=datetime.date(2020, 1, 1))
    for target in (None, world.dept_a, world.committee_a):
        with pytest.raises(ValidationError) as exc:
            event(world, world.zhang, "transfer_in", to_branch=target)
        assert exc.value.message_dict == {"to_branch": ["请选择转入的党支部"]}


def test_internal_move(world):
    event(world, world.zhang, "internal_move", to_branch=world.branch_b)
    profile = profile_of(world.zhang)
    assert profile.branch == world.branch_b
    move = world.zhang.member_events.get(type="internal_move")
    assert (move.from_branch, move.to_branch) == (world.branch_a, world.branch_b)


def test_internal_move_to_the_same_branch_is_refused(world):
    with pytest.raises(ValidationError, match="已在该党支部"):
        event(world, world.zhang, "internal_move", to_branch=world.branch_a)


def test_internal_move_out_of_the_actor_scope_is_refused(world):
    with pytest.raises(PermissionDenied):
        event(world, world.zhang, "internal_move", world.owner, to_branch=world.branch_b)
    assert profile_of(world.zhang).branch == world.branch_a


def test_internal_move_of_someone_who_left_is_refused(world):
    event(world, world.zhang, "transfer_out", counterpart="外单位")
    with pytest.raises(ValidationError, match="请办理转入"):
        event(world, world.zhang, "internal_move", to_branch=world.branch_b)


def test_expulsion_sets_the_political_status(world):
    event(world, world.zhang, "expelled", world.owner, note="党纪处分")
    zhang = Person.objects.get(pk=world.zhang.pk)
    assert zhang.political_status == "masses"
    profile = profile_of(zhang)
    assert (profile.left_on, profile.left_reason) == (ON, "expelled")
    assert zhang.member_events.filter(type="expelled", note="党纪处分").exists()


def test_death(world):
    event(world, world.zhang, "deceased")
    profile = profile_of(world.zhang)
    assert (profile.left_on, profile.left_reason) == (ON, "deceased")
    assert Person.objects.filter(pk=world.zhang.pk).exists()


@pytest.mark.parametrize("ending", ["deceased", "expelled"])
def test_no_transfer_in_after_death_or_expulsion(world, ending):
    event(world, world.zhang, ending, on=datetime.date(2020, 1, 1))
    with pytest.raises(ValidationError):
        event(world, world.zhang, "transfer_in", to_branch=world.branch_a)
    assert not profile_of(world.zhang).is_current


def test_suspend_and_restore(world):
    event(world, world.zhang, "suspended")
    assert profile_of(world.zhang).standing == "suspended"
    with pytest.raises(ValidationError, match="已停止党籍"):
        event(world, world.zhang, "suspended")
    event(world, world.zhang, "restored")
    assert profile_of(world.zhang).standing == "normal"
    with pytest.raises(ValidationError, match="未被停止党籍"):
        event(world, world.zhang, "restored")
    types = list(world.zhang.member_events.values_list("type", flat=True))
    assert sorted(types) == ["confirmed", "joined", "restored", "suspended"]


def test_lost_contact_and_found_again(world):
    event(world, world.zhang, "lost_contact")
    assert profile_of(world.zhang).lost_contact_on == ON
    with pytest.raises(ValidationError, match="已登记为失联"):
        event(world, world.zhang, "lost_contact")
    event(world, world.zhang, "contact_restored")
    assert profile_of(world.zhang).lost_contact_on is None
    with pytest.raises(ValidationError, match="未登记为失联"):
        event(world, world.zhang, "contact_restored")


@pytest.mark.parametrize("kind", ["suspended", "lost_contact"])
def test_standing_events_need_a_current_member(world, kind):
    event(world, world.zhang, "deceased", on=datetime.date(2020, 1, 1))
    with pytest.raises(ValidationError, match="已离开本单位党组织"):
        event(world, world.zhang, kind)


def test_a_date_in_the_future_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        event(world, world.zhang, "deceased", on=timezone.localdate() + datetime.timedelta(days=1))
    assert exc.value.message_dict == {"on": ["日期不能晚于今天"]}


def test_a_date_before_joining_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        event(world, world.zhang, "deceased", on=datetime.date(2015, 6, 30))
    assert "早于加入党组织日期" in exc.value.message_dict["on"][0]
    assert profile_of(world.zhang).is_current


def test_events_for_someone_who_is_not_a_member_are_refused(world):
    with pytest.raises(ValidationError, match="没有党员信息"):
        event(world, world.wang, "deceased")
    assert not MemberEvent.objects.filter(person=world.wang).exists()


def test_unknown_event_type_is_refused(world):
    with pytest.raises(ValidationError):
        event(world, world.zhang, "promoted")


@pytest.mark.parametrize("actor", ["reader", "outsider", "member", "auditor"])
def test_events_need_the_right_to_change_the_member(world, actor):
    with pytest.raises(PermissionDenied):
        event(world, world.zhang, "lost_contact", getattr(world, actor))
    assert profile_of(world.zhang).lost_contact_on is None
