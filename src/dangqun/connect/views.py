"""Sign-in through 企业微信, 钉钉 or an OIDC server, and a person's message settings."""

from __future__ import annotations

import secrets
import time

import httpx
from authlib.common.security import generate_token
from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from dangqun.accounts import services as account_services
from dangqun.connect import actions, config, entry, services
from dangqun.connect.client import ApiError, RateLimited, Transient
from dangqun.connect.dingtalk import DingTalkClient
from dangqun.connect.oidc import OidcClient
from dangqun.connect.wecom import WeComClient
from dangqun.core import actions as core_actions

FLOWS = "connect_flows"
FLOW_SECONDS = 600
MAX_FLOWS = 5
MAX_CODE = 256  # a 免登 code is a short token; anything longer is not one


def client_for(provider: str):
    if provider == config.WECOM and config.wecom():
        return WeComClient(config.wecom())
    if provider == config.DINGTALK and config.dingtalk():
        return DingTalkClient(config.dingtalk())
    if provider == config.OIDC and config.oidc():
        return OidcClient(config.oidc())
    raise Http404("未启用该登录方式")


def callback_url(request, provider: str) -> str:
    path = reverse("connect:callback", args=[provider])
    base = settings.DANGQUN_BASE_URL.rstrip("/")
    return f"{base}{path}" if base else request.build_absolute_uri(path)


def failed(request, provider: str, message: str, status: int = 403, retry_url: str = ""):
    context = {"message": message, "provider_label": config.label(provider), "retry": retry_url}
    return render(request, "connect/failed.html", context, status=status)


@require_GET
def start(request, provider: str):
    """Send the browser to the provider, remembering where it was going (``next``)."""
    client = client_for(provider)
    state = secrets.token_hex(16)  # 企业微信 allows only a-zA-Z0-9 here
    flow = {"provider": provider, "next": entry.safe_next(request, request.GET.get("next"))}
    flow["at"] = time.time()
    redirect_uri = callback_url(request, provider)
    try:
        if provider == config.OIDC:
            flow["nonce"], flow["verifier"] = generate_token(32), generate_token(48)
            url = client.authorize_url(
                redirect_uri, state=state, nonce=flow["nonce"], verifier=flow["verifier"]
            )
        elif provider == config.WECOM and entry.client_of(request) != config.WECOM:
            url = client.qr_login_url(redirect_uri, state)
        else:
            url = client.authorize_url(redirect_uri, state)
    except ApiError:
        return failed(
            request, provider, "暂时无法连接身份服务器，请稍后再试或使用账号密码登录。", 502
        )
    flows = dict(request.session.get(FLOWS, {}))
    flows[state] = flow
    request.session[FLOWS] = dict(sorted(flows.items(), key=lambda kv: kv[1]["at"])[-MAX_FLOWS:])
    return redirect(url)


@require_GET
def callback(request, provider: str):
    """The provider sends the browser back with a code: find the person, sign in, go on."""
    client = client_for(provider)
    flows = dict(request.session.get(FLOWS, {}))
    flow = flows.pop(request.GET.get("state", ""), None)
    request.session[FLOWS] = flows
    if not flow or flow["provider"] != provider or time.time() - flow["at"] > FLOW_SECONDS:
        return failed(request, provider, "登录请求已失效，请重新登录。", 400)
    code = request.GET.get("code") or request.GET.get("authCode")
    if not code:
        return failed(request, provider, "未获得授权，登录已取消。", 400)
    if provider == config.OIDC:
        return signed_in(
            request,
            provider,
            lambda: client.identity(
                code,
                redirect_uri=callback_url(request, provider),
                nonce=flow["nonce"],
                verifier=flow["verifier"],
            ),
            flow["next"],
        )
    return signed_in(request, provider, lambda: client.identity(code), flow["next"])


