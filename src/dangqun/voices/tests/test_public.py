"""公开答复 and 我也关注: published in words an admin checked; followed once per employee."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dangqun.voices import followup, handling, publishing
from dangqun.voices.models import Channel, Identity, Rating


@pytest.fixture
def answered_voice(world, mass, handler, raise_voice):
    voice, _ = raise_voice(
        actor=world.member,
        identity=Identity.NAMED,
        channel=Channel.WEB,
        content="我是张三，电话 13800001234，食堂太贵",
    )
    handling.assign(mass, voice, handling_org=world.dept_a)
    handling.respond(handler, voice)
    return handling.answer(handler, voice, text="已公示成本", solved=True)


def test_publish_in_checked_words_and_follow_once(client, world, mass, handler, answered_voice):
    with pytest.raises(PermissionDenied):
        publishing.publish(
            handler, answered_voice, title="食堂", content="食堂太贵", answer_text="已公示"
        )
    client.force_login(mass)
    response = client.post(
        f"/voices/{answered_voice.pk}/publish/",
        {
            "title": "关于食堂价格",
            "content": "有员工反映食堂价格偏高",
            "answer_text": "已公示成本，下月起调整",
        },
    )
    assert response.status_code == 302
    client.force_login(world.owner)  # any employee with an account
    listing = client.get("/voices/public/").content.decode()
    assert "关于食堂价格" in listing and "食堂菜价" not in listing  # the checked title only
    assert "0 人关注" in listing
    page = client.get(f"/voices/public/{answered_voice.pk}/").content.decode()
    assert "有员工反映食堂价格偏高" in page
    assert "13800001234" not in page and "张三" not in page
    assert "已关注" in client.post(f"/voices/public/{answered_voice.pk}/").content.decode()
    again = client.post(f"/voices/public/{answered_voice.pk}/").content.decode()
    assert "您已关注过" in again and "1 人关注" in again


def test_only_answered_voices_are_published_and_unpublished_ones_are_hidden(
    client, world, mass, raise_voice, answered_voice
):
    fresh, _ = raise_voice()
    with pytest.raises(ValidationError, match="答复后才能公开"):
        publishing.publish(mass, fresh, title="t", content="x", answer_text="y")
    publishing.publish(mass, answered_voice, title="标题", content="内容", answer_text="答复")
    publishing.unpublish(mass, answered_voice)
    client.force_login(world.member)
    assert client.get(f"/voices/public/{answered_voice.pk}/").status_code == 404
    with pytest.raises(ValidationError, match="未公开"):
        publishing.follow(world.member, answered_voice)


def test_a_closed_voice_can_be_published_after_its_rating(world, mass, answered_voice):
    followup.rate(world.member, answered_voice, rating=Rating.SATISFIED)
    voice = publishing.publish(
        mass, answered_voice, title="标题", content="内容", answer_text="答复"
    )
    assert voice.public and voice.published_at


def test_public_pages_need_a_login(client, world):
    assert client.get("/voices/public/").status_code == 302


def test_public_list_query_count_does_not_grow(client, world, mass, raise_voice, answered_voice):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dangqun.voices.models import Voice

    publishing.publish(mass, answered_voice, title="标题", content="内容", answer_text="答复")
    client.force_login(world.member)
    client.get("/voices/public/")
    with CaptureQueriesContext(connection) as one:
        client.get("/voices/public/")
    Voice.objects.filter(pk=answered_voice.pk).update(public=True)
    for _ in range(4):
        voice, _ = raise_voice()
        Voice.objects.filter(pk=voice.pk).update(public=True, published_at=voice.submitted_at)
    with CaptureQueriesContext(connection) as five:
        html = client.get("/voices/public/").content.decode()
    import re

    assert len(re.findall(r'href="/voices/public/\d+/"', html)) == 5
    assert len(one) == len(five)
