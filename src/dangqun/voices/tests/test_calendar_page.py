"""The working calendar page: everyone who manages voices reads it; only a group-wide admin changes it."""

import datetime

from dangqun.core import workcalendar as calendar
from dangqun.core.models import AuditLog, CalendarDay


def test_a_group_wide_admin_adds_and_removes_a_day(client, world, make_user):
    admin = make_user("group_mass", role="mass_admin", org=world.group)
    client.force_login(admin)
    page = client.get("/voices/calendar/?year=2026").content.decode()
    assert "10月1日 休" in page and "9月20日 上班" in page
    day = datetime.date(2026, 12, 28)  # a Monday
    assert calendar.is_workday(day)
    response = client.post(
        "/voices/calendar/", {"date": "2026-12-28", "is_workday": "0", "note": "厂庆"}
    )
    assert response.status_code == 302
    assert not calendar.is_workday(day)
    client.post("/voices/calendar/", {"remove": "2026-12-28"})
    assert calendar.is_workday(day) and not CalendarDay.objects.exists()
    assert AuditLog.objects.filter(action__startswith="voice.calendar").count() == 2


def test_a_subsidiary_admin_reads_but_does_not_change(client, world, mass, handler):
    client.force_login(mass)  # mass-work admin of company A only
    html = client.get("/voices/calendar/").content.decode()
    assert 'id="calendar-form"' not in html
    response = client.post("/voices/calendar/", {"date": "2026-12-28", "is_workday": "0"})
    assert response.status_code == 403 and not CalendarDay.objects.exists()
    client.force_login(handler)
    assert client.get("/voices/calendar/").status_code == 403


def test_a_bad_date_is_refused_in_chinese(client, world, make_user):
    client.force_login(make_user("group_mass", role="mass_admin", org=world.group))
    response = client.post("/voices/calendar/", {"date": "2026-02-30", "is_workday": "0"})
    assert response.status_code == 422 and "日期" in response.content.decode()
    assert not CalendarDay.objects.exists()
