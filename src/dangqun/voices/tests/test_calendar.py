"""The working-time calendar: holidays, 调休, site adjustments and the deadlines counted on them."""

import datetime as dt
import tomllib
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dangqun.core import workcalendar as calendar
from dangqun.core.models import CalendarDay, RuleOverride
from dangqun.core.workcalendar import (
    HOURS,
    WORKING_DAYS,
    WORKING_HOURS,
    WorkCalendar,
    is_workday,
    working_hours_between,
)
from dangqun.voices.deadlines import deadline, get_limit
from dangqun.voices.models import Urgency

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
URGENCIES = [u.value for u in Urgency]


def at(year, month, day, hour=0, minute=0):
    return dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


# --- working days --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2027, 3, 5), True),  # Friday, after the last listed year: weekends only
        (dt.date(2027, 3, 6), False),  # Saturday
        (dt.date(2027, 3, 7), False),  # Sunday
        (dt.date(2024, 3, 11), True),  # Monday, before the first listed year
        (dt.date(2026, 3, 14), False),  # an ordinary Saturday in a listed year
    ],
)
def test_weekends_are_rest_days_and_weekdays_are_working_days(day, expected):
    assert is_workday(day) is expected


@pytest.mark.parametrize(
    "day",
    [
        dt.date(2025, 1, 1),  # 元旦
        dt.date(2025, 2, 3),  # 春节, a Monday
        dt.date(2025, 5, 5),  # 劳动节, a Monday
        dt.date(2025, 10, 8),  # 国庆节、中秋节, a Wednesday
        dt.date(2026, 1, 2),  # 元旦, a Friday
        dt.date(2026, 2, 23),  # 春节, a Monday
        dt.date(2026, 4, 6),  # 清明节, a Monday
        dt.date(2026, 6, 19),  # 端午节, a Friday
        dt.date(2026, 9, 25),  # 中秋节, a Friday
        dt.date(2026, 10, 7),  # 国庆节, a Wednesday
    ],
)
def test_official_holidays_are_rest_days(day):
    assert day.weekday() < 5
    assert not is_workday(day)


@pytest.mark.parametrize(
    "day",
    [
        dt.date(2025, 1, 26),
        dt.date(2025, 2, 8),
        dt.date(2025, 4, 27),
        dt.date(2025, 9, 28),
        dt.date(2025, 10, 11),
        dt.date(2026, 1, 4),
        dt.date(2026, 2, 14),
        dt.date(2026, 2, 28),
        dt.date(2026, 5, 9),
        dt.date(2026, 9, 20),
        dt.date(2026, 10, 10),
    ],
)
def test_make_up_weekend_days_are_working_days(day):
    assert day.weekday() >= 5
    assert is_workday(day)


def test_shipped_file_cites_each_notice_and_has_the_announced_number_of_days():
    data = tomllib.loads(calendar.HOLIDAYS_FILE.read_text(encoding="utf-8"))
    assert set(data) == {"2025", "2026"}
    for year, entry in data.items():
        assert entry["citation"].startswith(f"国务院办公厅关于{year}年部分节假日安排的通知")
    days = calendar.shipped_days()
    rest = {
        year: sum(1 for d, w in days.items() if not w and d.year == year) for year in (2025, 2026)
    }
    # 2025: 1 + 8 + 3 + 5 + 3 + 8; 2026: 3 + 9 + 3 + 5 + 3 + 3 + 7
    assert rest == {2025: 28, 2026: 33}
    assert all(d.weekday() >= 5 for d, worked in days.items() if worked)


def test_a_site_adjustment_wins_both_ways():
    CalendarDay.objects.create(date=dt.date(2026, 10, 6), is_workday=True, note="值班")
    CalendarDay.objects.create(date=dt.date(2026, 10, 10), is_workday=False, note="不调休")
    CalendarDay.objects.create(date=dt.date(2026, 10, 12), is_workday=False, note="厂休")
    CalendarDay.objects.create(date=dt.date(2027, 1, 2), is_workday=True, note="新年调休")
    assert is_workday(dt.date(2026, 10, 6))  # an official holiday made a working day
    assert not is_workday(dt.date(2026, 10, 10))  # a 调休 Saturday made a rest day
    assert not is_workday(dt.date(2026, 10, 12))  # an ordinary Monday made a rest day
    assert is_workday(dt.date(2027, 1, 2))  # a Saturday in a year the file does not list


# --- deadlines -----------------------------------------------------------------------------------


