"""A reply given before is the best draft of the next: similar voices answered before are shown to
the handler with their answers (only what the handler may see), one of them starts the answer
form, and the API's suggestion lists them."""

import uuid

import pytest
from django.utils import timezone

from dangqun.voices import duplicates, handling
from dangqun.voices.models import Status, Voice

ANSWER = "已与餐饮公司协商，午餐价格自下月起恢复原价，并每月公示成本。"


def answered(unit, title, content, answer=ANSWER):
    voice = Voice.objects.create(
        title=title,
        content=content,
        status=Status.CLOSED,
        unit=unit,
        handling_org=unit,
        query_code_hash=uuid.uuid4().hex,
        submitted_at=timezone.now() - timezone.timedelta(days=400),
        answered_at=timezone.now() - timezone.timedelta(days=390),
        answer=answer,
        solved=True,
    )
    duplicates.index_voices([voice.pk])
    return voice


@pytest.fixture
def taken(world, mass, handler, raise_voice):
    """A voice about canteen prices, assigned to 综合部 and taken by its handler."""
    voice, _ = raise_voice(
        title="食堂午餐涨价", content="最近食堂午餐价格涨得太快了，希望公示成本。"
    )
    handling.assign(mass, voice, handling_org=world.dept_a)
    return handling.respond(handler, voice)


@pytest.mark.django_db
def test_the_handler_sees_earlier_answers_and_starts_from_one(
    world, handler, taken, login, django_assert_max_num_queries
):
    mine = answered(world.dept_a, "食堂菜价", "食堂午餐价格上涨太快，希望公示成本。")
    hidden = answered(
        world.dept_b, "食堂菜价", "食堂午餐价格上涨太快，希望公示成本。", "乙公司答复"
    )
    answered(world.dept_a, "班车晚点", "早班车经常晚点，导致上班迟到。", "已调整班车时刻")
    client = login(handler)

    page = client.get(f"/voices/{taken.pk}/").content.decode()

    assert 'id="answered-before"' in page and "相似呼声的既往答复" in page
    assert ANSWER in page and mine.number in page
    assert "乙公司答复" not in page and hidden.number not in page  # outside the handler's scope
    assert "已调整班车时刻" not in page
    assert f'href="?draft={mine.pk}#action-answer"' in page and "用作答复草稿" in page
    with django_assert_max_num_queries(40):
        drafted = client.get(f"/voices/{taken.pk}/?draft={mine.pk}").content.decode()
    form = drafted.split('id="action-answer"', 1)[1].split("</form>", 1)[0]
    assert ANSWER in form
    for other in (hidden.pk, "x", taken.pk):  # not visible, not a number, itself: an empty form
        form = client.get(f"/voices/{taken.pk}/?draft={other}").content.decode()
        form = form.split('id="action-answer"', 1)[1].split("</form>", 1)[0]
        assert ANSWER not in form and "乙公司答复" not in form


@pytest.mark.django_db
def test_before_taking_it_the_handler_is_told_when_drafts_become_available(
    world, mass, handler, raise_voice, login
):
    answered(world.dept_a, "食堂菜价", "食堂午餐价格上涨太快，希望公示成本。")
    voice, _ = raise_voice(
        title="食堂午餐涨价", content="最近食堂午餐价格涨得太快了，希望公示成本。"
    )
    handling.assign(mass, voice, handling_org=world.dept_a)
    page = login(handler).get(f"/voices/{voice.pk}/").content.decode()
    assert ANSWER in page and "接办后可将既往答复用作答复草稿" in page
    assert "?draft=" not in page


@pytest.mark.django_db
def test_the_suggestion_api_lists_answers_given_before(
    world, mass, taken, login, django_assert_num_queries
):
    mine = answered(world.dept_a, "食堂菜价", "食堂午餐价格上涨太快，希望公示成本。")
    client = login(mass)
    client.get(f"/api/voices/{taken.pk}/suggestion/")  # warm the imports and the scope
    with django_assert_num_queries(7):
        body = client.get(f"/api/voices/{taken.pk}/suggestion/").json()
    assert [d["id"] for d in body["duplicates"]] == [mine.pk]
    [before] = body["answered_before"]
    assert before["id"] == mine.pk and before["answer"] == ANSWER and before["solved"] is True
    assert 0.45 <= before["similarity"] <= 1 and before["answered_at"]
