"""Which enterprise sign-in and message channels are configured (all from the environment).

``settings.DANGQUN_WECOM``, ``settings.DANGQUN_DINGTALK`` and ``settings.DANGQUN_OIDC`` are dicts read
by ``settings.py``; a channel is on when its ids and secret are all given. The API hosts can be
changed (tests point them at a local server; a private deployment may use a proxy).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

WECOM = "wecom"
DINGTALK = "dingtalk"
OIDC = "oidc"
LABELS = {WECOM: "企业微信", DINGTALK: "钉钉", OIDC: "统一身份认证"}
# Which channel carries a person's messages when both are bound: the first configured here.
MESSAGE_CHANNELS = (WECOM, DINGTALK)


@dataclass(frozen=True)
class WeComConfig:
    corp_id: str
    agent_id: str
    secret: str
    api_base: str
    oauth_url: str
    qr_url: str


@dataclass(frozen=True)
class DingTalkConfig:
    app_key: str
    app_secret: str
    agent_id: str
    corp_id: str
    oapi_base: str
    api_base: str
    oauth_url: str


@dataclass(frozen=True)
class OidcConfig:
    issuer: str
    client_id: str
    client_secret: str
    scope: str
    employee_claim: str
    mobile_claim: str
    label: str


def wecom() -> WeComConfig | None:
    values = getattr(settings, "DANGQUN_WECOM", {}) or {}
    if not all(values.get(k) for k in ("corp_id", "agent_id", "secret")):
        return None
    return WeComConfig(**values)


def dingtalk() -> DingTalkConfig | None:
    values = getattr(settings, "DANGQUN_DINGTALK", {}) or {}
    if not all(values.get(k) for k in ("app_key", "app_secret")):
        return None
    return DingTalkConfig(**values)


def oidc() -> OidcConfig | None:
    values = getattr(settings, "DANGQUN_OIDC", {}) or {}
    if not all(values.get(k) for k in ("issuer", "client_id", "client_secret")):
        return None
    return OidcConfig(**values)


def sign_in_providers() -> list[str]:
    """The providers whose button the login page shows, in order."""
    found = {WECOM: wecom(), DINGTALK: dingtalk(), OIDC: oidc()}
    return [name for name, config in found.items() if config is not None]


def message_providers() -> list[str]:
    """Channels that can carry messages: configured, with an agent id, and a base URL for links."""
    if not settings.DANGQUN_BASE_URL:
        return []
    found = []
    if wecom() is not None:
        found.append(WECOM)
    ding = dingtalk()
    if ding is not None and ding.agent_id:
        found.append(DINGTALK)
    return found


def label(provider: str) -> str:
    if provider == OIDC:
        config = oidc()
        return config.label if config and config.label else LABELS[OIDC]
    return LABELS[provider]
