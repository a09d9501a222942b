"""问卷调查 over the API (issue #18 §4): surveys for me, answering once (no key returned), the
results within k, the organiser's create / question / publish / close through the pages' actions
table, the permission matrix and pinned query counts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangqun.surveys import answering, building, tallies
from dangqun.surveys.models import Response
from dangqun.surveys.tests.conftest import pulse_answers


@pytest.fixture
def pulse(world):
    survey = building.create_from_template(world.owner, world.company_a, "pulse")
    return building.publish(world.owner, survey)


def test_surveys_for_me_and_answering_once(world, api, pulse):
    client = api(world.member)
    todo = client.get("/api/surveys/?show=todo").json()["results"]
    assert [r["id"] for r in todo] == [pulse.pk]
    detail = client.get(f"/api/surveys/{pulse.pk}/").json()
    assert len(detail["questions"]) == 12
    answers = pulse_answers(pulse)
    done = client.post(f"/api/surveys/{pulse.pk}/answer/", {"answers": answers})
    assert done.status_code == 201 and done.json() == {"detail": "已提交，感谢您的参与"}
    again = client.post(f"/api/surveys/{pulse.pk}/answer/", {"answers": answers})
    assert again.status_code == 400 and answering.TWICE in str(again.json())
    assert client.get("/api/surveys/?show=todo").json()["results"] == []
    assert Response.objects.count() == 1


def test_a_bad_answer_is_refused_in_chinese(world, api, pulse):
    first = pulse.questions.get(position=1)
    answers = pulse_answers(pulse)
    answers[str(first.pk)] = 7
    refused = api(world.member).post(f"/api/surveys/{pulse.pk}/answer/", {"answers": answers})
    assert refused.status_code == 400
    assert "评分应在 1 到 5 之间" in str(refused.json())
    assert not Response.objects.exists()


def test_results_within_k(world, api, pulse):
    client = api(world.owner)
    below = client.get(f"/api/surveys/{pulse.pk}/results/").json()
    assert below["shown"] is False and below["questions"] == [] and below["units"] == []
    Response.objects.bulk_create(
        Response(survey=pulse, unit=world.company_a, day=world.today, answers=pulse_answers(pulse))
        for _ in range(5)
    )
    tallies.rebuild(pulse)
    shown = client.get(f"/api/surveys/{pulse.pk}/results/").json()
    assert shown["shown"] is True and shown["total"] == 5 and len(shown["questions"]) == 12
    hidden = client.get(f"/api/surveys/{pulse.pk}/results/?unit={world.company_b.pk}")
    assert hidden.status_code == 400 and "暂不显示" in str(hidden.json())


def test_the_organiser_builds_and_publishes(world, api):
    client = api(world.owner)
    made = client.post(
        "/api/surveys/", {"org": world.company_a.pk, "title": "食堂", "audience_who": "everyone"}
    )
    assert made.status_code == 201, made.json()
    pk = made.json()["id"]
    refused = client.post(f"/api/surveys/{pk}/publish/", {})
    assert refused.status_code == 400 and "还没有题目" in str(refused.json())
    added = client.post(
        f"/api/surveys/{pk}/question/", {"kind": "single", "text": "是否就餐", "options": "是\n否"}
    )
    assert added.status_code == 200 and added.json()["questions"][0]["options"] == ["是", "否"]
    assert client.post(f"/api/surveys/{pk}/publish/", {}).json()["status"] == "open"
    assert client.post(f"/api/surveys/{pk}/close/", {}).json()["status"] == "closed"
    templated = client.post(
        "/api/surveys/", {"org": world.company_a.pk, "template": "masses_rating"}
    )
    assert templated.status_code == 201 and templated.json()["wave"] == 1


@pytest.mark.parametrize(
    ("who", "detail", "results", "publish"),
    [
        ("owner", 200, 200, 400),  # 400: already open
        ("reader", 200, 200, 403),
        ("outsider", 404, 404, 404),
        ("member", 200, 403, 403),
    ],
)
def test_the_permission_matrix(world, api, pulse, who, detail, results, publish):
    client = api(getattr(world, who))
    assert client.get(f"/api/surveys/{pulse.pk}/").status_code == detail
    assert client.get(f"/api/surveys/{pulse.pk}/results/").status_code == results
    assert client.post(f"/api/surveys/{pulse.pk}/publish/", {}).status_code == publish


def test_anonymous_callers_are_refused(api, pulse):
    client = api(None)
    assert client.get("/api/surveys/").status_code in (401, 403)
    assert client.post(f"/api/surveys/{pulse.pk}/answer/", {"answers": {}}).status_code in (
        401,
        403,
    )


@pytest.mark.parametrize(("url", "count"), [("/api/surveys/", 5), ("detail", 6), ("results", 13)])
def test_query_counts_are_pinned(world, api, pulse, url, count):
    Response.objects.bulk_create(
        Response(survey=pulse, unit=world.company_a, day=world.today, answers=pulse_answers(pulse))
        for _ in range(6)
    )
    tallies.rebuild(pulse)
    url = {
        "detail": f"/api/surveys/{pulse.pk}/",
        "results": f"/api/surveys/{pulse.pk}/results/",
    }.get(url, url)
    client = api(world.owner)
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert len(queries) == count, [q["sql"][:100] for q in queries]
