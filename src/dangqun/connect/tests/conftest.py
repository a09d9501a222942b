import pytest
from django.core.cache import cache

from dangqun.connect.client import TokenClient
from dangqun.connect.tests import fakes


@pytest.fixture(scope="session")
def fake_server():
    server = fakes.FakeServer().start()
    yield server
    server.stop()


@pytest.fixture
def fake(fake_server, settings):
    """The local server, emptied, with every channel of the platform pointed at it."""
    fake_server.reset()
    cache.clear()
    url = fake_server.url
    settings.DANGQUN_BASE_URL = "https://dq.example.cn"
    settings.DANGQUN_WECOM = {
        "corp_id": fakes.CORP_ID,
        "agent_id": "1000002",
        "secret": fakes.CORP_SECRET,
        "api_base": url,
        "oauth_url": "https://open.weixin.qq.com/connect/oauth2/authorize",
        "qr_url": "https://login.work.weixin.qq.com/wwlogin/sso/login",
    }
    settings.DANGQUN_DINGTALK = {
        "app_key": fakes.APP_KEY,
        "app_secret": fakes.APP_SECRET,
        "agent_id": "2000003",
        "corp_id": "ding-corp",
        "oapi_base": url,
        "api_base": url,
        "oauth_url": "https://login.dingtalk.com/oauth2/auth",
    }
    settings.DANGQUN_OIDC = {
        "issuer": fake_server.issuer,
        "client_id": fakes.CLIENT_ID,
        "client_secret": fakes.CLIENT_SECRET,
        "scope": "openid profile phone",
        "employee_claim": "employee_number",
        "mobile_claim": "phone_number",
        "label": "集团统一身份认证",
    }
    yield fake_server
    cache.clear()


@pytest.fixture
def no_wait(monkeypatch):
    """Record the client's back-off instead of sleeping."""
    waits = []
    monkeypatch.setattr(TokenClient, "sleep", staticmethod(waits.append))
    return waits
