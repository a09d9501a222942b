"""Logging in and out, with the messages the pages show."""

from django.contrib import messages
from django.contrib.auth import views as auth_views

from dangqun.connect import entry


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            # Opened inside 企业微信 / 钉钉: sign in through it, no password form on a phone.
            handover = entry.in_client_start(request)
            if handover is not None:
                return handover
        if request.GET.get("idle"):
            messages.info(request, "长时间未操作，已自动退出，请重新登录。")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["sign_in_options"] = entry.login_options(self.request, self.get_redirect_url())
        return context


class LogoutView(auth_views.LogoutView):
    pass
