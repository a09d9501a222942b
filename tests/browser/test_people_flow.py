import pytest

from tests.browser.conftest import log_in, open_menu

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_log_in_search_by_pinyin_and_open_person(page, world):
    log_in(page, "owner")
    open_menu(page)
    page.click("text=人员")
    page.wait_for_selector("#q")
    page.fill("#q", "zs")
    page.wait_for_function("() => document.querySelectorAll('#results tbody tr a').length === 1")
    assert "张三" in page.inner_text("#results tbody")
    assert "李四" not in page.inner_text("#results tbody")
    assert "q=zs" in page.url  # the search is in the address, so it can be shared
    page.click("#results tbody a:has-text('张三')")
    page.wait_for_selector("text=党员信息")
    assert page.inner_text("#id-number").startswith("110")
    assert "*" in page.inner_text("#id-number")
    page.click("#reveal-id")
    page.wait_for_function("() => !document.querySelector('#id-number').innerText.includes('*')")
    assert page.inner_text("#id-number") == "110105199001011232"
    # nothing spills sideways on a phone
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"] + 1


def test_wrong_password_is_refused_in_chinese(page, world):
    page.goto(page.base_url + "/accounts/login/")
    page.fill("#id_username", "owner")
    page.fill("#id_password", "wrong-password")
    page.click("button[type=submit]")
    assert "用户名或密码不正确" in page.inner_text("body")


def test_filter_to_current_members(page, world):
    log_in(page, "owner")
    page.goto(page.base_url + "/people/")
    assert "王五" in page.inner_text("#results tbody")  # 群众: listed among everyone
    page.select_option("#party", "1")
    page.wait_for_function(
        "() => !document.querySelector('#results tbody').innerText.includes('王五')"
    )
    assert "张三" in page.inner_text("#results tbody")
    assert "party=1" in page.url
