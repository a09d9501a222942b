"""The 工作台 cards of 问卷调查: a survey waiting for me (until I answer it), and for those who
run or read surveys the response rate of the open ones."""

import pytest
from django.test import Client

from dangqun.core import cards
from dangqun.surveys import answering, building
from dangqun.surveys.tests.conftest import pulse_answers

pytestmark = pytest.mark.django_db


def card(user, key):
    found = [c for c in cards.for_user(user) if c.key == key]
    return found[0] if found else None


def test_a_survey_waits_for_me_until_i_answer(world, pulse):
    shown = card(world.member, "surveys.waiting")
    assert (shown.numbers[0].label, shown.numbers[0].value) == ("待填写", 1)
    assert shown.numbers[0].url == "/surveys/"
    answering.answer(world.member, pulse, pulse_answers(pulse))
    assert card(world.member, "surveys.waiting") is None


def test_organisers_see_the_response_rate(world, pulse):
    shown = card(world.owner, "surveys.running")
    # 甲公司's employees: 张三, 李四, 王五
    assert [(n.value, n.url) for n in shown.numbers] == [("0%", f"/surveys/{pulse.pk}/")]
    answering.answer(world.member, pulse, pulse_answers(pulse))
    assert card(world.owner, "surveys.running").numbers[0].value == "33%"
    assert card(world.member, "surveys.running") is None
    building.close(world.owner, pulse)
    assert card(world.owner, "surveys.running") is None
    page = Client()
    page.force_login(world.owner)
    assert page.get("/workbench/card/surveys.running/").status_code == 200
