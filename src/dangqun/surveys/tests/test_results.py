"""Results within k (issue #18 §2, §6): nothing below k, no group derivable by subtraction (a
hypothesis property over unit sizes, filters and the export), the per-question figures, the
units compared by rate, waves, and free text only as topics."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from dangqun.surveys import building, exports, protect, results, tallies
from dangqun.surveys.models import Response
from dangqun.surveys.tests.conftest import pulse_answers


@given(
    sizes=st.lists(st.integers(min_value=0, max_value=12), min_size=0, max_size=8),
    unplaced=st.integers(min_value=0, max_value=6),
    k=st.integers(min_value=1, max_value=8),
)
def test_no_shown_group_is_below_k_nor_derivable(sizes, unplaced, k):
    groups = {i: n for i, n in enumerate(sizes) if n}
    total = sum(groups.values()) + unplaced
    shown = protect.shown(total, groups, k)
    if total < k:
        assert shown == set()
        return
    assert all(groups[g] >= k for g in shown)
    residual = total - sum(groups[g] for g in shown)
    assert residual == 0 or residual >= k  # what is hidden, taken together, is itself ≥ k
    # and nothing hidden is hidden needlessly when there is no risk: all groups ≥ k and no residue
    if all(n >= k for n in groups.values()) and unplaced == 0:
        assert shown == set(groups)


def _fill(survey, unit, n, score=4, day=None, texts=()):
    rating = [q for q in survey.questions.all() if q.kind == "rating"]
    rows = []
    for i in range(n):
        answers = {str(q.pk): score for q in rating}
        if texts:
            long = survey.questions.get(kind="long")
            answers[str(long.pk)] = texts[i % len(texts)]
        rows.append(Response(survey=survey, unit=unit, day=day or dt.date.today(), answers=answers))
    Response.objects.bulk_create(rows)
    tallies.rebuild(survey)


def test_below_k_nothing_is_shown(world, pulse):
    _fill(pulse, world.company_a, 4)
    found = results.results(pulse)
    assert not found.shown and found.total == 4
    assert found.questions == [] and found.units == []


@given(
    a=st.integers(min_value=0, max_value=9),
    b=st.integers(min_value=0, max_value=9),
    c=st.integers(min_value=0, max_value=9),
)
@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_every_filter_and_the_export_keep_k(world_once, a, b, c):
    """Any mix of unit sizes: the page's groups, each unit's filter and the export rows (the
    fixture is shared on purpose: each example first deletes the responses it wrote)."""
    world, pulse = world_once
    Response.objects.filter(survey=pulse).delete()
    for unit, n in ((world.company_a, a), (world.company_b, b), (world.group, c)):
        _fill(pulse, unit, n)
    k = protect.min_group()
    found = results.results(pulse, with_waves=False)
    total = a + b + c
    shown = {u.unit_id: u.responses for u in found.units}
    assert found.shown == (total >= k)
    if not found.shown:
        assert found.questions == [] and shown == {}
    assert all(n >= k for n in shown.values())
    residual = total - sum(shown.values())
    assert residual == 0 or residual >= k or not found.shown
    for unit in (world.company_a, world.company_b, world.group):
        if unit.pk in shown:
            assert results.results(pulse, unit.pk, with_waves=False).total == total
        else:
            with pytest.raises(ValidationError):
                results.results(pulse, unit.pk, with_waves=False)
    book = load_workbook(io.BytesIO(exports.book(world.owner, found)))
    rows = list(book["各单位"].iter_rows(min_row=2, values_only=True))
    listed = [r for r in rows if r[1] is not None]
    assert all(r[1] >= k for r in listed)
    assert len(listed) == len(shown)


@pytest.fixture
def world_once(world, pulse):
    return world, pulse


def test_a_hidden_unit_hides_its_complement(world, pulse):
    """甲 10, 乙 3: showing 甲 beside the total would give 乙's 3 answers by subtraction."""
    _fill(pulse, world.company_a, 10, score=5)
    _fill(pulse, world.company_b, 3, score=1)
    found = results.results(pulse)
    assert found.shown and found.total == 13
    assert found.units == [] and found.hidden_units == 2


