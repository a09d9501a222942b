"""Importing an archive of past voices on the page, on a phone and a laptop: upload, the
progress page, an unknown category mapped on the same screen, and the report."""

import pytest

from dangqun.voices.models import Category, Status, Voice
from dangqun.voices.tests.test_import import message, xlsx_file
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_archive_with_an_unknown_category_is_mapped_and_imported(
    page, world, make_user, tmp_path
):
    make_user("mass", role="mass_admin", org=world.company_a)
    canteen = Category.objects.create(name="食堂", handling_org=world.dept_a)
    rows = [
        message(类别="餐饮", 内容=f"尊敬的领导：您好！第{i}号窗口饭菜太咸。盼回复")
        for i in range(3)
    ]
    rows.append(message(内容="食堂排队太久，希望增加窗口"))
    path = tmp_path / "留言.xlsx"
    path.write_bytes(xlsx_file(rows).read())

    log_in(page, "mass")
    page.goto(page.base_url + "/voices/import/")
    page.set_input_files("#import-file", str(path))
    page.click("#import-submit")
    page.wait_for_selector("#import-mapping")
    form = page.inner_text("#import-mapping")
    assert "类别“餐饮”" in form and "第 2、3、4 行" in form
    page.select_option("#category-0", str(canteen.pk))
    page.click("#import-map-submit")
    page.wait_for_selector("#import-report")
    assert page.inner_text("#count-created") == "4"
    assert page.inner_text("#count-history") == "4"
    assert set(Voice.objects.values_list("status", "category")) == {(Status.HISTORY, canteen.pk)}
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"] + 1

    voice = Voice.objects.filter(content__contains="1号窗口").get()
    page.goto(page.base_url + f"/voices/{voice.pk}/")
    assert page.inner_text("h2.page-title") == "第1号窗口饭菜太咸"
    assert "标题由内容生成" in page.inner_text("#title-derived")
