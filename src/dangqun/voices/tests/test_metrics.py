"""响应率, 解决率, 满意率 and the composite (domain-rules §7), built from voices that went through the
real services; timestamps are then moved by updating the rows (there is no freezegun).

Each test runs twice: counting every voice, and reading the monthly tallies (rebuilt first, since
the direct updates went around ``Voice.save``). Both must give the same numbers."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from dangqun.accounts.services import grant_role
from dangqun.core.models import CalendarDay, RuleOverride
from dangqun.core.rules import get_rule
from dangqun.voices import followup, handling, metrics, services, tally
from dangqun.voices.figures import counted
from dangqun.voices.models import Rating, Status, Voice

SHANGHAI = ZoneInfo("Asia/Shanghai")
MARCH = (dt.date(2025, 3, 1), dt.date(2025, 4, 1))


def at(month, day, hour=10, minute=0):
    return dt.datetime(2025, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture(params=["voices", "tallies"])
def source(request, world):
    """The whole group's voices, and where its 三率 are counted from (its path for tallies)."""
    return request.param


@pytest.fixture
def rates(source, world):
    if source == "voices":
        return metrics.rates

    def from_tallies(voices, start, end, group_by=None, **options):
        assert voices.query.where.children == [], "tallies count the whole enterprise"
        tally.rebuild()
        return metrics.rates(voices, start, end, group_by, enterprise=world.group.path, **options)

    return from_tallies


@pytest.fixture
def monthly_trend(source, world):
    if source == "voices":
        return metrics.monthly_trend

    def from_tallies(voices, months, today):
        tally.rebuild()
        return metrics.monthly_trend(voices, months, today, enterprise=world.group.path)

    return from_tallies


def handled(voice, mass, handler, org, *, solved=None, rating=None):
    """受理交办 → 接办, then optionally 答复 (solved or not) and the person's rating."""
    handling.assign(mass, voice, handling_org=org)
    handling.respond(handler, voice)
    if solved is not None:
        handling.answer(handler, voice, text="已办理", solved=solved)
    if rating:
        followup.rate(None, voice, rating=rating, by_code=True)
    return voice


@pytest.fixture
def co_handler(world, make_user):
    """A handler over the whole of company A (so 甲公司 itself can be the handling unit)."""
    return make_user("handler_co", role="handler", org=world.company_a)


@pytest.fixture
def example(world, mass, handler, co_handler, raise_voice):
    """12 voices in March 2025, 10 of them valid:

    综合部 handles v1–v4: solved, 满意.
    甲公司 handles v5–v6 (solved, 基本满意), v7 (not solved, 不满意 → reopened, 待响应 again),
    v8 (接办, 办理中) and v9 (交办, not responded). v10 waits for 受理; v11 is 不予受理 and v12 is
    merged into v10: both excluded.
    """
    v = [raise_voice(title=f"呼声{i}")[0] for i in range(1, 13)]
    for voice in v[0:4]:
        handled(voice, mass, handler, world.dept_a, solved=True, rating=Rating.SATISFIED)
    for voice in v[4:6]:
        handled(voice, mass, co_handler, world.company_a, solved=True, rating=Rating.BASICALLY)
    handled(v[6], mass, co_handler, world.company_a, solved=False, rating=Rating.UNSATISFIED)
    handled(v[7], mass, co_handler, world.company_a)
    handling.assign(mass, v[8], handling_org=world.company_a)
    handling.refuse(mass, v[10], reason="属于个人劳动争议")
    handling.merge(mass, v[11], into=v[9])
    Voice.objects.update(submitted_at=at(3, 10))
    return v


