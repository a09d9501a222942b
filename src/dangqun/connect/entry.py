"""Where a sign-in starts: the login page's buttons, and the automatic hand-over to the in-client
flow when the login page is opened inside 企业微信 or 钉钉 (a scanned QR code, a menu link)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from dangqun.connect import config

# Their documented User-Agent marks: 企业微信 adds "wxwork" (personal WeChat only "MicroMessenger"),
# 钉钉 adds "DingTalk".
CLIENT_MARKS = ((config.WECOM, "wxwork"), (config.DINGTALK, "dingtalk"))


def safe_next(request, value: str | None) -> str:
    """``value`` if it is a path or URL on this site (never another host), else the home page."""
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return reverse(settings.LOGIN_REDIRECT_URL)


def client_of(request) -> str | None:
    """The configured provider whose app this request comes from, if any."""
    agent = request.headers.get("User-Agent", "").lower()
    configured = set(config.sign_in_providers())
    for provider, mark in CLIENT_MARKS:
        if mark in agent and provider in configured:
            return provider
    return None


def start_url(provider: str, next_url: str) -> str:
    return f"{reverse('connect:start', args=[provider])}?{urlencode({'next': next_url})}"


def login_options(request, next_value: str | None) -> list[dict]:
    """The login page's buttons: one per configured provider, carrying ``next``."""
    next_url = safe_next(request, next_value)
    return [
        {"provider": p, "label": f"{config.label(p)}登录", "url": start_url(p, next_url)}
        for p in config.sign_in_providers()
    ]


def free_login_url(next_url: str) -> str | None:
    """The 钉钉 免登 page (JSAPI inside the client), when the CorpId it needs is configured."""
    ding = config.dingtalk()
    if ding is None or not ding.corp_id:
        return None
    return f"{reverse('connect:dingtalk_free')}?{urlencode({'next': next_url})}"


def in_client_start(request) -> HttpResponseRedirect | None:
    """Inside 企业微信 / 钉钉, go straight to its sign-in (no password form on a phone), unless
    the person asked for the password form (``?password=1``, linked from a failed sign-in).
    Inside 钉钉 that is the 免登 page when the CorpId is set, else 登录授权."""
    if request.GET.get("password"):
        return None
    provider = client_of(request)
    if provider is None:
        return None
    next_url = safe_next(request, request.GET.get("next"))
    if provider == config.DINGTALK:
        return HttpResponseRedirect(free_login_url(next_url) or start_url(provider, next_url))
    return HttpResponseRedirect(start_url(provider, next_url))
