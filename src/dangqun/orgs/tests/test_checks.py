"""Structure rules (domain-rules §1), each at its boundary, with numbers and citations in the text."""

import datetime
import itertools
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangqun.core.models import RuleOverride
from dangqun.core.rules import national_rules
from dangqun.orgs import checks, services
from dangqun.orgs.models import Org, Post, Term
from dangqun.people.models import PartyProfile, Person

TODAY = datetime.date(2025, 6, 1)
_numbers = itertools.count(1)


def add_members(branch, unit, *, full=0, probationary=0, left=0):
    """Members of a branch (test data straight into the tables; the checks only read them)."""
    people = []
    for kind in ["full"] * full + ["probationary"] * probationary + ["left"] * left:
        n = next(_numbers)
        person = Person.objects.create(
            employee_no=f"T{n:06d}", name=f"党员{n}", gender="M", unit=unit
        )
        PartyProfile.objects.create(
            person=person,
            branch=branch,
            joined_on=datetime.date(2010, 1, 1),
            full_member_on=None if kind == "probationary" else datetime.date(2011, 1, 1),
            left_on=TODAY - datetime.timedelta(days=10) if kind == "left" else None,
        )
        people.append(person)
    return people


@pytest.fixture
def site(db):
    """A company with a department, a 党委 in the company and a branch in the department."""
    group = services.create_org(None, parent=None, name="集团", kind="group")
    company = services.create_org(None, parent=group, name="公司", kind="company")
    dept = services.create_org(None, parent=company, name="部门", kind="department")
    committee = services.create_org(
        None, parent=None, name="党委", kind="party_committee", unit=company
    )
    branch = services.create_org(None, parent=committee, name="支部", kind="branch", unit=dept)
    return SimpleNamespace(
        group=group, company=company, dept=dept, committee=committee, branch=branch
    )


def findings(orgs, rule_id=None, today=TODAY):
    found = checks.findings_for(Org.objects.filter(pk__in=[o.pk for o in orgs]), today)
    return [f for f in found if rule_id is None or f.finding.rule.id == rule_id]


def assert_quotes(finding, *numbers):
    rule = national_rules()[finding.finding.rule.id]
    text = str(finding)
    for number in numbers:
        assert str(number) in text, (number, text)
    assert rule.citation in text
    assert finding.finding.citation == rule.citation


@pytest.mark.parametrize(("members", "warned"), [(50, False), (51, True)])
def test_branch_size_boundary(site, members, warned):
    dept, branch = site.dept, site.branch
    add_members(branch, dept, full=members - 2, probationary=2, left=3)
    found = findings([branch], "org.branch_size")
    assert bool(found) == warned
    if warned:
        assert found[0].finding.text == "党支部有党员 51 名，一般不超过 50 名"
        assert_quotes(found[0], 51, 50)


@pytest.mark.parametrize(("full", "warned"), [(6, False), (7, True)])
def test_committee_required_boundary(site, full, warned):
    dept, branch = site.dept, site.branch
    add_members(branch, dept, full=full, probationary=3, left=2)
    found = findings([branch], "org.committee_required")
    assert bool(found) == warned
    if warned:
        assert_quotes(found[0], 7)


def test_members_confirmed_after_the_day_checked_are_not_yet_full(site):
    dept, branch = site.dept, site.branch
    people = add_members(branch, dept, full=7)
    PartyProfile.objects.filter(person=people[0]).update(
        full_member_on=TODAY + datetime.timedelta(1)
    )
    assert findings([branch], "org.committee_required") == []


def test_branch_with_a_secretary_only_term_still_needs_a_committee_at_seven(site):
    dept, branch = site.dept, site.branch
    add_members(branch, dept, full=7)
    services.start_term(
        None, branch, elected_on=TODAY - datetime.timedelta(days=30), has_committee=False
    )
    assert len(findings([branch], "org.committee_required")) == 1


def _committee(branch, size, *, ended=0):
    term = services.start_term(None, branch, elected_on=TODAY - datetime.timedelta(days=30))
    people = add_members(branch, Org.objects.get(pk=branch.unit_id), full=size + ended)
    for i, person in enumerate(people):
        post = services.appoint(None, branch, person, "member", started_on=term.elected_on)
        if i >= size:
            Post.objects.filter(pk=post.pk).update(ended_on=TODAY - datetime.timedelta(days=1))
    return term


