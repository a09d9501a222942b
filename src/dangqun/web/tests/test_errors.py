"""Error pages in Chinese and in the site's layout, with a way back; the API answers JSON.
Run with DEBUG off, as in production (Django's English pages are what DEBUG off showed before)."""

import pytest
from django.test import Client

from dangqun.voices.posters import qr_token

HOME_LINK = 'href="/" id="error-home">返回首页</a>'


@pytest.fixture(autouse=True)
def _production(settings):
    settings.DEBUG = False


def page_of(response) -> str:
    text = response.content.decode()
    assert response["Content-Type"].startswith("text/html")
    assert '<html lang="zh-CN">' in text and 'id="site-footer"' in text  # the site's layout
    assert HOME_LINK in text
    assert "Not Found" not in text and "Forbidden" not in text and "Server Error" not in text
    return text


@pytest.mark.parametrize("path", ["/v/public/", "/v/not-a-code/", "/no/such/page/"])
def test_unknown_addresses_get_the_chinese_404(client, db, path):
    response = client.get(path)
    assert response.status_code == 404
    text = page_of(response)
    assert "页面不存在" in text and "凭查询码查看反映" in text  # a visitor from a poster


def test_a_404_says_what_the_service_said(client, world):
    text = page_of(client.get("/v/public/"))
    assert "二维码无效或已停用，请联系本单位群工部门" in text  # Http404's Chinese message


def test_a_404_for_a_signed_in_user_keeps_the_menu(client, world):
    client.force_login(world.owner)
    response = client.get("/voices/999999/")
    assert response.status_code == 404
    text = page_of(response)
    assert "页面不存在" in text and 'id="main-nav"' in text
    assert "凭查询码查看反映" not in text
    # get_object_or_404's English message is internal: never shown
    response = client.get("/voices/qr/999999/")
    assert response.status_code == 404 and "matches the given query" not in page_of(response)


def test_a_403_says_why_in_chinese(client, world):
    client.force_login(world.member)
    response = client.get(f"/voices/qr/{world.dept_a.pk}/")
    assert response.status_code == 403
    text = page_of(response)
    assert "无权访问" in text and "您无权生成该单位的二维码" in text


def test_a_400_is_chinese(client, db):
    response = client.get("/help/", HTTP_HOST="evil.example")  # a host not allowed
    assert response.status_code == 400
    assert "请求有误" in page_of(response)


def test_a_refused_csrf_check_explains_itself(db, world):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "owner", "password": "x"})
    assert response.status_code == 403
    text = page_of(response)
    assert "页面已过期" in text and "刷新后重新提交" in text and "CSRF" not in text


@pytest.mark.urls("dangqun.web.tests.error_urls")
def test_a_500_is_chinese_without_touching_the_database(client, world, django_assert_num_queries):
    client.raise_request_exception = False
    client.force_login(world.owner)
    with django_assert_num_queries(2):  # the session and the user, read before the view failed
        response = client.get("/fails/")
    assert response.status_code == 500
    text = page_of(response)
    assert "服务器出错了" in text and "an unexpected failure" not in text


@pytest.mark.urls("dangqun.web.tests.error_urls")
def test_the_api_answers_json_for_every_error(client, world):
    client.raise_request_exception = False
    for path, status in (("/api/no-such-thing/", 404), ("/api/fails/", 500)):
        response = client.get(path)
        assert response.status_code == status
        assert response["Content-Type"] == "application/json"
        assert response.json()["detail"] in ("页面不存在", "服务器出错了")
    response = client.get("/api/me/", HTTP_HOST="evil.example")
    assert response.status_code == 400 and response.json() == {"detail": "请求有误"}
    client.force_login(world.member)
    response = client.get(f"/api/voices/{qr_token(world.dept_a)}/")
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
