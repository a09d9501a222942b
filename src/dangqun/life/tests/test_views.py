"""The pages of 组织生活: who may open what, the plan, the record, marking, check-in by code."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dangqun.life import attendance, checkins, planning, recording
from dangqun.life.models import Kind, Meeting, Presence, Status


@pytest.fixture
def meeting(world, secretary):
    return planning.schedule(
        secretary,
        world.branch_a,
        {"kind": Kind.THEME_DAY, "topic": "学习党章", "starts_at": timezone.now(), "place": "三楼"},
    )


@pytest.mark.parametrize(
    "who, list_status, detail_status",
    [
        ("anonymous", 302, 302),
        ("secretary", 200, 200),
        ("owner", 200, 200),  # the 党委 above the branch
        ("reader", 200, 200),  # the leader reads
        ("outsider", 200, 404),  # another company's 党委: not its meeting
        ("member", 200, 200),  # 张三 is expected at it
    ],
)
def test_who_may_open_the_pages(client, world, secretary, meeting, who, list_status, detail_status):
    users = {
        "secretary": secretary,
        **{n: getattr(world, n) for n in ("owner", "reader", "outsider", "member")},
    }
    if who != "anonymous":
        client.force_login(users[who])
    assert client.get("/life/").status_code == list_status
    assert client.get(f"/life/{meeting.pk}/").status_code == detail_status
    qr = client.get(f"/life/{meeting.pk}/qr.svg").status_code
    assert qr == {"secretary": 200, "owner": 200, "anonymous": 302, "outsider": 404}.get(who, 403)


def test_the_radar_is_offered_only_to_those_it_opens_for(client, world, make_user):
    """A 工会 administrator reads meetings but has no party organisation: no link to a 404."""
    union_admin = make_user("union", role="union_admin", org=world.group)
    client.force_login(union_admin)
    assert 'id="life-radar"' not in client.get("/life/").content.decode()
    assert client.get("/life/radar/").status_code == 404
    client.force_login(world.owner)
    assert 'id="life-radar"' in client.get("/life/").content.decode()
    assert client.get("/life/radar/").status_code == 200


def test_a_secretary_plans_the_year_and_records_a_meeting(client, world, secretary):
    client.force_login(secretary)
    year = timezone.localdate().year
    response = client.post("/life/plan/", {"org": world.branch_a.pk, "year": year}, follow=True)
    assert f"已按规定周期生成 {year} 年计划 22 次" in response.content.decode()
    again = client.post("/life/plan/", {"org": world.branch_a.pk, "year": year}, follow=True)
    assert "无需新增" in again.content.decode()
    listed = client.get("/life/?show=all").content.decode()
    assert listed.count('href="/life/') >= 22

    response = client.post(
        "/life/new/",
        {
            "org": world.branch_a.pk,
            "kind": Kind.PARTY_LECTURE,
            "topic": "党课：新时代的使命",
            "starts_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "place": "会议室",
        },
    )
    meeting = Meeting.objects.get(topic="党课：新时代的使命")
    assert response.status_code == 302 and response["Location"] == f"/life/{meeting.pk}/"
    client.post(f"/life/{meeting.pk}/mark/", {"person": world.zhang.pk, "presence": "present"})
    client.post(
        f"/life/{meeting.pk}/mark/", {"person": world.li.pk, "presence": "leave", "reason": "出差"}
    )
    record = {
        "topic": meeting.topic,
        "starts_at": timezone.localtime(meeting.starts_at).strftime("%Y-%m-%dT%H:%M"),
        "minutes": "讲授了新时代的使命。",
    }
    client.post(f"/life/{meeting.pk}/record/", record)
    # 记录定稿 asks first (who will be absent: nobody, 李四 is on leave), then finalises
    assert (
        "没有人会被记为缺席" in client.get(f"/life/{meeting.pk}/finalise/confirm/").content.decode()
    )
    confirmed = {"confirm": "1", "absent": ""}
    page = client.post(f"/life/{meeting.pk}/finalise/", confirmed, follow=True).content.decode()
    assert "记录已定稿" in page and "应到 2 人，出席 1 人，请假 1 人" in page
    meeting.refresh_from_db()
    assert meeting.status == Status.FINALISED
    refused = client.post(f"/life/{meeting.pk}/record/", {**record, "minutes": "改写"})
    text = refused.content.decode()
    assert refused.status_code == 409
    assert "会议记录已定稿，不能修改；如需更正请添加补充说明" in text
    assert "已放入下方“补充说明”" in text and "会议记录：\n改写</textarea>" in text  # not lost
    meeting.refresh_from_db()
    assert meeting.minutes == "讲授了新时代的使命。"
    unchanged = client.post(f"/life/{meeting.pk}/record/", record, follow=True)  # nothing new
    assert "会议记录已定稿，不能修改" in unchanged.content.decode()


def test_bad_input_keeps_what_was_typed(client, world, secretary):
    client.force_login(secretary)
    response = client.post(
        "/life/new/",
        {"org": world.branch_a.pk, "kind": Kind.THEME_DAY, "topic": "", "starts_at": "明天"},
    )
    html = response.content.decode()
    assert response.status_code == 422 and "请填写主题" in html and "开始时间格式不正确" in html
    assert not Meeting.objects.exists()


def test_check_in_by_scanning_the_code(client, world, meeting, li_user):
    code = checkins.checkin_code(meeting)
    client.force_login(li_user)
    page = client.get(f"/life/{meeting.pk}/checkin/?c={code}")
    assert page.status_code == 200 and "学习党章" in page.content.decode()
    assert (
        meeting.attendees.get(person=world.li).presence == Presence.EXPECTED
    )  # GET changes nothing
    done = client.post(f"/life/{meeting.pk}/checkin/", {"c": code}).content.decode()
    assert "签到成功" in done
    assert meeting.attendees.get(person=world.li).presence == Presence.PRESENT
    assert "您已签到" in client.post(f"/life/{meeting.pk}/checkin/", {"c": code}).content.decode()
    stale = client.get(f"/life/{meeting.pk}/checkin/?c=0123456789")
    assert stale.status_code == 403 and "学习党章" not in stale.content.decode()


def test_a_member_asks_for_leave_on_the_meetings_page(client, world, secretary, li_user):
    later = planning.schedule(
        secretary,
        world.branch_a,
        {
            "kind": Kind.THEME_DAY,
            "topic": "下周学习",
            "starts_at": timezone.now() + dt.timedelta(7),
        },
    )
    client.force_login(li_user)
    page = client.get(f"/life/{later.pk}/").content.decode()
    assert 'id="action-leave"' in page and 'id="action-record"' not in page
    refused = client.post(f"/life/{later.pk}/leave/", {"reason": ""})
    assert refused.status_code == 422 and "请填写请假事由" in refused.content.decode()
    client.post(f"/life/{later.pk}/leave/", {"reason": "在外地培训"})
    assert later.attendees.get(person=world.li).leave_reason == "在外地培训"


def test_the_list_does_not_query_per_meeting(client, world, secretary):
    client.force_login(secretary)
    planning.plan_year(secretary, world.branch_a, timezone.localdate().year)
    client.get("/life/?show=all")
    with CaptureQueriesContext(connection) as few:
        client.get("/life/?show=all")
    planning.plan_year(secretary, world.branch_a, timezone.localdate().year + 1)
    with CaptureQueriesContext(connection) as many:
        page = client.get("/life/?show=all").content.decode()
    assert len(few) == len(many)
    assert re.search(r"共 4\d 次，第 1/2 页", page) and 'href="?show=all&page=2"' in page


def test_the_list_shows_who_came_of_those_expected(client, world, meeting, li_user):
    """出席/应到 per meeting: a count the page's paging must carry to the rows it shows."""
    client.force_login(li_user)
    client.post(f"/life/{meeting.pk}/checkin/", {"c": checkins.checkin_code(meeting)})
    expected = meeting.attendees.exclude(role="guest").count()
    page = client.get("/life/").content.decode()
    assert f'text-end">1/{expected}</td>' in page


