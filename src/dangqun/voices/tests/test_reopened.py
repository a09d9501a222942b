"""A voice reopened after 不满意 says so: the rejected answer is the previous one, not "答复（已
解决）", on the staff's page, the author's page and the query-code page, and its history reads
answer → 不满意 → 回访重办 → handled again."""

import pytest

from dangqun.voices import followup, handling
from dangqun.voices.models import Channel, Identity, Rating

pytestmark = pytest.mark.django_db


@pytest.fixture
def reopened(world, mass, handler, raise_voice):
    voice, code = raise_voice(actor=world.member, identity=Identity.NAMED, channel=Channel.WEB)
    handling.assign(mass, voice, handling_org=world.dept_a)
    handling.respond(handler, voice)
    handling.answer(handler, voice, text="已公示成本", solved=True)
    followup.rate(world.member, voice, rating=Rating.UNSATISFIED, comment="价格没降")
    voice.refresh_from_db()
    return voice, code


def section(html: str, element_id: str) -> str:
    start = html.index(f'id="{element_id}"')
    return html[start : html.index("</div>", start)]


def test_the_staff_and_the_author_read_that_it_is_handled_again(client, world, handler, reopened):
    voice, _ = reopened
    for user in (handler, world.member):
        client.force_login(user)
        html = client.get(f"/voices/{voice.pk}/").content.decode()
        assert "答复（已解决）" not in html
        assert "上次答复（反映人不满意，已重新办理）" in section(html, "answer")
        assert "正在重新办理" in section(html, "reopened")
        assert "对上次答复的评价：不满意，价格没降" in html
        assert "重新办理" in section(html, "voice-status")
        history = html[html.index('id="history"') :]
        steps = ["答复", "评价", "回访重办"]
        positions = [history.index(f"<strong>{step}</strong>") for step in steps]
        assert positions == sorted(positions)
    client.force_login(handler)
    assert "重办" in client.get("/voices/").content.decode()  # the inbox marks it too


def test_answered_again_the_new_answer_is_current_and_the_old_rating_is_history(
    client, world, handler, reopened
):
    voice, _ = reopened
    handling.respond(handler, voice)
    handling.answer(handler, voice, text="已下调两元", solved=True)
    client.force_login(world.member)
    html = client.get(f"/voices/{voice.pk}/").content.decode()
    assert "答复（重新办理后）（已解决）" in section(html, "answer") and "已下调两元" in html
    assert 'id="reopened"' not in html
    assert "对上次答复的评价：不满意" in html  # not the rating of this answer
    followup.rate(world.member, voice, rating=Rating.SATISFIED)
    html = client.get(f"/voices/{voice.pk}/").content.decode()
    assert "评价：满意" in html and "对上次答复的评价" not in html


def test_the_query_code_page_says_it_is_reopened(client, reopened):
    _voice, code = reopened
    html = client.post("/v/q/", {"code": code, "action": "view"}).content.decode()
    assert "上次答复（反映人不满意，已重新办理）" in html and "正在重新办理" in html
    assert (
        "对上次答复的评价：不满意" in html
        and "回访重办（甲公司综合部）：反映人不满意，重新办理" in html
    )
