"""Sign-in pages: buttons when configured, the in-client hand-over, and landing where the QR code
pointed, signed in."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from dangqun.connect.models import Binding
from dangqun.core.models import AuditLog
from dangqun.life import checkins, planning
from dangqun.life.models import Kind

WXWORK_UA = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko)"
    " Mobile/15E148 MicroMessenger/8.0.40 wxwork/4.1.16 MicroMessenger/7.0.1 Language/zh"
)
DINGTALK_UA = (
    "Mozilla/5.0 (Linux; Android 13) AppleWebKit/537.36 Mobile Safari/537.36 AliApp(DingTalk/7.5.0)"
)
CHECKIN = "/life/7/checkin/?c=K3Y9"


def query(location: str) -> dict:
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def test_the_login_page_shows_only_the_configured_buttons(client, db, settings):
    page = client.get("/accounts/login/").content.decode()
    assert (
        "企业微信登录" not in page and "钉钉登录" not in page and 'id="sign-in-options"' not in page
    )
    settings.DANGQUN_WECOM = {
        **settings.DANGQUN_WECOM,
        "corp_id": "c",
        "agent_id": "1",
        "secret": "s",
    }
    page = client.get("/accounts/login/?next=/voices/new/").content.decode()
    assert "企业微信登录" in page and "钉钉登录" not in page
    assert 'href="/connect/wecom/start/?next=%2Fvoices%2Fnew%2F"' in page
    assert 'name="password"' in page  # password login stays


def test_all_three_buttons_when_all_are_configured(client, fake):
    page = client.get("/accounts/login/").content.decode()
    for label in ("企业微信登录", "钉钉登录", "集团统一身份认证登录"):
        assert label in page


@pytest.mark.parametrize(
    ("agent", "flow"),
    [(WXWORK_UA, "/connect/wecom/start/"), (DINGTALK_UA, "/connect/dingtalk/free/")],
)
def test_inside_the_client_the_login_page_hands_over_to_its_sign_in(client, fake, agent, flow):
    """企业微信: 网页授权; 钉钉 with its CorpId: the 免登 page (test_free_login.py)."""
    response = client.get(
        f"/accounts/login/?next={CHECKIN.replace('?', '%3F').replace('=', '%3D')}",
        HTTP_USER_AGENT=agent,
    )
    assert response.status_code == 302
    assert response["Location"].startswith(flow)
    assert query(response["Location"])["next"] == CHECKIN


def test_the_password_form_can_still_be_asked_for_inside_the_client(client, fake):
    page = client.get("/accounts/login/?password=1", HTTP_USER_AGENT=WXWORK_UA)
    assert page.status_code == 200 and 'name="password"' in page.content.decode()


def test_without_configuration_the_client_gets_the_password_form(client, db):
    page = client.get("/accounts/login/", HTTP_USER_AGENT=WXWORK_UA)
    assert page.status_code == 200


def wecom_sign_in(client, fake, *, next_url=CHECKIN, agent=WXWORK_UA, code="code-1"):
    """What a phone does after scanning: the page asks for login, the login page hands over,
    企业微信 redirects back with a code."""
    page = client.get(next_url, HTTP_USER_AGENT=agent)
    assert page.status_code == 302 and page["Location"].startswith("/accounts/login/")
    login = client.get(page["Location"], HTTP_USER_AGENT=agent)
    start = client.get(login["Location"], HTTP_USER_AGENT=agent)
    assert start.status_code == 302
    authorize = query(start["Location"].split("#")[0])
    return client.get(
        "/connect/wecom/callback/",
        {"code": code, "state": authorize["state"]},
        HTTP_USER_AGENT=agent,
    ), start["Location"]


def test_a_scanned_check_in_link_lands_on_its_page_signed_in(client, fake, world):
    fake.state.wecom_codes["code-1"] = "A0001"
    fake.state.wecom_users["A0001"] = {"name": "张三", "mobile": "13800000001"}
    response, authorize = wecom_sign_in(client, fake)
    assert authorize.startswith("https://open.weixin.qq.com/connect/oauth2/authorize?")
    assert query(authorize.split("#")[0])["redirect_uri"] == (
        "https://dq.example.cn/connect/wecom/callback/"
    )
    assert response.status_code == 302 and response["Location"] == CHECKIN
    assert int(client.session["_auth_user_id"]) == world.member.pk
    assert Binding.objects.get(user=world.member).external_id == "A0001"


def test_a_pc_browser_gets_the_qr_login(client, fake, world):
    start = client.get("/connect/wecom/start/?next=/voices/new/")
    assert start["Location"].startswith("https://login.work.weixin.qq.com/wwlogin/sso/login?")
    fake.state.wecom_codes["qr-1"] = "A0001"
    fake.state.wecom_users["A0001"] = {"name": "张三"}
    state = query(start["Location"])["state"]
    done = client.get("/connect/wecom/callback/", {"code": "qr-1", "state": state})
    assert done["Location"] == "/voices/new/"


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"]
)
def test_next_never_leaves_the_site(client, fake, world, target):
    fake.state.wecom_codes["c"] = "A0001"
    fake.state.wecom_users["A0001"] = {"name": "张三"}
    start = client.get("/connect/wecom/start/", {"next": target})
    state = query(start["Location"])["state"]
    done = client.get("/connect/wecom/callback/", {"code": "c", "state": state})
    assert done["Location"] == "/"


def test_a_callback_without_its_state_is_refused(client, fake, world):
    fake.state.wecom_codes["c"] = "A0001"
    response = client.get("/connect/wecom/callback/", {"code": "c", "state": "forged"})
    assert response.status_code == 400
    assert "登录请求已失效" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_state_is_good_once(client, fake, world):
    fake.state.wecom_codes.update({"c1": "A0001", "c2": "A0001"})
    fake.state.wecom_users["A0001"] = {"name": "张三"}
    start = client.get("/connect/wecom/start/")
    state = query(start["Location"])["state"]
    assert client.get("/connect/wecom/callback/", {"code": "c1", "state": state}).status_code == 302
    client.logout()
    again = client.get("/connect/wecom/callback/", {"code": "c2", "state": state})
    assert again.status_code == 400


def test_an_unmatched_person_sees_why_and_a_way_to_the_password_form(client, fake, world):
    fake.state.wecom_codes["c"] = "stranger"
    fake.state.wecom_users["stranger"] = {"name": "某人", "mobile": "13700000000"}
    response, _ = wecom_sign_in(client, fake, code="c")
    text = response.content.decode()
    assert response.status_code == 403
    assert "未找到与您的企业微信账号对应的人员" in text
    assert "/accounts/login/?password=1" in text
    assert "_auth_user_id" not in client.session


def test_dingtalk_sign_in_lands_on_the_voice_form(client, fake, world):
    fake.state.ding_codes["auth-9"] = "u-zs"
    fake.state.ding_unions["u-zs"] = "ding-zs"
    fake.state.ding_users["ding-zs"] = {"name": "张三", "job_number": "A0001"}
    start = client.get("/connect/dingtalk/start/?next=/voices/new/", HTTP_USER_AGENT=DINGTALK_UA)
    assert start["Location"].startswith("https://login.dingtalk.com/oauth2/auth?")
    state = query(start["Location"])["state"]
    done = client.get("/connect/dingtalk/callback/", {"authCode": "auth-9", "state": state})
    assert done["Location"] == "/voices/new/"
    assert int(client.session["_auth_user_id"]) == world.member.pk


def test_an_unconfigured_provider_is_not_found(client, db):
    assert client.get("/connect/wecom/start/").status_code == 404


def test_the_preferences_page_switches_to_the_daily_digest(client, fake, world):
    client.force_login(world.member)
    page = client.get("/connect/").content.decode()
    assert "有消息时即时推送" in page and "企业微信或钉钉" in page
    done = client.post("/connect/", {"daily_digest": "1"}, follow=True).content.decode()
    assert "已保存消息推送方式" in done
    assert 'value="1" checked' in done
    assert world.member.message_preference.daily_digest is True
    assert client.post("/connect/", {"daily_digest": "maybe"}).status_code == 422
    assert AuditLog.objects.filter(action="connect.digest").count() == 1


def test_a_real_check_in_code_scanned_in_wecom_opens_the_check_in_signed_in(
    client, fake, world, make_user
):
    secretary = make_user("secretary", role="branch_secretary", org=world.branch_a)
    meeting = planning.schedule(
        secretary,
        world.branch_a,
        {"kind": Kind.THEME_DAY, "topic": "学习党章", "starts_at": timezone.now(), "place": "三楼"},
    )
    url = f"/life/{meeting.pk}/checkin/?c={checkins.checkin_code(meeting)}"
    fake.state.wecom_codes["code-1"] = "A0001"
    fake.state.wecom_users["A0001"] = {"name": "张三"}
    response, _ = wecom_sign_in(client, fake, next_url=url)
    assert response["Location"] == url
    page = client.get(url, HTTP_USER_AGENT=WXWORK_UA)
    assert page.status_code == 200 and "学习党章" in page.content.decode()
    assert "签到" in page.content.decode()


def test_an_unreachable_server_is_said_in_chinese(client, fake, world, settings):
    settings.DANGQUN_DINGTALK = {**settings.DANGQUN_DINGTALK, "api_base": "http://127.0.0.1:9"}
    start = client.get("/connect/dingtalk/start/")
    state = query(start["Location"])["state"]
    response = client.get("/connect/dingtalk/callback/", {"authCode": "a", "state": state})
    assert response.status_code == 502
    assert "暂时无法连接钉钉" in response.content.decode()


def test_an_unreachable_token_server_is_said_in_chinese(client, fake, world, settings):
    settings.DANGQUN_WECOM = {**settings.DANGQUN_WECOM, "api_base": "http://127.0.0.1:9"}
    start = client.get("/connect/wecom/start/")
    state = query(start["Location"])["state"]
    response = client.get("/connect/wecom/callback/", {"code": "c", "state": state})
    assert response.status_code == 502 and "暂时无法连接企业微信" in response.content.decode()


def test_the_push_setting_over_the_api(client, fake, world):
    client.force_login(world.member)
    shown = client.get("/api/notices/push/").json()
    assert shown == {"daily_digest": False, "channels": ["企业微信", "钉钉"], "bindings": []}
    changed = client.post(
        "/api/notices/push/", {"daily_digest": True}, content_type="application/json"
    )
    assert changed.status_code == 200 and changed.json()["daily_digest"] is True
    back = client.post(
        "/api/notices/push/", {"daily_digest": False}, content_type="application/json"
    )
    assert back.json()["daily_digest"] is False
    refused = client.post("/api/notices/push/", {}, content_type="application/json")
    assert refused.status_code == 400 and refused.json() == {"daily_digest": ["请选择推送方式"]}
    assert (
        client.post("/api/notices/push/", [1], content_type="application/json").status_code == 400
    )


def test_the_page_radios_still_say_yes_and_no(client, fake, world):
    client.force_login(world.member)
    client.post("/connect/", {"daily_digest": "1"})
    assert world.member.message_preference.daily_digest is True
    client.post("/connect/", {"daily_digest": "0"})
    world.member.message_preference.refresh_from_db()
    assert world.member.message_preference.daily_digest is False