def test_the_worked_example_of_section_7(rates, example):
    assert Voice.objects.count() == 12
    [row] = rates(Voice.objects.all(), *MARCH)
    assert (row.key, row.label) == (None, "合计")
    counts = (row.valid, row.responded, row.solved, row.satisfied, row.basically, row.unsatisfied)
    assert counts == (10, 8, 6, 4, 2, 1)  # the refused and the merged voice are not counted
    assert row.rated == 7
    assert row.response_rate == Decimal("0.8")
    assert row.resolution_rate == Decimal("0.6")
    assert row.satisfaction_rate == Decimal("0.58")  # (4 + 0.9 × 2) ÷ 10: the unrated count
    assert row.satisfaction_among_rated == Decimal("0.8286")  # (4 + 0.9 × 2) ÷ 7
    # 0.1 × 0.8 + 0.5 × 0.6 + 0.4 × 0.58 = 0.08 + 0.30 + 0.232
    assert row.composite == Decimal("0.612")


def test_the_reopened_voice_counts_as_responded_but_not_solved(example):
    rates = metrics.rates  # one voice: not a whole enterprise
    reopened = Voice.objects.get(pk=example[6].pk)
    assert (reopened.status, reopened.reopened, reopened.solved) == (Status.ASSIGNED, True, False)
    assert reopened.responded_at is not None
    [row] = rates(Voice.objects.filter(pk=reopened.pk), *MARCH)
    assert (row.valid, row.responded, row.solved, row.unsatisfied) == (1, 1, 0, 1)
    assert (row.satisfaction_rate, row.composite) == (Decimal("0"), Decimal("0.1"))


def test_an_override_of_the_weights_changes_the_composite(rates, example):
    override = RuleOverride.objects.create(
        rule_id="voices.rates", params={"response": 0.3, "resolution": 0.35, "satisfaction": 0.35}
    )
    [row] = rates(Voice.objects.all(), *MARCH)
    assert row.composite == Decimal("0.653")  # 0.24 + 0.21 + 0.203
    assert row.satisfaction_rate == Decimal("0.58")
    override.params = {"basically": 0.8}
    override.save()
    [row] = rates(Voice.objects.all(), *MARCH)
    assert row.satisfaction_rate == Decimal("0.56")  # (4 + 0.8 × 2) ÷ 10
    assert get_rule("voices.rates").citation.endswith("（本单位调整）")


def test_an_empty_period_has_no_rates_and_no_division_by_zero(rates, example):
    [row] = rates(Voice.objects.all(), dt.date(2024, 3, 1), dt.date(2024, 4, 1))
    assert (row.valid, row.rated) == (0, 0)
    assert row.response_rate is row.resolution_rate is row.satisfaction_rate is None
    assert row.satisfaction_among_rated is row.composite is None
    assert row.median_response_hours is row.median_resolution_hours is None
    assert rates(Voice.objects.all(), dt.date(2024, 3, 1), dt.date(2024, 4, 1), "unit") == []


def test_only_refused_and_merged_voices_make_an_empty_period(rates, world, mass, raise_voice):
    refused, _ = raise_voice()
    handling.refuse(mass, refused, reason="不属于受理范围")
    [row] = rates(Voice.objects.all(), timezone.localdate(), timezone.localdate() + dt.timedelta(1))
    assert row.valid == 0 and row.composite is None


def test_the_period_includes_its_start_and_excludes_its_end(rates, world, raise_voice):
    first, _ = raise_voice()
    last, _ = raise_voice()
    Voice.objects.filter(pk=first.pk).update(submitted_at=at(3, 1, 0, 0))
    Voice.objects.filter(pk=last.pk).update(submitted_at=at(4, 1, 0, 0))
    assert rates(Voice.objects.all(), *MARCH)[0].valid == 1
    assert rates(Voice.objects.all(), at(3, 1, 0, 0), at(4, 1, 0, 1))[0].valid == 2
    with pytest.raises(ValueError):
        rates(Voice.objects.all(), dt.datetime(2025, 3, 1), dt.datetime(2025, 4, 1))  # naive


