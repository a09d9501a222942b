"""The 受理 card of a submitted voice with the category model's 3 suggestions: the first pre-filled
with its default unit, the card fitting a phone, and 受理 going through with what was pre-filled."""

import pytest

from tests.browser.conftest import fits, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_admin_sees_three_suggestions_and_accepts_the_prefilled_one(
    page, world, make_user, settings, tmp_path
):
    from dangqun.voices import classifier, handling, intake
    from dangqun.voices.models import Category, Status, Voice

    settings.DATA_DIR = tmp_path
    mass = make_user("mass", role="mass_admin", org=world.company_a)
    samples = {
        Category.objects.create(name="食堂", handling_org=world.dept_a): ["食堂饭菜太咸", "食堂午餐涨价", "食堂排队太久"],
        Category.objects.create(name="班车"): ["班车太挤", "班车晚点", "早班车发车太早"],
        Category.objects.create(name="宿舍", handling_org=world.dept_a): ["宿舍没有热水", "宿舍空调坏了", "宿舍漏水"],
    }  # fmt: skip
    for category, titles in samples.items():
        for n, title in enumerate(titles * 4):
            data = {"title": f"{title}{n}", "content": f"{title}，希望改进。", "contact_name": "王"}
            voice = intake.submit(None, data, unit=world.dept_a).voice
            handling.assign(mass, voice, handling_org=world.company_a, category=category)
    classifier.train(folds=3)
    data = {
        "title": "饭菜",
        "content": "最近食堂的饭菜太咸了，希望少放盐。" * 40,
        "contact_name": "李",
    }
    voice = intake.submit(None, data, unit=world.dept_a).voice

    log_in(page, "mass")
    page.goto(f"{page.base_url}/voices/{voice.pk}/")

    items = page.locator("#category-suggestions li")
    assert items.count() == 3
    assert "食堂" in items.nth(0).inner_text() and "置信度" in items.nth(0).inner_text()
    assert "已预填第一个类别及其默认承办单位" in page.inner_text("#category-suggestion")
    canteen = Category.objects.get(name="食堂")
    assert page.input_value("#action-assign #id_category") == str(canteen.pk)
    assert page.input_value("#action-assign #id_handling_org") == str(world.dept_a.pk)
    fits(page)
    page.screenshot(path=str(tmp_path / f"suggestions-{page.viewport_name}.png"), full_page=True)
    page.click("#action-assign button[type=submit]")
    page.wait_for_selector("#voice-status:has-text('待响应')")
    voice = Voice.objects.get(pk=voice.pk)
    assert (voice.status, voice.category, voice.handling_org) == (
        Status.ASSIGNED,
        canteen,
        world.dept_a,
    )
