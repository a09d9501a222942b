"""The check-in code a meeting's keepers show: an image a browser displays (a standalone SVG),
on the meeting's page and large on a projector's page, both rotating with the code."""

import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from dangqun.life import checkins, planning
from dangqun.life.models import Kind


@pytest.fixture
def meeting(world, secretary):
    return planning.schedule(
        secretary,
        world.branch_a,
        {"kind": Kind.THEME_DAY, "topic": "学习党章", "starts_at": timezone.now(), "place": "三楼"},
    )


def test_the_code_is_a_standalone_svg(client, secretary, meeting):
    client.force_login(secretary)
    response = client.get(f"/life/{meeting.pk}/qr.svg")
    assert response["Content-Type"] == "image/svg+xml"
    assert "no-cache" in response["Cache-Control"]  # it rotates: never kept
    root = ET.fromstring(response.content)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert int(root.get("width")) > 0 and root.get("viewBox")
    assert root.find("{http://www.w3.org/2000/svg}title").text == "签到二维码"


def test_the_projector_page_shows_the_meeting_and_the_current_code(client, secretary, meeting):
    client.force_login(secretary)
    page = client.get(f"/life/{meeting.pk}/qr/screen/").content.decode()
    assert "学习党章" in page and "三楼" in page and "请用手机扫码签到" in page
    assert f'src="/life/{meeting.pk}/qr.svg?t=' in page
    assert checkins.checkin_code(meeting) in page
    assert f'hx-get="/life/{meeting.pk}/qr/?screen=1"' in page and 'id="qr-fullscreen"' in page
    panel = client.get(f"/life/{meeting.pk}/qr/?screen=1", HTTP_HX_REQUEST="true")
    assert 'id="qr-screen-panel"' in panel.content.decode()
    card = client.get(f"/life/{meeting.pk}/qr/", HTTP_HX_REQUEST="true").content.decode()
    assert 'id="qr-panel"' in card and f'href="/life/{meeting.pk}/qr/screen/"' in card
