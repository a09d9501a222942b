"""钉钉 免登 inside the client: the login page hands over to the 免登 page, whose static script
posts the JSAPI's code; the server exchanges it through topapi/v2/user/getuserinfo (the local
server speaks its documented JSON), matches the person and lands on ``next`` — or says why not in
Chinese with a way on (登录授权, the password form)."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

from dangqun.connect.models import Binding
from dangqun.connect.tests.test_views import CHECKIN, DINGTALK_UA
from dangqun.core.models import AuditLog

FREE = "/connect/dingtalk/free/"
GETUSERINFO = "/topapi/v2/user/getuserinfo"


@pytest.fixture
def zhang(fake, world):
    """张三 is ding-zs in 钉钉, with his 工号 there; 免登 code free-1 is his."""
    fake.state.ding_users["ding-zs"] = {"name": "张三", "job_number": "A0001"}
    fake.state.ding_free_codes["free-1"] = "ding-zs"
    return world.member


def page_form(client, next_url=CHECKIN) -> dict:
    page = client.get(FREE, {"next": next_url}, HTTP_USER_AGENT=DINGTALK_UA)
    assert page.status_code == 200
    html = page.content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    return {"csrfmiddlewaretoken": token, "next": next_url, "html": html}


def test_the_login_page_inside_dingtalk_opens_the_free_login_page(client, fake, db):
    login = client.get("/accounts/login/", {"next": CHECKIN}, HTTP_USER_AGENT=DINGTALK_UA)
    assert login.status_code == 302
    assert urlsplit(login["Location"]).path == FREE
    assert parse_qs(urlsplit(login["Location"]).query)["next"] == [CHECKIN]


def test_the_page_carries_what_the_script_needs_and_no_inline_script(client, fake, db):
    html = page_form(client)["html"]
    assert 'data-corp-id="ding-corp"' in html and 'data-client-id="ding-key"' in html
    fallback = "/connect/dingtalk/start/?next=%2Flife%2F7%2Fcheckin%2F%3Fc%3DK3Y9"
    assert f'data-fallback="{fallback}"' in html and f'href="{fallback}"' in html
    assert "/static/connect/dingtalk-free-login.js" in html
    assert not re.search(r"<script(?![^>]*\ssrc=)[^>]*>", html)  # every script is a file
    assert 'name="next" value="/life/7/checkin/?c=K3Y9"' in html
    assert "?password=1" in html  # the password form stays one tap away


def test_a_free_login_code_signs_in_and_lands_on_next(client, fake, zhang):
    form = page_form(client)
    done = client.post(FREE, {**form, "code": "free-1"}, HTTP_USER_AGENT=DINGTALK_UA)

    assert done.status_code == 302 and done["Location"] == CHECKIN
    assert client.session["_auth_user_id"] == str(zhang.pk)
    [call] = [c for c in fake.state.calls if c[1] == GETUSERINFO]
    method, _, query, body = call
    assert method == "POST" and body == {"code": "free-1"} and query["access_token"]
    binding = Binding.objects.get(user=zhang, provider="dingtalk")
    assert (binding.external_id, binding.matched_by) == ("ding-zs", "employee_no")
    assert AuditLog.objects.filter(action="connect.bind", actor=zhang).count() == 1


def test_a_stale_code_is_refused_with_its_code_and_ways_on(client, fake, zhang):
    form = page_form(client)
    refused = client.post(FREE, {**form, "code": "stale"})

    assert refused.status_code == 403
    html = refused.content.decode()
    assert "钉钉未能确认您的身份（错误码 40078）" in html
    retry = "/connect/dingtalk/start/?next=%2Flife%2F7%2Fcheckin%2F%3Fc%3DK3Y9"
    assert f'href="{retry}" id="connect-retry"' in html  # 登录授权, keeping next
    assert "?password=1" in html
    assert "_auth_user_id" not in client.session


def test_a_code_is_good_once(client, fake, zhang):
    form = page_form(client)
    assert client.post(FREE, {**form, "code": "free-1"}).status_code == 302
    client.logout()
    form = page_form(client)
    assert client.post(FREE, {**form, "code": "free-1"}).status_code == 403


@pytest.mark.parametrize("code", ["", "x" * 300])
def test_no_code_or_no_plausible_code_is_a_bad_request(client, fake, zhang, code):
    response = client.post(FREE, {**page_form(client), "code": code})
    assert response.status_code == 400
    assert "未获得钉钉免登授权码" in response.content.decode()
    assert not any(c[1] == GETUSERINFO for c in fake.state.calls)


def test_an_expired_app_token_is_refreshed_once(client, fake, zhang):
    fake.state.fail(GETUSERINFO, {"errcode": 42001, "errmsg": "access_token expired"})
    done = client.post(FREE, {**page_form(client), "code": "free-1"})
    assert done.status_code == 302
    assert fake.state.count(GETUSERINFO) == 2


def test_rate_limiting_is_said_as_try_later(client, fake, zhang, no_wait):
    fake.state.fail(GETUSERINFO, {"errcode": 90018, "errmsg": "频率超限"}, times=3)
    response = client.post(FREE, {**page_form(client), "code": "free-1"})
    assert response.status_code == 502
    assert "暂时无法连接钉钉，请稍后重试" in response.content.decode()
    assert no_wait == [1.0, 2.0]


def test_an_unreachable_server_is_said_in_chinese(client, fake, zhang, settings):
    form = page_form(client)
    settings.DANGQUN_DINGTALK = {**settings.DANGQUN_DINGTALK, "oapi_base": "http://127.0.0.1:9"}
    response = client.post(FREE, {**form, "code": "free-1"})
    assert response.status_code == 502 and "暂时无法连接钉钉" in response.content.decode()


def test_someone_outside_the_enterprise_is_refused(client, fake, world):
    fake.state.ding_free_codes["free-x"] = "ding-nobody"
    response = client.post(FREE, {**page_form(client), "code": "free-x"})
    assert response.status_code == 403 and "错误码 60121" in response.content.decode()


def test_next_never_leaves_the_site(client, fake, zhang):
    form = page_form(client, next_url="https://evil.example/")
    assert form["next"] == "https://evil.example/" and 'value="/"' in form["html"]
    done = client.post(FREE, {**form, "code": "free-1"})
    assert done["Location"] == "/"


def test_a_post_without_the_pages_csrf_token_is_refused(fake, zhang):
    """Nobody can sign another's browser in with their own code (login CSRF)."""
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(FREE, {"code": "free-1", "next": "/"})
    assert response.status_code == 403
    assert not any(c[1] == GETUSERINFO for c in fake.state.calls)


def test_without_the_corp_id_there_is_no_free_login_and_dingtalk_uses_login_authorisation(
    client, fake, db, settings
):
    settings.DANGQUN_DINGTALK = {**settings.DANGQUN_DINGTALK, "corp_id": ""}
    assert client.get(FREE).status_code == 404
    login = client.get("/accounts/login/", HTTP_USER_AGENT=DINGTALK_UA)
    assert login["Location"].startswith("/connect/dingtalk/start/")


def test_the_page_costs_no_query(client, fake, db, django_assert_num_queries):
    client.get(FREE)
    with django_assert_num_queries(0):  # an anonymous visitor: no session row is read yet
        assert client.get(FREE, {"next": "/voices/new/"}).status_code == 200
