"""The 企业微信 client against the local server: token cache, identity, text card, error codes."""

import pytest

from dangqun.connect import config
from dangqun.connect.client import ApiError, RateLimited
from dangqun.connect.wecom import WeComClient


@pytest.fixture
def client(fake):
    fake.state.wecom_users["zhangsan"] = {"name": "张三", "mobile": "13800001111"}
    return WeComClient(config.wecom())


def test_identity_from_a_code_and_the_token_is_fetched_once(fake, client):
    fake.state.wecom_codes.update({"c1": "zhangsan", "c2": "zhangsan"})
    first = client.identity("c1")
    second = client.identity("c2")
    assert first.external_id == "zhangsan" and first.employee_no == "zhangsan"
    assert first.mobile == "13800001111" and first.name == "张三"
    assert second == first
    assert fake.state.count("/cgi-bin/gettoken") == 1
    token_call = next(c for c in fake.state.calls if c[1] == "/cgi-bin/gettoken")
    assert token_call[2] == {"corpid": "ww-corp", "corpsecret": "wc-secret"}


def test_an_unknown_code_is_refused_with_its_errcode(fake, client):
    with pytest.raises(ApiError) as refused:
        client.identity("nobody")
    assert refused.value.code == 40029


@pytest.mark.parametrize("code", [42001, 40014])
def test_an_expired_token_is_refreshed_and_the_call_repeated_once(fake, client, code):
    fake.state.wecom_codes["c1"] = "zhangsan"
    client.token()
    fake.state.fail(
        "/cgi-bin/auth/getuserinfo", {"errcode": code, "errmsg": "access_token expired"}
    )
    assert client.identity("c1").external_id == "zhangsan"
    assert fake.state.count("/cgi-bin/gettoken") == 2
    assert fake.state.count("/cgi-bin/auth/getuserinfo") == 2


def test_a_token_the_server_dropped_is_replaced(fake, client):
    fake.state.wecom_codes["c1"] = "zhangsan"
    client.token()
    fake.state.tokens.clear()  # the server ended it early, as the documents warn
    assert client.identity("c1").name == "张三"
    assert fake.state.count("/cgi-bin/gettoken") == 2


def test_a_token_that_expires_again_is_not_refreshed_twice(fake, client):
    fake.state.fail("/cgi-bin/message/send", {"errcode": 42001, "errmsg": "expired"}, times=2)
    with pytest.raises(ApiError) as refused:
        client.send_card("zhangsan", title="t", description="d", url="https://dq.example.cn/")
    assert refused.value.code == 42001
    assert fake.state.count("/cgi-bin/gettoken") == 2
    assert fake.state.sent == []


def test_rate_limit_backs_off_then_succeeds(fake, client, no_wait):
    fake.state.fail("/cgi-bin/message/send", {"errcode": 45009, "errmsg": "api freq out of limit"})
    client.send_card("zhangsan", title="会议通知", description="d", url="https://dq.example.cn/x")
    assert no_wait == [1.0]
    assert len(fake.state.sent) == 1


def test_rate_limit_that_lasts_is_reported_for_a_later_retry(fake, client, no_wait):
    fake.state.fail("/cgi-bin/message/send", {"errcode": 45033, "errmsg": "concurrent"}, times=5)
    with pytest.raises(RateLimited):
        client.send_card("zhangsan", title="t", description="d", url="https://dq.example.cn/")
    assert no_wait == [1.0, 2.0]
    assert fake.state.count("/cgi-bin/message/send") == 3


def test_the_text_card_has_the_documented_fields(fake, client):
    client.send_card(
        "zhangsan", title="请签到", description="支部大会", url="https://dq.example.cn/life/1/"
    )
    provider, payload = fake.state.sent[0]
    assert provider == "wecom"
    assert payload["touser"] == "zhangsan" and payload["msgtype"] == "textcard"
    assert payload["agentid"] == 1000002
    assert payload["textcard"] == {
        "title": "请签到",
        "description": "支部大会",
        "url": "https://dq.example.cn/life/1/",
        "btntxt": "详情",
    }
    assert payload["enable_duplicate_check"] == 1


def test_a_wrong_secret_is_an_error_not_a_retry_loop(fake, settings):
    settings.DANGQUN_WECOM = {**settings.DANGQUN_WECOM, "secret": "wrong"}
    with pytest.raises(ApiError) as refused:
        WeComClient(config.wecom()).token()
    assert refused.value.code == 40001


def test_sign_in_urls_carry_the_documented_parameters(fake, client):
    inside = client.authorize_url("https://dq.example.cn/connect/wecom/callback/", "abc123")
    assert inside.startswith("https://open.weixin.qq.com/connect/oauth2/authorize?appid=ww-corp")
    assert "scope=snsapi_base" in inside and "agentid=1000002" in inside
    assert inside.endswith("#wechat_redirect")
    qr = client.qr_login_url("https://dq.example.cn/connect/wecom/callback/", "abc123")
    assert "login_type=CorpApp" in qr and "state=abc123" in qr
