"""The pages of 志愿服务与活动: each page's status, who may reach it (an outsider gets 404, an
employee cannot reach the organisers' pages), the main flows through the forms, and pinned query
counts on the square and the sign-up list."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from dangqun.activities import attendance, organising, signups
from dangqun.activities.models import Activity, HoursEntry, SignUp, Status
from dangqun.core.models import AuditLog

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"activities:{name}", args=args)


def test_the_square_shows_open_activities_nearest_first_and_filters_by_kind(
    world, login, make_activity, culture_kind
):
    later = make_activity(title="远的义诊", starts_in=dt.timedelta(days=9))
    sooner = make_activity(title="近的义诊", starts_in=dt.timedelta(days=2))
    culture = make_activity(title="读书会", kind=culture_kind)
    make_activity(title="草稿活动", publish=False)
    client = login(world.member)
    page = client.get(url("square")).content.decode()
    assert page.index("近的义诊") < page.index("远的义诊")
    assert "读书会" in page and "草稿活动" not in page
    filtered = client.get(url("square") + "?kind=culture").content.decode()
    assert "读书会" in filtered and "近的义诊" not in filtered
    assert later.pk and sooner.pk and culture.pk


def test_an_employee_signs_up_and_cancels_in_two_taps(world, login, make_activity):
    activity = make_activity(capacity=1)
    client = login(world.member)
    detail = client.get(url("detail", activity.pk))
    assert detail.status_code == 200 and "剩余 1 个" in detail.content.decode()
    response = client.post(url("act", activity.pk, "sign_up"), follow=True)
    assert "报名成功" in response.content.decode()
    assert SignUp.objects.get(activity=activity, person=world.zhang).status == "confirmed"
    mine = client.get(url("mine")).content.decode()
    assert activity.title in mine and "已报名" in mine
    response = client.post(url("act", activity.pk, "cancel_sign_up"), follow=True)
    assert "已取消报名" in response.content.decode()
    assert SignUp.objects.get(activity=activity, person=world.zhang).status == "cancelled"


def test_the_waiting_list_position_shows_on_the_detail_page(world, login, make_activity, employee):
    activity = make_activity(capacity=1)
    signups.sign_up(employee(world.li), activity)
    client = login(world.member)
    response = client.post(url("act", activity.pk, "sign_up"), follow=True)
    page = response.content.decode()
    assert "候补" in page and "候补第 1 位" in page


def test_a_refused_sign_up_reads_in_chinese_and_writes_nothing(world, login, make_activity):
    activity = make_activity()
    Activity.objects.filter(pk=activity.pk).update(signup_closes_at=timezone.now())
    client = login(world.member)
    response = client.post(url("act", activity.pk, "sign_up"), follow=True)
    assert "报名已截止" in response.content.decode()
    assert not SignUp.objects.filter(activity=activity).exists()


def test_pages_refuse_outsiders_and_employees_cannot_reach_organiser_pages(
    world, login, make_activity, client
):
    activity = make_activity()
    organiser_pages = ["edit", "signups", "checkin_screen", "hours"]
    outsider = login(world.outsider)
    assert outsider.get(url("detail", activity.pk)).status_code == 404
    for name in organiser_pages:
        assert outsider.get(url(name, activity.pk)).status_code == 404
    assert outsider.post(url("act", activity.pk, "publish")).status_code == 404
    employee = login(world.member)
    for name in organiser_pages:
        assert employee.get(url(name, activity.pk)).status_code == 403, name
    assert employee.get(url("qr", activity.pk)).status_code == 403
    assert employee.get(url("manage")).status_code == 403
    assert employee.get(url("new")).status_code == 403
    assert employee.post(url("act", activity.pk, "cancel"), {"reason": "x"}).status_code == 403
    client.logout()
    assert client.get(url("square")).status_code == 302


def test_every_page_answers_for_its_organiser(world, login, make_activity):
    activity = make_activity()
    client = login(world.owner)
    for name in ("square", "mine", "volunteer", "manage", "new"):
        assert client.get(url(name)).status_code == 200, name
    for name in ("detail", "edit", "signups", "checkin_screen", "hours", "qr_panel"):
        assert client.get(url(name, activity.pk)).status_code == 200, name
    qr = client.get(url("qr", activity.pk))
    assert qr.status_code == 200 and qr["Content-Type"].startswith("image/svg")


def test_the_organiser_creates_from_a_template_edits_publishes_and_cancels(
    world, login, make_activity, volunteer_kind
):
    source = make_activity(title="学雷锋义诊", capacity=20)
    client = login(world.owner)
    page = client.get(url("new") + f"?from={source.pk}").content.decode()
    assert "学雷锋义诊" in page and "以“学雷锋义诊”为模板" in page
    starts = timezone.localtime() + dt.timedelta(days=5)
    data = {
        "kind": volunteer_kind.pk,
        "title": "学雷锋义诊（第二期）",
        "org": world.branch_a.pk,
        "starts_at": f"{starts:%Y-%m-%dT%H:%M}",
        "ends_at": f"{starts + dt.timedelta(hours=3):%Y-%m-%dT%H:%M}",
        "place": "幸福社区",
        "capacity": "20",
        "open_to": "everyone",
        "copied_from": source.pk,
    }
    response = client.post(url("new"), data)
    created = Activity.objects.get(title="学雷锋义诊（第二期）")
    assert response.status_code == 302 and created.copied_from == source
    assert created.status == Status.DRAFT
    bad = client.post(url("new"), {**data, "ends_at": data["starts_at"]})
    assert bad.status_code == 422 and "结束时间应晚于开始时间" in bad.content.decode()
    edited = client.post(url("edit", created.pk), {**data, "place": "阳光社区"})
    assert edited.status_code == 302
    client.post(url("act", created.pk, "publish"))
    created.refresh_from_db()
    assert created.place == "阳光社区" and created.status == Status.PUBLISHED
    response = client.post(url("act", created.pk, "cancel"), {"reason": ""}, follow=True)
    assert "请填写" in response.content.decode()
    client.post(url("act", created.pk, "cancel"), {"reason": "暴雨预警"})
    created.refresh_from_db()
    assert created.status == Status.CANCELLED and created.cancel_reason == "暴雨预警"


def test_the_organiser_approves_and_rejects_on_the_sign_up_list(
    world, login, make_activity, employee
):
    activity = make_activity(needs_approval=True)
    first = signups.sign_up(employee(world.li), activity)
    second = signups.sign_up(employee(world.wang), activity)
    client = login(world.owner)
    page = client.get(url("signups", activity.pk)).content.decode()
    assert "待审核" in page and "李四" in page
    client.post(url("act", activity.pk, "approve"), {"signup": first.pk, "back": "signups"})
    response = client.post(
        url("act", activity.pk, "reject"), {"signup": second.pk, "reason": ""}, follow=True
    )
    assert "请填写不通过的原因" in response.content.decode()
    client.post(url("act", activity.pk, "reject"), {"signup": second.pk, "reason": "名额有限"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("confirmed", "rejected")


def _started(make_activity, **data):
    return make_activity(starts_in=-dt.timedelta(hours=1), **data)


def test_check_in_by_scanning_and_by_code_then_out(world, login, make_activity, employee):
    activity = _started(make_activity)
    user = employee(world.zhang)
    signups.sign_up(user, activity)
    client = login(user)
    code = attendance.code_now(activity)
    scanned = client.get(url("checkin", activity.pk) + f"?c={code}")
    assert scanned.status_code == 200 and "签到" in scanned.content.decode()
    assert SignUp.objects.get(activity=activity).checked_in_at is None  # nothing on GET
    done = client.post(url("checkin", activity.pk), {"c": code})
    assert "签到成功" in done.content.decode()
    assert SignUp.objects.get(activity=activity).by_code
    old = client.post(url("checkin", activity.pk), {"c": "0000000000"})
    assert old.status_code == 422 and "签到码已过期" in old.content.decode()
    response = client.post(url("act", activity.pk, "check_out"), {"code": code}, follow=True)
    assert "签退成功" in response.content.decode()
    assert SignUp.objects.get(activity=activity).checked_out_at is not None


def test_hours_are_confirmed_for_everyone_in_one_screen_or_refused_as_a_whole(
    world, login, organiser, make_activity, employee
):
    activity = _started(make_activity, hours=3)
    mine = signups.sign_up(employee(world.zhang), activity)
    theirs = signups.sign_up(employee(world.li), activity)
    client = login(world.owner)
    mark = client.post(
        url("act", activity.pk, "mark"),
        {
            "signup": theirs.pk,
            "checked_in_at": f"{timezone.localtime(activity.starts_at):%Y-%m-%dT%H:%M}",
            "back": "checkin_screen",
        },
    )
    assert mark.status_code == 302
    organising.mark_held(organiser, activity)
    page = client.get(url("hours", activity.pk)).content.decode()
    assert f'name="hours-{theirs.pk}" value="3.0"' in page
    refused = client.post(
        url("act", activity.pk, "confirm_hours"),
        {f"hours-{mine.pk}": "9", f"hours-{theirs.pk}": "-1", "back": "hours"},
        follow=True,
    )
    text = refused.content.decode()
    assert "张三：时长不能超过" in text and "李四：时长不能为负数" in text
    assert not HoursEntry.objects.exists()
    client.post(url("act", activity.pk, "confirm_hours"), {f"hours-{mine.pk}": "2.5"})
    assert {e.person_id: e.hours for e in HoursEntry.objects.all()} == {
        world.zhang.pk: Decimal("2.5"),
        world.li.pk: Decimal("3.0"),
    }
    assert "更正时长" in client.get(url("hours", activity.pk)).content.decode()
    bad = client.post(
        url("act", activity.pk, "correct_hours"), {"signup": mine.pk, "hours": "3", "reason": ""}
    )
    assert bad.status_code == 302 and HoursEntry.objects.count() == 2
    client.post(
        url("act", activity.pk, "correct_hours"),
        {"signup": mine.pk, "hours": "3", "reason": "补登签退"},
    )
    assert HoursEntry.objects.filter(reason="补登签退").get().hours == Decimal("0.5")
    client.post(
        url("act", activity.pk, "correct_hours"),
        {"signup": mine.pk, "hours": "2.5", "reason": "核对后恢复"},
    )
    volunteer = login(world.member).get(url("volunteer")).content.decode()
    assert "2.5 小时" in volunteer and "再服务 97.5 小时" in volunteer
    assert AuditLog.objects.filter(action="activity.confirm_hours").count() == 1


def test_volunteer_registration_needs_consent_and_then_teams_open(world, login, organiser):
    from dangqun.activities import volunteers

    team = volunteers.create_team(organiser, {"org": world.branch_a, "name": "青年突击队"})
    client = login(world.member)
    refused = client.post(url("volunteer"), {"action": "register", "skills": "急救"})
    assert refused.status_code == 422 and "请阅读并同意" in refused.content.decode()
    client.post(url("volunteer"), {"action": "register", "skills": "急救", "consent": "on"})
    page = client.get(url("volunteer")).content.decode()
    assert "青年突击队" in page and "您已于" in page
    client.post(url("volunteer"), {"action": "join_team", "team": team.pk})
    assert "已加入" in client.get(url("volunteer")).content.decode()


def test_the_calendar_feed_lists_what_the_person_signed_up_for(world, login, make_activity):
    activity = make_activity(title="植树活动")
    client = login(world.member)
    client.post(url("act", activity.pk, "sign_up"))
    page = client.get(url("mine")).content.decode()
    feed = page.split('id="my-feed"')[1].split('text-break">')[1].split("<")[0]
    client.logout()
    body = client.get(feed.replace("http://testserver", "")).content.decode()
    assert "植树活动" in body and "BEGIN:VCALENDAR" in body
    assert client.get(url("ical", "nonsense")).status_code == 404


def test_the_square_and_the_sign_up_list_take_a_fixed_number_of_queries(
    world, login, make_activity, employee, django_assert_num_queries
):
    def fill(n):
        for i in range(n):
            activity = make_activity(title=f"活动{i}", capacity=2)
            for person in (world.li, world.wang, world.zhao):
                SignUp.objects.create(activity=activity, person=person, status="confirmed")
        return activity

    client = login(world.member)
    fill(2)
    client.get(url("square"))  # the session's first save is not the page's
    with django_assert_num_queries(QUERIES_SQUARE) as before:
        client.get(url("square"))
    last = fill(6)
    with django_assert_num_queries(len(before.captured_queries)):
        client.get(url("square"))
    owner = login(world.owner)
    owner.get(url("signups", last.pk))
    with django_assert_num_queries(QUERIES_SIGNUPS):
        owner.get(url("signups", last.pk))


QUERIES_SQUARE = 11
QUERIES_SIGNUPS = 7


def test_photos_are_uploaded_by_the_organiser_and_shown_to_participants(
    world, login, make_activity, tmp_path, settings
):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    activity = make_activity()
    picture = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(picture, "PNG")
    upload = SimpleUploadedFile("合影.png", picture.getvalue(), content_type="image/png")
    owner = login(world.owner)
    response = owner.post(url("act", activity.pk, "files"), {"kind": "photo", "files": upload})
    assert response.status_code == 302
    row = activity.files.get()
    member = login(world.member)
    assert "合影" in member.get(url("detail", activity.pk)).content.decode()
    assert member.get(url("file", activity.pk, row.pk) + "?preview=1").status_code == 200
    assert login(world.outsider).get(url("file", activity.pk, row.pk)).status_code == 404
    refused = login(world.member).post(url("act", activity.pk, "files"), {"kind": "photo"})
    assert refused.status_code == 403


def test_the_workbench_cards_show_the_next_activity_and_what_waits_for_the_organiser(
    world, login, make_activity, employee
):
    activity = make_activity(title="义务植树", needs_approval=True)
    from dangqun.activities import signups as service

    service.sign_up(employee(world.zhang), activity)
    cards = login(world.member).get("/api/workbench/").json()
    mine = next(c for c in cards["cards"] if c["key"] == "activities.mine")
    assert "义务植树" in mine["next_step"]
    owner = login(world.owner).get("/api/workbench/?card=activities.keeping").json()
    keeping = next(c for c in owner["cards"] if c["key"] == "activities.keeping")
    assert str(keeping["numbers"][0]["value"]) == "1" and "等待审核" in keeping["next_step"]


def test_the_organiser_list_filters_what_waits_for_them(world, login, make_activity, employee):
    waiting = make_activity(title="待审核的活动", needs_approval=True)
    make_activity(title="无需审核的活动")
    make_activity(title="草稿中的活动", publish=False)
    signups.sign_up(employee(world.zhang), waiting)
    client = login(world.owner)
    pending = client.get(url("manage") + "?show=pending").content.decode()
    assert "待审核的活动" in pending and "无需审核的活动" not in pending
    drafts = client.get(url("manage") + "?show=draft").content.decode()
    assert "草稿中的活动" in drafts and "待审核的活动" not in drafts
    leader = login(world.reader).get(url("manage"))
    assert leader.status_code == 200 and "新建活动" not in leader.content.decode()
