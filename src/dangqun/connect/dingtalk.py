"""钉钉 (DingTalk) server API: app token, who signed in (登录授权 inside the client and by 扫码 on a
PC, and the JSAPI 免登 code), 工作通知.

Endpoints and fields as documented by 钉钉's open platform (see decision 0017):
- ``GET {oapi}/gettoken?appkey=&appsecret=`` → ``access_token``, ``expires_in`` (7200 s, cached);
- sign-in: ``{oauth}?client_id=&redirect_uri=&response_type=code&scope=openid&state=&prompt=consent``
  returns ``authCode``; ``POST {api}/v1.0/oauth2/userAccessToken`` exchanges it for the person's
  token, ``GET {api}/v1.0/contact/users/me`` gives ``unionId`` (and ``mobile``),
  ``POST {oapi}/topapi/user/getbyunionid`` the enterprise ``userid``;
- 免登 inside the client (JSAPI ``getAuthCode``): ``POST {oapi}/topapi/v2/user/getuserinfo``;
- ``POST {oapi}/topapi/v2/user/get`` → ``job_number`` (工号), ``mobile``, ``name``;
- ``POST {oapi}/topapi/message/corpconversation/asyncsend_v2`` with an ``action_card`` message.
errcode 40014 (invalid token) and 42001 (token expired) refresh once; 90018 and 90002 (over the
call limits) and -1 (busy) back off.
"""

from __future__ import annotations

from urllib.parse import urlencode

from dangqun.connect.client import ApiError, Identity, TokenClient, plain_json
from dangqun.connect.config import DINGTALK, DingTalkConfig


class DingTalkClient(TokenClient):
    provider = DINGTALK
    expired_codes = frozenset({40014, 42001})
    limited_codes = frozenset({90018, 90002})

    def __init__(self, config: DingTalkConfig, **kwargs):
        super().__init__(**kwargs)
        self.config = config

    def oapi(self, path: str) -> str:
        return self.config.oapi_base.rstrip("/") + path

    def api(self, path: str) -> str:
        return self.config.api_base.rstrip("/") + path

    def authorize_url(self, redirect_uri: str, state: str) -> str:
        """登录授权: inside 钉钉 it passes without a prompt; on a PC it shows the QR code to scan."""
        query = urlencode(
            {
                "redirect_uri": redirect_uri,
                "response_type": "code",
                "client_id": self.config.app_key,
                "scope": "openid",
                "state": state,
                "prompt": "consent",
            }
        )
        return f"{self.config.oauth_url}?{query}"

    # Token and calls ---------------------------------------------------------------------------
    def cache_key(self) -> str:
        return f"connect:dingtalk:{self.config.app_key}:token"

    def fetch_token(self) -> tuple[str, int]:
        response = self.http.get(
            self.oapi("/gettoken"),
            params={"appkey": self.config.app_key, "appsecret": self.config.app_secret},
        )
        return self.token_from(response)

    def call_url(self, path: str) -> str:
        return self.oapi(path)

    # What the platform asks --------------------------------------------------------------------
    def identity(self, code: str) -> Identity:
        """The member who brought ``authCode`` back from 登录授权."""
        response = self.http.post(
            self.api("/v1.0/oauth2/userAccessToken"),
            json={
                "clientId": self.config.app_key,
                "clientSecret": self.config.app_secret,
                "code": code,
                "grantType": "authorization_code",
            },
        )
        grant = plain_json(response)
        if "accessToken" not in grant:
            raise ApiError(grant.get("code", response.status_code), grant.get("message", ""))
        response = self.http.get(
            self.api("/v1.0/contact/users/me"),
            headers={"x-acs-dingtalk-access-token": grant["accessToken"]},
        )
        me = plain_json(response)
        if "unionId" not in me:
            raise ApiError(me.get("code", response.status_code), me.get("message", ""))
        found = self.call("POST", "/topapi/user/getbyunionid", json={"unionid": me["unionId"]})
        userid = (found.get("result") or {}).get("userid")
        if not userid:
            raise ApiError("not-member", "不是本企业的成员")
        return self.member(userid, mobile=me.get("mobile", ""))

    def identity_by_free_login(self, code: str) -> Identity:
        """The member behind a JSAPI 免登 code (``dd.getAuthCode`` inside the client)."""
        found = self.call("POST", "/topapi/v2/user/getuserinfo", json={"code": code})
        userid = (found.get("result") or {}).get("userid")
        if not userid:
            raise ApiError("not-member", "不是本企业的成员")
        return self.member(userid)

    def member(self, userid: str, *, mobile: str = "") -> Identity:
        detail = self.call("POST", "/topapi/v2/user/get", json={"userid": userid})
        result = detail.get("result") or {}
        return Identity(
            provider=DINGTALK,
            external_id=userid,
            employee_no=result.get("job_number", ""),
            mobile=result.get("mobile") or mobile,
            name=result.get("name", ""),
        )

    def send_card(self, userid: str, *, title: str, description: str, url: str) -> dict:
        """One 工作通知 (action card with one button) to one member."""
        payload = {
            "agent_id": int(self.config.agent_id),
            "userid_list": userid,
            "msg": {
                "msgtype": "action_card",
                "action_card": {
                    "title": title[:100],
                    "markdown": f"#### {title}\n\n{description}"[:2000],
                    "single_title": "查看详情",
                    "single_url": url,
                },
            },
        }
        return self.call("POST", "/topapi/message/corpconversation/asyncsend_v2", json=payload)
