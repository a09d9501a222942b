"""Cadence arithmetic: periods tile the calendar, slots fall inside their period, and the rules
(with a site's override) decide what is due."""

import datetime as dt
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dangqun.core.models import RuleOverride
from dangqun.life import cadence
from dangqun.life.models import Kind
from dangqun.orgs.models import Kind as OrgKind

days = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31))
pers = st.sampled_from(["month", "quarter", "year"])


@given(start=days, span=st.integers(min_value=1, max_value=1500), per=pers)
def test_periods_tile_the_calendar_without_gaps_or_overlaps(start, span, per):
    end = start + dt.timedelta(days=span)
    found = cadence.periods(start, end, per)
    assert start in found[0] and found[-1].start < end <= found[-1].end
    for before, after in itertools.pairwise(found):
        assert before.end == after.start
    for period in found:
        assert cadence.add_months(period.start, cadence.MONTHS[per]) == period.end
        assert period.start.day == 1 and (period.start.month - 1) % cadence.MONTHS[per] == 0


@given(day=days, per=pers)
def test_a_day_lies_in_its_period(day, per):
    period = cadence.period_of(day, per)
    assert day in period and period.per == per


@given(day=days, per=pers, rule_day=st.integers(1, 31), times=st.integers(1, 4))
def test_slots_fall_inside_their_period_and_are_in_order(day, per, rule_day, times):
    rule = cadence.Cadence(Kind.THEME_DAY, per, times, rule_day, None, None)
    period = cadence.period_of(day, per)
    slots = cadence.slots(rule, period)
    assert len(slots) == times and slots == sorted(slots)
    assert all(slot in period for slot in slots)


def test_a_year_of_each_cadence(db):
    year = (dt.date(2025, 1, 1), dt.date(2026, 1, 1))
    theme = cadence.cadence(Kind.THEME_DAY)
    assert len(cadence.periods(*year, theme.per)) == 12
    assert cadence.slots(theme, cadence.period_of(dt.date(2025, 2, 3), "month")) == [
        dt.date(2025, 2, 15)
    ]
    general = cadence.cadence(Kind.GENERAL_MEETING)
    assert [p.label for p in cadence.periods(*year, general.per)] == [
        "2025年第1季度",
        "2025年第2季度",
        "2025年第3季度",
        "2025年第4季度",
    ]
    life = cadence.cadence(Kind.LIFE_MEETING)
    assert cadence.slots(life, cadence.period_of(dt.date(2025, 6, 1), "year")) == [
        dt.date(2025, 12, 10)
    ]
    assert "第十六条" in theme.rule.citation and "每月" in theme.explain()


def test_a_site_changes_a_cadence_and_bad_values_are_refused(db):
    RuleOverride.objects.create(rule_id="life.party_lecture", params={"per": "month", "times": 2})
    lecture = cadence.cadence(Kind.PARTY_LECTURE)
    assert (lecture.per, lecture.times) == ("month", 2)
    assert cadence.slots(lecture, cadence.period_of(dt.date(2025, 1, 9), "month")) == [
        dt.date(2025, 1, 15),  # the 25th is past the first half of January: its last day
        dt.date(2025, 1, 31),
    ]
    RuleOverride.objects.filter(rule_id="life.party_lecture").update(params={"per": "week"})
    from django.core.cache import cache

    cache.clear()
    with pytest.raises(ValueError, match="per must be"):
        cadence.cadence(Kind.PARTY_LECTURE)


def test_what_each_organisation_is_due_to_hold():
    with_committee = cadence.due_kinds(OrgKind.BRANCH, has_committee=True)
    assert Kind.COMMITTEE_MEETING in with_committee and Kind.THEME_DAY in with_committee
    assert Kind.COMMITTEE_MEETING not in cadence.due_kinds(OrgKind.BRANCH, has_committee=False)
    assert cadence.due_kinds(OrgKind.PARTY_GROUP, False) == [Kind.GROUP_MEETING]
    assert cadence.due_kinds(OrgKind.PARTY_COMMITTEE, True) == []
