"""Error pages in Chinese and in the site's layout: 400, 403, 404, 500 and a refused CSRF check
(``urls.handler*`` and ``settings.CSRF_FAILURE_VIEW``). Under ``/api/`` the answer stays JSON
(``{"detail": …}``, as the API's own errors), never an HTML page."""

from __future__ import annotations

import logging
import re

from django.http import HttpResponse, JsonResponse
from django.template import loader

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"
PAGES_UNDER_API = ("/api/docs/",)  # a browser's page: its refusal is a page too
CHINESE = re.compile(r"[\u4e00-\u9fff]")

PAGES = {
    400: ("请求有误", "页面收到的内容无法处理。请返回上一页重新操作，或从首页重新进入。"),
    403: (
        "无权访问",
        "您的账号没有访问此页面或进行此操作的权限。如确需权限，请联系本单位的安全管理员。",
    ),
    404: (
        "页面不存在",
        "您要找的页面不存在、已被撤下，或您无权查看。请核对地址，或从首页重新进入。",
    ),
    500: (
        "服务器出错了",
        "平台处理您的请求时出错，问题已记录。请稍后重试；如果一直出现，请联系系统管理员。",
    ),
}
CSRF = (
    "页面已过期",
    "为了安全，表单须从本站打开的页面提交。请返回上一页，刷新后重新提交（已填写的内容可能需要重填）；"
    "如果仍然出现，请确认浏览器允许本站使用 Cookie。",
)
# When even the layout cannot be drawn (a broken template, a database that is down).
PLAIN = (
    '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
    "<title>{title} · 党群工作平台</title></head><body><h1>{title}</h1><p>{text}</p>"
    '<p><a href="/">返回首页</a></p></body></html>'
)


def bad_request(request, exception=None):
    return _answer(request, 400, exception)


def permission_denied(request, exception=None):
    return _answer(request, 403, exception)


def page_not_found(request, exception=None):
    return _answer(request, 404, exception)


def server_error(request):
    # Drawn without the request: no context processor, so no database query that may fail again.
    return _answer(request, 500, None, with_request=False)


def csrf_failure(request, reason=""):
    return _answer(request, 403, None, page=CSRF)


def said_to_user(exception) -> str:
    """The exception's message when it was written for the user (in Chinese, by a service or a
    view: "二维码无效或已停用…"), else ""; Django's own messages are English and internal."""
    args = getattr(exception, "args", ())
    message = args[0] if args else ""
    if isinstance(message, str) and CHINESE.search(message):
        return message
    return ""


def _answer(request, status, exception, *, page=None, with_request=True):
    title, text = page or PAGES[status]
    told = said_to_user(exception)
    if (
        request is not None
        and request.path_info.startswith(API_PREFIX)
        and request.path_info not in PAGES_UNDER_API
    ):
        return JsonResponse(
            {"detail": told or title}, status=status, json_dumps_params={"ensure_ascii": False}
        )
    context = {"status": status, "title": title, "text": text, "told": told}
    try:
        body = loader.render_to_string(
            "web/error.html", context, request=request if with_request else None
        )
    except Exception:  # the error page must answer even when its layout cannot be drawn
        logger.exception("error page %s could not be rendered", status)
        body = PLAIN.format(title=title, text=text)
    return HttpResponse(body, status=status)