def test_grouped_by_handling_org(rates, world, example):
    rows = rates(Voice.objects.all(), *MARCH, group_by="handling_org")
    assert [(r.key, r.label, r.valid) for r in rows] == [
        (world.company_a.pk, "甲公司", 5),
        (world.dept_a.pk, "甲公司综合部", 4),
        (None, "未交办", 1),  # still 待受理
    ]
    company, dept, waiting = rows
    assert (company.responded, company.solved, company.basically, company.rated) == (4, 2, 2, 3)
    assert company.response_rate == Decimal("0.8")
    assert company.resolution_rate == Decimal("0.4")
    assert company.satisfaction_rate == Decimal("0.36")  # 0.9 × 2 ÷ 5
    assert company.satisfaction_among_rated == Decimal("0.6")  # 0.9 × 2 ÷ 3
    assert company.composite == Decimal("0.424")  # 0.08 + 0.20 + 0.144
    assert dept.composite == Decimal("1")
    assert (waiting.responded, waiting.composite) == (0, Decimal("0"))
    assert sum(r.valid for r in rows) == 10


def test_grouped_by_kind_channel_unit_and_category(rates, world, example, canteen):
    Voice.objects.filter(pk__in=[v.pk for v in example[:3]]).update(category=canteen)
    by_category = rates(Voice.objects.all(), *MARCH, group_by="category")
    assert [(r.label, r.valid) for r in by_category] == [("食堂", 3), ("未分类", 7)]
    assert [(r.key, r.label, r.valid) for r in rates(Voice.objects.all(), *MARCH, "channel")] == [
        ("qr", "扫码", 10)
    ]
    assert [(r.label, r.valid) for r in rates(Voice.objects.all(), *MARCH, "kind")] == [
        ("意见建议", 10)
    ]
    assert [(r.label, r.valid) for r in rates(Voice.objects.all(), *MARCH, "unit")] == [
        ("甲公司综合部", 10)
    ]
    with pytest.raises(ValueError):
        rates(Voice.objects.all(), *MARCH, "handler")


def test_grouped_by_month_in_local_time(rates, monthly_trend, world, mass, handler, raise_voice):
    voices = [raise_voice()[0] for _ in range(4)]
    handled(voices[0], mass, handler, world.dept_a, solved=True, rating=Rating.SATISFIED)
    handled(voices[3], mass, handler, world.dept_a, solved=True, rating=Rating.SATISFIED)
    moments = [at(2, 10), at(2, 28, 23, 30), at(3, 1, 0, 30), at(3, 20)]  # 3-01 00:30 is March
    for voice, moment in zip(voices, moments, strict=True):
        Voice.objects.filter(pk=voice.pk).update(submitted_at=moment)
    rows = rates(Voice.objects.all(), dt.date(2025, 2, 1), dt.date(2025, 4, 1), "month")
    assert [(r.key, r.label, r.valid) for r in rows] == [
        ("2025-02", "2025年2月", 2),
        ("2025-03", "2025年3月", 2),
    ]
    assert rows[0].satisfaction_rate == rows[1].satisfaction_rate == Decimal("0.5")

    trend = monthly_trend(Voice.objects.all(), 4, today=dt.date(2025, 4, 15))
    assert [(r.key, r.valid) for r in trend] == [
        ("2025-01", 0),
        ("2025-02", 2),
        ("2025-03", 2),
        ("2025-04", 0),
    ]
    assert trend[0].composite is None and trend[0].label == "2025年1月"
    assert [r.key for r in monthly_trend(Voice.objects.all(), 2, dt.date(2025, 1, 31))] == [
        "2024-12",
        "2025-01",
    ]


def test_rates_follow_the_viewers_scope(world, mass, make_user, example):
    tally.rebuild()
    other_admin = make_user("mass_b", role="mass_admin", org=world.company_b)
    group_admin = make_user("mass_group", role="mass_admin", org=world.group)
    for outsider in (world.outsider, other_admin):
        voices, enterprise = counted(outsider)
        assert enterprise is None
        [row] = metrics.rates(voices, *MARCH)
        assert row.valid == 0 and row.composite is None
        assert metrics.rates(voices, *MARCH, "handling_org") == []
    for viewer in (mass, world.reader):  # company A (the leader through 甲公司党委): its voices
        voices, enterprise = counted(viewer)
        assert enterprise is None and metrics.rates(voices, *MARCH)[0].valid == 10
    voices, enterprise = counted(group_admin)  # the whole group: from its tallies
    assert enterprise == world.group.path
    assert metrics.rates(voices, *MARCH, enterprise=enterprise)[0].valid == 10
    assert metrics.rates(voices, *MARCH)[0].valid == 10


