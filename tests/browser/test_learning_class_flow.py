"""培训班 on a phone: the organiser's code screen shows the session's QR code; a member opens 学习培训
from the menu, goes to 我的培训班 and the class, types the code shown at the last session, sees
that they completed the class, downloads nothing more than a link to the 结业证书, and finds the
class's 学时 on 我的学时."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.browser.conftest import fits, log_in, open_menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("page", ["phone"], indirect=True)
def test_member_checks_in_by_code_and_sees_the_class_hours_in_the_ledger(page, world, make_user):
    from dangqun.learning import class_attendance, classes

    secretary = make_user("secretary", role="branch_secretary", org=world.branch_a)
    klass = classes.create(
        secretary,
        {
            "org": world.branch_a,
            "title": "学习贯彻党的二十大精神培训班",
            "description": "集中学习",
            "enrolment": "assigned",
            "threshold": 80,
            "audience_who": "members",
        },
    )
    now = timezone.now()
    starts = [
        now - dt.timedelta(days=2),
        now - dt.timedelta(days=1),
        now - dt.timedelta(minutes=10),
    ]
    sessions = [
        classes.save_session(
            secretary,
            klass,
            {
                "topic": f"第{n + 1}讲",
                "starts_at": s,
                "ends_at": s + dt.timedelta(hours=3),
                "place": "党员活动室",
            },
        )
        for n, s in enumerate(starts)
    ]
    classes.publish(secretary, klass)
    for session in sessions[:2]:  # the organiser marked the first two
        class_attendance.mark(secretary, klass, session.pk, world.zhang.pk, True)

    # The organiser's code screen: the QR code loads
    log_in(page, "secretary")
    page.goto(f"{page.base_url}/learning/manage/sessions/{sessions[2].pk}/")
    page.wait_for_function("() => document.querySelector('#qr-image').complete")
    assert page.evaluate("() => document.querySelector('#qr-image').naturalWidth") > 0
    fits(page)
    code = page.inner_text("#checkin-code").strip()

    # The member finds the class from the menu and types the code
    page.context.clear_cookies()
    log_in(page, "member")
    open_menu(page)
    page.click("#main-nav >> text=学习培训")
    page.click("#learning-nav >> text=我的培训班")
    fits(page)
    page.click("#classes-enrolled >> text=学习贯彻党的二十大精神培训班")
    assert "2/3 个课次，8 学时" in page.inner_text("#class-progress")
    fits(page)
    page.fill("#id_code", "abc")
    page.click("#code-form button[type=submit]")
    refusal = page.locator("[data-refusal]")
    assert "签到码已过期" in refusal.inner_text()
    page.fill("#id_code", code)
    page.click("#code-form button[type=submit]")
    page.wait_for_selector("#class-completed")
    assert "签到成功" in page.inner_text("body")
    assert "3/3 个课次，12 学时" in page.inner_text("#class-progress")
    assert page.locator("#certificate-link").is_visible()
    fits(page)

    # The ledger shows the class's 学时
    page.click("#class-completed >> text=我的学时")
    page.wait_for_selector("#ledger-entries")
    entries = page.inner_text("#ledger-entries")
    assert "培训班：学习贯彻党的二十大精神培训班" in entries and "12 学时" in entries
    assert "培训班" in page.inner_text("#ledger-sources")
    fits(page)
    page.screenshot(path="/tmp/lclasses_ledger.png", full_page=True)
