"""The compliance radar: expected against held per cadence rule, attendance, silent branches,
absence streaks and members nearing six months without organisation life, each citing its rule."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from dangqun.life import attendance, planning, radar, recording
from dangqun.life.models import Kind, Meeting, Presence, Status

SHANGHAI = ZoneInfo("Asia/Shanghai")
YEAR = (dt.date(2025, 1, 1), dt.date(2026, 1, 1))


def held(secretary, org, kind, day, present=(), absent=()):
    """A meeting on ``day`` (2025), recorded and finalised, with who came."""
    meeting = planning.schedule(
        secretary,
        org,
        {
            "kind": kind,
            "topic": f"{day}",
            "starts_at": dt.datetime.combine(day, dt.time(15), SHANGHAI),
        },
    )
    for person in present:
        attendance.mark(secretary, meeting, person, Presence.PRESENT)
    for person in absent:
        attendance.mark(secretary, meeting, person, Presence.ABSENT)
    recording.update(secretary, meeting, {"minutes": "已召开"})
    recording.finalise(secretary, meeting)
    return meeting


def rules_of(findings):
    return sorted({f.rule.id for f in findings})


def test_a_quiet_branch_shows_every_period_it_missed(world, secretary):
    [branch] = [r for r in radar.radar(world.committee_a, *YEAR, today=dt.date(2025, 4, 10))]
    assert branch.org == world.branch_a
    # by 10 April: Jan–Mar 主题党日 (3), Q1 党员大会 and 党课 due; 组织生活会/评议 not yet
    assert (branch.due[Kind.THEME_DAY].expected, branch.due[Kind.THEME_DAY].held) == (3, 0)
    assert branch.due[Kind.GENERAL_MEETING].expected == 1
    assert branch.due[Kind.LIFE_MEETING].expected == 0
    texts = [str(f) for f in branch.findings]
    assert (
        "2025年2月应召开主题党日 1 次，实际 0 次（依据：《中国共产党党员教育管理工作条例》第十六条）"
        in texts
    )
    assert "life.silent_branch" in rules_of(branch.findings) and not branch.green


def test_a_branch_that_holds_its_meetings_turns_green(world, secretary):
    zhang, li = world.zhang, world.li
    for month in (1, 2, 3):
        held(
            secretary, world.branch_a, Kind.THEME_DAY, dt.date(2025, month, 15), present=[zhang, li]
        )
    held(secretary, world.branch_a, Kind.GENERAL_MEETING, dt.date(2025, 3, 20), present=[zhang, li])
    held(
        secretary,
        world.branch_a,
        Kind.PARTY_LECTURE,
        dt.date(2025, 3, 25),
        present=[zhang],
        absent=[li],
    )
    [branch] = radar.radar(world.committee_a, *YEAR, today=dt.date(2025, 4, 10))
    assert branch.green, [str(f) for f in branch.findings]
    assert branch.due[Kind.THEME_DAY].held == 3
    assert branch.attendance_rate == pytest.approx(9 / 10)
    assert branch.last_held == dt.date(2025, 3, 25)


def test_absence_streaks_and_members_nearing_six_months(world, secretary):
    for month in (1, 2, 3):
        held(
            secretary,
            world.branch_a,
            Kind.THEME_DAY,
            dt.date(2025, month, 15),
            present=[world.zhang],
            absent=[world.li],
        )
    [branch] = radar.radar(world.committee_a, *YEAR, today=dt.date(2025, 4, 10))
    texts = [str(f) for f in branch.findings]
    assert any(t.startswith("李四已连续 3 次未参加组织生活") for t in texts)
    assert not any(t.startswith("张三已连续") for t in texts)
    [later] = radar.radar(world.committee_a, *YEAR, today=dt.date(2025, 7, 20))
    nearing = [str(f) for f in later.findings if f.rule.id == "life.no_life"]
    assert any(t.startswith("李四已 6 个月未参加组织生活") for t in nearing)  # never came
    assert not any(t.startswith("张三") for t in nearing)  # came in March: 4 months
    assert "第三十一条" in nearing[0]


def test_a_planned_or_cancelled_meeting_does_not_count_as_held(world, secretary):
    planning.plan_year(secretary, world.branch_a, 2025)  # planned only
    cancelled = Meeting.objects.filter(kind=Kind.THEME_DAY).first()
    Meeting.objects.filter(pk=cancelled.pk).update(status=Status.CANCELLED)
    [branch] = radar.radar(world.committee_a, *YEAR, today=dt.date(2025, 12, 31))
    assert branch.due[Kind.THEME_DAY].held == 0


def test_rolled_up_under_each_child_and_a_fixed_number_of_queries(
    world, secretary, make_user, django_assert_max_num_queries
):
    from dangqun.orgs import services as org_services

    second = org_services.create_org(
        None, parent=world.committee_a, name="甲公司第二党支部", kind="branch", unit=world.dept_a
    )
    held(secretary, world.branch_a, Kind.THEME_DAY, dt.date(2025, 1, 15), present=[world.zhang])
    with django_assert_max_num_queries(8):
        results = radar.radar(world.committee, *YEAR, today=dt.date(2025, 2, 10))
    assert {r.org.name for r in results} == {
        "甲公司综合部党支部",
        "甲公司第二党支部",
        "乙公司生产部党支部",
    }
    rows = radar.rollup(world.committee, results)
    assert [(r.org.name, r.branches) for r in rows] == [("甲公司党委", 2), ("乙公司党委", 1)]
    company_a = rows[0]
    assert (company_a.due[Kind.THEME_DAY].expected, company_a.due[Kind.THEME_DAY].held) == (2, 1)
    assert second in [r.org for r in results]


def test_a_branch_founded_during_the_year_owes_nothing_before(world, secretary):
    from dangqun.orgs.models import Org

    Org.objects.filter(pk=world.branch_a.pk).update(founded_on=dt.date(2025, 3, 10))
    [branch] = radar.radar(world.committee_a, *YEAR, today=dt.date(2025, 4, 2))
    # January–March began before it existed; April is still running; founded 23 days ago
    assert branch.green and branch.due[Kind.THEME_DAY].expected == 0
    [later] = radar.radar(world.committee_a, *YEAR, today=dt.date(2025, 5, 2))
    assert [str(f) for f in later.findings][:1] == [
        "2025年4月应召开主题党日 1 次，实际 0 次（依据：《中国共产党党员教育管理工作条例》第十六条）"
    ]