def test_a_leader_over_the_enterprise_and_its_party_reads_the_same_numbers_from_tallies(
    world, mass, make_user, example
):
    """The demo 领导 holds the group and the group's 党委: the party tree raises no voices, so the
    tallies serve and every number is the one counted from the voices."""
    tally.rebuild()
    leader = make_user("both", role="leader", org=world.group)
    grant_role(None, leader, "leader", world.committee)
    voices, enterprise = counted(leader)
    assert enterprise == world.group.path
    for group_by in ("", "handling_org"):
        by = (group_by,) if group_by else ()
        from_tallies = metrics.rates(voices, *MARCH, *by, enterprise=enterprise)
        from_voices = metrics.rates(voices, *MARCH, *by)
        assert from_tallies == from_voices and from_voices
    assert metrics.rates(voices, *MARCH, enterprise=enterprise)[0].valid == 10
    assert metrics.monthly_trend(voices, 4, MARCH[1], enterprise=enterprise) == (
        metrics.monthly_trend(voices, 4, MARCH[1])
    )
    # A voice handled in the party tree is that tree's: then the voices are counted.
    Voice.objects.filter(pk=example[0].pk).update(handling_org=world.committee_a)
    assert counted(leader)[1] is None


def test_overdue_responses(rates, example):
    waiting, in_progress = example[8], example[7]  # 待响应, and 办理中 after a late response
    Voice.objects.filter(pk=waiting.pk).update(response_due=timezone.now() - dt.timedelta(hours=1))
    responded_at = Voice.objects.get(pk=in_progress.pk).responded_at
    Voice.objects.filter(pk=in_progress.pk).update(
        response_due=responded_at - dt.timedelta(minutes=5)
    )
    [row] = rates(Voice.objects.all(), *MARCH)
    assert row.overdue_response == 2
    [row] = rates(Voice.objects.all(), *MARCH, now=timezone.now() - dt.timedelta(hours=2))
    assert row.overdue_response == 1  # two hours ago the waiting one was not late yet


def test_medians_are_in_working_hours(rates, world, mass, handler, raise_voice):
    timeline = [
        # assigned, responded, answered (working hours: response, resolution)
        (at(3, 3, 9), at(3, 3, 10), at(3, 4, 9)),  # Mon: 1 h; to Tue 09:00: 8.5 + 0.5 = 9 h
        (at(3, 7, 16, 30), at(3, 10, 9, 30), at(3, 12, 17, 30)),  # over the weekend: 2 h; 28 h
        (at(3, 4, 8), at(3, 4, 12, 30), at(3, 4, 17)),  # before 08:30 counts nothing: 4 h; 8.5 h
    ]
    for assigned, responded, answered in timeline:
        voice, _ = raise_voice()
        handled(voice, mass, handler, world.dept_a, solved=True)
        Voice.objects.filter(pk=voice.pk).update(
            submitted_at=assigned,
            assigned_at=assigned,
            responded_at=responded,
            answered_at=answered,
            # what respond() and answer() record at the time
            response_hours=services.hours_taken(assigned, responded),
            resolution_hours=services.hours_taken(assigned, answered),
        )
    unanswered, _ = raise_voice()  # assigned only: in no median
    handling.assign(mass, unanswered, handling_org=world.dept_a)
    Voice.objects.filter(pk=unanswered.pk).update(submitted_at=at(3, 5))

    # Estimated from the histogram: responses 1, 2 and 4 h put the median halfway through the
    # [2, 3) bucket (exactly: 2 h); answers 8.5, 9 and 28 h, three quarters through [8, 10).
    [row] = rates(Voice.objects.all(), *MARCH)
    assert row.valid == 4
    assert (row.median_response_hours, row.median_resolution_hours) == (2.5, 9.5)
    [dept] = rates(Voice.objects.all(), *MARCH, "handling_org")
    assert (dept.median_response_hours, dept.median_resolution_hours) == (2.5, 9.5)
    # Hours are fixed when a voice is handled, as its deadlines are: a holiday the site adds
    # afterwards changes neither.
    CalendarDay.objects.create(date=dt.date(2025, 3, 10), is_workday=False)
    [row] = rates(Voice.objects.all(), *MARCH)
    assert row.median_response_hours == 2.5
    assert services.hours_taken(at(3, 7, 16, 30), at(3, 10, 9, 30)) == 1.0  # from now on