def test_default_limits():
    assert str(get_limit("emergency", "response")) == "1 小时"
    assert str(get_limit("emergency", "resolution")) == "2 小时"
    assert str(get_limit("urgent", "response")) == "4 个工作小时"
    assert str(get_limit("urgent", "resolution")) == "24 小时"
    assert str(get_limit("normal", "response")) == "1 个工作日"
    assert str(get_limit("normal", "resolution")) == "7 个工作日"
    assert str(get_limit("complex", "response")) == "1 个工作日"
    assert str(get_limit("complex", "resolution")) == "15 个工作日"


def test_a_voice_on_the_eve_of_national_day_gets_seven_working_days_after_the_holiday():
    # 10/1–10/7 off; 10/8 Thu, 10/9 Fri, 10/10 Sat (调休), 10/12–10/15 Mon–Thu
    assert deadline(at(2026, 9, 30, 16), "normal", "resolution") == at(2026, 10, 15, 17, 30)


def test_the_day_received_never_counts_as_a_working_day():
    # received on Monday before office hours: 7 full working days after it
    assert deadline(at(2026, 3, 9, 8), "normal", "resolution") == at(2026, 3, 18, 17, 30)
    assert deadline(at(2026, 3, 9, 8), "normal", "response") == at(2026, 3, 10, 17, 30)
    # received on Saturday: Monday is the first working day
    assert deadline(at(2026, 3, 14, 10), "complex", "response") == at(2026, 3, 16, 17, 30)


def test_natural_hours_ignore_the_calendar():
    assert deadline(at(2026, 10, 1, 23), "emergency", "resolution") == at(2026, 10, 2, 1)
    assert deadline(at(2026, 10, 3, 12), "emergency", "response") == at(2026, 10, 3, 13)
    assert deadline(at(2026, 2, 16, 9), "urgent", "resolution") == at(2026, 2, 17, 9)


def test_working_hours_skip_the_weekend():
    # Friday 16:00: 1.5 h on Friday, 2.5 h on Monday
    assert deadline(at(2026, 3, 13, 16), "urgent", "response") == at(2026, 3, 16, 11)
    assert working_hours_between(at(2026, 3, 13, 16), at(2026, 3, 16, 11)) == 4


def test_working_hours_skip_the_evening_and_a_holiday():
    assert deadline(at(2026, 3, 10, 20), "urgent", "response") == at(2026, 3, 11, 12, 30)
    # Friday 20:00 before 清明 (Sat 4/4 – Mon 4/6): counting starts Tuesday 08:30
    assert deadline(at(2026, 4, 3, 20), "urgent", "response") == at(2026, 4, 7, 12, 30)
    # ending exactly at the end of the window stays on that day
    assert deadline(at(2026, 3, 10, 13, 30), "urgent", "response") == at(2026, 3, 10, 17, 30)


def test_working_hours_between():
    assert working_hours_between(at(2026, 3, 10, 9), at(2026, 3, 10, 8)) == 0
    assert working_hours_between(at(2026, 3, 10, 9), at(2026, 3, 10, 9)) == 0
    assert working_hours_between(at(2026, 3, 10, 18), at(2026, 3, 11, 8)) == 0
    assert working_hours_between(at(2026, 3, 10, 0), at(2026, 3, 11, 0)) == 9
    assert working_hours_between(at(2026, 3, 9, 0), at(2026, 3, 16, 0)) == 45
    assert working_hours_between(at(2026, 9, 30, 17), at(2026, 10, 8, 9)) == 1
    assert working_hours_between(at(2026, 3, 10, 12, 15), at(2026, 3, 10, 12, 45)) == 0.5


def test_other_time_zones_in_local_time_out():
    start = dt.datetime(2026, 3, 13, 8, tzinfo=dt.UTC)  # 16:00 in Shanghai
    due = deadline(start, "urgent", "response")
    assert due == at(2026, 3, 16, 11)
    assert due.utcoffset() == dt.timedelta(hours=8)
    with pytest.raises(ValueError, match="timezone-aware"):
        deadline(dt.datetime(2026, 3, 13, 16), "urgent", "response")


def test_a_site_overrides_one_limit_and_keeps_the_others():
    RuleOverride.objects.create(
        rule_id="voices.deadlines",
        params={"resolution_normal": {"amount": 10, "unit": "working_days"}},
    )
    assert get_limit("normal", "resolution") == calendar.Limit(10, WORKING_DAYS)
    assert get_limit("complex", "resolution") == calendar.Limit(15, WORKING_DAYS)
    assert deadline(at(2026, 3, 9, 8), "normal", "resolution") == at(2026, 3, 23, 17, 30)
    assert deadline(at(2026, 3, 9, 8), "normal", "response") == at(2026, 3, 10, 17, 30)