def test_a_vote_on_the_page_shows_its_result_and_rule(client, world, secretary, meeting):
    client.force_login(secretary)
    client.post(f"/life/{meeting.pk}/mark/", {"person": world.zhang.pk, "presence": "present"})
    page = client.post(
        f"/life/{meeting.pk}/vote/",
        {"motion": "接收李四为正式党员", "yes": 1, "no": 0, "abstain": 0},
        follow=True,
    ).content.decode()
    assert "接收李四为正式党员" in page and "通过" in page and "第十三条" in page
    refused = client.post(
        f"/life/{meeting.pk}/vote/", {"motion": "再表决", "yes": 3, "no": 0, "abstain": 0}
    )
    assert (
        refused.status_code == 422 and "多于实到会有表决权的党员 1 名" in refused.content.decode()
    )


def test_calendar_feeds_for_a_person_and_an_organisation(client, world, secretary, meeting):
    from icalendar import Calendar

    from dangqun.life import ical

    client.force_login(world.member)  # 张三
    page = client.get("/life/").content.decode()
    assert 'id="my-hours"' in page and 'href="/learning/ledger/"' in page
    url = re.search(r'id="my-feed">[^<]*<span[^>]*>([^<]+)<', page).group(1)
    client.logout()  # a calendar app has no session
    response = client.get(url.replace("http://testserver", ""))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    [event] = calendar.walk("VEVENT")
    assert str(event["summary"]) == "主题党日：学习党章" and str(event["location"]) == "三楼"
    assert event.decoded("dtstart") == meeting.starts_at.replace(microsecond=0)
    recording.cancel(
        secretary,
        planning.schedule(
            secretary,
            world.branch_a,
            {
                "kind": Kind.PARTY_LECTURE,
                "topic": "党课",
                "starts_at": timezone.now() + dt.timedelta(3),
            },
        ),
        reason="改期",
    )
    org_feed = client.get(f"/life/ical/{ical.token('org', world.branch_a.pk)}.ics")
    statuses = [str(e["status"]) for e in Calendar.from_ical(org_feed.content).walk("VEVENT")]
    assert sorted(statuses) == ["CANCELLED", "CONFIRMED"]
    assert client.get("/life/ical/forged.ics").status_code == 404


