"""员工满意度指数 (issue #18 §3, §6): the arithmetic (weights from the rule, scores on 0–100, exact
until the one rounding), quarters (a wave counts for the quarter it opened in, two waves in one
quarter pooled), k (a unit only where its wave's results page shows it — under hypothesis),
群众呼声's 满意率 and 解决率 equal to the 三率 page's for the same unit and quarter, who sees
what, the page, the xlsx and the API."""

from __future__ import annotations

import datetime as dt
import io
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from django.core.cache import cache
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from dangqun.core.models import RuleOverride
from dangqun.surveys import building, protect, results, satisfaction, satisfaction_export
from dangqun.surveys.models import Response, Status, Survey
from dangqun.surveys.tests.test_results import _fill
from dangqun.voices import followup, handling, metrics
from dangqun.voices.models import Rating, Voice
from dangqun.voices.tests.conftest import mass, raise_voice  # noqa: F401 (fixtures)

TODAY = dt.date(2026, 12, 4)


def exact(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )


def wave(world, opens: dt.date, *, org=None, by=None) -> Survey:
    """A wave of the pulse, opened on ``opens`` and closed."""
    by = by or world.owner
    survey = building.create_from_template(by, org or world.company_a, "pulse")
    survey = building.publish(by, survey)
    Survey.objects.filter(pk=survey.pk).update(
        opens_on=opens, status=Status.CLOSED, closed_at=dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    )
    return Survey.objects.get(pk=survey.pk)


def fill_items(survey, unit, n, scores: dict[str, int]):
    """``n`` responses of ``unit`` giving each coded rating item its score in ``scores``."""
    questions = {q.code: q for q in survey.questions.all()}
    answers = {str(questions[c].pk): v for c, v in scores.items()}
    Response.objects.bulk_create(
        Response(survey=survey, unit=unit, day=TODAY, answers=answers) for _ in range(n)
    )
    from dangqun.surveys import tallies

    tallies.rebuild(survey)


def compute(user, **kw):
    return satisfaction.compute(user, last=TODAY, **kw)


def cell(line, quarter: dt.date):
    return next(c for c in line.cells if c.quarter == quarter)


Q3, Q4 = dt.date(2026, 7, 1), dt.date(2026, 10, 1)
NOW_Q = satisfaction.quarter_of(dt.date.today())  # pages count back from today


# Quarters -----------------------------------------------------------------------------------
def test_quarters_end_with_todays_and_run_back():
    quarters = satisfaction.quarters_to(TODAY, 8)
    assert quarters[0] == dt.date(2025, 1, 1) and quarters[-1] == Q4 and len(quarters) == 8
    assert satisfaction.next_quarter(Q4) == dt.date(2027, 1, 1)
    assert satisfaction.quarter_label(Q3) == "2026年第3季度"
    assert satisfaction.quarter_of(dt.date(2026, 9, 30)) == Q3


# Arithmetic ---------------------------------------------------------------------------------
def test_the_index_is_the_weighted_mean_of_item_scores(world):
    survey = wave(world, dt.date(2026, 10, 20))
    fill_items(survey, world.company_a, 6, {c: 5 for c in satisfaction.weights()})
    fill_items(survey, world.company_b, 5, {c: 2 for c in satisfaction.weights()})
    index = compute(world.owner)
    by_unit = {line.label: cell(line, Q4) for line in index.units}
    assert by_unit["甲公司"].index == Decimal("100.0") and by_unit["甲公司"].responses == 6
    assert by_unit["乙公司"].index == Decimal("25.0")  # (2 − 1) ÷ 4 × 100
    whole = cell(index.whole, Q4)
    assert whole.responses == 11
    assert whole.index == exact(Fraction(6 * 4 + 5 * 1, 11 * 4) * 100)  # 65.9


def test_weights_come_from_the_rule_and_absent_items_renormalise(world):
    RuleOverride.objects.create(
        rule_id=satisfaction.RULE, params={"pay": 3, "work": 1, "growth": 0, "overall": 0}
    )
    survey = wave(world, dt.date(2026, 10, 20))
    scores = {c: 3 for c in ("manager", "management", "environment", "team", "identity")}
    scores.update({"pay": 5, "work": 1, "growth": 5, "overall": 5})  # "service" left unanswered
    fill_items(survey, world.company_a, 7, scores)
    index = compute(world.owner)
    weights = satisfaction.weights()
    assert "growth" not in weights and "overall" not in weights and weights["pay"] == 3
    # pay 100 × 3, work 0 × 1, five items 50 × 1; weight 0 and unanswered items left out
    expected = Fraction(100 * 3 + 0 + 50 * 5, 3 + 1 + 5)
    line = index.units[0]
    assert cell(line, Q4).index == exact(expected) == Decimal("61.1")
    assert cell(line, Q4).items["pay"] == Decimal("100.0")
    assert "growth" not in cell(line, Q4).items and "service" not in cell(line, Q4).items


