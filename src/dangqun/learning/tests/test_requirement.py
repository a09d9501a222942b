"""The year's requirement (rule ``learning.requirement``) under hypothesis: pro-rated by days as
a member and days in a leader's post, overlapping posts counted once, year boundaries."""

import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from dangqun.learning import requirement

RULE = {"member": 32, "leader": 56}
YEARS = st.integers(2000, 2040)


def test_full_years():
    span = requirement.year_span(2025)
    assert requirement.required(2025, span, [], RULE) == (Decimal(32), False)
    assert requirement.required(2025, span, [span], RULE) == (Decimal(56), True)
    assert requirement.required(2025, None, [span], RULE) == (Decimal(0), False)
    half = (dt.date(2024, 7, 2), dt.date(2024, 12, 31))  # 183 of 366 days
    assert requirement.required(2024, half, [], RULE)[0] == Decimal(16)


@st.composite
def spans(draw, year):
    first, last = requirement.year_span(year)
    days = (last - first).days
    a = draw(st.integers(0, days))
    b = draw(st.integers(a, days))
    return first + dt.timedelta(days=a), first + dt.timedelta(days=b)


@given(data=st.data(), year=YEARS)
def test_between_the_bounds_and_monotonic(data, year):
    member = data.draw(spans(year))
    posts = data.draw(st.lists(spans(year), max_size=4))
    owed, leader = requirement.required(year, member, posts, RULE)
    full = requirement.required(year, requirement.year_span(year), posts, RULE)[0]
    assert 0 < owed <= full <= 56
    assert owed <= Decimal(56 * ((member[1] - member[0]).days + 1)) / 365 + Decimal("0.1")
    without = requirement.required(year, member, [], RULE)[0]
    assert without <= owed and (owed > without) <= leader  # a post only adds


@given(data=st.data(), year=YEARS)
def test_overlapping_posts_count_once(data, year):
    member = requirement.year_span(year)
    post = data.draw(spans(year))
    once = requirement.required(year, member, [post], RULE)
    assert requirement.required(year, member, [post, post], RULE) == once
    # split into two touching halves: the same days
    if post[1] > post[0]:
        mid = post[0] + (post[1] - post[0]) / 2
        halves = [(post[0], mid), (mid + dt.timedelta(days=1), post[1])]
        assert requirement.required(year, member, halves, RULE) == once


@given(year=YEARS, start=st.integers(-400, 400), length=st.integers(0, 800))
def test_clip_keeps_within_the_year(year, start, length):
    first, last = requirement.year_span(year)
    a = first + dt.timedelta(days=start)
    b = a + dt.timedelta(days=length)
    clipped = requirement.clip(a, b, (first, last))
    if clipped is None:
        assert b < first or a > last
    else:
        assert first <= clipped[0] <= clipped[1] <= last
        assert requirement.days_covered([clipped]) == (clipped[1] - clipped[0]).days + 1