def test_the_radar_pages_roll_up_drill_down_and_export(client, world, secretary):
    import io

    import openpyxl

    client.force_login(world.owner)  # 甲公司党委
    year = timezone.localdate().year
    page = client.get("/life/radar/", {"year": year})
    html = page.content.decode()
    assert page.status_code == 200 and "甲公司党委" in html and 'id="radar-table"' in html
    # the title is text only; the chart's scripts load once, at the page's end
    assert "<title>组织生活统计 · 党群工作平台</title>" in html
    assert html.count("life/radar.js") == 1
    assert "甲公司综合部党支部" in html
    branch = client.get("/life/radar/", {"org": world.branch_a.pk, "year": year}).content.decode()
    assert 'id="radar-findings"' in branch and "依据：" in branch
    assert client.get("/life/radar/", {"org": world.branch_b.pk}).status_code == 404  # not ours
    export = client.get("/life/radar/export.xlsx", {"org": world.committee_a.pk, "year": year})
    rows = list(
        openpyxl.load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True)
    )
    assert rows[0][0] == "党组织" and rows[1][0] == "甲公司综合部党支部"
    client.force_login(world.member)
    assert client.get("/life/radar/").status_code == 403


def _pdf_text(content: bytes) -> str:
    import io

    import pypdf

    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)


