"""Sign-in from 企业微信 and 钉钉 in a real browser: the login page's buttons, a link opened inside the
企业微信 client lands on its page signed in (the provider's redirect is played by the local server),
and inside 钉钉 the 免登 page's script takes the JSAPI's code (``window.dd`` played by an init
script), or says the client's refusal, or goes on to 登录授权 without the JSAPI."""

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


DINGTALK_UA = (
    "Mozilla/5.0 (Linux; Android 13) AppleWebKit/537.36 Mobile Safari/537.36 AliApp(DingTalk/7.5.0)"
)
# 钉钉's JSAPI as the client provides it (window.dd), played by an init script: it hands out the
# 免登 code the local server knows, or refuses.
DD_GIVES = """window.dd = {ready: function (f) { setTimeout(f, 10); }, runtime: {permission: {
  requestAuthCode: function (o) {
    sessionStorage.setItem("askedWith", o.corpId);
    setTimeout(function () { o.onSuccess({code: "free-1"}); }, 10);
  }}}};"""
DD_REFUSES = """window.dd = {ready: function (f) { f(); }, runtime: {permission: {
  requestAuthCode: function (o) { o.onFail({errorCode: "7", errorMessage: "无权限"}); }}}};"""


def dingtalk_page(browser, live_server, script=None):
    context = browser.new_context(
        viewport={"width": 375, "height": 812}, locale="zh-CN", user_agent=DINGTALK_UA
    )
    if script:
        context.add_init_script(script)
    return context, context.new_page()


def test_inside_dingtalk_the_jsapi_code_signs_in_and_lands_on_the_page(
    browser, live_server, fake, world, settings
):
    settings.DANGQUN_BASE_URL = live_server.url
    fake.state.ding_users["ding-zs"] = {"name": "张三", "job_number": "A0001"}
    fake.state.ding_free_codes["free-1"] = "ding-zs"
    context, page = dingtalk_page(browser, live_server, DD_GIVES)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    page.goto(f"{live_server.url}/voices/new/")
    page.wait_for_url(f"{live_server.url}/voices/new/")

    assert page.is_visible("#voice-form") and not page.locator("#id_password").count()
    assert page.evaluate("sessionStorage.getItem('askedWith')") == "ding-corp"
    assert fake.state.count("/topapi/v2/user/getuserinfo") == 1
    assert not errors
    fits(page)
    context.close()


def test_a_refusal_by_the_client_is_said_with_ways_on(browser, live_server, fake, world):
    context, page = dingtalk_page(browser, live_server, DD_REFUSES)
    page.goto(f"{live_server.url}/connect/dingtalk/free/?next=/voices/new/")
    status = page.locator("#free-login-status")
    status.filter(has_text="钉钉未能给出免登授权（无权限）").wait_for()
    assert page.is_visible("#free-login-fallback") and page.is_visible("text=使用账号密码登录")
    assert not fake.state.count("/topapi/v2/user/getuserinfo")
    fits(page)
    context.close()


def test_without_the_jsapi_the_page_goes_on_to_login_authorisation(
    browser, live_server, fake, world, settings
):
    settings.DANGQUN_DINGTALK = {
        **settings.DANGQUN_DINGTALK,
        "oauth_url": f"{fake.url}/oauth2/auth",
    }
    context, page = dingtalk_page(browser, live_server)
    page.goto(f"{live_server.url}/connect/dingtalk/free/?next=/voices/new/")
    page.wait_for_url(lambda url: url.startswith(f"{fake.url}/oauth2/auth?"), timeout=5_000)
    assert "redirect_uri=" in page.url
    context.close()
