"""政策宣传 on a phone: an employee opens the home page, follows 我的必读 to the 必读 article (its
picture loads), passes its quiz, confirms 已阅读; the publisher sees the reach as rates and the
QR poster's code loads; every page fits 375 px."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.browser.conftest import fits, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("page", ["phone"], indirect=True)
def test_employee_reads_passes_the_quiz_and_confirms(page, world, settings, tmp_path):
    from dangqun.publicity import items
    from dangqun.publicity.models import Receipt, Theme
    from dangqun.seed.publicity import banner_png

    settings.MEDIA_ROOT = str(tmp_path)
    data = {
        "org": world.committee_a,
        "kind": "article",
        "title": "学习贯彻全会精神",
        "body": "<p>全会为今后五年发展指明了方向。</p><script>alert(1)</script>",
        "theme": Theme.ensure_defaults()["党的政策"],
        "required": True,
        "quiz_required": True,
        "pass_percent": 100,
        "pinned": True,
        "audience_who": "members",
    }
    image = SimpleUploadedFile("配图.png", banner_png(), content_type="image/png")
    item = items.create(world.owner, data, images=[image])
    items.add_question(
        world.owner,
        item,
        {
            "kind": "single",
            "stem": "全会指明了几年的方向？",
            "options": ["三年", "五年"],
            "answer": [1],
        },
    )
    items.add_question(
        world.owner,
        item,
        {
            "kind": "true_false",
            "stem": "要结合企业实际学习。",
            "options": ["正确", "错误"],
            "answer": [0],
        },
    )
    items.publish(world.owner, item)

    log_in(page, "member")
    page.goto(page.base_url + "/")
    page.wait_for_selector("#card-publicity-mine")
    assert "必读未确认" in page.inner_text("#card-publicity-mine")
    page.click("#card-publicity-mine >> text=去阅读")
    page.wait_for_selector("#item-body")
    assert "指明了方向" in page.inner_text("#item-body")
    page.wait_for_function(
        "() => [...document.querySelectorAll('img[data-item-image]')].every(i => i.complete)"
    )
    widths = page.locator("img[data-item-image]").evaluate_all("l => l.map(i => i.naturalWidth)")
    assert widths and all(w > 0 for w in widths)
    assert page.locator("#confirm-form").count() == 0  # the quiz first
    fits(page)

    page.click("#take-quiz")
    page.wait_for_selector("#quiz-form")
    page.click("#quiz-form >> text=三年")  # wrong: 50% < 100%
    page.click("#quiz-form >> text=正确")
    fits(page)
    page.click("#submit-quiz")
    page.wait_for_selector("#item-body")
    assert "未达到及格线" in page.inner_text("body")
    page.click("#take-quiz")
    page.click("#quiz-form >> text=五年")
    page.click("#quiz-form >> text=正确")
    page.click("#submit-quiz")
    page.wait_for_selector("#confirm-form")
    assert "测验通过" in page.inner_text("body")
    page.click("#confirm-form button[type=submit]")
    page.wait_for_selector("#confirmed")
    fits(page)
    assert Receipt.objects.get(item=item).confirmed_at is not None

    page.context.clear_cookies()
    log_in(page, "owner")
    page.goto(f"{page.base_url}/publicity/manage/{item.pk}/")
    total = page.inner_text("#reach-total")
    assert "已确认 1 人（50%）" in total and "张三" not in page.inner_text("#reach")
    page.wait_for_selector("#waiting-list")  # the names, loaded after the page
    assert "李四" in page.inner_text("#waiting-card") and "（1 人）" in page.inner_text(
        "#waiting-card"
    )
    fits(page)
    page.click("#to-poster")
    page.wait_for_function("() => document.querySelector('#qr-image').complete")
    assert page.locator("#qr-image").evaluate("img => img.naturalWidth") > 0
    fits(page)
