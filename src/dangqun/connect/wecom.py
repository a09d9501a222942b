"""企业微信 (WeCom) server API: access token, who signed in (网页授权 and 扫码登录), 应用消息.

Endpoints and fields as documented by 企业微信's developer centre (see decision 0017):
- ``GET /cgi-bin/gettoken?corpid=&corpsecret=`` → ``access_token``, ``expires_in`` (7200 s, cached;
  the server may end it early);
- ``GET /cgi-bin/auth/getuserinfo?access_token=&code=`` → ``userid`` (a member) or ``openid`` (not
  a member) — the same call serves the in-client OAuth code and the PC QR login code;
- ``GET /cgi-bin/user/get?access_token=&userid=`` → ``name``, ``mobile`` (only where the app is
  allowed to read it);
- ``POST /cgi-bin/message/send?access_token=`` with ``msgtype: textcard``.
errcode 42001 (token expired) and 40014 (invalid token) refresh the token once; 45009 (calls over
the limit), 45033 (too many at once) and -1 (busy) back off.
"""

from __future__ import annotations

from urllib.parse import urlencode

from dangqun.connect.client import ApiError, Identity, TokenClient
from dangqun.connect.config import WECOM, WeComConfig


class WeComClient(TokenClient):
    provider = WECOM
    expired_codes = frozenset({42001, 40014})
    limited_codes = frozenset({45009, 45033})

    def __init__(self, config: WeComConfig, **kwargs):
        super().__init__(**kwargs)
        self.config = config

    def url(self, path: str) -> str:
        return self.config.api_base.rstrip("/") + path

    # Sign-in URLs ------------------------------------------------------------------------------
    def authorize_url(self, redirect_uri: str, state: str) -> str:
        """网页授权 inside the 企业微信 client (silent, ``snsapi_base``)."""
        query = urlencode(
            {
                "appid": self.config.corp_id,
                "redirect_uri": redirect_uri,
                "response_type": "code",
                "scope": "snsapi_base",
                "state": state,
                "agentid": self.config.agent_id,
            }
        )
        return f"{self.config.oauth_url}?{query}#wechat_redirect"

    def qr_login_url(self, redirect_uri: str, state: str) -> str:
        """扫码登录 on a PC browser: the page shows a QR code the phone's 企业微信 scans."""
        query = urlencode(
            {
                "login_type": "CorpApp",
                "appid": self.config.corp_id,
                "agentid": self.config.agent_id,
                "redirect_uri": redirect_uri,
                "state": state,
            }
        )
        return f"{self.config.qr_url}?{query}"

    # Token and calls ---------------------------------------------------------------------------
    def cache_key(self) -> str:
        return f"connect:wecom:{self.config.corp_id}:{self.config.agent_id}:token"

    def fetch_token(self) -> tuple[str, int]:
        response = self.http.get(
            self.url("/cgi-bin/gettoken"),
            params={"corpid": self.config.corp_id, "corpsecret": self.config.secret},
        )
        return self.token_from(response)

    def call_url(self, path: str) -> str:
        return self.url(path)

    # What the platform asks --------------------------------------------------------------------
    def identity(self, code: str) -> Identity:
        """The member who brought ``code`` back from 网页授权 or 扫码登录."""
        info = self.call("GET", "/cgi-bin/auth/getuserinfo", params={"code": code})
        userid = info.get("userid") or info.get("UserId")
        if not userid:
            raise ApiError("not-member", "不是本企业的成员")
        member = self.call("GET", "/cgi-bin/user/get", params={"userid": userid})
        # Many enterprises make the 企业微信 account the 工号; the binding rules try it as one.
        return Identity(
            provider=WECOM,
            external_id=userid,
            employee_no=userid,
            mobile=member.get("mobile", ""),
            name=member.get("name", ""),
        )

    def send_card(self, userid: str, *, title: str, description: str, url: str) -> dict:
        """One 应用消息 (text card) to one member. The server's duplicate check is also on, so a
        repeat of the same card within an hour is dropped by 企业微信 as well."""
        payload = {
            "touser": userid,
            "msgtype": "textcard",
            "agentid": int(self.config.agent_id),
            "textcard": {
                "title": title[:128],
                "description": description[:512],
                "url": url,
                "btntxt": "详情",
            },
            "enable_duplicate_check": 1,
            "duplicate_check_interval": 3600,
        }
        body = self.call("POST", "/cgi-bin/message/send", json=payload)
        if body.get("invaliduser"):
            raise ApiError("invaliduser", f"收件人无效：{body['invaliduser']}")
        return body