def test_two_waves_in_one_quarter_are_pooled_and_others_keep_their_quarter(world):
    july = wave(world, dt.date(2026, 7, 10))
    august = wave(world, dt.date(2026, 8, 20))
    november = wave(world, dt.date(2026, 11, 2))
    fill_items(july, world.company_a, 5, {c: 5 for c in satisfaction.weights()})
    fill_items(august, world.company_a, 15, {c: 1 for c in satisfaction.weights()})
    fill_items(november, world.company_a, 6, {c: 4 for c in satisfaction.weights()})
    line = compute(world.owner).units[0]
    assert cell(line, Q3).responses == 20
    assert cell(line, Q3).index == Decimal("25.0")  # (5 × 100 + 15 × 0) ÷ 20
    assert cell(line, Q4).index == Decimal("75.0") and cell(line, Q4).responses == 6
    assert all(c.index is None for c in line.cells if c.quarter < Q3)


def test_waves_outside_the_window_and_drafts_do_not_count(world):
    old = wave(world, dt.date(2024, 6, 1))
    fill_items(old, world.company_a, 6, {c: 5 for c in satisfaction.weights()})
    building.create_from_template(world.owner, world.company_a, "pulse")  # a draft
    index = compute(world.owner)
    assert index.waves == [] and all(c.index is None for c in index.whole.cells)
    assert compute(world.owner, count=12).whole.cells[1].responses == 6  # 2024 Q2 → shown


# Within k -----------------------------------------------------------------------------------
def test_a_unit_below_k_or_derivable_is_not_even_named(world):
    """甲 10, 乙 3: the results page shows neither; naming them would tell that someone of 乙
    answered (the security review's finding)."""
    survey = wave(world, dt.date(2026, 10, 20))
    fill_items(survey, world.company_a, 10, {c: 5 for c in satisfaction.weights()})
    fill_items(survey, world.company_b, 3, {c: 1 for c in satisfaction.weights()})
    index = compute(world.owner)
    assert index.units == []
    assert cell(index.whole, Q4).responses == 13


def test_one_answer_names_no_unit(world):
    survey = wave(world, dt.date(2026, 10, 20))
    fill_items(survey, world.company_b, 1, {c: 1 for c in satisfaction.weights()})
    index = compute(world.owner)
    assert index.units == [] and cell(index.whole, Q4).below_k
    assert cell(index.whole, Q4).responses == 0


def test_a_wave_below_k_says_so_for_the_whole_too(world):
    survey = wave(world, dt.date(2026, 10, 20))
    fill_items(survey, world.company_a, 4, {c: 5 for c in satisfaction.weights()})
    index = compute(world.owner)
    whole = cell(index.whole, Q4)
    assert whole.index is None and whole.below_k and whole.responses == 0
    assert not cell(index.whole, Q3).below_k  # no wave then: 未调查


@given(
    a=st.integers(min_value=0, max_value=9),
    b=st.integers(min_value=0, max_value=9),
    c=st.integers(min_value=0, max_value=9),
)
@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_the_index_shows_only_groups_the_results_page_shows(world_wave, a, b, c):
    world, survey = world_wave
    cache.clear()  # a closed wave's sizes are cached: here the same wave is refilled each time
    Response.objects.filter(survey=survey).delete()
    for unit, n in ((world.company_a, a), (world.company_b, b), (world.group, c)):
        _fill(survey, unit, n)
    k = protect.min_group()
    shown = {u.unit_id: u.responses for u in results.results(survey, with_waves=False).units}
    index = compute(world.owner)
    listed = {line.unit_id: cell(line, Q4) for line in index.units}
    with_index = {u: x.responses for u, x in listed.items() if x.index is not None}
    assert with_index == shown
    assert set(listed) == set(shown)  # a unit the results page hides is not named
    assert all(n >= k for n in with_index.values())
    whole = cell(index.whole, Q4)
    assert (whole.index is not None) == (a + b + c >= k)
    book = load_workbook(io.BytesIO(satisfaction_export.book(world.owner, index)))
    rows = list(book["满意度指数"].iter_rows(min_row=2, values_only=True))
    assert all(r[2] >= k for r in rows if r[2] is not None)


@pytest.fixture
def world_wave(world):
    return world, wave(world, dt.date(2026, 10, 20))


