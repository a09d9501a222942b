"""Logging in and out, with the messages the pages show."""

from django.contrib import messages
from django.contrib.auth import views as auth_views


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get(self, request, *args, **kwargs):
        if request.GET.get("idle"):
            messages.info(request, "长时间未操作，已自动退出，请重新登录。")
        return super().get(request, *args, **kwargs)


class LogoutView(auth_views.LogoutView):
    pass
