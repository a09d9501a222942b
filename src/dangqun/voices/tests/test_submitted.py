"""A query code only where the author cannot sign in: a voice linked to the author's account
points to 我的反映; an anonymous voice, or one sent from the poster without signing in, shows its
code once."""

import re

import pytest

from dangqun.voices.models import Voice
from dangqun.voices.posters import qr_token

pytestmark = pytest.mark.django_db
VOICE = {"kind": "request", "title": "班车", "content": "早班车太挤"}


@pytest.mark.parametrize("identity", ["named", "confidential"])
def test_a_signed_in_author_is_pointed_to_my_voices_not_given_a_code(client, world, identity):
    client.force_login(world.member)
    html = client.post("/voices/new/", {**VOICE, "identity": identity}).content.decode()
    voice = Voice.objects.get()
    assert voice.user == world.member
    assert 'id="query-code"' not in html and "查询码只显示这一次" not in html
    assert "我的反映" in html and 'href="/voices/mine/"' in html
    assert f'href="/voices/{voice.pk}/"' in html
    assert "HS" in html and voice.number in html


def test_a_signed_in_author_choosing_anonymous_keeps_a_code(client, world):
    client.force_login(world.member)
    html = client.post("/voices/new/", {**VOICE, "identity": "anonymous"}).content.decode()
    assert re.search(r'id="query-code">[A-Z0-9-]{14}<', html)
    assert Voice.objects.get().user is None


def test_the_poster_without_signing_in_shows_the_code(client, world):
    sent = client.post(
        f"/v/{qr_token(world.dept_a)}/",
        {**VOICE, "identity": "named", "contact_name": "陈女士"},
    ).content.decode()
    assert re.search(r'id="query-code">[A-Z0-9-]{14}<', sent)
    assert "我的反映" not in sent.split('id="submitted"')[1]