@pytest.mark.parametrize(("size", "warned"), [(2, True), (3, False), (7, False), (8, True)])
def test_committee_size_boundary(site, size, warned):
    branch = site.branch
    _committee(branch, size, ended=2)  # people who left the committee do not count
    found = findings([branch], "org.committee_size")
    assert bool(found) == warned
    assert findings([branch], "org.committee_required") == []
    if warned:
        assert_quotes(found[0], size, 3, 7)


def test_a_declared_committee_with_no_one_registered_is_reported(site):
    branch = site.branch
    services.start_term(None, branch, elected_on=TODAY - datetime.timedelta(days=30))
    found = findings([branch], "org.committee_size")
    assert found[0].finding.text == "支部委员会现有委员 0 名，应为 3—7 名"


def test_one_person_holding_two_posts_counts_once(site):
    branch = site.branch
    _committee(branch, 3)
    person = Post.objects.filter(org=branch).first().person
    services.appoint(None, branch, person, "publicity", started_on=TODAY)
    assert findings([branch], "org.committee_size") == []


def _term_ending_in(org, days):
    ends_on = TODAY + datetime.timedelta(days=days)
    return Term.objects.create(
        org=org,
        number=1,
        elected_on=ends_on.replace(year=ends_on.year - 3),
        years=3,
        has_committee=False,  # a secretary only: no committee to count
    )


@pytest.mark.parametrize(("days", "rule_id"), [(90, "org.term_ending"), (0, "org.term_ending")])
def test_term_ending_within_ninety_days(site, days, rule_id):
    branch = site.branch
    term = _term_ending_in(branch, days)
    found = findings([branch])
    assert [f.finding.rule.id for f in found] == [rule_id]
    assert_quotes(found[0], term.ends_on, days, 1)


def test_term_ending_in_ninety_one_days_is_not_yet_a_warning(site):
    branch = site.branch
    _term_ending_in(branch, 91)
    assert findings([branch]) == []


def test_expired_term(site):
    branch = site.branch
    term = _term_ending_in(branch, -1)
    found = findings([branch])
    assert [f.finding.rule.id for f in found] == ["org.term_expired"]
    assert found[0].finding.text == f"第 1 届任期已于 {term.ends_on} 届满，应按期换届"
    assert_quotes(found[0], term.ends_on)


def test_a_closed_term_is_not_checked(site):
    branch = site.branch
    term = _term_ending_in(branch, -1)
    Term.objects.filter(pk=term.pk).update(closed_on=TODAY - datetime.timedelta(days=5))
    assert findings([branch]) == []


def test_the_latest_open_term_is_the_one_checked(site):
    branch = site.branch
    _term_ending_in(branch, -400)
    Term.objects.create(
        org=branch,
        number=2,
        elected_on=TODAY - datetime.timedelta(days=30),
        years=3,
        has_committee=False,
    )
    assert findings([branch]) == []


@pytest.mark.parametrize(("full", "warned"), [(2, False), (3, True)])
def test_unit_without_a_party_organisation_boundary(site, full, warned):
    group, company, dept, branch = site.group, site.company, site.dept, site.branch
    workshop = services.create_org(None, parent=company, name="车间", kind="department")
    # members of some other branch, employed in a unit that has no party organisation of its own
    add_members(branch, workshop, full=full, probationary=2, left=2)
    found = findings([group, company, dept, workshop], "org.branch_required")
    assert [f.org_id for f in found] == ([workshop.pk] if warned else [])
    if warned:
        assert found[0].finding.text == "本单位有正式党员 3 名（≥ 3 名），但尚未成立党支部"
        assert_quotes(found[0], 3)


def test_unit_with_its_own_branch_or_a_joint_branch_is_covered(site):
    company, dept, committee, branch = site.company, site.dept, site.committee, site.branch
    add_members(branch, dept, full=5)
    assert findings([dept], "org.branch_required") == []  # the branch sits in the department
    workshop = services.create_org(None, parent=company, name="车间", kind="department")
    add_members(branch, workshop, full=3)
    joint = services.create_org(None, parent=committee, name="联合支部", kind="joint_branch")
    joint.covered_units.add(workshop)
    assert findings([workshop], "org.branch_required") == []
    services.dissolve_org(None, joint, on=TODAY)
    assert len(findings([workshop], "org.branch_required")) == 1


