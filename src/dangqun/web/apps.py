from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "dangqun.web"
    verbose_name = "页面"