def test_a_site_changes_a_unit_and_the_working_window():
    RuleOverride.objects.create(
        rule_id="voices.deadlines",
        params={"response_normal": {"amount": 8, "unit": "working_hours"}},
    )
    RuleOverride.objects.create(rule_id="voices.workday", params={"start": "09:00"})
    # Tuesday 15:00: 2.5 h until 17:30, then 5.5 h from 09:00 on Wednesday
    assert deadline(at(2026, 3, 10, 15), "normal", "response") == at(2026, 3, 11, 14, 30)
    assert deadline(at(2026, 3, 10, 15), "normal", "resolution") == at(2026, 3, 19, 17, 30)


@pytest.mark.parametrize(
    "spec",
    [
        {"amount": 3, "unit": "days"},
        {"amount": 0, "unit": "hours"},
        {"amount": "3", "unit": "hours"},
        {"amount": 1.5, "unit": "working_days"},
    ],
)
def test_a_malformed_override_is_refused(spec):
    RuleOverride.objects.create(rule_id="voices.deadlines", params={"response_normal": spec})
    with pytest.raises(ValueError, match="response_normal"):
        deadline(at(2026, 3, 10, 15), "normal", "response")


def test_unknown_urgency_or_which_is_refused():
    with pytest.raises(ValueError):
        deadline(at(2026, 3, 10, 15), "whenever", "response")
    with pytest.raises(ValueError):
        deadline(at(2026, 3, 10, 15), "normal", "reply")


def test_a_long_span_takes_a_fixed_small_number_of_queries(django_assert_max_num_queries):
    RuleOverride.objects.create(
        rule_id="voices.deadlines",
        params={
            "resolution_complex": {"amount": 250, "unit": "working_days"},
            "resolution_urgent": {"amount": 2300, "unit": "working_hours"},
        },
    )
    CalendarDay.objects.create(date=dt.date(2027, 3, 1), is_workday=False)
    start = at(2026, 9, 30, 16)
    # one query for the site's overrides (then cached) and one for its calendar adjustments
    with django_assert_max_num_queries(2):
        due = deadline(start, "complex", "resolution")
    with django_assert_max_num_queries(1):
        assert deadline(start, "urgent", "resolution") > due
    with django_assert_max_num_queries(1):
        assert working_hours_between(start, due) == 250 * 9 + 1.5
    # one calendar serves many computations
    shared = WorkCalendar()
    with django_assert_max_num_queries(1):
        for day in range(1, 29):
            deadline(at(2026, 2, day, 10), "normal", "resolution", calendar=shared)


# --- properties ----------------------------------------------------------------------------------

instants = st.datetimes(
    min_value=dt.datetime(2024, 12, 1),
    max_value=dt.datetime(2027, 2, 28),
    timezones=st.just(SHANGHAI),
)
limits = st.tuples(st.sampled_from(URGENCIES), st.sampled_from(["response", "resolution"]))
fast = settings(max_examples=150, deadline=None)


@fast
@given(instants, limits)
def test_a_deadline_is_never_before_its_start(start, limit):
    assert deadline(start, *limit) >= start


@fast
@given(instants, instants, limits)
def test_a_later_start_never_gets_an_earlier_deadline(a, b, limit):
    a, b = sorted([a, b])
    assert deadline(a, *limit) <= deadline(b, *limit)


@fast
@given(instants, st.sampled_from(URGENCIES))
def test_working_hours_between_start_and_deadline_is_the_limit(start, urgency):
    limit = get_limit(urgency, "response")
    if limit.unit != WORKING_HOURS:
        limit = calendar.Limit(4, WORKING_HOURS)
    due = WorkCalendar().add_working_hours(start, limit.amount)
    assert working_hours_between(start, due) == pytest.approx(limit.amount, abs=1e-6)


@fast
@given(instants, st.floats(min_value=0.01, max_value=200))
def test_any_working_hours_limit_is_measured_back_exactly(start, hours):
    due = WorkCalendar().add_working_hours(start, hours)
    assert working_hours_between(start, due) == pytest.approx(hours, abs=1e-6)


@fast
@given(instants, limits)
def test_a_working_day_deadline_ends_a_working_day(start, limit):
    unit = get_limit(*limit).unit
    due = deadline(start, *limit)
    if unit == WORKING_DAYS:
        assert due.time() == dt.time(17, 30)
        assert due.tzinfo == SHANGHAI
        assert is_workday(due.date())
        assert due.date() > start.date()
    elif unit == HOURS:
        assert due - start == dt.timedelta(hours=get_limit(*limit).amount)


@fast
@given(instants, st.integers(min_value=1, max_value=30))
def test_n_working_days_hold_n_full_windows_after_the_first_day(start, days):
    due = WorkCalendar().add_working_days(start, days)
    rest_of_first_day = working_hours_between(
        start, at(start.year, start.month, start.day) + calendar.ONE_DAY
    )
    assert working_hours_between(start, due) == pytest.approx(days * 9 + rest_of_first_day)
