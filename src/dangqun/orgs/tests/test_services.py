"""Organisation services: create, rename, move, dissolve, terms; history, audit and permission."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangqun.core.models import AuditLog, RuleOverride
from dangqun.orgs import services
from dangqun.orgs.models import Org, OrgEvent, Post, Term


def test_create_under_a_parent_of_the_same_system(world):
    branch = services.create_org(
        world.owner, parent=world.committee_a, name=" 新党支部 ", kind="branch"
    )
    assert branch.name == "新党支部"
    assert branch.system == "party"
    assert Org.objects.get_parent(branch) == world.committee_a
    assert branch.path.startswith(world.committee_a.path)
    assert OrgEvent.objects.filter(org=branch, type="founded").count() == 1
    row = AuditLog.objects.get(action="org.create", object_id=str(branch.pk))
    assert row.actor == world.owner


@pytest.mark.parametrize(
    ("parent", "kind"),
    [("committee_a", "department"), ("committee_a", "union_committee"), ("dept_a", "branch")],
)
def test_create_across_systems_is_refused(world, parent, kind):
    count = Org.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.create_org(None, parent=getattr(world, parent), name="错误", kind=kind)
    assert "下不能建立" in str(exc.value)
    assert Org.objects.count() == count


def test_create_refuses_an_empty_name_an_unknown_kind_and_a_non_enterprise_unit(world):
    count = Org.objects.count()
    with pytest.raises(ValidationError, match="请填写组织名称"):
        services.create_org(None, parent=world.committee_a, name="  ", kind="branch")
    with pytest.raises(ValidationError, match="组织类别不正确"):
        services.create_org(None, parent=world.committee_a, name="x", kind="nonsense")
    with pytest.raises(ValidationError, match="所在单位必须是行政组织"):
        services.create_org(
            None, parent=world.committee_a, name="x", kind="branch", unit=world.branch_b
        )
    assert Org.objects.count() == count


def test_only_a_trusted_caller_creates_a_root(world):
    with pytest.raises(PermissionDenied):
        services.create_org(world.owner, parent=None, name="另一个集团", kind="group")


def test_create_under_a_dissolved_parent_is_refused(world):
    empty = services.create_org(None, parent=world.committee_a, name="空支部", kind="branch")
    services.dissolve_org(None, empty, on=world.today)
    with pytest.raises(ValidationError, match="上级组织已撤销"):
        services.create_org(None, parent=empty, name="党小组", kind="party_group")


def test_rename_is_kept_in_history_and_audited(world):
    services.update_org(world.owner, world.branch_a, name="综合党支部")
    world.branch_a.refresh_from_db()
    assert world.branch_a.name == "综合党支部"
    event = OrgEvent.objects.get(org=world.branch_a, type="renamed")
    assert event.before == {"name": "甲公司综合部党支部"}
    assert event.after == {"name": "综合党支部"}
    assert event.actor_name == "owner"
    row = AuditLog.objects.get(action="org.update", object_id=str(world.branch_a.pk))
    assert row.before == {"name": "甲公司综合部党支部"}
    assert row.after == {"name": "综合党支部"}
    assert row.actor == world.owner


def test_detail_change_is_a_changed_event(world):
    services.update_org(world.owner, world.branch_a, contact_name="王主任", contact_phone="123")
    event = OrgEvent.objects.get(org=world.branch_a, type="changed")
    assert event.after == {"contact_name": "王主任", "contact_phone": "123"}
    assert AuditLog.objects.filter(action="org.update").count() == 1


def test_an_update_that_changes_nothing_records_nothing(world):
    events = OrgEvent.objects.count()
    services.update_org(world.owner, world.branch_a, name="甲公司综合部党支部")
    assert OrgEvent.objects.count() == events
    assert not AuditLog.objects.filter(action="org.update").exists()


def test_rename_to_nothing_is_refused(world):
    with pytest.raises(ValidationError, match="请填写组织名称"):
        services.update_org(world.owner, world.branch_a, name=" ")


def test_outsider_cannot_change_another_subtree(world):
    for call in (
        lambda: services.update_org(world.outsider, world.branch_a, name="x"),
        lambda: services.create_org(
            world.outsider, parent=world.committee_a, name="x", kind="branch"
        ),
        lambda: services.dissolve_org(world.outsider, world.branch_a, on=world.today),
        lambda: services.start_term(world.outsider, world.branch_a, elected_on=world.today),
        lambda: services.move_org(world.outsider, world.branch_b, world.committee_a),
    ):
        with pytest.raises(PermissionDenied):
            call()
    world.branch_a.refresh_from_db()
    assert world.branch_a.name == "甲公司综合部党支部"
    assert not Term.objects.exists()


def test_read_only_leader_cannot_change(world):
    with pytest.raises(PermissionDenied):
        services.update_org(world.reader, world.branch_a, name="x")


def test_party_admin_cannot_restructure_the_enterprise_unit_its_committee_sits_in(world):
    # The 党委 serves its company: its admins see the company's units, but do not run them.
    with pytest.raises(PermissionDenied):
        services.update_org(world.owner, world.company_a, name="改名")
    with pytest.raises(PermissionDenied):
        services.create_org(world.owner, parent=world.company_a, name="新部门", kind="department")


@pytest.fixture
def subtree(world):
    """A general branch with two branches and a party group, under company A's 党委."""
    general = services.create_org(
        None, parent=world.committee_a, name="总支", kind="general_branch"
    )
    one = services.create_org(None, parent=general, name="一支部", kind="branch")
    two = services.create_org(None, parent=general, name="二支部", kind="branch")
    group = services.create_org(None, parent=one, name="一组", kind="party_group")
    return general, one, two, group


