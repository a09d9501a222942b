"""A secretary plans a 主题党日, members check in by scanning the code on their phones, the minutes
are written and finalised, and the branch's radar turns green."""

import pytest
from django.utils import timezone
from PIL import Image

from tests.browser.conftest import fits, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("page", ["phone"], indirect=True)
def test_a_theme_day_from_plan_to_green_radar(page, world, make_user, tmp_path):
    import datetime as dt

    from dangqun.core.models import RuleOverride
    from dangqun.life.models import Meeting, Presence, Status
    from dangqun.orgs.models import Org

    # A branch founded 10 days ago owes no period yet (every ended period began before it), but
    # with a site's 5-day rule for 静默支部 it is already silent.
    founded = timezone.localdate() - dt.timedelta(days=10)
    Org.objects.filter(pk=world.branch_a.pk).update(founded_on=founded)
    RuleOverride.objects.create(rule_id="life.silent_branch", params={"days": 5})
    make_user("secretary", role="branch_secretary", org=world.branch_a)
    make_user("li", person=world.li)

    log_in(page, "secretary")
    page.goto(f"{page.base_url}/life/radar/?org={world.branch_a.pk}")
    assert "党支部尚无已召开的组织生活记录" in page.inner_text("#radar-findings")
    assert page.locator("#radar-green").count() == 0
    page.goto(f"{page.base_url}/life/new/")
    page.select_option("#id_org", str(world.branch_a.pk))
    page.select_option("#id_kind", "theme_day")
    page.fill("#id_topic", "主题党日：重温入党誓词")
    page.fill("#id_starts_at", timezone.localtime().strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_place", "党员活动室")
    fits(page)
    page.click("#meeting-form button[type=submit]")
    page.wait_for_selector("#meeting-status:has-text('计划中')")
    meeting = Meeting.objects.get()
    code = page.inner_text("#checkin-code").strip()
    assert page.locator("#qr-panel img").count() == 1

    page.goto(f"{page.base_url}/life/calendar/")
    assert "主题党日：重温入党誓词" in page.inner_text("#calendar-list")  # a list on a phone
    fits(page)

    # Members scan the code on their phones
    for username in ("member", "li"):
        page.context.clear_cookies()
        log_in(page, username)
        page.goto(f"{page.base_url}/life/{meeting.pk}/checkin/?c={code}")
        assert "重温入党誓词" in page.inner_text("body")
        fits(page)
        page.click("#checkin-form button[type=submit]")
        assert "签到成功" in page.inner_text("#checkin-result")
    assert meeting.attendees.filter(presence=Presence.PRESENT).count() == 2

    # The secretary writes the minutes and finalises them
    page.context.clear_cookies()
    log_in(page, "secretary")
    page.goto(f"{page.base_url}/life/{meeting.pk}/")
    assert "出席 2 人" in page.inner_text("#meeting-counts")
    page.fill("#action-record #id_minutes", "全体党员重温入党誓词，交流学习体会。")
    page.click("#action-record button[type=submit]")
    page.wait_for_selector("#meeting-status:has-text('已召开')")
    picture = tmp_path / "合影.png"
    Image.new("RGB", (64, 48), "red").save(picture)
    page.set_input_files("#action-files #id_files", str(picture))
    page.click("#action-files button[type=submit]")
    photo = page.locator("#meeting-files .photo-grid img")
    photo.scroll_into_view_if_needed()  # thumbnails load lazily
    page.wait_for_function(
        "() => document.querySelector('#meeting-files .photo-grid img').complete"
    )
    assert photo.evaluate("img => img.naturalWidth") == 64  # shown, not blocked by the CSP
    fits(page)
    page.click("#finalise-link")  # irreversible: a page says what it will do, then asks
    assert "没有人会被记为缺席" in page.inner_text("#finalise-absent")
    assert "符合法定人数" in page.inner_text("#finalise-quorum")
    fits(page)
    page.check("#finalise-check")
    page.click("#action-finalise button[type=submit]")
    page.wait_for_selector("#meeting-status:has-text('记录已定稿')")
    assert page.locator("#action-record").count() == 0  # finalised minutes cannot be edited
    fits(page)
    meeting.refresh_from_db()
    assert meeting.status == Status.FINALISED

    page.goto(f"{page.base_url}/life/radar/?org={world.branch_a.pk}")
    assert page.locator("#radar-green").is_visible()
    fits(page)

    # The 党委 above sees its branches rolled up, in a chart and a table
    page.context.clear_cookies()
    log_in(page, "owner")
    page.goto(f"{page.base_url}/life/radar/")
    page.wait_for_selector("#radar-chart canvas")
    assert "甲公司综合部党支部" in page.inner_text("#radar-table")
    fits(page)
