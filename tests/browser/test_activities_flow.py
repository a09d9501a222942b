"""志愿服务与活动 on a phone: an organiser creates and publishes a volunteer activity, an employee
finds it on the square from the menu, signs up in two taps and checks in with the code shown on
the organiser's check-in screen, the organiser confirms everyone's hours in one screen, the
employee downloads a 志愿服务证明 of them and a stranger, not signed in, verifies it."""

import datetime as dt
import io

import pytest
from django.utils import timezone

from tests.browser.conftest import fits, log_in, open_menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("page", ["phone"], indirect=True)
def test_sign_up_check_in_by_code_hours_confirmed_and_certificate_verified(page, world, browser):
    from dangqun.activities.models import Activity, HoursEntry, SignUp
    from dangqun.seed.activities import ensure_kinds

    ensure_kinds()  # a test that committed before this one flushed the migration's rows

    # The organiser creates the activity (starting in half an hour) and publishes it
    log_in(page, "owner")
    page.goto(f"{page.base_url}/activities/new/")
    starts = timezone.localtime() + dt.timedelta(minutes=30)
    page.select_option("#id_kind", label="志愿服务")
    page.fill("#id_title", "社区义诊志愿服务")
    page.select_option("#id_org", str(world.branch_a.pk))
    page.fill("#id_starts_at", starts.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_ends_at", (starts + dt.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_place", "幸福社区服务中心")
    page.fill("#id_capacity", "5")
    fits(page)
    page.click("#activity-form button[type=submit]")
    page.wait_for_selector("#activity-status:has-text('草稿')")
    page.click("#publish-button")
    page.wait_for_selector("#activity-status:has-text('报名中')")
    activity = Activity.objects.get()

    # The employee finds it on the square and signs up
    page.context.clear_cookies()
    log_in(page, "member")
    open_menu(page)
    page.click("#main-nav >> text=志愿服务与活动")
    page.wait_for_selector("#square-list")
    fits(page)
    page.click("#square-list >> text=社区义诊志愿服务")
    assert "剩余 5 个" in page.inner_text("#places")
    fits(page)
    page.click("#signup-button")
    assert "已报名" in page.inner_text("#signup-state")

    # The organiser shows the code; the employee types it in
    page.context.clear_cookies()
    log_in(page, "owner")
    page.goto(f"{page.base_url}/activities/{activity.pk}/checkin/screen/")
    image = page.locator("#qr-image")
    page.wait_for_function("() => document.querySelector('#qr-image').complete")
    assert image.evaluate("img => img.naturalWidth") > 0
    code = page.inner_text("#checkin-code").strip()
    fits(page)
    page.context.clear_cookies()
    log_in(page, "member")
    page.goto(f"{page.base_url}/activities/{activity.pk}/")
    page.fill("#code-input", code)
    page.click("#code-form button[type=submit]")
    assert "签到成功" in page.inner_text("body")
    assert SignUp.objects.get().by_code

    # Three hours later (the activity's times moved back): held, hours confirmed
    back = dt.timedelta(hours=3, minutes=30)
    Activity.objects.filter(pk=activity.pk).update(
        starts_at=activity.starts_at - back,
        ends_at=activity.ends_at - back,
        signup_closes_at=activity.signup_closes_at - back,
    )
    SignUp.objects.update(checked_in_at=activity.starts_at - back)
    page.context.clear_cookies()
    log_in(page, "owner")
    page.goto(f"{page.base_url}/activities/{activity.pk}/")
    page.click("#held-button")
    page.wait_for_selector("#activity-status:has-text('已举行')")
    page.click("#hours-link")
    assert page.input_value("#hours-table input") == "3.0"
    fits(page)
    page.click("#confirm-hours")
    assert "时长已确认" in page.inner_text("body")
    assert [e.hours for e in HoursEntry.objects.all()] == [3]

    page.context.clear_cookies()
    log_in(page, "member")
    page.goto(f"{page.base_url}/activities/volunteer/")
    assert "3.0 小时" in page.inner_text("#hours-total")
    fits(page)

    # The employee asks for a certificate and downloads it; the PDF reads back
    from pypdf import PdfReader

    page.click("#certificates-link")
    page.fill("#id_starts_on", (dt.date.today() - dt.timedelta(days=7)).isoformat())
    page.fill("#id_ends_on", dt.date.today().isoformat())
    page.click("#certificate-form button[type=submit]")
    page.wait_for_selector("#certificate-table .certificate-pdf")
    fits(page)
    code = page.inner_text("#certificate-table .certificate-code").strip()
    href = page.get_attribute("#certificate-table .certificate-pdf", "href")
    pdf = page.context.request.get(page.base_url + href)
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages)
    assert "社区义诊志愿服务" in text and "3.0" in text and code in text
    verify_path = f"/c/{code}/"
    assert verify_path in text.replace("\n", "")  # the QR code's address, printed beside it

    # A stranger opens that address on their phone: the certificate is valid, name masked
    stranger = browser.new_context(viewport={"width": 375, "height": 812}, locale="zh-CN")
    other = stranger.new_page()
    other.goto(page.base_url + verify_path)
    result = other.inner_text("#verify-result")
    assert "证明真实有效" in result and "3.0 小时" in result and "张*" in result
    assert "张三" not in other.inner_text("body")
    fits(other)
    stranger.close()


@pytest.mark.parametrize("page", ["phone"], indirect=True)
def test_a_joint_partner_is_found_by_name_and_ticked(page, world):
    """联办 (decision 0030): the organiser types part of a name, ticks a partner outside their
    scope, searches again (Enter searches, it does not save) and the tick stays; saved, it is
    the activity's co-organiser."""
    from dangqun.activities.models import Activity
    from dangqun.seed.activities import ensure_kinds

    ensure_kinds()
    log_in(page, "owner")
    page.goto(f"{page.base_url}/activities/new/")
    starts = timezone.localtime() + dt.timedelta(days=3)
    page.select_option("#id_kind", label="志愿服务")
    page.fill("#id_title", "联建义诊")
    page.select_option("#id_org", str(world.branch_a.pk))
    page.fill("#id_starts_at", starts.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_ends_at", (starts + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_place", "幸福社区")
    page.fill("#co-org-q", "乙公司生产")
    box = page.locator(f"#co-org-boxes input[value='{world.branch_b.pk}']")
    box.check()
    page.fill("#co-org-q", "甲公司")
    page.press("#co-org-q", "Enter")
    page.wait_for_selector(f"#co-org-boxes input[value='{world.committee_a.pk}']")
    assert page.url.endswith("/activities/new/")  # Enter searched, nothing was saved
    assert box.is_checked()
    assert page.locator(f"#co-org-boxes input[value='{world.branch_a.pk}']").count() == 0
    fits(page)
    page.click("#activity-form button[type=submit]")
    page.wait_for_selector("#activity-status:has-text('草稿')")
    assert list(Activity.objects.get(title="联建义诊").co_organisers.all()) == [world.branch_b]
