"""The pages of issue #14 §3 in Chromium: both QR codes load as images (naturalWidth > 0) on a
phone and a desktop, the poster prints on one A4 or A5 page, a query code shown once can be
copied and saved, and the error and help pages fit a phone without a CSP violation."""

import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from tests.browser.conftest import fits, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MM = 72 / 25.4  # PDF points per millimetre
PAPER = {"a4": (210, 297), "a5": (148, 210)}


def loaded_width(page, selector: str) -> int:
    """The natural width of an image once the browser finished loading it (0: broken)."""
    image = page.locator(selector)
    image.scroll_into_view_if_needed()
    page.wait_for_function("s => document.querySelector(s).complete", arg=selector)
    return image.evaluate("img => img.naturalWidth")


def watch_csp(page) -> list[str]:
    problems = []
    page.on(
        "console",
        lambda m: (
            problems.append(m.text)
            if m.type == "error" or "Content Security Policy" in m.text
            else None
        ),
    )
    return problems


def test_the_voice_poster_shows_its_code_and_prints_on_one_page(page, world, make_user):
    make_user("mass", role="mass_admin", org=world.company_a)
    problems = watch_csp(page)
    log_in(page, "mass")
    for size in ("a4", "a5"):
        page.emulate_media(media="screen")
        page.goto(f"{page.base_url}/voices/qr/{world.dept_a.pk}/?size={size}")
        assert loaded_width(page, "#qr-image") > 0
        assert page.inner_text("#poster-unit") == "甲公司综合部"
        fits(page)
        page.emulate_media(media="print")
        assert page.locator("#poster-tools").is_hidden() and page.locator("header").is_hidden()
        assert loaded_width(page, "#qr-image") > 0
        pdf = PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True, print_background=True)))
        assert len(pdf.pages) == 1, f"{size}: the poster fits one page"
        box = pdf.pages[0].mediabox
        width, height = PAPER[size]
        assert abs(float(box.width) - width * MM) < 2 and abs(float(box.height) - height * MM) < 2
        assert "/v/" in pdf.pages[0].extract_text()  # the address under the code is printed
    assert not problems, problems


def test_the_meeting_code_shows_on_the_page_and_large_on_a_projector(page, world, make_user):
    from dangqun.life import planning
    from dangqun.life.models import Kind

    secretary = make_user("secretary", role="branch_secretary", org=world.branch_a)
    meeting = planning.schedule(
        secretary,
        world.branch_a,
        {"kind": Kind.THEME_DAY, "topic": "重温入党誓词", "starts_at": timezone.now()},
    )
    problems = watch_csp(page)
    log_in(page, "secretary")
    page.goto(f"{page.base_url}/life/{meeting.pk}/")
    assert loaded_width(page, "#qr-panel img") > 0
    page.goto(f"{page.base_url}/life/{meeting.pk}/qr/screen/")
    assert loaded_width(page, "#qr-screen-image") > 0
    shown = page.locator("#qr-screen-image").bounding_box()
    viewport = page.viewport_size
    if page.viewport_name == "desktop":
        assert shown["width"] >= 0.5 * viewport["height"] - 2  # readable from the back of a room
    else:
        assert shown["width"] >= 0.85 * viewport["width"]
    fits(page)
    assert "重温入党誓词" in page.inner_text("#qr-screen")
    assert not problems, problems


@pytest.mark.parametrize("page", ["phone"], indirect=True)
def test_a_query_code_shown_once_is_copied_and_saved(page, world):
    from dangqun.voices.posters import qr_token

    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    problems = watch_csp(page)
    page.goto(f"{page.base_url}/v/{qr_token(world.dept_a)}/")
    page.select_option("#id_kind", "request")
    page.fill("#id_title", "食堂")
    page.fill("#id_content", "午餐排队太久。")
    page.check("input[name=identity][value=anonymous]")
    page.click("#voice-form button[type=submit]")
    code = page.inner_text("#query-code").strip()
    fits(page)

    page.click("#copy-code")
    page.wait_for_selector("#query-code-status:has-text('已复制查询码')")
    assert page.evaluate("() => navigator.clipboard.readText()") == code

    with page.expect_download() as saved:
        page.click("#save-code-text")
    text = saved.value.path().read_text(encoding="utf-8")
    assert saved.value.suggested_filename.endswith(".txt") and code in text and "/v/q/" in text

    with page.expect_download() as saved:
        page.click("#save-code-image")
    assert saved.value.suggested_filename.endswith(".png")
    assert loaded_width(page, "#query-code-image") == 720  # shown too: a long press keeps it
    fits(page)
    assert not problems, problems


def test_error_and_help_pages_are_chinese_and_fit(page, world):
    problems = watch_csp(page)
    response = page.goto(f"{page.base_url}/v/public/")
    assert response.status == 404
    assert page.inner_text("#error-title") == "页面不存在"
    assert page.locator("#error-home").is_visible()
    fits(page)
    page.click("#help-link")
    page.wait_for_selector("#user-guide")
    assert "群众呼声" in page.inner_text("#help-contents")
    fits(page)
    problems = [p for p in problems if "404" not in p]  # the console reports the 404 itself
    assert not problems, problems
