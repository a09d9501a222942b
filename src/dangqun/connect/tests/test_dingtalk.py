"""The 钉钉 client against the local server: sign-in chain, 免登, 工作通知, error codes."""

import pytest

from dangqun.connect import config
from dangqun.connect.client import ApiError, RateLimited
from dangqun.connect.dingtalk import DingTalkClient


@pytest.fixture
def client(fake):
    fake.state.ding_unions["union-li"] = "li01"
    fake.state.ding_users["li01"] = {"name": "李四", "mobile": "13900002222", "job_number": "E0002"}
    return DingTalkClient(config.dingtalk())


def test_identity_through_the_sign_in_chain(fake, client):
    fake.state.ding_codes["auth-1"] = "union-li"
    identity = client.identity("auth-1")
    assert (identity.external_id, identity.employee_no) == ("li01", "E0002")
    assert identity.mobile == "13900002222"
    grant = next(c for c in fake.state.calls if c[1] == "/v1.0/oauth2/userAccessToken")
    assert grant[3]["grantType"] == "authorization_code" and grant[3]["clientId"] == "ding-key"


def test_a_bad_auth_code_is_refused(fake, client):
    with pytest.raises(ApiError) as refused:
        client.identity("stale")
    assert refused.value.code == "invalidAuthCode"


def test_identity_from_a_free_login_code(fake, client):
    fake.state.ding_free_codes["free-1"] = "li01"
    assert client.identity_by_free_login("free-1").employee_no == "E0002"
    with pytest.raises(ApiError) as refused:
        client.identity_by_free_login("free-1")  # a code is good once
    assert refused.value.code == 40078


@pytest.mark.parametrize("code", [40014, 42001])
def test_an_expired_token_is_refreshed_once(fake, client, code):
    client.token()
    fake.state.fail("/topapi/message/corpconversation/asyncsend_v2", {"errcode": code})
    client.send_card("li01", title="t", description="d", url="https://dq.example.cn/")
    assert fake.state.count("/gettoken") == 2
    assert len(fake.state.sent) == 1


def test_rate_limit_backs_off(fake, client, no_wait):
    path = "/topapi/message/corpconversation/asyncsend_v2"
    fake.state.fail(path, {"errcode": 90018, "errmsg": "频率超限"}, times=3)
    with pytest.raises(RateLimited):
        client.send_card("li01", title="t", description="d", url="https://dq.example.cn/")
    assert no_wait == [1.0, 2.0] and fake.state.sent == []
    client.send_card("li01", title="t", description="d", url="https://dq.example.cn/")
    assert len(fake.state.sent) == 1


def test_the_work_notice_has_the_documented_fields(fake, client):
    client.send_card(
        "li01", title="请评价答复", description="您的反映已答复", url="https://x.cn/v/1/"
    )
    provider, payload = fake.state.sent[0]
    assert provider == "dingtalk"
    assert payload["agent_id"] == 2000003 and payload["userid_list"] == "li01"
    card = payload["msg"]["action_card"]
    assert payload["msg"]["msgtype"] == "action_card"
    assert card["title"] == "请评价答复" and card["single_url"] == "https://x.cn/v/1/"
    assert "您的反映已答复" in card["markdown"]


def test_a_server_error_page_is_a_transient_error(fake, client, no_wait):
    fake.state.fail("/topapi/v2/user/get", {"message": "bad gateway"}, status=502)
    with pytest.raises(ApiError) as failed:
        client.member("li01")
    assert failed.value.code == 502