def test_minutes_and_the_annual_record_print_as_pdf(client, world, secretary, meeting):
    attendance.mark(secretary, meeting, world.zhang, Presence.PRESENT)
    attendance.mark(secretary, meeting, world.li, Presence.LEAVE, "出差")
    recording.update(secretary, meeting, {"minutes": "学习党章第一章。\n讨论发言。"})
    recording.finalise(secretary, meeting)
    client.force_login(world.reader)  # the leader reads and prints
    response = client.get(f"/life/{meeting.pk}/minutes.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    assert "甲公司综合部党支部主题党日记录" in text and "学习党章第一章。" in text
    assert "李四（出差）" in text and "定稿" in text
    client.force_login(world.outsider)
    assert client.get(f"/life/{meeting.pk}/minutes.pdf").status_code == 404
    client.force_login(secretary)
    year = timezone.localdate().year
    record = client.get("/life/radar/record.pdf", {"org": world.branch_a.pk, "year": year})
    text = _pdf_text(record.content)
    assert f"甲公司综合部党支部 {year} 年组织生活记录" in text and "主题党日" in text
    assert "学习党章第一章。" in text


def test_the_meeting_page_does_not_query_per_attendee(client, world, secretary, meeting, make_user):
    from dangqun.life.models import Attendee, Role

    client.force_login(secretary)
    client.get(f"/life/{meeting.pk}/")
    with CaptureQueriesContext(connection) as few:
        client.get(f"/life/{meeting.pk}/")
    Attendee.objects.create(meeting=meeting, person=world.wang, role=Role.GUEST)
    Attendee.objects.create(meeting=meeting, person=world.zhao, role=Role.GUEST)
    with CaptureQueriesContext(connection) as more:
        html = client.get(f"/life/{meeting.pk}/").content.decode()
    assert "王五" in html and "赵六" in html
    assert len(few) == len(more)


def test_a_month_of_meetings_on_the_calendar(client, world, secretary, meeting):
    client.force_login(world.member)  # 张三 is expected at it
    month = timezone.localtime(meeting.starts_at)
    page = client.get("/life/calendar/", {"month": f"{month:%Y-%m}"}).content.decode()
    assert f"{month.year}年{month.month}月组织生活" in page
    assert page.count(f'href="/life/{meeting.pk}/"') == 2  # grid and list
    recording.cancel(
        secretary,
        planning.schedule(
            secretary,
            world.branch_a,
            {"kind": Kind.PARTY_LECTURE, "topic": "改期的党课", "starts_at": meeting.starts_at},
        ),
        reason="改期",
    )
    assert (
        "改期的党课"
        not in client.get("/life/calendar/", {"month": f"{month:%Y-%m}"}).content.decode()
    )
    assert client.get("/life/calendar/", {"month": "nonsense"}).status_code == 200
    client.force_login(world.outsider)
    assert (
        f'href="/life/{meeting.pk}/"'
        not in client.get("/life/calendar/", {"month": f"{month:%Y-%m}"}).content.decode()
    )


def test_the_host_and_the_recorder_are_chosen_from_those_at_the_meeting(
    client, world, secretary, meeting
):
    client.force_login(secretary)
    record = {
        "topic": meeting.topic,
        "starts_at": timezone.localtime(meeting.starts_at).strftime("%Y-%m-%dT%H:%M"),
        "place": "三楼",
        "host": world.zhang.pk,
        "recorder": world.li.pk,
    }
    page = client.post(f"/life/{meeting.pk}/record/", record, follow=True).content.decode()
    assert "张三 / 李四" in page
    meeting.refresh_from_db()
    assert (meeting.host, meeting.recorder) == (world.zhang, world.li)
    # 王五 is not at this meeting: refused with a Chinese message, nothing else lost
    refused = client.post(
        f"/life/{meeting.pk}/record/", {**record, "host": world.wang.pk, "place": "五楼"}
    )
    assert refused.status_code == 422 and "请从参会人员中选择" in refused.content.decode()
    assert 'value="五楼"' in refused.content.decode()
    meeting.refresh_from_db()
    assert meeting.host == world.zhang and meeting.place == "三楼"