# 群众呼声 beside it ---------------------------------------------------------------------------
def test_voices_rates_equal_the_metrics_of_the_same_unit_and_quarter(
    world,
    mass,  # noqa: F811
    raise_voice,  # noqa: F811
    make_user,
):
    today = dt.date.today()  # the voices are raised now
    survey = wave(world, today)
    fill_items(survey, world.company_a, 6, {c: 4 for c in satisfaction.weights()})
    handler = make_user("handler_sat", role="handler", org=world.dept_a)
    for rating, solved in ((Rating.SATISFIED, True), (Rating.BASICALLY, False), (None, True)):
        voice, _ = raise_voice()
        handling.assign(mass, voice, handling_org=world.dept_a)
        handling.respond(handler, voice)
        handling.answer(handler, voice, text="已办理", solved=solved)
        if rating:
            followup.rate(None, voice, rating=rating, by_code=True)
    raise_voice()  # not yet handled: valid, not solved
    quarter = satisfaction.quarter_of(today)
    [expected] = metrics.rates(
        Voice.objects.filter(unit__path__startswith=world.company_a.path),
        quarter,
        satisfaction.next_quarter(quarter),
    )
    index = satisfaction.compute(mass, last=today)
    assert index.voices_shown
    got = cell(index.units[0], quarter)
    assert got.voices == expected.valid == 4
    assert got.satisfaction_rate == expected.satisfaction_rate  # (1 + 0.9) ÷ 4
    assert got.resolution_rate == expected.resolution_rate == Decimal("0.5")
    assert cell(index.whole, quarter).voices == 4  # the pulse's organisation: 甲公司


def _voice(unit, **extra):
    from dangqun.voices import intake

    data = {"title": "班车", "content": "早班车太挤"}
    voice = intake.submit(None, data, unit=unit, channel="qr", identity="anonymous").voice
    for name, value in extra.items():
        setattr(voice, name, value)
    voice.save()
    return voice


def test_the_whole_counts_voices_raised_in_it_not_those_only_handled_there(world, make_user):
    """A voice from another enterprise handled in 甲公司综合部 is counted under both
    enterprises' tallies; the group pulse's whole row counts only voices raised in the group."""
    from dangqun.orgs import services as org_services

    other = org_services.create_org(None, parent=None, name="另一集团", kind="group")
    other_company = org_services.create_org(None, parent=other, name="丙公司", kind="company")
    other_dept = org_services.create_org(
        None, parent=other_company, name="丙公司部", kind="department"
    )
    head = make_user("group_mass", role="mass_admin", org=world.group)
    survey = wave(world, dt.date.today(), org=world.group, by=head)
    fill_items(survey, world.company_a, 6, {c: 4 for c in satisfaction.weights()})
    _voice(other_dept, handling_org=world.dept_a)
    _voice(world.dept_a)
    index = satisfaction.compute(head, last=dt.date.today())
    quarter = satisfaction.quarter_of(dt.date.today())
    assert cell(index.whole, quarter).voices == 1
    assert cell(index.units[0], quarter).voices == 1


def test_a_party_pulse_reads_each_units_voices_under_its_own_enterprise(world, make_user):
    """A 党委 with no unit runs the pulse: the whole shows no voices (it has no unit), each
    company its own (it said 0 before the review)."""
    from dangqun.orgs import services as org_services

    committee = org_services.create_org(None, parent=None, name="临时党委", kind="party_committee")
    runner = make_user("runner", role="party_admin", org=committee)
    from dangqun.accounts.services import grant_role

    grant_role(None, runner, "mass_admin", world.group)
    survey = wave(world, dt.date.today(), org=committee, by=runner)
    fill_items(survey, world.company_a, 6, {c: 4 for c in satisfaction.weights()})
    _voice(world.dept_a)
    _voice(world.dept_a)
    index = satisfaction.compute(runner, last=dt.date.today())
    quarter = satisfaction.quarter_of(dt.date.today())
    assert cell(index.whole, quarter).voices is None
    assert cell(index.units[0], quarter).voices == 2


def test_the_owner_without_voices_capability_sees_index_only(world):
    survey = wave(world, dt.date(2026, 10, 20))
    fill_items(survey, world.company_a, 6, {c: 4 for c in satisfaction.weights()})
    index = compute(world.owner)  # 党务管理员: no voices capability
    assert not index.voices_shown
    assert all(c.voices is None for line in [index.whole, *index.units] for c in line.cells)


