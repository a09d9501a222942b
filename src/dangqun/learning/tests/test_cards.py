"""The 工作台 cards of 学习培训: what a member has to study now, and what waits on those who run
training — each number leading to the list it counts."""

import pytest
from django.test import Client

from dangqun.core import cards
from dangqun.learning import exams, external
from dangqun.learning.tests.test_exams import answer_all
from dangqun.learning.tests.test_external import _data

pytestmark = pytest.mark.django_db


def card(user, key):
    found = [c for c in cards.for_user(user) if c.key == key]
    return found[0] if found else None


def test_the_member_sees_an_open_exam_until_they_pass_it(world, make_exam):
    assert card(world.member, "learning.todo") is None  # nothing to study: no card
    exam = make_exam()
    shown = card(world.member, "learning.todo")
    assert (shown.numbers[0].label, shown.numbers[0].value) == ("可参加的考试", 1)
    assert "党章知识测试" in shown.next_step and "截止" in shown.next_step
    assert shown.action == ("去考试", f"/learning/exams/{exam.pk}/")
    attempt = exams.start(world.member, exam)
    answer_all(world.member, attempt)
    exams.submit(world.member, attempt.pk)
    assert card(world.member, "learning.todo") is None  # passed: nothing left to do
    page = Client()
    page.force_login(world.member)
    assert "我的学习" not in page.get("/").content.decode()


def test_the_secretary_is_told_of_external_training_to_confirm(world, secretary, make_user):
    shown = card(secretary, "learning.keeping")
    assert [n.value for n in shown.numbers] == [0, 0, 0]
    external.record(world.member, _data(world))
    shown = card(secretary, "learning.keeping")
    assert shown.numbers[0].value == 1 and shown.numbers[0].tone == "warning"
    assert shown.action == ("去确认", "/learning/manage/external/")
    assert card(world.member, "learning.keeping") is None  # a member runs no training
    page = Client()
    page.force_login(secretary)
    assert "外出培训待确认" in page.get("/workbench/card/learning.keeping/").content.decode()
