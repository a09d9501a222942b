"""The scoping engine: grants cover sub-trees; people by branch, unit, union or league; self; read-only."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.http import Http404

from dangqun.accounts.roles import (
    CHANGE_ORGS,
    CHANGE_PEOPLE,
    EXPORT_PEOPLE,
    REVEAL_ID,
    ROLES,
    VIEW_AUDIT,
    VIEW_ORGS,
    VIEW_PEOPLE,
)
from dangqun.accounts.scope import Scope, get_in_scope
from dangqun.accounts.services import grant_role
from dangqun.orgs import services as org_services
from dangqun.orgs.models import Org
from dangqun.people import services as people_services
from dangqun.people.models import Person


def org_names(user, capability=VIEW_ORGS):
    return set(Scope(user).orgs(capability).values_list("name", flat=True))


def people_names(user, capability=VIEW_PEOPLE):
    return set(Scope(user).people(capability).values_list("name", flat=True))


def test_a_grant_covers_its_subtree_and_the_unit_it_serves(world):
    assert org_names(world.owner) == {
        "甲公司党委",
        "甲公司综合部党支部",
        "甲公司",  # the unit company A's 党委 sits in
        "甲公司综合部",
    }
    assert org_names(world.outsider) == {
        "乙公司党委",
        "乙公司生产部党支部",
        "乙公司",
        "乙公司生产部",
    }


def test_change_rights_stay_inside_the_granted_tree(world):
    assert set(Scope(world.owner).orgs(CHANGE_ORGS).values_list("name", flat=True)) == {
        "甲公司党委",
        "甲公司综合部党支部",
    }
    scope = Scope(world.owner)
    assert scope.can(CHANGE_ORGS, world.branch_a)
    assert not scope.can(CHANGE_ORGS, world.company_a)
    assert not scope.can(CHANGE_ORGS, world.committee)  # the parent is outside
    assert not scope.can(CHANGE_ORGS, world.branch_b)
    # but people may be placed in the unit the 党委 serves
    assert scope.can(CHANGE_PEOPLE, world.dept_a)


def test_people_of_a_party_grant(world):
    assert people_names(world.owner) == {"张三", "李四", "王五"}
    assert people_names(world.outsider) == {"赵六"}


def test_party_grant_sees_members_by_branch(world, make_user):
    # a branch sitting in no unit: its secretary sees its members only, wherever they work
    floating = org_services.create_org(
        None, parent=world.committee_b, name="流动党员党支部", kind="branch"
    )
    people_services.set_party_profile(
        None, world.wang, {"branch": floating, "joined_on": datetime.date(2020, 1, 1)}
    )
    secretary = make_user("secretary", role="branch_secretary", org=floating)
    assert people_names(secretary) == {"王五"}
    # members who transferred out stay visible (their history is readable)
    people_services.record_member_event(
        None, world.wang, "transfer_out", on=world.today, counterpart="外单位"
    )
    assert people_names(secretary) == {"王五"}


def test_enterprise_grant_sees_people_by_unit(world, make_user):
    admin = make_user("mass", role="mass_admin", org=world.company_b)
    assert people_names(admin) == {"赵六"}
    dept_admin = make_user("dept", role="mass_admin", org=world.dept_a)
    assert people_names(dept_admin) == {"张三", "李四", "王五"}
    group_admin = make_user("group", role="mass_admin", org=world.group)
    assert people_names(group_admin) == {"张三", "李四", "王五", "赵六"}


def test_union_and_league_grants_see_their_members(world, make_user):
    union = org_services.create_org(None, parent=None, name="集团工会", kind="union_committee")
    union_a = org_services.create_org(None, parent=union, name="甲分工会", kind="union_branch")
    league = org_services.create_org(None, parent=None, name="集团团委", kind="league_committee")
    people_services.update_person(None, world.wang, {"union_org": union_a, "league_org": league})
    assert people_names(make_user("u", role="union_admin", org=union)) == {"王五"}
    assert people_names(make_user("l", role="league_admin", org=league)) == {"王五"}


def test_self_is_visible_to_a_member_with_no_role(world):
    scope = Scope(world.member)
    assert people_names(world.member) == {"张三"}
    assert scope.is_self(world.zhang) and not scope.is_self(world.li)
    assert not scope.has(VIEW_PEOPLE)
    assert people_names(world.member, CHANGE_PEOPLE) == set()
    assert people_names(world.member, REVEAL_ID) == set()
    assert org_names(world.member) == set()


@pytest.mark.parametrize("role", ["system_admin", "security_admin", "audit_admin"])
def test_the_three_admin_roles_do_not_see_people(world, make_user, role):
    user = make_user(f"{role}_x", role=role, org=world.group)
    grant_role(None, user, role, world.committee)
    scope = Scope(user)
    for capability in (VIEW_PEOPLE, CHANGE_PEOPLE, EXPORT_PEOPLE, REVEAL_ID):
        assert not scope.has(capability)
        assert not scope.people(capability).exists()


def test_no_single_role_holds_every_duty():
    duties = {"accounts.manage", "accounts.grant", VIEW_AUDIT}
    for role in ROLES.values():
        assert len(duties & role.capabilities) <= 1, role.code


def test_leader_is_read_only(world):
    scope = Scope(world.reader)
    assert ROLES["leader"].read_only
    assert people_names(world.reader) == {"张三", "李四", "王五"}
    for capability in (CHANGE_PEOPLE, EXPORT_PEOPLE, REVEAL_ID, CHANGE_ORGS):
        assert not scope.has(capability)
    assert not scope.people(CHANGE_PEOPLE).exists()
    assert not scope.can(CHANGE_ORGS, world.branch_a)


def test_nested_grants_are_not_counted_twice(world, make_user):
    grant_role(None, world.owner, "party_admin", world.branch_a)
    scope = Scope(world.owner)
    assert [n.org_id for n in scope._paths(VIEW_PEOPLE)] == [world.committee_a.pk]
    assert scope.people().count() == 3


def test_an_inactive_or_anonymous_user_sees_nothing(world):
    world.owner.is_active = False
    assert not Scope(world.owner).people().exists()
    assert not Scope(world.owner).orgs(VIEW_ORGS).exists()
    assert not Scope(AnonymousUser()).orgs(VIEW_ORGS).exists()
    assert not Scope(None).people().exists()


def test_get_in_scope_is_404_outside(world):
    scope = Scope(world.owner)
    assert get_in_scope(scope.people(), pk=world.zhang.pk) == world.zhang
    with pytest.raises(Http404):
        get_in_scope(scope.people(), pk=world.zhao.pk)
    with pytest.raises(Http404):
        get_in_scope(scope.orgs(VIEW_ORGS), pk=world.branch_b.pk)


def test_scope_loads_grants_in_one_query(world, django_assert_num_queries):
    user = type(world.owner).objects.get(pk=world.owner.pk)
    with django_assert_num_queries(1):
        scope = Scope.of(user)
        assert Scope.of(user) is scope
        scope.has(VIEW_PEOPLE)
        scope.can(VIEW_ORGS, world.branch_a)


def test_a_moved_subtree_moves_its_people_out_of_scope(world, make_user):
    group_admin = make_user("root_admin", role="party_admin", org=world.committee)
    org_services.move_org(group_admin, world.branch_a, world.committee_b)
    owner = type(world.owner).objects.get(pk=world.owner.pk)
    # 张三 and 李四 still work in company A's department, which the 党委 serves
    assert people_names(owner) == {"张三", "李四", "王五"}
    outsider = type(world.outsider).objects.get(pk=world.outsider.pk)
    assert people_names(outsider) == {"张三", "李四", "赵六"}
    assert Org.objects.get(pk=world.branch_a.pk).path.startswith(world.committee_b.path)
    assert Person.objects.count() == 4


def test_a_grant_over_every_enterprise_tree_needs_no_row_filter(world, make_user):
    """The group 党委 serves the group: everyone works in one of its units."""
    admin = make_user("group_admin", role="party_admin", org=world.committee)
    scope = Scope.of(admin)
    assert scope.person_q(VIEW_PEOPLE) == Q()
    assert people_names(admin) == set(Person.objects.values_list("name", flat=True))


def test_a_second_enterprise_tree_keeps_the_filter(world, make_user):
    other = org_services.create_org(None, parent=None, name="另一集团", kind="group")
    people_services.create_person(
        None, {"employee_no": "X0001", "name": "外人", "gender": "M", "unit": other}
    )
    admin = make_user("group_admin", role="party_admin", org=world.committee)
    assert Scope.of(admin).person_q(VIEW_PEOPLE) != Q()
    assert "外人" not in people_names(admin)
    assert "张三" in people_names(admin)


def test_a_scope_reads_its_organisation_ids_once_per_request(world, django_assert_num_queries):
    scope = Scope(world.owner)
    with django_assert_num_queries(1):  # the ids of the 党委's tree and of the unit it serves
        scope.person_q(VIEW_PEOPLE)
        scope.person_q(CHANGE_PEOPLE)
        scope.person_q(EXPORT_PEOPLE)


@pytest.mark.parametrize("limit", [0, 1, 3])
def test_a_large_scope_stays_a_sub_query_and_sees_the_same_people(
    world, make_user, monkeypatch, limit
):
    """Over the inline limit (or when the shared read is cut short), a sub-tree is a sub-query."""
    mass = make_user("mass", role="mass_admin", org=world.company_a)
    expected = {user: people_names(user) for user in (world.owner, world.outsider, mass)}
    monkeypatch.setattr("dangqun.accounts.scope.INLINE_IDS_LIMIT", limit)
    for user, names in expected.items():
        assert people_names(user) == names
    assert expected[world.owner] == {"张三", "李四", "王五"}
    assert expected[mass] == {"张三", "李四", "王五"}