# Pages, export, API ---------------------------------------------------------------------------
def test_the_page_explains_and_shows_the_index(world, login, django_assert_max_num_queries):
    survey = wave(world, NOW_Q + dt.timedelta(days=1))
    fill_items(survey, world.company_a, 6, {c: 4 for c in satisfaction.weights()})
    client = login(world.owner)
    with django_assert_max_num_queries(30):
        page = client.get("/surveys/satisfaction/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "75.0" in text and "怎样计算" in text and "GB/T 19038-2009" in text
    assert "不足 5 份" in text or "5 份" in text
    assert client.get("/surveys/satisfaction/?n=²&unit=x&quarter=zz").status_code == 200


def test_the_page_query_count_does_not_grow_with_units_or_waves(world, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first = wave(world, NOW_Q - dt.timedelta(days=80))
    fill_items(first, world.company_a, 6, {c: 4 for c in satisfaction.weights()})
    client = login(world.owner)
    client.get("/surveys/satisfaction/")  # warm: session, grants, closed waves' sizes
    with CaptureQueriesContext(connection) as small:
        client.get("/surveys/satisfaction/")
    for opens in (NOW_Q + dt.timedelta(days=1), NOW_Q - dt.timedelta(days=170)):
        more = wave(world, opens)
        fill_items(more, world.company_a, 6, {c: 3 for c in satisfaction.weights()})
        fill_items(more, world.company_b, 6, {c: 3 for c in satisfaction.weights()})
    client.get("/surveys/satisfaction/")
    with CaptureQueriesContext(connection) as large:
        client.get("/surveys/satisfaction/")
    # a closed wave reads its questions and its tallies (its sizes are cached); nothing per unit
    assert len(large.captured_queries) - len(small.captured_queries) == 2 * 2
    assert len(large.captured_queries) == 14  # the series the reader may choose: read once


def test_someone_without_survey_rights_is_refused(world, login):
    client = login(world.member)
    assert client.get("/surveys/satisfaction/").status_code == 403
    assert client.get("/surveys/satisfaction.xlsx").status_code == 403
    assert client.get("/api/surveys/satisfaction-index/").status_code == 403


def test_no_pulse_yet_says_so(world, login):
    client = login(world.owner)
    page = client.get("/surveys/satisfaction/")
    assert page.status_code == 200 and "还没有可查看的员工满意度调查" in page.content.decode()
    api = client.get("/api/surveys/satisfaction-index/")
    assert api.status_code == 400 and "员工满意度调查" in api.content.decode()
    xlsx = client.get("/surveys/satisfaction.xlsx")
    assert xlsx.status_code == 404 and "员工满意度调查" in xlsx.content.decode()


def test_the_export_holds_the_cells_and_the_explanation_and_is_audited(world, login):
    from dangqun.core.models import AuditLog

    survey = wave(world, NOW_Q + dt.timedelta(days=1))
    fill_items(survey, world.company_a, 6, {c: 4 for c in satisfaction.weights()})
    response = login(world.owner).get("/surveys/satisfaction.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book["满意度指数"].iter_rows(min_row=2, values_only=True))
    shown = [r for r in rows if r[3] is not None and not isinstance(r[3], str)]
    assert {(r[0], r[1], r[2], r[3]) for r in shown} == {
        ("甲公司（全部）", satisfaction.quarter_label(NOW_Q), 6, 75.0),
        ("甲公司", satisfaction.quarter_label(NOW_Q), 6, 75.0),
    }
    notes = [r[0] for r in book["计算说明"].iter_rows(values_only=True)]
    assert any("Σ" in n for n in notes) and any("GB/T 19038" in n for n in notes)
    assert AuditLog.objects.filter(action="survey.index_export").count() == 1


def test_the_api_gives_the_same_cells(world, login):
    survey = wave(world, NOW_Q + dt.timedelta(days=1))
    fill_items(survey, world.company_a, 6, {c: 4 for c in satisfaction.weights()})
    client = login(world.owner)
    data = client.get("/api/surveys/satisfaction-index/?n=4").json()
    assert data["org_name"] == "甲公司" and len(data["whole"]["cells"]) == 4
    last = data["units"][0]["cells"][-1]
    assert last["index"] == 75.0 and last["responses"] == 6 and last["voices"] is None
    assert data["weights"]["pay"] == 1.0 and "Σ" in data["rule"]
    bad = client.get("/api/surveys/satisfaction-index/?n=5")
    assert bad.status_code == 400 and "季度数" in bad.content.decode()
    assert client.get("/api/surveys/satisfaction-index/?org=abc").status_code == 400


def test_the_card_shows_the_latest_quarter_and_its_change(world, login):
    from dangqun.core import cards

    def card(user):
        return next((c for c in cards.for_user(user) if c.key == "surveys.index"), None)

    assert card(world.owner) is None  # no pulse yet: no card
    today = dt.date.today()
    last_quarter = satisfaction.quarter_of(satisfaction.quarter_of(today) - dt.timedelta(days=1))
    earlier = wave(world, last_quarter + dt.timedelta(days=5))
    fill_items(earlier, world.company_a, 6, {c: 3 for c in satisfaction.weights()})
    later = wave(world, satisfaction.quarter_of(today) + dt.timedelta(days=1))
    fill_items(later, world.company_a, 6, {c: 4 for c in satisfaction.weights()})
    shown = card(world.owner)
    assert [(n.value) for n in shown.numbers] == ["75.0", "+25.0", 6]
    assert shown.numbers[0].url == "/surveys/satisfaction/"
    assert card(world.member) is None
    assert login(world.owner).get("/workbench/card/surveys.index/").status_code == 200
