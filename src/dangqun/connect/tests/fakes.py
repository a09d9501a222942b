"""A local HTTP server that speaks the documented JSON of 企业微信, 钉钉 and an OIDC provider, so the
clients are tested over real HTTP without the network. Failures are queued per path."""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

from authlib.jose import JsonWebKey, jwt

CORP_ID, CORP_SECRET = "ww-corp", "wc-secret"
APP_KEY, APP_SECRET = "ding-key", "ding-secret"
CLIENT_ID, CLIENT_SECRET = "dangqun", "oidc-secret"


@dataclass
class State:
    tokens: set = field(default_factory=set)
    issued: int = 0
    calls: list = field(default_factory=list)  # (method, path, query, body)
    failures: dict = field(default_factory=dict)  # path -> [(status, body), ...]
    wecom_codes: dict = field(default_factory=dict)  # code -> userid
    wecom_users: dict = field(default_factory=dict)  # userid -> {name, mobile}
    ding_codes: dict = field(default_factory=dict)  # authCode -> unionId
    ding_free_codes: dict = field(default_factory=dict)  # 免登 code -> userid
    ding_unions: dict = field(default_factory=dict)  # unionId -> userid
    ding_users: dict = field(default_factory=dict)  # userid -> {name, mobile, job_number}
    oidc_codes: dict = field(default_factory=dict)  # code -> {claims, nonce, challenge}
    sent: list = field(default_factory=list)  # (provider, payload)
    signed_in_as: str = ""  # the member whose phone answers the 网页授权 page

    def fail(self, path: str, body: dict, *, times: int = 1, status: int = 200):
        self.failures.setdefault(path, []).extend([(status, body)] * times)

    def count(self, path: str) -> int:
        return sum(1 for call in self.calls if call[1] == path)


