"""Participation per unit and month: who took part, the hours, the recount and the page's
figures (rates per unit, no names)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.utils import timezone

from dangqun.activities import attendance, hours, organising, participation, signups
from dangqun.activities.models import ParticipationTally

pytestmark = pytest.mark.django_db


@pytest.fixture
def served(world, organiser, make_activity, employee):
    """张三 checked in and was credited 2 h; 李四 signed up and never came; 赵六 (乙公司) came."""
    activity = make_activity(starts_in=-dt.timedelta(hours=2), hours=3, capacity=5)
    zhang, li, zhao = employee(world.zhang), employee(world.li), employee(world.zhao)
    for user in (zhang, li, zhao):
        signups.sign_up(user, activity)
    attendance.check_in(zhang, activity, attendance.code_now(activity))
    attendance.check_in(zhao, activity, attendance.code_now(activity))
    organising.mark_held(organiser, activity)
    lines = {line.signup.person_id: line.signup.pk for line in hours.confirmation_lines(activity)}
    hours.confirm(organiser, activity, {lines[world.zhang.pk]: Decimal(2)})
    return activity


def test_the_recount_counts_people_once_and_their_hours(world, served):
    month = timezone.localtime(served.starts_at).date().replace(day=1)
    assert participation.recount([month]) == [month]
    rows = {r.unit_id: (r.participants, r.hours) for r in ParticipationTally.objects.all()}
    proposed = hours.total_of(world.zhao.pk)
    assert rows[world.dept_a.pk] == (1, Decimal(2))  # 李四 never came
    assert rows[world.dept_b.pk] == (1, proposed)
    assert participation.recount([month]) == []  # unchanged: nothing corrected
    ParticipationTally.objects.filter(unit=world.dept_a).update(participants=7)
    out = []
    call_command("recount_participation", stdout=type("W", (), {"write": out.append})())
    assert "已更正 1 个月" in out[0]


def test_the_figures_compare_units_by_rate(world, served, make_user):
    participation.recount_current()
    participation.recount(None)
    leader = make_user("boss", role="leader", org=world.group)
    figures = participation.figures(leader, world.group)
    by_unit = {row.org.name: row for row in figures.rows}
    assert set(by_unit) == {"甲公司", "乙公司"}
    assert by_unit["甲公司"].headcount == 3 and by_unit["甲公司"].participants == 1
    assert by_unit["甲公司"].hours_per_person == Decimal("0.67")
    this = figures.months[-1]
    assert this.participants == 2 and this.rate == pytest.approx(2 / 4)
    assert len(figures.months) == participation.MONTHS_SHOWN


def test_only_readers_in_scope_see_the_figures(world, served):
    with pytest.raises(PermissionDenied):
        participation.figures(world.member, world.company_a)
    with pytest.raises(PermissionDenied):
        participation.figures(world.outsider, world.company_a)  # 乙公司's admin
    participation.figures(world.owner, world.company_a)


def test_the_figures_cost_a_fixed_number_of_queries(
    world, served, django_assert_num_queries, make_user
):
    participation.recount(None)
    leader = make_user("boss", role="leader", org=world.group)
    from django.core.cache import cache

    cache.clear()  # the rule overrides are read once, whoever read them first (the fixtures did)
    with django_assert_num_queries(5):  # grants, children, tallies, headcounts, rule override
        participation.figures(leader, world.group)


def test_the_page_and_its_spreadsheet(world, served, login, make_user):
    from io import BytesIO

    from openpyxl import load_workbook

    from dangqun.core.models import AuditLog

    participation.recount(None)
    leader = make_user("boss", role="leader", org=world.group)
    client = login(leader)
    page = client.get("/activities/participation/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "示例集团 活动参与情况" in text and "甲公司" in text and "不公开个人排名" in text
    assert "张三" not in text  # units, not people
    drill = client.get(f"/activities/participation/?org={world.company_a.pk}")
    assert "甲公司综合部" in drill.content.decode()
    sheet = client.get(f"/activities/participation/export.xlsx?org={world.company_b.pk}")
    book = load_workbook(BytesIO(sheet.content))
    rows = list(book["各单位"].values)
    assert rows[0][0] == "单位" and rows[1][0] == "乙公司生产部"
    assert AuditLog.objects.filter(action="activity.participation_export").count() == 1
    assert login(world.member).get("/activities/participation/").status_code == 404
    outsider = login(world.outsider)  # 乙公司's admin
    assert outsider.get(f"/activities/participation/?org={world.company_a.pk}").status_code == 404
    assert outsider.get("/activities/participation/?org=²").status_code == 404
    assert "乙公司 活动参与情况" in outsider.get("/activities/participation/").content.decode()
