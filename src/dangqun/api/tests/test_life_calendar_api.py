"""组织生活's month calendar and the code shown at a meeting, over the API: scoped like the pages,
the code only for the meeting's keepers, and a code that checks a member in."""

import pytest
from django.utils import timezone

from dangqun.api.tests.test_life_api import schedule, secretary  # noqa: F401 (a fixture)
from dangqun.life import checkins
from dangqun.life.models import Attendee, Presence

pytestmark = pytest.mark.django_db
CALENDAR = "/api/life/meetings/calendar/"


def _meeting_ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [m["id"] for day in response.json()["days"] for m in day["meetings"]]


@pytest.mark.parametrize(
    ("role", "sees"),
    [("member", True), ("outsider", False), ("reader", True), ("owner", True)],
)
def test_this_months_calendar_is_scoped_like_the_page(world, api, secretary, role, sees):  # noqa: F811
    meeting = schedule(world, secretary)

    response = api(getattr(world, role)).get(CALENDAR)

    assert _meeting_ids(response) == ([meeting.pk] if sees else [])
    assert response.json()["month"] == f"{timezone.localdate():%Y-%m}"
    if sees:
        day = response.json()["days"][0]
        assert day["day"] == timezone.localtime(meeting.starts_at).date().isoformat()
        assert day["meetings"][0]["org_name"] == "甲公司综合部党支部"


def test_another_month_and_a_month_that_is_none(world, api, secretary):  # noqa: F811
    schedule(world, secretary)
    client = api(world.owner)
    assert _meeting_ids(client.get(CALENDAR, {"month": "2001-02"})) == []
    for bad in ("2026-13", "yesterday", "1999-12", ""):
        response = client.get(CALENDAR, {"month": bad})
        assert response.status_code == 400
        assert response.json() == {"month": ["月份应为 YYYY-MM，在 2000 年至明后年之间"]}
    assert api(None).get(CALENDAR).status_code == 401


@pytest.mark.parametrize(
    ("role", "expected"),
    [("anonymous", 401), ("member", 403), ("outsider", 404), ("reader", 403), ("secretary", 200)],
)
def test_the_code_is_for_the_keepers_only(world, api, secretary, role, expected):  # noqa: F811
    meeting = schedule(world, secretary)
    user = {"anonymous": None, "secretary": secretary}.get(role, getattr(world, role, None))

    response = api(user).get(f"/api/life/meetings/{meeting.pk}/checkin-code/")

    assert response.status_code == expected, response.content
    if expected == 200:
        body = response.json()
        assert checkins.valid_code(meeting, body["code"])
        assert body["url"].endswith(f"/life/{meeting.pk}/checkin/?c={body['code']}")
        assert body["changes_at"] > timezone.now().isoformat()[:19]
    if expected == 403:
        assert response.json()["detail"] == "只有组织生活的管理人可以显示签到码"


def test_the_code_checks_a_member_in(world, api, secretary):  # noqa: F811
    meeting = schedule(world, secretary)
    code = api(secretary).get(f"/api/life/meetings/{meeting.pk}/checkin-code/").json()["code"]

    response = api(world.member).post(f"/api/life/meetings/{meeting.pk}/checkin/", {"code": code})

    assert response.status_code == 200, response.content
    attendee = Attendee.objects.get(meeting=meeting, person=world.zhang)
    assert attendee.presence == Presence.PRESENT and attendee.by_code
