"""Building a survey (issue #18 §2): templates as data with waves, questions and their checks
(no questions, a skip backwards, bad options: refused in Chinese, nothing written), publishing,
closing, and who may."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dangqun.core.audit import AuditLog
from dangqun.surveys import building, templates
from dangqun.surveys.models import Question, Status, Survey


def blank(world, **extra):
    data = {
        "org": extra.pop("org", world.company_a),
        "title": "食堂满意度",
        "audience_who": "everyone",
    }
    return building.create(world.owner, {**data, **extra})


def test_every_template_is_shipped_with_its_source():
    shipped = templates.shipped()
    assert set(shipped) == {"pulse", "masses_rating", "union_home"}
    assert 10 <= len(shipped["pulse"].questions) <= 12
    for t in shipped.values():
        assert t.citation and t.title
        for q in t.questions:
            building.clean_question(q.fields())  # each item passes the builder's own checks


def test_a_template_makes_a_draft_and_waves_are_numbered(world):
    first = building.create_from_template(world.owner, world.company_a, "masses_rating")
    second = building.create_from_template(world.owner, world.company_a, "masses_rating")
    assert (first.wave, second.wave) == (1, 2)
    assert "第 2 期" in second.title
    assert first.status == Status.DRAFT
    q1 = first.questions.get(position=1)
    assert q1.skip == {"0": first.questions.get(position=3).pk}  # 满意 jumps to the matrix
    assert AuditLog.objects.filter(action="survey.create").count() == 2


def test_publishing_without_questions_is_refused(world):
    survey = blank(world)
    with pytest.raises(ValidationError) as refused:
        building.publish(world.owner, survey)
    assert "还没有题目" in refused.value.messages[0]
    assert Survey.objects.get(pk=survey.pk).status == Status.DRAFT
    assert not AuditLog.objects.filter(action="survey.publish").exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"kind": "single", "text": "您的看法", "options": ["好"]}, "options", "2 至"),
        ({"kind": "single", "text": "您的看法", "options": ["好", "好"]}, "options", "互不相同"),
        ({"kind": "matrix", "text": "请评价", "items": []}, "items", "矩阵题"),
        ({"kind": "rating", "text": ""}, "text", "请填写题目"),
        ({"kind": "slider", "text": "怎样"}, "kind", "请选择题型"),
    ],
)
def test_bad_questions_are_refused_and_nothing_written(world, data, field, message):
    survey = blank(world)
    with pytest.raises(ValidationError) as refused:
        building.add_question(world.owner, survey, data)
    assert message in refused.value.message_dict[field][0]
    assert not Question.objects.exists()


def _three(world):
    survey = blank(world)
    for text in ("是否在食堂就餐", "对饭菜的评价", "其他建议"):
        kind = "single" if text.startswith("是否") else "rating"
        building.add_question(
            world.owner, survey, {"kind": kind, "text": text, "options": ["是", "否"]}
        )
    return survey, list(survey.questions.all())


def test_a_skip_goes_forward_only(world):
    survey, (first, _second, third) = _three(world)
    building.update_question(
        world.owner,
        survey,
        first.pk,
        {"kind": "single", "text": first.text, "options": ["是", "否"], "skip": {"1": 3}},
    )
    assert Question.objects.get(pk=first.pk).skip == {"1": third.pk}
    with pytest.raises(ValidationError) as refused:
        building.update_question(
            world.owner,
            survey,
            third.pk,
            {"kind": "single", "text": "回到前面", "options": ["是", "否"], "skip": {"0": 1}},
        )
    assert "只能跳到后面的题目" in refused.value.message_dict["skip"][0]
    assert Question.objects.get(pk=third.pk).text == "其他建议"  # nothing written


def test_a_move_that_would_make_a_skip_go_backwards_is_refused(world):
    survey, (first, second, third) = _three(world)
    building.update_question(
        world.owner,
        survey,
        first.pk,
        {"kind": "single", "text": first.text, "options": ["是", "否"], "skip": {"1": 2}},
    )
    with pytest.raises(ValidationError):
        building.move_question(world.owner, survey, second.pk, -1)
    assert list(survey.questions.values_list("pk", flat=True)) == [first.pk, second.pk, third.pk]
    building.move_question(world.owner, survey, third.pk, -1)  # a move without a skip problem
    assert list(survey.questions.values_list("pk", "position")) == [
        (first.pk, 1),
        (third.pk, 2),
        (second.pk, 3),
    ]


def test_a_question_jumped_to_cannot_be_deleted(world):
    survey, (first, second, third) = _three(world)
    building.update_question(
        world.owner,
        survey,
        first.pk,
        {"kind": "single", "text": first.text, "options": ["是", "否"], "skip": {"1": 3}},
    )
    with pytest.raises(ValidationError):
        building.delete_question(world.owner, survey, third.pk)
    building.delete_question(world.owner, survey, second.pk)
    assert list(survey.questions.values_list("position", flat=True)) == [1, 2]


def test_questions_are_frozen_once_published_and_closing_ends_it(world, pulse):
    with pytest.raises(ValidationError) as refused:
        building.add_question(world.owner, pulse, {"kind": "rating", "text": "新题"})
    assert "不能再修改题目" in refused.value.messages[0]
    closed = building.close(world.owner, pulse)
    assert closed.status == Status.CLOSED and closed.closed_at
    with pytest.raises(ValidationError):
        building.close(world.owner, pulse)


def test_only_organisers_of_the_organisation_may_build(world):
    survey = blank(world)
    for user in (world.outsider, world.reader, world.member):
        with pytest.raises(PermissionDenied):
            building.add_question(user, survey, {"kind": "rating", "text": "新题"})
        with pytest.raises(PermissionDenied):
            building.publish(user, survey)
    with pytest.raises(PermissionDenied):
        building.create(
            world.outsider, {"org": world.company_a, "title": "越权", "audience_who": "everyone"}
        )


def test_the_window_must_make_sense(world):
    with pytest.raises(ValidationError) as refused:
        blank(world, opens_on=world.today, closes_on=world.today.replace(year=world.today.year - 1))
    assert "截止日期不能早于开始日期" in refused.value.message_dict["closes_on"][0]