class FakeServer:
    def __init__(self):
        self.state = State()
        self.key = JsonWebKey.generate_key("RSA", 2048, is_private=True, options={"kid": "k1"})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self.handler())
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.issuer = f"{self.url}/oidc"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def reset(self):
        self.state = State()

    def id_token(self, claims: dict, *, key=None) -> str:
        now = int(time.time())
        body = {"iss": self.issuer, "aud": CLIENT_ID, "iat": now, "exp": now + 300, **claims}
        return jwt.encode({"alg": "RS256", "kid": "k1"}, body, key or self.key).decode()

    def handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                self.route("GET")

            def do_POST(self):
                self.route("POST")

            def route(self, method):
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.headers.get("Content-Type", "").startswith("application/json"):
                    body = json.loads(raw or b"{}")
                else:
                    body = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
                state = server.state
                state.calls.append((method, parts.path, query, body))
                queued = state.failures.get(parts.path)
                if queued:
                    self.reply(*queued.pop(0))
                    return
                status, answer = server.answer(method, parts.path, query, body, self.headers)
                self.reply(status, answer)

            def reply(self, status, body):
                if status == 302:
                    self.send_response(302)
                    self.send_header("Location", body["location"])
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                data = json.dumps(body, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        return Handler

    # The protocols -------------------------------------------------------------------------------
    def new_token(self, prefix: str) -> str:
        self.state.issued += 1
        token = f"{prefix}-{self.state.issued}"
        self.state.tokens.add(token)
        return token

    def answer(self, method, path, query, body, headers):
        s = self.state
        ok = {"errcode": 0, "errmsg": "ok"}
        bad_token = {"errcode": 40014, "errmsg": "invalid access_token"}
        if path == "/connect/oauth2/authorize":  # the page 企业微信 shows inside its client
            code = f"code-{len(s.wecom_codes) + 1}"
            s.wecom_codes[code] = s.signed_in_as
            back = f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query['state']})}"
            return 302, {"location": back}
        if path == "/cgi-bin/gettoken":
            if (query.get("corpid"), query.get("corpsecret")) != (CORP_ID, CORP_SECRET):
                return 200, {"errcode": 40001, "errmsg": "invalid credential"}
            return 200, {**ok, "access_token": self.new_token("wc"), "expires_in": 7200}
        if path == "/gettoken":
            if (query.get("appkey"), query.get("appsecret")) != (APP_KEY, APP_SECRET):
                return 200, {"errcode": 40089, "errmsg": "不合法的corpid或corpsecret"}
            return 200, {**ok, "access_token": self.new_token("dt"), "expires_in": 7200}
        if path.startswith(("/cgi-bin/", "/topapi/")) and query.get("access_token") not in s.tokens:
            return 200, bad_token
        if path == "/cgi-bin/auth/getuserinfo":
            userid = s.wecom_codes.pop(query.get("code"), None)
            if userid is None:
                return 200, {"errcode": 40029, "errmsg": "invalid code"}
            return 200, {**ok, "userid": userid, "user_ticket": ""}
        if path == "/cgi-bin/user/get":
            user = s.wecom_users.get(query.get("userid"))
            if user is None:
                return 200, {"errcode": 60111, "errmsg": "userid not found"}
            return 200, {**ok, "userid": query["userid"], **user}
        if path == "/cgi-bin/message/send":
            s.sent.append(("wecom", body))
            return 200, {**ok, "invaliduser": "", "msgid": f"m{len(s.sent)}"}
        if path == "/v1.0/oauth2/userAccessToken":
            union = s.ding_codes.pop(body.get("code"), None)
            if union is None or body.get("clientSecret") != APP_SECRET:
                return 400, {"code": "invalidAuthCode", "message": "授权码无效"}
            return 200, {"accessToken": f"user-{union}", "expireIn": 7200}
        if path == "/v1.0/contact/users/me":
            union = headers.get("x-acs-dingtalk-access-token", "").removeprefix("user-")
            user = s.ding_users.get(s.ding_unions.get(union), {})
            return 200, {"unionId": union, "nick": user.get("name", ""), "mobile": ""}
        if path == "/topapi/user/getbyunionid":
            userid = s.ding_unions.get(body.get("unionid"))
            if userid is None:
                return 200, {"errcode": 60121, "errmsg": "找不到该用户"}
            return 200, {**ok, "result": {"contact_type": 0, "userid": userid}}
        if path == "/topapi/v2/user/getuserinfo":
            userid = s.ding_free_codes.pop(body.get("code"), None)
            if userid is None:
                return 200, {"errcode": 40078, "errmsg": "不存在的临时授权码"}
            return 200, {**ok, "result": {"userid": userid}}
        if path == "/topapi/v2/user/get":
            user = s.ding_users.get(body.get("userid"))
            if user is None:
                return 200, {"errcode": 60121, "errmsg": "找不到该用户"}
            return 200, {**ok, "result": {"userid": body["userid"], **user}}
        if path == "/topapi/message/corpconversation/asyncsend_v2":
            s.sent.append(("dingtalk", body))
            return 200, {**ok, "task_id": len(s.sent), "request_id": "r"}
        return self.answer_oidc(method, path, query, body, headers)

    def answer_oidc(self, method, path, query, body, headers):
        s = self.state
        if path == "/oidc/.well-known/openid-configuration":
            return 200, {
                "issuer": self.issuer,
                "authorization_endpoint": f"{self.issuer}/authorize",
                "token_endpoint": f"{self.issuer}/token",
                "userinfo_endpoint": f"{self.issuer}/userinfo",
                "jwks_uri": f"{self.issuer}/jwks",
                "response_types_supported": ["code"],
                "id_token_signing_alg_values_supported": ["RS256"],
            }
        if path == "/oidc/jwks":
            return 200, {"keys": [self.key.as_dict(is_private=False)]}
        if path == "/oidc/token":
            expected = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
            if headers.get("Authorization") != f"Basic {expected}":
                return 401, {"error": "invalid_client"}
            grant = s.oidc_codes.pop(body.get("code"), None)
            if grant is None:
                return 400, {"error": "invalid_grant"}
            digest = hashlib.sha256(body.get("code_verifier", "").encode()).digest()
            if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != grant["challenge"]:
                return 400, {"error": "invalid_grant", "error_description": "PKCE"}
            claims = {**grant["claims"], "nonce": grant["nonce"]}
            token = self.id_token(claims, key=grant.get("key"))
            return 200, {
                "access_token": f"at-{claims['sub']}",
                "token_type": "Bearer",
                "expires_in": 300,
                "id_token": token,
            }
        if path == "/oidc/userinfo":
            sub = headers.get("Authorization", "").removeprefix("Bearer at-")
            return 200, {"sub": sub, **s.oidc_codes.get(f"info:{sub}", {})}
        return 404, {"errcode": 404, "errmsg": "请求的URI地址不存在"}