def test_the_figures_of_a_shown_survey(world, pulse):
    _fill(pulse, world.company_a, 6, score=5)
    _fill(pulse, world.company_b, 5, score=2)
    found = results.results(pulse)
    first = found.questions[0]
    assert first.answered == 11 and first.mean == round((6 * 5 + 5 * 2) / 11, 2)
    assert first.satisfied == round(6 * 100 / 11, 1)
    assert [r.count for r in first.rows] == [0, 5, 0, 0, 6]
    by_unit = {u.label: u for u in found.units}
    assert by_unit["甲公司"].satisfied == 100.0 and by_unit["乙公司"].satisfied == 0.0
    one = results.results(pulse, world.company_b.pk)
    assert one.unit == world.company_b and one.questions[0].mean == 2.0


def test_free_text_only_as_topics(world, pulse):
    texts = [
        "食堂饭菜种类太少",
        "希望食堂饭菜多些花样",
        "班车太少下班等很久",
        "增加下班班车",
        "食堂饭菜价格偏高",
    ]
    _fill(pulse, world.company_a, 10, texts=texts)
    found = results.results(pulse)
    text = next(q for q in found.questions if q.question.kind == "long")
    assert text.rows == [] and text.topics
    labels = " ".join(label for label, _ in text.topics)
    assert "食堂" in labels or "饭菜" in labels
    for label, count in text.topics:
        assert count >= 2 and label not in texts  # a topic, never an answer's text


def test_waves_show_the_trend(world, pulse, make_user):
    _fill(pulse, world.company_a, 6, score=2)
    building.close(world.owner, pulse)
    second = building.publish(
        world.owner, building.create_from_template(world.owner, world.company_a, "pulse")
    )
    _fill(second, world.company_a, 6, score=5)
    found = results.results(second)
    assert [w["wave"] for w in found.waves] == [1, 2]
    assert [w["rate"] for w in found.waves] == [0.0, 100.0]
    chart = results.trend_chart(found)
    assert chart["labels"] == ["第 1 期", "第 2 期"]


def test_the_export_is_audited(world, pulse):
    _fill(pulse, world.company_a, 5)
    exports.book(world.owner, results.results(pulse))
    from dangqun.core.audit import AuditLog

    assert AuditLog.objects.filter(action="survey.export", actor=world.owner).count() == 1


def test_answers_through_the_service_reach_the_results(world, pulse, crowd):
    from dangqun.surveys import answering

    for user in [world.member, *crowd(4, world.dept_a)]:
        answering.answer(user, pulse, pulse_answers(pulse, score=5))
    assert results.results(pulse).shown


def test_a_question_few_answered_is_hidden_everywhere(world, crowd):
    """Skip logic asks question 2 only of those not 满意: when one person of six is asked it, their
    answer is not shown — not on the page, the API's figures, the export, nor as a count."""
    from dangqun.surveys import answering

    survey = building.publish(
        world.owner, building.create_from_template(world.owner, world.company_a, "masses_rating")
    )
    first, second, matrix, _ = survey.questions.all()
    matrix_answer = {str(i): 4 for i in range(len(matrix.items))}
    people = [world.member, *crowd(5, world.dept_a)]
    for n, user in enumerate(people):
        answers = {str(first.pk): 0, str(matrix.pk): matrix_answer}  # 满意: question 2 skipped
        if n == 0:
            answers = {str(first.pk): 2, str(second.pk): [1], str(matrix.pk): matrix_answer}
        answering.answer(user, survey, answers)
    found = results.results(survey)
    assert found.shown and found.total == 6
    by_id = {q.question.pk: q for q in found.questions}
    assert by_id[second.pk].hidden and by_id[second.pk].rows == []
    assert by_id[second.pk].answered is None
    assert not by_id[first.pk].hidden and by_id[first.pk].answered == 6
    book = load_workbook(io.BytesIO(exports.book(world.owner, found)))
    cells = [c for row in book.active.iter_rows(values_only=True) for c in row if c is not None]
    assert "本题作答不足 5 份或可被推算，暂不显示" in cells
    for unit in found.units:  # a unit's view hides it too
        assert results.results(survey, unit.unit_id).questions[1].hidden