def test_move_a_subtree_changes_every_descendant_path(world, subtree, make_user):
    general, one, two, group = subtree
    target = world.committee_b
    owner_of_both = make_user("group_admin", role="party_admin", org=world.committee)
    services.move_org(owner_of_both, general, target)
    for org in (general, one, two, group):
        org.refresh_from_db()
        assert org.path.startswith(target.path), org.name
    assert Org.objects.get_parent(general) == target
    assert Org.objects.get_parent(one) == general
    assert Org.objects.get_parent(group) == one
    assert Org.objects.in_subtree(world.committee_a).filter(pk__in=[one.pk, group.pk]).count() == 0
    event = OrgEvent.objects.get(org=general, type="moved")
    assert (event.before, event.after) == ({"parent": "甲公司党委"}, {"parent": "乙公司党委"})
    assert AuditLog.objects.filter(action="org.move", object_id=str(general.pk)).count() == 1
    world.committee_a.refresh_from_db()
    target.refresh_from_db()
    assert Org.objects.get_children(world.committee_a).filter(pk=general.pk).count() == 0
    assert Org.objects.get_children(target).filter(pk=general.pk).count() == 1


def test_move_is_one_operation_whatever_the_size_of_the_subtree(world, subtree):
    general = subtree[0]
    lone = services.create_org(None, parent=world.committee_a, name="独立支部", kind="branch")
    with CaptureQueriesContext(connection) as big:
        services.move_org(None, general, world.committee_b)  # four organisations
    with CaptureQueriesContext(connection) as small:
        services.move_org(None, lone, world.committee_b)  # one organisation
    assert len(big) == len(small)
    assert sum("UPDATE" in q["sql"] and "LIKE" in q["sql"] for q in big.captured_queries) == 1


def test_move_into_own_subtree_is_refused(world, subtree):
    general, one, _, group = subtree
    paths = dict(Org.objects.values_list("pk", "path"))
    for target in (general, one, group):
        with pytest.raises(ValidationError, match="不能调整到本组织或其下级组织下"):
            services.move_org(None, general, target)
    assert dict(Org.objects.values_list("pk", "path")) == paths


def test_move_across_systems_is_refused(world, subtree):
    general = subtree[0]
    with pytest.raises(ValidationError, match="同一体系"):
        services.move_org(None, general, world.company_b)


def test_move_needs_rights_on_both_ends(world, subtree):
    with pytest.raises(PermissionDenied):
        services.move_org(world.owner, subtree[0], world.committee_b)


def test_dissolve_refuses_while_children_are_active(world, subtree):
    general, _one, _two, _group = subtree
    with pytest.raises(ValidationError, match="请先撤销或调出其下级组织"):
        services.dissolve_org(None, general, on=world.today)
    assert Org.objects.get(pk=general.pk).is_active


