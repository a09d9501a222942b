"""A generic OpenID Connect provider (an enterprise's own identity server), through Authlib.

Authorization code flow with PKCE (S256), ``state`` and ``nonce``; the provider's endpoints come
from its discovery document (``{issuer}/.well-known/openid-configuration``); the ID token's
signature is checked against the provider's JWKS and its ``iss``, ``aud``, ``exp`` and ``nonce``
validated; ``sub`` is the id a binding keeps. Decision 0017 says why Authlib.
"""

from __future__ import annotations

import httpx
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.httpx_client import OAuth2Client
from authlib.jose import JsonWebKey, jwt
from django.core.cache import cache

from dangqun.connect.client import TIMEOUT, ApiError, Identity, Transient, plain_json
from dangqun.connect.config import OIDC, OidcConfig

DISCOVERY_SECONDS = 3600


class OidcClient:
    def __init__(self, config: OidcConfig, *, http: httpx.Client | None = None):
        self.config = config
        self.http = http or httpx.Client(timeout=TIMEOUT)

    def metadata(self) -> dict:
        key = f"connect:oidc:{self.config.issuer}:metadata"
        found = cache.get(key)
        if found:
            return found
        url = self.config.issuer.rstrip("/") + "/.well-known/openid-configuration"
        try:
            found = plain_json(self.http.get(url))
        except httpx.TransportError as exc:
            raise Transient("network", str(exc)) from exc
        if found.get("issuer", "").rstrip("/") != self.config.issuer.rstrip("/"):
            raise ApiError("issuer", "身份服务器的 issuer 与配置不符")
        cache.set(key, found, DISCOVERY_SECONDS)
        return found

    def session(self, redirect_uri: str) -> OAuth2Client:
        return OAuth2Client(
            client_id=self.config.client_id,
            client_secret=self.config.client_secret,
            scope=self.config.scope,
            redirect_uri=redirect_uri,
            code_challenge_method="S256",
            timeout=TIMEOUT,
        )

    def authorize_url(self, redirect_uri: str, *, state: str, nonce: str, verifier: str) -> str:
        endpoint = self.metadata()["authorization_endpoint"]
        with self.session(redirect_uri) as session:
            url, _ = session.create_authorization_url(
                endpoint, state=state, nonce=nonce, code_verifier=verifier
            )
        return url

    def identity(self, code: str, *, redirect_uri: str, nonce: str, verifier: str) -> Identity:
        meta = self.metadata()
        try:
            with self.session(redirect_uri) as session:
                token = session.fetch_token(
                    meta["token_endpoint"], code=code, code_verifier=verifier
                )
                claims = self.verified_claims(token.get("id_token", ""), nonce)
                if meta.get("userinfo_endpoint"):
                    info = plain_json(session.get(meta["userinfo_endpoint"]))
                    if info.get("sub") == claims["sub"]:  # OIDC Core §5.3.2
                        claims = {**info, **dict(claims)}
        except AuthlibBaseError as exc:
            raise ApiError(getattr(exc, "error", "oidc"), str(exc)) from exc
        except httpx.TransportError as exc:
            raise Transient("network", str(exc)) from exc
        mobile = claims.get(self.config.mobile_claim, "")
        if claims.get("phone_number_verified") is False:
            mobile = ""
        return Identity(
            provider=OIDC,
            external_id=str(claims["sub"]),
            employee_no=str(claims.get(self.config.employee_claim, "") or ""),
            mobile=str(mobile or ""),
            name=str(claims.get("name", "") or ""),
        )

    def verified_claims(self, id_token: str, nonce: str):
        if not id_token:
            raise ApiError("id_token", "身份服务器未返回 ID 令牌")
        keys = JsonWebKey.import_key_set(plain_json(self.http.get(self.metadata()["jwks_uri"])))
        claims = jwt.decode(
            id_token,
            keys,
            claims_options={
                "iss": {"essential": True, "value": self.metadata()["issuer"]},
                "aud": {"essential": True, "value": self.config.client_id},
                "sub": {"essential": True},
                "exp": {"essential": True},
                "nonce": {"essential": True, "value": nonce},
            },
        )
        claims.validate(leeway=60)
        return claims
