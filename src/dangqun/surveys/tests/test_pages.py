"""The pages of 问卷调查: the permission matrix (anonymous, outsider, reader, member, owner),
the builder's steps with Chinese refusals, the answer page, the results below and above k, and
pinned query counts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangqun.surveys import answering
from dangqun.surveys.models import Participation, Question, Response, Status
from dangqun.surveys.tests.conftest import pulse_answers


def _pages(survey):
    pk = survey.pk
    return {
        "index": "/surveys/",
        "new": "/surveys/new/",
        "detail": f"/surveys/{pk}/",
        "edit": f"/surveys/{pk}/edit/",
        "preview": f"/surveys/{pk}/preview/",
        "answer": f"/surveys/{pk}/answer/",
        "results": f"/surveys/{pk}/results/",
        "export": f"/surveys/{pk}/results.xlsx",
        "qr": f"/surveys/{pk}/qr.svg",
    }


MATRIX = {
    # who: page → status
    "owner": {
        "index": 200,
        "new": 200,
        "detail": 200,
        "edit": 200,
        "preview": 200,
        "answer": 200,
        "results": 200,
        "export": 200,
        "qr": 200,
    },
    "reader": {
        "index": 200,
        "new": 403,
        "detail": 200,
        "edit": 403,
        "preview": 200,
        "answer": 200,
        "results": 200,
        "export": 200,
        "qr": 200,
    },
    "outsider": {
        "index": 200,
        "new": 200,
        "detail": 404,
        "edit": 404,
        "preview": 404,
        "answer": 404,
        "results": 404,
        "export": 404,
        "qr": 404,
    },
    "member": {
        "index": 200,
        "new": 403,
        "detail": 302,
        "edit": 404,
        "preview": 404,
        "answer": 200,
        "results": 404,
        "export": 404,
        "qr": 404,
    },
}


@pytest.mark.parametrize("who", list(MATRIX))
def test_the_permission_matrix(world, pulse, client, who):
    client.force_login(getattr(world, who))
    for page, url in _pages(pulse).items():
        status = client.get(url).status_code
        assert status == MATRIX[who][page], (who, page, status)


def test_anonymous_visitors_are_sent_to_sign_in(pulse, client):
    for url in _pages(pulse).values():
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_builder_adds_moves_and_refuses_in_chinese(world, client):
    client.force_login(world.owner)
    page = client.post(
        "/surveys/new/",
        {
            "org": world.company_a.pk,
            "title": "食堂满意度",
            "audience_who": "everyone",
            "anonymous": "on",
        },
    )
    assert page.status_code == 302
    survey_url = page["Location"]
    pk = int(survey_url.strip("/").split("/")[-1])
    refused = client.post(f"/surveys/{pk}/do/publish/", follow=True)
    assert "还没有题目" in refused.content.decode()
    for text, kind in (("是否就餐", "single"), ("饭菜口味", "rating"), ("建议", "long")):
        client.post(
            f"/surveys/{pk}/do/question/",
            {"kind": kind, "text": text, "options": "是\n否", "required": "on"},
        )
    assert Question.objects.filter(survey_id=pk).count() == 3
    first, _second, third = Question.objects.filter(survey_id=pk)
    back = client.post(
        f"/surveys/{pk}/questions/{third.pk}/",
        {
            "question": third.pk,
            "kind": "single",
            "text": "建议",
            "options": "是\n否",
            "skip": "1=1",
        },
    )
    assert back.status_code == 422 and "只能跳到后面的题目" in back.content.decode()
    ok = client.post(
        f"/surveys/{pk}/questions/{first.pk}/",
        {
            "question": first.pk,
            "kind": "single",
            "text": "是否就餐",
            "options": "是\n否",
            "skip": "2=3",
        },
    )
    assert ok.status_code == 302
    assert Question.objects.get(pk=first.pk).skip == {"1": third.pk}
    client.post(f"/surveys/{pk}/do/move/", {"question": third.pk, "step": "-1"})
    assert Question.objects.get(pk=third.pk).position == 2
    detail = client.get(f"/surveys/{pk}/").content.decode()
    assert "选第 2 项跳到第 2 题" in detail
    client.post(f"/surveys/{pk}/do/publish/")
    assert client.get(f"/surveys/{pk}/").context["survey"].status == Status.OPEN


def test_an_employee_answers_on_the_page_and_cannot_answer_twice(world, pulse, client):
    client.force_login(world.member)
    page = client.get(f"/surveys/{pulse.pk}/answer/")
    assert "本问卷匿名" in page.content.decode()
    answers = {f"q{k}": v for k, v in pulse_answers(pulse).items()}
    bad = dict(answers)
    first = pulse.questions.get(position=1)
    bad[f"q{first.pk}"] = "9"
    refused = client.post(f"/surveys/{pulse.pk}/answer/", bad)
    assert refused.status_code == 422 and "评分应在 1 到 5 之间" in refused.content.decode()
    assert not Response.objects.exists()
    second = pulse.questions.get(position=2)
    kept = refused.content.decode()
    assert f'name="q{second.pk}" value="4" checked' in kept  # what was chosen is kept
    assert "希望食堂饭菜更好" in kept
    assert client.post(f"/surveys/{pulse.pk}/answer/", answers).status_code == 302
    again = client.post(f"/surveys/{pulse.pk}/answer/", answers)
    assert again.status_code == 422 and answering.TWICE in again.content.decode()
    assert Participation.objects.count() == 1 == Response.objects.count()


def test_results_wait_for_k_then_show(world, pulse, crowd, client):
    client.force_login(world.owner)
    users = [world.member, *crowd(4, world.dept_a)]
    for user in users[:4]:
        answering.answer(user, pulse, pulse_answers(pulse))
    assert "不足 5 份，暂不显示" in client.get(f"/surveys/{pulse.pk}/results/").content.decode()
    answering.answer(users[4], pulse, pulse_answers(pulse))
    page = client.get(f"/surveys/{pulse.pk}/results/").content.decode()
    assert "不足 5 份，暂不显示" not in page and 'id="chart-q' in page


PINNED = {"index": 6, "detail": 8, "answer": 14, "results": 15, "preview": 7}


@pytest.mark.parametrize("page", list(PINNED))
def test_query_counts_are_pinned(world, pulse, crowd, client, page):
    for user in [*crowd(5, world.dept_a)]:
        answering.answer(user, pulse, pulse_answers(pulse))
    user = world.member if page == "answer" else world.owner
    client.force_login(user)
    url = _pages(pulse)[page]
    client.get(url)  # warm caches (rules, sessions)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert len(queries) == PINNED[page], [q["sql"][:120] for q in queries]


def test_a_refused_question_comes_back_with_what_was_typed(world, client):
    """Adding (on the builder) or editing a question that is refused answers 422 with the
    Chinese reason beside the fields the organiser filled in, and writes nothing."""
    client.force_login(world.owner)
    survey_url = client.post(
        "/surveys/new/",
        {"org": world.company_a.pk, "title": "食堂满意度", "audience_who": "everyone"},
    )["Location"]
    pk = int(survey_url.strip("/").split("/")[-1])
    matrix = client.post(
        f"/surveys/{pk}/do/question/",
        {"kind": "matrix", "text": "请为食堂各窗口打分", "items": "", "required": "on"},
    )
    page = matrix.content.decode()
    assert matrix.status_code == 422
    assert "矩阵题需要 1 至 20 个互不相同的评价项目" in page
    assert 'value="请为食堂各窗口打分"' in page
    assert '<option value="matrix" selected>' in page
    assert not Question.objects.filter(survey_id=pk).exists()

    client.post(f"/surveys/{pk}/do/question/", {"kind": "long", "text": "建议", "required": "on"})
    backwards = client.post(
        f"/surveys/{pk}/do/question/",
        {"kind": "single", "text": "是否在食堂就餐", "options": "经常\n偶尔\n从不", "skip": "3=1"},
    )
    page = backwards.content.decode()
    assert backwards.status_code == 422
    assert "只能跳到后面的题目" in page
    assert 'value="是否在食堂就餐"' in page and "经常\n偶尔\n从不</textarea>" in page
    assert 'value="3=1"' in page
    assert Question.objects.filter(survey_id=pk).count() == 1

    first = Question.objects.get(survey_id=pk)
    edited = client.post(
        f"/surveys/{pk}/questions/{first.pk}/",
        {"question": first.pk, "kind": "matrix", "text": "各窗口的饭菜", "items": ""},
    )
    page = edited.content.decode()
    assert edited.status_code == 422
    assert "矩阵题需要 1 至 20 个互不相同的评价项目" in page and 'value="各窗口的饭菜"' in page
    assert Question.objects.get(pk=first.pk).text == "建议"
    gone = client.post(
        f"/surveys/{pk}/do/question/",
        {"question": first.pk + 1000, "kind": "long", "text": "已删除的题目"},
    )
    assert gone.status_code == 422 and "题目不存在" in gone.content.decode()
