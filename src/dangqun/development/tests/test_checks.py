"""Every refusal of 发展党员 quotes its rule, and every deadline falls where the rules put it —
across month ends and leap years (hypothesis)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from dangqun.core.dates import months_later
from dangqun.development import checks, opening, recording
from dangqun.development.tests.conftest import DATES
from dangqun.people.models import Person

pytestmark = pytest.mark.django_db


def refused(call) -> str:
    with pytest.raises(ValidationError) as caught:
        call()
    return "；".join(caught.value.messages)


def test_an_applicant_under_18_is_refused_with_the_rule(world, secretary):
    Person.objects.filter(pk=world.wang.pk).update(birth_date=dt.date(2006, 2, 1))
    world.wang.refresh_from_db()
    text = refused(
        lambda: opening.open_case(secretary, world.wang, world.branch_a, dt.date(2024, 1, 31))
    )
    assert "王五递交入党申请书时 17 岁" in text and "《中国共产党章程》第一条" in text
    opening.open_case(secretary, world.wang, world.branch_a, dt.date(2024, 2, 1))  # the birthday


def test_a_member_does_not_apply(world, secretary):
    text = refused(lambda: opening.open_case(secretary, world.zhang, world.branch_a, DATES[1]))
    assert "张三已是党员" in text


def test_an_activist_of_less_than_a_year_is_not_yet_a_candidate(world, case, walk, secretary):
    walk(case, 6)
    early = dt.date(2024, 2, 29)  # 11 months and 28 days after 1 March 2023
    text = refused(lambda: recording.record_step(secretary, case, 7, early))
    assert "至今 11 个月" in text and "第十三条" in text
    recording.record_step(secretary, case, 7, dt.date(2024, 3, 1))


@pytest.mark.parametrize(
    "people, message",
    [
        (lambda w: [], "1至2 名正式党员"),
        (lambda w: [w.zhang, w.li, w.zhao], "1至2 名正式党员"),
        (lambda w: [w.li], "李四在 2023-03-06 不是正式党员，不能担任培养联系人"),
    ],
)
def test_contacts_are_one_or_two_full_members(world, case, walk, secretary, people, message):
    walk(case, 4)
    text = refused(
        lambda: recording.record_step(secretary, case, 5, DATES[5], {"people": people(world)})
    )
    assert message in text and "第十条" in text


def test_introducers_are_two_full_members(world, case, walk, secretary):
    walk(case, 8)
    text = refused(
        lambda: recording.record_step(secretary, case, 9, DATES[9], {"people": [world.li]})
    )
    assert "须有 2 名正式党员作介绍人，现选 1 名" in text
    assert "李四在 2024-03-15 不是正式党员，不能担任入党介绍人" in text
    assert "《中国共产党章程》第五条" in text


def test_no_admission_without_a_written_favourable_review_and_enough_training(
    world, case, walk, secretary
):
    walk(case, 9)
    text = refused(
        lambda: recording.record_step(secretary, case, 10, DATES[10], {"conclusion": " "})
    )
    assert "请填写政治审查的结论性意见" in text and "第十六条" in text
    recording.record_step(
        secretary, case, 10, DATES[10], {"conclusion": "存在问题", "qualified": False}
    )
    recording.record_step(secretary, case, 11, DATES[11], {"days": 2, "hours": 16})
    text = refused(lambda: recording.record_step(secretary, case, 12, DATES[12]))
    assert "政治审查结论为不合格" in text
    assert "集中培训 2 天、16 学时，不足 3 天或 24 学时" in text and "第十七条" in text


def test_deadlines_cite_their_rules(world, case, walk):
    [talk] = checks.deadlines(checks.Facts.of(case))
    assert talk.due_on == dt.date(2023, 2, 10) and "第七条" in str(talk)
    walk(case, 3)
    case.refresh_from_db()
    assert case.next_due_on == dt.date(2023, 9, 1) and case.next_due == "培养考察"
    walk(case, 15)
    [approval] = checks.deadlines(checks.Facts.of(case))
    assert (approval.due_on, approval.late_on) == (dt.date(2024, 8, 20), dt.date(2024, 11, 20))
    walk(case, 17)
    due = {d.what: d.due_on for d in checks.deadlines(checks.Facts.of(case))}
    assert due == {
        "预备党员考察": dt.date(2024, 12, 15),
        "预备期满，讨论转正": dt.date(2025, 5, 20),
    }


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 12, 31)))
def test_a_deadline_months_later_is_the_same_day_or_the_month_end(day):
    later = months_later(day, 1)
    month = (day.month % 12) + 1
    assert later.month == month and later > day
    assert later.day == day.day or (later.day < day.day and (later + dt.timedelta(days=1)).day == 1)
    year = months_later(day, 12)
    assert (year.month, year.year) == (day.month, day.year + 1)
    assert year.day == day.day or (day.month, day.day, year.day) == (2, 29, 28)


def test_a_site_that_publicises_waits_five_working_days(world, case, walk, secretary):
    from dangqun.core.models import RuleOverride

    RuleOverride.objects.create(rule_id="development.publicity", enabled=True)
    walk(case, 2)
    recording.record_step(secretary, case, 3, dt.date(2023, 3, 1))  # a Wednesday
    facts = checks.Facts.of(case)
    assert checks.publicity_ends(facts, 3) == dt.date(2023, 3, 8)  # 5 working days later
    text = refused(lambda: recording.record_step(world.owner, case, 4, dt.date(2023, 3, 8)))
    assert "“推荐和确定入党积极分子”须公示 5 个工作日，公示期至 2023-03-08" in text
    assert "各地通行做法" in text
    recording.record_step(world.owner, case, 4, dt.date(2023, 3, 9))


def test_without_the_local_preset_there_is_no_publicity(world, case, walk):
    walk(case, 3)
    assert checks.publicity_ends(checks.Facts.of(case), 3) is None


def _facts(applied: dt.date, done: dict[int, dt.date], status="active", admitted=None, ext=0):
    """A case in memory (no database rows) with the given steps done."""
    from dangqun.development.models import Case, StepRecord

    case = Case(applied_on=applied, status=status, admitted_on=admitted, extension_months=ext)
    records = {n: StepRecord(number=n, done_on=on, details={}) for n, on in done.items()}
    return checks.Facts(case, records)


DAYS = st.dates(min_value=dt.date(2001, 1, 1), max_value=dt.date(2080, 12, 31))


@given(DAYS)
def test_the_talk_is_due_a_calendar_month_after_the_application(applied):
    [talk] = checks.deadlines(_facts(applied, {1: applied}))
    assert talk.due_on == months_later(applied, 1)
    assert talk.due_on.day == applied.day or talk.due_on.day < applied.day  # a shorter month


@given(DAYS, st.integers(min_value=0, max_value=800))
def test_an_activist_becomes_a_candidate_after_twelve_whole_months(chosen, days):
    on = chosen + dt.timedelta(days=days)
    facts = _facts(chosen, {1: chosen, 2: chosen, 3: chosen, 4: chosen, 5: chosen, 6: chosen})
    refused = [f for f in checks.refusals(facts, 7, on, {}) if "个月" in f.text]
    assert bool(refused) == (on < months_later(chosen, 12))


@given(DAYS, st.sampled_from([0, 6, 9, 12]))
def test_probation_ends_a_year_after_the_vote_plus_any_extension(admitted, extension):
    facts = _facts(admitted, {}, status="probationary", admitted=admitted, ext=extension)
    assert checks.probation_ends(facts.case) == months_later(admitted, 12 + extension)
    if (admitted.month, admitted.day) == (2, 29) and extension % 12 == 0:
        assert checks.probation_ends(facts.case).day == 28  # no 29 February the next year


@given(DAYS)
def test_approval_is_due_in_three_months_and_late_after_six(voted):
    done = {n: voted for n in range(1, 16)}
    [approval] = [d for d in checks.deadlines(_facts(voted, done)) if d.what == "审批接收预备党员"]
    assert approval.due_on == months_later(voted, 3)
    assert approval.late_on == months_later(voted, 6)