@pytest.mark.parametrize(("units", "warned"), [(5, False), (6, True)])
def test_joint_branch_units_boundary(site, units, warned):
    company, committee = site.company, site.committee
    joint = services.create_org(None, parent=committee, name="联合支部", kind="joint_branch")
    covered = [
        services.create_org(None, parent=company, name=f"小单位{i}", kind="department")
        for i in range(units)
    ]
    joint.covered_units.add(*covered)
    found = findings([joint], "org.joint_branch_units")
    assert bool(found) == warned
    if warned:
        assert found[0].finding.text == "联合党支部覆盖 6 个单位，一般不超过 5 个"
        assert_quotes(found[0], 6, 5)


def test_a_disabled_rule_gives_no_finding_and_parameters_follow_overrides(site):
    dept, branch = site.dept, site.branch
    add_members(branch, dept, full=12)
    assert {f.finding.rule.id for f in findings([branch])} == {"org.committee_required"}
    RuleOverride.objects.create(rule_id="org.committee_required", enabled=False)
    RuleOverride.objects.create(rule_id="org.branch_size", params={"max_members": 10})
    found = findings([branch])
    assert [f.finding.rule.id for f in found] == ["org.branch_size"]
    assert found[0].finding.text == "党支部有党员 12 名，一般不超过 10 名"
    assert "本单位调整" in found[0].finding.citation


def test_rollup_counts_sum_the_subtree(site):
    dept, committee, branch = site.dept, site.committee, site.branch
    second = services.create_org(None, parent=committee, name="二支部", kind="branch", unit=dept)
    add_members(branch, dept, full=51)  # size + committee
    add_members(second, dept, full=7)  # committee
    _term_ending_in(committee, -1)  # expired
    orgs = [committee, branch, second]
    found = findings(orgs)
    assert len(found) == 4
    counts = checks.rollup_counts(found, [Org.objects.get(pk=o.pk) for o in orgs])
    assert counts == {committee.pk: 4, branch.pk: 2, second.pk: 1}
    assert len(checks.findings_in_subtree(found, Org.objects.get(pk=branch.pk))) == 2


def test_findings_are_ordered_by_tree_position(site):
    dept, committee, branch = site.dept, site.committee, site.branch
    add_members(branch, dept, full=7)
    _term_ending_in(committee, -1)
    paths = [f.org_path for f in findings([branch, committee])]
    assert paths == sorted(paths)


def _grow(site, copies):
    """``copies`` more branches, joint branches and units, each with something to report."""
    company, committee = site.company, site.committee
    for i in range(copies):
        unit = services.create_org(None, parent=company, name=f"单位{i}", kind="department")
        b = services.create_org(None, parent=committee, name=f"支部{i}", kind="branch", unit=unit)
        add_members(b, unit, full=8)
        term = _term_ending_in(b, 10 + i)
        services.appoint(
            None,
            b,
            Person.objects.filter(party_profile__branch=b).first(),
            "secretary",
            started_on=term.elected_on,
        )
        joint = services.create_org(None, parent=committee, name=f"联合{i}", kind="joint_branch")
        joint.covered_units.add(unit)
        lonely = services.create_org(None, parent=company, name=f"无支部单位{i}", kind="department")
        add_members(b, lonely, full=3)


def test_findings_for_runs_in_a_fixed_number_of_queries(site):
    def measure():
        orgs = Org.objects.active()
        checks.findings_for(orgs, TODAY)  # warm the rule-override cache
        with CaptureQueriesContext(connection) as ctx:
            found = checks.findings_for(orgs, TODAY)
        return len(ctx), orgs.count(), len(found)

    _grow(site, 1)
    small_queries, small_orgs, small_found = measure()
    _grow(site, 4)
    big_queries, big_orgs, big_found = measure()
    assert big_orgs > small_orgs and big_found > small_found
    assert small_queries == big_queries == 8  # with reading the organisations themselves


def test_deleting_an_override_brings_the_national_rule_back(site):
    add_members(site.branch, site.dept, full=12)
    override = RuleOverride.objects.create(rule_id="org.committee_required", enabled=False)
    assert findings([site.branch]) == []
    override.delete()
    assert {f.finding.rule.id for f in findings([site.branch])} == {"org.committee_required"}
    RuleOverride.objects.create(rule_id="org.committee_required", enabled=False)
    RuleOverride.objects.all().delete()
    assert {f.finding.rule.id for f in findings([site.branch])} == {"org.committee_required"}
