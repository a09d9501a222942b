"""Answering (issue #18 §2, §6): once per person, checked answers (a rating outside its scale,
a missing required answer), a closed survey or a second answer refused in Chinese with nothing
written, and skip logic (a skipped question's answer dropped, its requirement waived)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from dangqun.core.audit import AuditLog
from dangqun.surveys import answering, building
from dangqun.surveys.models import Participation, Response
from dangqun.surveys.tests.conftest import pulse_answers


def _nothing_more(responses=0):
    assert Response.objects.count() == responses
    assert Participation.objects.count() == responses


def test_an_employee_answers_once_and_counts_for_their_company(world, pulse):
    answering.answer(world.member, pulse, pulse_answers(pulse))
    response = Response.objects.get()
    assert response.unit_id == world.company_a.pk  # the company, not the department
    assert response.day == world.today
    assert response.person_id is None
    with pytest.raises(ValidationError) as refused:
        answering.answer(world.member, pulse, pulse_answers(pulse))
    assert refused.value.messages == [answering.TWICE]
    _nothing_more(1)


def test_a_closed_survey_takes_no_answer(world, pulse):
    building.close(world.owner, pulse)
    pulse.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        answering.answer(world.member, pulse, pulse_answers(pulse))
    assert "已结束" in refused.value.messages[0]
    _nothing_more()


def test_someone_outside_the_audience_cannot_answer(world, pulse, make_user):
    zhao = make_user("zhao", person=world.zhao)  # 乙公司
    with pytest.raises(ValidationError) as refused:
        answering.answer(zhao, pulse, pulse_answers(pulse))
    assert refused.value.messages == [answering.NOT_AUDIENCE]
    _nothing_more()


@pytest.mark.parametrize("bad", [6, 0, -1, "五", True, 4.5])
def test_a_rating_outside_the_scale_is_refused(world, pulse, bad):
    answers = pulse_answers(pulse)
    first = pulse.questions.get(position=1)
    answers[str(first.pk)] = bad
    with pytest.raises(ValidationError) as refused:
        answering.answer(world.member, pulse, answers)
    assert "评分应在 1 到 5 之间" in refused.value.message_dict[f"q{first.pk}"][0]
    _nothing_more()


def test_a_required_question_must_be_answered(world, pulse):
    answers = pulse_answers(pulse)
    second = pulse.questions.get(position=2)
    del answers[str(second.pk)]
    with pytest.raises(ValidationError) as refused:
        answering.answer(world.member, pulse, answers)
    assert "第 2 题为必答题" in refused.value.message_dict[f"q{second.pk}"]
    _nothing_more()


def test_skip_logic_drops_the_skipped_answers_and_waives_them(world):
    survey = building.publish(
        world.owner, building.create_from_template(world.owner, world.company_a, "masses_rating")
    )
    first, second, matrix, text = survey.questions.all()
    matrix_answer = {str(i): 5 for i in range(len(matrix.items))}
    # 满意 jumps from 1 to 3: question 2's answer is dropped
    answering.answer(
        world.member,
        survey,
        {str(first.pk): 0, str(second.pk): [1, 2], str(matrix.pk): matrix_answer},
    )
    assert Response.objects.get().answers == {str(first.pk): 0, str(matrix.pk): matrix_answer}
    assert answering.path_of(list(survey.questions.all()), {str(first.pk): 2}) == [
        first,
        second,
        matrix,
        text,
    ]


def test_a_matrix_needs_every_item_on_its_scale(world):
    survey = building.publish(
        world.owner, building.create_from_template(world.owner, world.company_a, "union_home")
    )
    matrix = survey.questions.get(position=1)
    with pytest.raises(ValidationError) as refused:
        answering.answer(world.member, survey, {str(matrix.pk): {"0": 5}})
    assert "请对每一项评分" in refused.value.message_dict[f"q{matrix.pk}"][0]
    _nothing_more()


def test_the_anonymous_answer_is_audited_untraceably(world, pulse):
    answering.answer(world.member, pulse, pulse_answers(pulse))
    row = AuditLog.objects.get(action="survey.answer_anonymous")
    assert row.actor_id is None and row.actor_name == "" and row.ip is None and row.request_id == ""
    assert row.before is None and row.after is None


def test_the_tally_kept_by_answering_is_the_recount(world, pulse, crowd):
    from dangqun.surveys import tallies
    from dangqun.surveys.models import Tally

    for index, user in enumerate([world.member, *crowd(3, world.dept_a)]):
        answering.answer(user, pulse, pulse_answers(pulse, score=1 + index))
    kept = sorted(Tally.objects.values_list("unit_key", "question_id", "item", "value", "count"))
    first = pulse.questions.get(position=1).pk
    assert (world.company_a.pk, first, -1, 1, 1) in kept
    assert (world.company_a.pk, first, -2, 0, 4) in kept  # four answered it
    tallies.rebuild(pulse)
    assert (
        sorted(Tally.objects.values_list("unit_key", "question_id", "item", "value", "count"))
        == kept
    )


def test_the_nightly_check_corrects_a_drifted_tally(world, pulse):
    from dangqun.surveys import tallies
    from dangqun.surveys.models import Tally

    answering.answer(world.member, pulse, pulse_answers(pulse))
    assert tallies.nightly_check() == 0
    Tally.objects.filter(item=-2).update(count=7)
    assert tallies.nightly_check() == 1
    assert set(Tally.objects.filter(item=-2).values_list("count", flat=True)) == {1}


def test_a_choice_mixing_numbers_and_words_is_refused_in_chinese(world):
    survey = building.publish(
        world.owner, building.create_from_template(world.owner, world.company_a, "masses_rating")
    )
    second = survey.questions.get(position=2)
    assert second.kind == "multiple"
    with pytest.raises(ValidationError) as refused:  # it was a TypeError (500) from sorting
        answering.answer(world.member, survey, {str(second.pk): ["x", 1]})
    assert "选项不存在" in refused.value.message_dict[f"q{second.pk}"][0]
    _nothing_more()
