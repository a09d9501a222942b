"""记录定稿 is irreversible: the page first says who will be marked absent and whether the quorum
of rule ``life.quorum`` is met, and finalises only on an explicit confirmation of exactly that;
the API's action is unchanged."""

import datetime as dt

import pytest
from django.utils import timezone

from dangqun.core.rules import get_rule
from dangqun.life import attendance, planning, recording
from dangqun.life.models import Kind, Presence, Status


@pytest.fixture
def meeting(world, secretary):
    meeting = planning.schedule(
        secretary,
        world.branch_a,
        {
            "kind": Kind.GENERAL_MEETING,
            "topic": "支部党员大会",
            "starts_at": timezone.now() - dt.timedelta(hours=1),
        },
    )
    recording.update(secretary, meeting, {"minutes": "讨论了年度工作。"})
    return meeting


def confirm_page(client, meeting):
    response = client.get(f"/life/{meeting.pk}/finalise/confirm/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_confirmation_names_the_absent_and_the_quorum_before_anything_changes(
    client, world, secretary, meeting
):
    client.force_login(secretary)
    detail = client.get(f"/life/{meeting.pk}/").content.decode()
    assert f'href="/life/{meeting.pk}/finalise/confirm/"' in detail  # a link, not a POST button

    page = confirm_page(client, meeting)
    # nobody checked in: 张三 (full member) and 李四 (probationary) will be absent
    assert "以下 2 人既未签到也未请假" in page and "张三" in page and "李四" in page
    assert "应到会有表决权的党员 1 名，实到 0 名" in page and "不足法定人数" in page
    rule = get_rule("life.quorum")
    assert rule.citation in page and rule.message in page
    assert 'name="confirm"' in page and "确认将上述 2 人记为缺席并定稿" in page

    # a plain POST (no confirmation) changes nothing and leads to the confirmation
    response = client.post(f"/life/{meeting.pk}/finalise/")
    assert response.status_code == 302
    assert response["Location"] == f"/life/{meeting.pk}/finalise/confirm/"
    meeting.refresh_from_db()
    assert meeting.status == Status.HELD
    assert meeting.attendees.filter(presence=Presence.ABSENT).count() == 0


def test_a_check_in_meanwhile_asks_again_and_the_confirmed_list_is_what_happens(
    client, world, secretary, meeting
):
    client.force_login(secretary)
    confirm_page(client, meeting)
    seen = recording.finalise_consequences(meeting).fingerprint
    attendance.mark(secretary, meeting, world.zhang, Presence.PRESENT)  # 张三 arrives late
    stale = client.post(
        f"/life/{meeting.pk}/finalise/", {"confirm": "1", "absent": seen}, follow=True
    )
    text = stale.content.decode()
    assert "签到或请假情况有变化" in text and "以下 1 人既未签到也未请假" in text
    assert "实到 1 名" in text and "超过半数，符合法定人数" in text
    meeting.refresh_from_db()
    assert meeting.status == Status.HELD

    current = recording.finalise_consequences(meeting).fingerprint
    done = client.post(
        f"/life/{meeting.pk}/finalise/", {"confirm": "1", "absent": current}, follow=True
    )
    assert "记录已定稿" in done.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == Status.FINALISED
    assert meeting.attendees.get(person=world.li).presence == Presence.ABSENT
    assert meeting.attendees.get(person=world.zhang).presence == Presence.PRESENT
    # once finalised the confirmation page only leads back
    again = client.get(f"/life/{meeting.pk}/finalise/confirm/", follow=True)
    assert "已定稿或已取消" in again.content.decode()


def test_what_stops_finalising_is_said_on_the_confirmation_without_a_button(
    client, world, secretary
):
    empty = planning.schedule(
        secretary,
        world.branch_a,
        {"kind": Kind.THEME_DAY, "topic": "主题党日", "starts_at": timezone.now()},
    )
    client.force_login(secretary)
    page = confirm_page(client, empty)
    assert "请先填写会议记录再定稿" in page and 'name="confirm"' not in page


@pytest.mark.parametrize("who, status", [("reader", 403), ("outsider", 404), ("member", 403)])
def test_only_keepers_see_the_confirmation(client, world, meeting, who, status):
    client.force_login(getattr(world, who))
    assert client.get(f"/life/{meeting.pk}/finalise/confirm/").status_code == status
    response = client.post(f"/life/{meeting.pk}/finalise/", {"confirm": "1", "absent": ""})
    assert response.status_code == status


def test_the_confirmation_reads_a_fixed_number_of_queries(
    client, world, secretary, meeting, django_assert_num_queries
):
    client.force_login(secretary)
    confirm_page(client, meeting)  # warm the caches (rules, session)
    with django_assert_num_queries(7):
        confirm_page(client, meeting)


def test_the_api_finalises_without_a_confirmation(client, world, secretary, meeting):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(secretary)
    response = api.post(f"/api/life/meetings/{meeting.pk}/finalise/", {}, format="json")
    assert response.status_code == 200, response.content
    meeting.refresh_from_db()
    assert meeting.status == Status.FINALISED