def signed_in(request, provider: str, identify, next_url: str, retry_url: str = ""):
    """Ask the provider who this is (``identify``), find the account, sign in and go on to
    ``next_url``; or say in Chinese why not, with the way to the password form."""
    try:
        user = services.sign_in_user(identify())
    except (httpx.TransportError, ValueError, Transient, RateLimited):
        message = f"暂时无法连接{config.label(provider)}，请稍后重试或使用账号密码登录。"
        return failed(request, provider, message, 502, retry_url)
    except ApiError as exc:
        message = f"{config.label(provider)}未能确认您的身份（错误码 {exc.code}），请重试或使用账号密码登录。"
        return failed(request, provider, message, 403, retry_url)
    except ValidationError as exc:
        return failed(request, provider, " ".join(exc.messages), 403, retry_url)
    auth.login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    return redirect(next_url)


@require_http_methods(["GET", "POST"])
def dingtalk_free(request):
    """钉钉 免登 inside the client. GET: a page whose static script asks the client for a 免登
    code (JSAPI ``runtime.permission.requestAuthCode`` with the CorpId) and posts it back in the
    page's form (CSRF-protected, so nobody can sign a browser in as someone else). POST: the code
    is exchanged through ``topapi/v2/user/getuserinfo``, the person matched and signed in, and the
    browser goes on to ``next``. Without the JSAPI the script falls back to 登录授权."""
    ding = config.dingtalk()
    if ding is None or not ding.corp_id:
        raise Http404("未启用钉钉免登")
    next_url = entry.safe_next(request, request.POST.get("next") or request.GET.get("next"))
    fallback = entry.start_url(config.DINGTALK, next_url)
    if request.method == "GET":
        context = {"ding": ding, "next": next_url, "fallback": fallback}
        return render(request, "connect/dingtalk_free.html", context)
    code = request.POST.get("code", "").strip()
    if not code or len(code) > MAX_CODE:
        return failed(request, config.DINGTALK, "未获得钉钉免登授权码，登录已取消。", 400, fallback)
    client = DingTalkClient(ding)
    return signed_in(
        request, config.DINGTALK, lambda: client.identity_by_free_login(code), next_url, fallback
    )


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    """登录与消息推送: the person's bindings and the daily digest choice."""
    status = 200
    if request.method == "POST":
        outcome = core_actions.run(actions.OWN_ACTIONS, request.user, None, "digest", request.POST)
        if outcome.ok:
            messages.success(request, actions.OWN_ACTIONS["digest"].done)
            return redirect("connect:preferences")
        status = 422
    context = {
        "bindings": services.bindings_of(request.user),
        "daily_digest": services.wants_digest(request.user),
        "channels": [config.label(p) for p in config.message_providers()],
    }
    return render(request, "connect/preferences.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def account_bindings(request, pk: int):
    """An account's bindings, for the system and security administrators who see accounts; the
    system administrator binds and unbinds by hand."""
    account = account_services.require_visible(request.user, pk)
    form, status = None, 200
    if request.method == "POST":
        name = request.POST.get("action", "")
        outcome = core_actions.run(
            actions.ACCOUNT_ACTIONS, request.user, account, name, request.POST
        )
        if outcome.ok:
            messages.success(request, actions.ACCOUNT_ACTIONS[name].done)
            return redirect("connect:account_bindings", pk=account.pk)
        if name == "unbind":  # a button, not a form to show again
            errors = [e for field in outcome.form.errors.values() for e in field]
            messages.error(request, " ".join(errors))
            return redirect("connect:account_bindings", pk=account.pk)
        form, status = outcome.form, 422
    can_bind = core_actions.may(actions.ACCOUNT_ACTIONS, request.user, account, "bind")
    if can_bind and form is None:
        form = core_actions.build_form(actions.ACCOUNT_ACTIONS["bind"], request.user, account)
    context = {
        "account": account,
        "bindings": services.bindings_of(account),
        "form": form,
        "can_bind": can_bind,
    }
    return render(request, "connect/account_bindings.html", context, status=status)
