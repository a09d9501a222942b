"""培训班's pages and API: a member's classes, the class page and checking in from the phone page a
session's QR code opens; the organiser's list, new class, sessions, enrolment and attendance,
the code screen; who may open what (anonymous, outsider, reader, member, organiser); pinned
query counts on the lists."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dangqun.learning import class_attendance, classes
from dangqun.learning.class_models import Attendance, ClassStatus, TrainingClass
from dangqun.learning.models import LedgerEntry, Source


@pytest.fixture
def running(klass, secretary):
    """The class published, with a fourth session under way now."""
    start = timezone.now() - dt.timedelta(minutes=10)
    session = classes.save_session(
        secretary,
        klass,
        {
            "topic": "结业讲",
            "starts_at": start,
            "ends_at": start + dt.timedelta(hours=1),
            "place": "礼堂",
        },
    )
    classes.publish(secretary, klass)
    klass.refresh_from_db()
    return klass, session


def test_a_member_checks_in_from_the_qr_page_and_by_typing_the_code(world, running, login):
    klass, session = running
    client = login(world.member)
    assert klass.title in client.get(reverse("learning:classes")).content.decode()
    url = reverse("learning:session_checkin", args=[session.pk])
    code = class_attendance.code_now(session)
    page = client.get(f"{url}?c={code}")
    assert page.status_code == 200 and "签到" in page.content.decode()
    assert not Attendance.objects.exists()  # nothing on GET
    done = client.post(url, {"c": code})
    assert "签到成功" in done.content.decode()
    assert Attendance.objects.filter(session=session, person=world.zhang, by_code=True).exists()
    stale = client.get(f"{url}?c=0000000000")
    assert stale.status_code == 422 and "签到码已过期" in stale.content.decode()
    # typing the code on the class page: already in, kept once
    response = client.post(
        reverse("learning:class_act", args=[klass.pk, "check_in"]), {"code": code}, follow=True
    )
    assert "您已签到" in response.content.decode()
    assert Attendance.objects.count() == 1


def test_the_organiser_runs_a_class_from_the_pages(world, secretary, login):
    client = login(secretary)
    assert client.get(reverse("learning:class_new")).status_code == 200
    response = client.post(
        reverse("learning:class_new"),
        {
            "title": "支部委员履职能力培训",
            "org": world.branch_a.pk,
            "audience_who": "members",
            "enrolment": "assigned",
            "threshold": "80",
        },
    )
    made = TrainingClass.objects.get(title="支部委员履职能力培训")
    assert response.status_code == 302
    manage = reverse("learning:class_manage", args=[made.pk])
    start = timezone.localtime() - dt.timedelta(minutes=30)
    client.post(
        reverse("learning:class_session", args=[made.pk]),
        {
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (start + dt.timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M"),
            "place": "党校",
        },
    )
    session = made.sessions.get()
    assert session.hours == 8  # a day
    client.post(reverse("learning:class_act", args=[made.pk, "publish"]), {"back": "manage"})
    made.refresh_from_db()
    assert made.status == ClassStatus.PUBLISHED
    for url in (
        manage,
        reverse("learning:class_enrolments", args=[made.pk]),
        reverse("learning:session_screen", args=[session.pk]),
        reverse("learning:session_qr_panel", args=[session.pk]),
        reverse("learning:class_list"),
    ):
        assert client.get(url).status_code == 200, url
    qr = client.get(reverse("learning:session_qr", args=[session.pk]))
    assert qr.status_code == 200 and qr["Content-Type"].startswith("image/svg")
    client.post(
        reverse("learning:class_act", args=[made.pk, "mark"]),
        {"session": session.pk, "person": world.zhang.pk, "present": "on", "back": "screen"},
    )
    assert LedgerEntry.objects.get(source=Source.CLASS, person=world.zhang).hours == 8
    pdf = client.get(
        reverse("learning:class_certificate", args=[made.pk]) + f"?person={world.zhang.pk}"
    )
    assert pdf["Content-Type"] == "application/pdf"
    # a bad session: Chinese message, nothing written
    response = client.post(
        reverse("learning:class_session", args=[made.pk]),
        {"starts_at": "2026-01-01T10:00", "ends_at": "2026-01-01T09:00", "place": "党校"},
        follow=True,
    )
    assert "结束时间应晚于开始时间" in response.content.decode()
    assert made.sessions.count() == 1


def test_who_may_open_the_pages(world, running, login, client):
    klass, session = running
    member_pages = [reverse("learning:class", args=[klass.pk])]
    keeper_pages = [
        reverse("learning:class_manage", args=[klass.pk]),
        reverse("learning:class_enrolments", args=[klass.pk]),
        reverse("learning:session_screen", args=[session.pk]),
    ]
    for url in member_pages + keeper_pages:
        assert client.get(url).status_code == 302  # anonymous: to the login
    outsider = login(world.outsider)
    for url in member_pages + keeper_pages:
        assert outsider.get(url).status_code == 404, url
    member = login(world.member)
    assert member.get(member_pages[0]).status_code == 200
    for url in keeper_pages:
        assert member.get(url).status_code == 404, url
    assert member.get(reverse("learning:session_qr", args=[session.pk])).status_code == 404
    reader = login(world.reader)  # 领导: reads, does not keep
    assert reader.get(keeper_pages[0]).status_code == 200
    assert reader.get(reverse("learning:session_qr", args=[session.pk])).status_code == 403
    refused = reader.post(
        reverse("learning:class_act", args=[klass.pk, "mark"]),
        {"session": session.pk, "person": world.zhang.pk, "present": "on"},
    )
    assert refused.status_code == 403
    assert not Attendance.objects.exists()


# my classes, a class, the organiser's list, enrolment and attendance (with the count of the
# audience's newcomers: two), a session's screen
PINNED = (17, 15, 11, 14, 9)


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_lists_take_a_fixed_number_of_queries(world, running, secretary, login, make_user):
    klass, session = running
    member = login(world.member)
    mine = _count(member, reverse("learning:classes"))
    page = _count(member, reverse("learning:class", args=[klass.pk]))
    keeper = login(secretary)
    listed = _count(keeper, reverse("learning:class_list"))
    enrolled = _count(keeper, reverse("learning:class_enrolments", args=[klass.pk]))
    screen = _count(keeper, reverse("learning:session_screen", args=[session.pk]))
    # more classes, sessions, people and attendance: the same counts
    for n in range(3):
        classes.create(
            secretary,
            {
                "org": world.branch_a,
                "title": f"培训班{n}",
                "description": "",
                "enrolment": "sign_up",
                "threshold": 80,
                "audience_who": "members",
            },
        )
    class_attendance.mark(secretary, klass, session.pk, world.zhang.pk, True)
    class_attendance.mark(secretary, klass, session.pk, world.li.pk, True)
    assert (mine, page, listed, enrolled, screen) == PINNED
    assert _count(login(world.member), reverse("learning:classes")) == PINNED[0]
    assert _count(login(world.member), reverse("learning:class", args=[klass.pk])) == PINNED[1]
    keeper = login(secretary)
    assert _count(keeper, reverse("learning:class_list")) == PINNED[2]
    assert _count(keeper, reverse("learning:class_enrolments", args=[klass.pk])) == PINNED[3]
    assert _count(keeper, reverse("learning:session_screen", args=[session.pk])) == PINNED[4]


def test_the_api_lists_details_and_checks_in(world, running, login):
    klass, session = running
    client = login(world.member)
    listed = client.get("/api/learning/classes/").json()
    assert [row["id"] for row in listed["results"]] == [klass.pk]
    detail = client.get(f"/api/learning/classes/{klass.pk}/").json()
    assert detail["enrolled"] and not detail["completed"] and len(detail["sessions"]) == 4
    bad = client.post(
        f"/api/learning/classes/{klass.pk}/check-in/",
        {"code": "x"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "签到码已过期" in str(bad.json())
    ok = client.post(
        f"/api/learning/classes/{klass.pk}/check-in/",
        {"code": class_attendance.code_now(session)},
        content_type="application/json",
    )
    assert ok.status_code == 200 and ok.json() == {"first": True, "session": session.pk}
    detail = client.get(f"/api/learning/classes/{klass.pk}/").json()
    assert [s["attended"] for s in detail["sessions"]] == [False, False, False, True]
    assert login(world.outsider).get(f"/api/learning/classes/{klass.pk}/").status_code == 404
    external = client.get("/api/learning/external/")
    assert external.status_code == 200 and external.json()["results"] == []
    refused = client.post("/api/learning/external/", {"title": "网络培训"})
    assert refused.status_code == 400 and "请填写" in str(refused.json())
