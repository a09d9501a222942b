from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "dangqun.notices"
    verbose_name = "消息提醒"
