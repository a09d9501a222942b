"""End a session after a period without requests (idle timeout)."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse
from django.shortcuts import resolve_url

IDLE_MESSAGE = "长时间未操作，已自动退出，请重新登录。"


class IdleTimeoutMiddleware:
    """Log out a user whose last request is older than ``SESSION_IDLE_TIMEOUT_MINUTES``.

    The login page then says why. An HTMX request cannot show a login page inside a fragment,
    so it is told to load the login page instead (``HX-Redirect``).
    """

    SESSION_KEY = "last_seen"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(self.SESSION_KEY, now)
            if now - last_seen > settings.SESSION_IDLE_TIMEOUT_MINUTES * 60:
                logout(request)
                messages.info(request, IDLE_MESSAGE)
                if request.headers.get("HX-Request") == "true":
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = resolve_url(settings.LOGIN_URL)
                    return response
            elif now - last_seen > 30 or self.SESSION_KEY not in request.session:
                request.session[self.SESSION_KEY] = now  # write at most every 30 s
        return self.get_response(request)