def test_dissolve_refuses_while_members_remain(world):
    with pytest.raises(ValidationError, match="仍有党员"):
        services.dissolve_org(None, world.branch_a, on=world.today)
    assert Org.objects.get(pk=world.branch_a.pk).is_active


def test_dissolve_refuses_while_employees_remain(world):
    with pytest.raises(ValidationError, match="仍有在职人员"):
        services.dissolve_org(None, world.dept_b, on=world.today)
    assert Org.objects.get(pk=world.dept_b.pk).is_active


def test_dissolve_keeps_the_record_history_terms_and_posts(world, subtree):
    _general, _one, two, _group = subtree
    term = services.start_term(None, two, elected_on=datetime.date(2023, 1, 1))
    post = services.appoint(
        None, two, world.zhang, "secretary", started_on=datetime.date(2023, 1, 1)
    )
    on = world.today
    services.dissolve_org(world.owner, two, on=on, note="合并")
    two.refresh_from_db()
    assert two.dissolved_on == on and not two.is_active
    assert Org.objects.filter(pk=two.pk).exists()
    assert list(two.events.values_list("type", flat=True)) == ["dissolved", "founded"]
    assert Term.objects.get(pk=term.pk).closed_on == on
    assert Post.objects.get(pk=post.pk).ended_on == on
    row = AuditLog.objects.get(action="org.dissolve")
    assert row.after == {"dissolved_on": str(on), "note": "合并"}
    with pytest.raises(ValidationError, match="已撤销"):
        services.dissolve_org(None, two, on=on)


def test_start_term_defaults_from_the_rules(world):
    committee_term = services.start_term(
        None, world.committee_a, elected_on=datetime.date(2022, 5, 1)
    )
    branch_term = services.start_term(None, world.branch_a, elected_on=datetime.date(2022, 5, 1))
    assert committee_term.years == 5
    assert branch_term.years == 3
    assert branch_term.ends_on == datetime.date(2025, 5, 1)
    assert committee_term.number == branch_term.number == 1


def test_start_term_follows_a_local_override(world):
    RuleOverride.objects.create(rule_id="org.term_years", params={"branch": 2})
    term = services.start_term(None, world.branch_a, elected_on=datetime.date(2022, 5, 1))
    assert term.years == 2


def test_start_term_closes_the_previous_one_and_its_posts(world):
    first = services.start_term(None, world.branch_a, elected_on=datetime.date(2019, 5, 1))
    post = services.appoint(
        None, world.branch_a, world.zhang, "secretary", started_on=datetime.date(2019, 5, 1)
    )
    assert post.term == first
    second = services.start_term(world.owner, world.branch_a, elected_on=datetime.date(2022, 5, 1))
    first.refresh_from_db()
    post.refresh_from_db()
    assert first.closed_on == datetime.date(2022, 5, 1)
    assert post.ended_on == datetime.date(2022, 5, 1)
    assert second.number == 2 and second.closed_on is None
    assert world.branch_a.terms.filter(closed_on__isnull=True).count() == 1
    assert AuditLog.objects.filter(action="org.term.start", actor=world.owner).count() == 1


def test_start_term_before_the_previous_election_is_refused(world):
    services.start_term(None, world.branch_a, elected_on=datetime.date(2022, 5, 1))
    with pytest.raises(ValidationError, match="不能早于上一届"):
        services.start_term(None, world.branch_a, elected_on=datetime.date(2021, 5, 1))
    assert world.branch_a.terms.count() == 1


def test_enterprise_units_have_no_default_term(world):
    with pytest.raises(ValidationError, match="请填写任期年限"):
        services.start_term(None, world.dept_a, elected_on=datetime.date(2022, 5, 1))


def test_end_post_before_it_started_is_refused(world):
    post = services.appoint(
        None, world.branch_a, world.zhang, "secretary", started_on=datetime.date(2022, 5, 1)
    )
    with pytest.raises(ValidationError, match="离任日期不能早于任职日期"):
        services.end_post(None, post, ended_on=datetime.date(2022, 4, 1))
    services.end_post(world.owner, post, ended_on=datetime.date(2023, 4, 1))
    post.refresh_from_db()
    assert post.ended_on == datetime.date(2023, 4, 1)
    assert not post.is_current
