"""Sign-in from 企业微信 in a real browser: the login page's buttons, and a link opened inside the
企业微信 client lands on its page signed in (the provider's redirect is played by a route)."""

import pytest

from dangqun.connect.tests import conftest as connect_fixtures
from tests.browser.conftest import fits

# The local server speaking 企业微信's, 钉钉's and the OIDC provider's JSON, as in connect's tests.
fake_server = connect_fixtures.fake_server
fake = connect_fixtures.fake

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WXWORK_UA = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko)"
    " Mobile/15E148 wxwork/4.1.16 MicroMessenger/7.0.1 Language/zh"
)


def test_the_login_page_shows_the_configured_sign_in_buttons(page, fake, settings):
    settings.DANGQUN_BASE_URL = page.base_url
    page.goto(f"{page.base_url}/accounts/login/?next=/voices/new/")
    buttons = page.locator("#sign-in-options a")
    assert buttons.all_inner_texts() == ["企业微信登录", "钉钉登录", "集团统一身份认证登录"]
    assert page.is_visible("#id_password")  # password login stays
    fits(page)


def test_no_buttons_when_nothing_is_configured(page, db):
    page.goto(f"{page.base_url}/accounts/login/")
    assert page.locator("#sign-in-options").count() == 0


def test_the_voice_form_opened_inside_wecom_signs_in_and_stays(
    browser, live_server, fake, world, settings
):
    settings.DANGQUN_BASE_URL = live_server.url
    # 企业微信's 网页授权 page is played by the local server, answering for 张三's phone.
    settings.DANGQUN_WECOM = {
        **settings.DANGQUN_WECOM,
        "oauth_url": f"{fake.url}/connect/oauth2/authorize",
    }
    fake.state.signed_in_as = "A0001"
    fake.state.wecom_users["A0001"] = {"name": "张三", "mobile": "13800000001"}
    context = browser.new_context(
        viewport={"width": 375, "height": 812}, locale="zh-CN", user_agent=WXWORK_UA
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/voices/new/")
    # (the browser keeps the OAuth URL's #wechat_redirect fragment through the redirects)
    page.wait_for_url(lambda url: url.split("#")[0] == f"{live_server.url}/voices/new/")
    assert page.is_visible("#voice-form")
    assert not page.locator("#id_password").count()
    fits(page)
    context.close()