@pytest.mark.parametrize("group_by", [None, "handling_org", "unit", "category", "month"])
def test_a_fixed_number_of_queries_whatever_the_voices_and_groups(
    world,
    mass,
    handler,
    co_handler,
    raise_voice,
    canteen,
    group_by,
    make_user,
    source,
    django_assert_num_queries,
):
    def add(count, org, who, category=None, month=3):
        for _ in range(count):
            voice, _ = raise_voice(category=category)
            handled(voice, mass, who, org, solved=True, rating=Rating.SATISFIED)
            Voice.objects.filter(pk=voice.pk).update(submitted_at=at(month, 12))
        tally.rebuild()

    get_rule("voices.rates")  # rule overrides are cached between requests
    viewer = mass if source == "voices" else make_user("mass_g", role="mass_admin", org=world.group)
    voices, enterprise = counted(viewer)  # the scope is read once, before counting
    assert (enterprise is None) == (source == "voices")
    # Counting voices: one aggregate. Tallies: their sums, and the responses late right now.
    # Names of organisations or categories: one more.
    queries = (1 if source == "voices" else 2) + (group_by in ("handling_org", "unit", "category"))
    add(2, world.dept_a, handler, category=canteen)
    span = (dt.date(2025, 2, 1), dt.date(2025, 4, 1))
    with django_assert_num_queries(queries):
        small = metrics.rates(voices, *span, group_by, enterprise=enterprise)
    add(6, world.company_a, co_handler, category=canteen, month=2)
    add(3, world.dept_a, handler)  # no category
    with django_assert_num_queries(queries):
        large = metrics.rates(voices, *span, group_by, enterprise=enterprise)
    assert sum(r.valid for r in small) == 2 and sum(r.valid for r in large) == 11
    if group_by in ("handling_org", "category", "month"):
        assert len(large) == 2 > len(small)
    with django_assert_num_queries(1 if source == "voices" else 2):
        trend = metrics.monthly_trend(voices, 12, dt.date(2025, 3, 31), enterprise=enterprise)
    assert len(trend) == 12 and [r.valid for r in trend[-2:]] == [6, 5]


def test_medians_estimated_from_the_histogram_fall_in_the_bucket_of_the_exact_median():
    import random
    import statistics

    rng = random.Random(7)
    for _ in range(200):
        hours = [round(rng.lognormvariate(1.5, 1.2), 2) for _ in range(rng.randint(1, 60))]
        histogram = [0] * (len(tally.EDGES) + 1)
        for value in hours:
            histogram[tally.bucket(value)] += 1
        estimate = metrics.median_hours(histogram)
        low, high = statistics.median_low(hours), statistics.median_high(hours)
        edges = (0, *tally.EDGES, float("inf"))
        lowest = edges[tally.bucket(low)]
        highest = min(edges[tally.bucket(high) + 1], max(tally.EDGES))
        assert lowest <= estimate <= highest, (hours, estimate)
    assert metrics.median_hours([0] * (len(tally.EDGES) + 1)) is None
    assert metrics.median_hours([0] * len(tally.EDGES) + [3]) == 240.0  # longer than any edge
