"""志愿服务证明 at phone size (issue #16 §2): a volunteer asks for a certificate of their hours and
downloads it, and a stranger — not signed in — verifies it by the address of its QR code; the
organiser's issuing and export pages. None of these pages is linked from the menu yet, so the
crawl cannot reach them: each is checked here the way the crawl checks a page (status, overflow,
broken images, CSP, console errors, English words)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.browser.conftest import fits, log_in
from tests.browser.test_crawl import INIT_SCRIPT, check_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def served(world):
    """张三 served 3 h at a volunteer activity of branch A (confirmed 2.5 h, corrected)."""
    from dangqun.activities import hours, organising, signups
    from dangqun.activities.models import Activity, ActivityKind, Status

    kind, _ = ActivityKind.objects.get_or_create(
        code="volunteer", defaults={"name": "志愿服务", "volunteer": True}
    )
    starts = timezone.now().replace(microsecond=0) - dt.timedelta(hours=4)
    activity = organising.create(
        world.owner,
        {
            "kind": kind,
            "title": "社区义诊",
            "org": world.branch_a,
            "starts_at": starts,
            "ends_at": starts + dt.timedelta(hours=3),
            "place": "幸福社区服务中心",
            "signup_closes_at": starts - dt.timedelta(hours=2),
        },
    )
    Activity.objects.filter(pk=activity.pk).update(
        status=Status.PUBLISHED,
        published_at=starts - dt.timedelta(days=7),
        signup_closes_at=timezone.now() + dt.timedelta(minutes=5),
    )
    activity.refresh_from_db()
    signups.sign_up(world.member, activity)
    organising.mark_held(world.owner, activity)
    (line,) = hours.confirmation_lines(activity)
    hours.confirm(world.owner, activity, {line.signup.pk: Decimal("2.5")})
    hours.correct(world.owner, activity, line.signup.pk, Decimal("3.0"), "签退漏记")
    return activity


def watched(page) -> list[str]:
    csp: list[str] = []
    page.context.expose_function("__cspReport", lambda report: csp.append(report))
    page.context.add_init_script(INIT_SCRIPT)
    return csp


@pytest.mark.parametrize("page", ["phone"], indirect=True)
def test_a_volunteer_downloads_a_certificate_and_a_stranger_verifies_it(page, world, browser):
    from dangqun.activities import certificates
    from dangqun.activities.certificate_models import Certificate

    served(world)
    csp = watched(page)
    log_in(page, "member")
    assert check_page(page, page.base_url, "/activities/certificates/", "phone", csp).problems == []
    assert "3.0 小时" in page.inner_text("#hours-summary")
    page.fill("#id_starts_on", (dt.date.today() - dt.timedelta(days=30)).isoformat())
    page.fill("#id_ends_on", dt.date.today().isoformat())
    page.click("#certificate-form button[type=submit]")
    page.wait_for_selector("#certificate-table .certificate-pdf")
    assert "志愿服务证明已开具" in page.inner_text("body")
    fits(page)
    certificate = Certificate.objects.get()
    code = certificates.displayed(certificates.code_of(certificate))
    assert page.inner_text("#certificate-table .certificate-code") == code
    href = page.get_attribute("#certificate-table .certificate-pdf", "href")
    pdf = page.context.request.get(page.base_url + href)
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")

    # a stranger scans the QR code: no login, only the masked name, hours, period and issuer
    stranger = browser.new_context(viewport={"width": 375, "height": 812}, locale="zh-CN")
    other = stranger.new_page()
    csp = watched(other)
    path = f"/c/{code}/"
    assert check_page(other, page.base_url, path, "phone", csp).problems == []
    result = other.inner_text("#verify-result")
    assert "证明真实有效" in result and "张*" in result and "3.0 小时" in result
    assert "甲公司综合部党支部" in result and "张三" not in other.inner_text("body")
    # one character changed: refused in Chinese, nothing shown
    raw = certificates.normalise(code)
    tampered = raw[:-1] + next(ch for ch in certificates.ALPHABET if ch != raw[-1])
    other.fill("#id_code", tampered)
    other.click("#verify-form button[type=submit]")
    other.wait_for_selector("#verify-form .invalid-feedback")
    assert certificates.TAMPERED in other.inner_text("#verify-form")
    assert other.locator("#verify-result").count() == 0
    fits(other)
    stranger.close()


@pytest.mark.parametrize("page", ["phone"], indirect=True)
def test_the_organisers_pages_fit_a_phone(page, world):
    served(world)
    csp = watched(page)
    log_in(page, "owner")
    for path in ("/activities/certificates/issue/", "/activities/hours/export/", "/c/"):
        assert check_page(page, page.base_url, path, "phone", csp).problems == [], path
    page.goto(page.base_url + "/activities/certificates/issue/")
    page.select_option("#id_org", label="甲公司党委")
    page.fill("#id_employee_no", "A0001")
    page.fill("#id_starts_on", (dt.date.today() - dt.timedelta(days=30)).isoformat())
    page.fill("#id_ends_on", dt.date.today().isoformat())
    page.click("#issue-form button[type=submit]")
    page.wait_for_selector("#issued-table .certificate-code")
    assert "张三" in page.inner_text("#issued-table")
    fits(page)
    code = page.inner_text("#issued-table .certificate-code").strip()

    # 工号 mistaken: the organiser withdraws it with a reason; the public page says 已作废
    page.click("#issued-table .certificate-withdraw summary")
    fits(page)
    page.fill("#issued-table .certificate-withdraw input[name=reason]", "工号填错")
    page.click("#issued-table .certificate-withdraw button[type=submit]")
    page.wait_for_selector("#issued-table .certificate-withdrawn")
    assert "证明已作废" in page.inner_text("body") and "工号填错" in page.inner_text(
        "#issued-table"
    )
    fits(page)
    page.context.clear_cookies()
    page.goto(f"{page.base_url}/c/{code}/")
    result = page.inner_text("#verify-result")
    assert "该证明已作废" in result and "真实有效" not in result and "小时" not in result
    fits(page)
