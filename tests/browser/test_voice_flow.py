import pytest

from tests.browser.conftest import fits, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_anonymous_voice_from_the_qr_page_is_routed_answered_and_rated(page, world, make_user):
    from dangqun.voices.models import Voice
    from dangqun.voices.posters import qr_token

    make_user("mass", role="mass_admin", org=world.company_a)
    make_user("handler", role="handler", org=world.dept_a)
    # The person scans the unit's poster: no login
    page.goto(f"{page.base_url}/v/{qr_token(world.dept_a)}/")
    page.select_option("#id_kind", "request")
    page.fill("#id_title", "早班车太挤")
    page.fill("#id_content", "7 点班车经常满员，希望高峰期加开一班。")
    page.check("input[name=identity][value=anonymous]")
    fits(page)
    page.click("#voice-form button[type=submit]")
    code = page.inner_text("#query-code").strip()
    assert len(code) == 14
    assert Voice.objects.get().user is None

    # 群工 routes it to the department
    page.context.clear_cookies()
    log_in(page, "mass")
    voice = Voice.objects.get()
    page.goto(f"{page.base_url}/voices/")
    page.click(f"#voice-table a:has-text('{voice.number}')")
    assert "匿名" in page.inner_text("#raised-by")
    # what the person typed keeps its line breaks (a class: the CSP refuses inline styles)
    assert (
        page.eval_on_selector("#voice-content", "e => getComputedStyle(e).whiteSpace") == "pre-wrap"
    )
    page.select_option("#action-assign #id_handling_org", str(world.dept_a.pk))
    page.click("#action-assign button[type=submit]")
    page.wait_for_selector("#voice-status:has-text('待响应')")

    # the department takes it and answers
    page.context.clear_cookies()
    log_in(page, "handler")
    page.goto(f"{page.base_url}/voices/{voice.pk}/")
    page.click("#action-respond button[type=submit]")
    page.wait_for_selector("#voice-status:has-text('办理中')")
    page.fill("#action-answer #id_text", "已协调公交公司，下周一起 7 点加开一班。")
    page.click("#action-answer button[type=submit]")
    page.wait_for_selector("#voice-status:has-text('待评价')")
    fits(page)

    # the person follows with the code and rates
    page.context.clear_cookies()
    page.goto(f"{page.base_url}/v/q/")
    page.fill("#id_code", code.lower())
    page.click("#code-form button[type=submit]")
    assert "下周一起 7 点加开一班" in page.inner_text("#answer")
    page.check("#rate-form input[name=rating][value=satisfied]")
    page.click("#rate-form button[type=submit]")
    page.wait_for_selector("text=感谢您的评价")
    assert page.inner_text("#voice-status") == "已办结"
    fits(page)


def test_leaders_see_the_rates_and_their_trend_chart(page, world):
    from dangqun.voices import intake

    intake.submit(
        None,
        {"title": "班车", "content": "太挤"},
        unit=world.dept_a,
        channel="qr",
        identity="anonymous",
    )
    log_in(page, "reader")
    page.goto(f"{page.base_url}/voices/metrics/")
    page.wait_for_selector("#trend-chart canvas")
    assert "合计" in page.inner_text("#metrics-table")
    fits(page)
